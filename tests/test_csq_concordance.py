"""Agreement with bcftools csq on its own regression cases (real human transcripts).

The concordance figures are printed in the test summary. Every disagreement must be listed,
with its reason, in tests/data/csq_disagreements.tsv; a new one fails the test until it is
either fixed or explained there.
"""

import csv

import pytest

from .conftest import DATA
from .csq_oracle import compare_all

TABLE = DATA / "csq_disagreements.tsv"


@pytest.fixture(scope="module")
def comparisons():
    return compare_all()


def _explained():
    with open(TABLE) as fh:
        rows = csv.DictReader((ln for ln in fh if not ln.startswith("#")), delimiter="\t")
        return {(r["folder"], r["vcf"], int(r["pos"]), r["transcript"]): r for r in rows}


def _key(c):
    return (c.case.folder, c.case.vcf, c.case.pos, c.transcript)


def test_every_disagreement_is_explained(comparisons):
    explained = _explained()
    unexplained = [
        f"{c.case.folder} {c.case.vcf} {c.case.pos} {c.case.ref}>{c.case.alt} {c.transcript}: "
        f"bcftools {c.theirs}, ours {c.ours}"
        for c in comparisons
        if not c.agrees and _key(c) not in explained
    ]
    assert not unexplained, "\n".join(unexplained)


def test_no_stale_explanations(comparisons):
    disagreeing = {_key(c) for c in comparisons if not c.agrees}
    stale = [k for k in _explained() if k not in disagreeing]
    assert not stale, f"these now agree; remove them from {TABLE.name}: {stale}"


def test_categories(comparisons):
    explained = _explained()
    for c in comparisons:
        row = explained.get(_key(c))
        if not row:
            continue
        assert row["category"] in {"haplotype_merged", "bcftools_convention", "ours_right"}
        if row["category"] == "haplotype_merged":
            assert c.merged, _key(c)


def test_concordance(comparisons, record_csq_concordance):
    """Target: at least 95% on the consequence class, on the records bcftools annotates on
    their own (where its answer depends on other variants of the haplotype it follows a
    convention we do not, by design)."""
    own = [c for c in comparisons if not c.merged]
    total, n_own = len(comparisons), len(own)
    same_class = sum(c.same_class for c in comparisons)
    own_class = sum(c.same_class for c in own)
    own_term = sum(c.agrees for c in own)
    proteins = [c for c in comparisons if c.protein_ok is not None]
    proteins_ok = sum(c.protein_ok for c in proteins)
    # Records bcftools leaves blank only beside another variant of the haplotype, counted too.
    blank = [c for c in comparisons if c.merged and c.theirs is None]
    strict_n, strict_ok = n_own + len(blank), own_class + sum(c.same_class for c in blank)
    record_csq_concordance(
        f"bcftools csq concordance, consequence class: {own_class}/{n_own} "
        f"({own_class / n_own:.1%}) of transcript entries bcftools annotates alone "
        f"(most severe term identical: {own_term}/{n_own}, {own_term / n_own:.1%}); "
        f"all {total} entries incl. {total - n_own} haplotype-merged: {same_class}/{total} "
        f"({same_class / total:.1%}); protein change: {proteins_ok}/{len(proteins)}; "
        f"with the {len(blank)} record(s) bcftools leaves blank beside another variant counted "
        f"against us: {strict_ok}/{strict_n} ({strict_ok / strict_n:.1%})"
    )
    assert total >= 100
    assert own_class / n_own >= 0.95
    assert proteins_ok == len(proteins)
