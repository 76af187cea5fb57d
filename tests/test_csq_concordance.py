"""Agreement with bcftools csq on its own regression cases (real human transcripts).

The concordance figures are printed in the test summary. Every disagreement must be listed,
with its reason, in tests/data/csq_disagreements.tsv; a new one fails the test until it is
either fixed or explained there.
"""

import csv

import pytest

from .conftest import DATA
from .csq_oracle import CLASS, compare_all

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


# Changes bcftools reports for a whole haplotype that Annotator.annotate_together does not
# reproduce, with the reason.
TOGETHER_EXCEPTIONS = {
    ("stop-gained-not-inframe-insertion.vcf", 46862, "ENST00000269081"):
        "five changes in four exons: bcftools splices the haplotype's exons; annotate_together "
        "takes the bases between its changes as one allele, introns included",
}  # fmt: skip


def test_haplotype_changes_taken_together(comparisons, record_csq_concordance):
    """Where bcftools reports several records of a haplotype as one change ('a+b'), our
    annotation of the same records taken together agrees with it."""
    together = [c for c in comparisons if c.together is not None]
    same = [
        c for c in together if CLASS.get(c.together, c.together) == CLASS.get(c.theirs, c.theirs)
    ]
    proteins = [c for c in together if c.together_protein_ok is not None]
    record_csq_concordance(
        f"bcftools csq haplotype changes, our annotate_together on the same records: "
        f"consequence class {len(same)}/{len(together)}, protein change "
        f"{sum(c.together_protein_ok for c in proteins)}/{len(proteins)}"
    )
    assert len(together) >= 15
    wrong = {(c.case.vcf, c.case.pos, c.transcript) for c in together if c not in same}
    wrong |= {(c.case.vcf, c.case.pos, c.transcript) for c in proteins if not c.together_protein_ok}
    assert wrong == set(TOGETHER_EXCEPTIONS)


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
