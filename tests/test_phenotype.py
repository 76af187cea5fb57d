"""Genes ranked by HPO terms, against the annotations shipped with hpo3: each gene ranked by
its own disease's terms, excluded terms, and the IDs a user can get wrong."""

from __future__ import annotations

import pytest

from mmpsi_variants.core.errors import UsageError
from mmpsi_variants.phenotype.ontology import ontology, parse_terms
from mmpsi_variants.phenotype.ranking import rank_genes

from .conftest import _SUMMARY

# EIMFS genes and an OMIM disease of each, as the shipped annotations name them.
PAIRS = [
    ("KCNT1", 614959),  # Developmental and epileptic encephalopathy 14
    ("SCN1A", 607208),  # Epileptic encephalopathy, early infantile, 6 (Dravet syndrome)
    ("SCN2A", 613721),  # Epileptic encephalopathy, early infantile, 11
    ("PLCB1", 613722),  # Developmental and epileptic encephalopathy 12
    ("PCDH19", 300088),  # Epileptic encephalopathy, early infantile, 9
    ("ALDH7A1", 266100),  # Epilepsy, pyridoxine-dependent
    ("SLC12A5", 616645),  # Epileptic encephalopathy, early infantile, 34
]


def _disease_terms(omim: int) -> list[str]:
    (disease,) = [d for d in ontology().omim_diseases if d.id == omim]
    return [f"HP:{t:07d}" for t in sorted(disease.hpo)]


@pytest.mark.parametrize(("gene", "omim"), PAIRS)
def test_a_gene_ranks_in_the_top_10_by_its_own_diseases_terms(gene, omim):
    ranked = rank_genes(parse_terms(_disease_terms(omim)))
    (hit,) = [r for r in ranked if r.gene == gene]
    _SUMMARY.append(f"phenotype ranking: {gene} ranks {hit.rank} of {len(ranked)} genes by the "
                    f"terms of OMIM:{omim}")  # fmt: skip
    assert hit.rank <= 10
    assert hit.p_value is not None and hit.p_value < 1e-6 and hit.matched_terms


def test_an_excluded_term_lowers_a_gene_whose_disease_has_it():
    terms = _disease_terms(614959)
    base = {r.gene: r for r in rank_genes(parse_terms(terms[:8]))}
    (extra,) = [t for t in terms[8:9]]
    lowered = {r.gene: r for r in rank_genes(parse_terms([*terms[:8], f"-{extra}"]))}
    assert lowered["KCNT1"].score < base["KCNT1"].score
    assert lowered["KCNT1"].excluded_matched == (extra,)
    # A gene without that term loses nothing.
    untouched = next(g for g, r in base.items() if r.score > 0 and not lowered[g].excluded_matched)
    assert lowered[untouched].score == pytest.approx(base[untouched].score)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("HP:9999999", "HP:9999999 is not in the HPO"),
        ("HP:12", "'HP:12' is not an HPO ID"),
        ("HP:0000057", "HP:0000057 (obsolete Clitoromegaly) is obsolete in HPO 20"),
        ("HP:0001250;HP:0001250", "HP:0001250 is given twice"),
    ],
)
def test_unknown_obsolete_and_malformed_ids_are_named(spec, message):
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_terms([spec])


def test_an_obsolete_id_names_its_replacement():
    with pytest.raises(UsageError, match=r"use HP:0008665 \("):
        parse_terms(["HP:0000057"])


def test_the_command_prints_the_method_release_and_the_genes_asked_for(run):
    result = run("phenotype", "--hpo", "HP:0200134", "--hpo", "HP:0001250", "--genes", "KCNT1",
                 "--genes", "SCN1A")  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("# mmpsi-variants phenotype (for research use): hypergeometric")
    assert lines[1].startswith("# HPO release 20") and "hpo3" in lines[1]
    header, *rows = [ln for ln in lines if not ln.startswith("#")]
    assert header.split("\t") == ["rank", "gene", "hgnc_id", "score", "p_value",
                                  "matched_terms", "excluded_matched"]  # fmt: skip
    assert {r.split("\t")[1] for r in rows} == {"KCNT1", "SCN1A"}
    assert "HGNC:18865" in result.output  # KCNT1's HGNC ID, from the panel
    bad = run("phenotype", "--hpo", "HP:9999999")
    assert bad.exit_code == 2 and "Traceback" not in bad.output
