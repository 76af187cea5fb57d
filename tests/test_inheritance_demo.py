"""Inheritance on the demo family: the planted de novo, compound het, X-linked and mosaic cases.

Expectations are in tests/data/inheritance/demo_expected.tsv, one row per planted call, with the
design reason from resources/demo/truth_calls.tsv.
"""

from __future__ import annotations

import csv
import json

import pytest

from .conftest import DATA, DEMO

BASE = ["--genes", DEMO / "genes.gff3", "--reference", DEMO / "genome.fa", "--build", "none"]


def _expected():
    with open(DATA / "inheritance" / "demo_expected.tsv") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _load(outdir):
    docs = {p.name.split(".")[0]: json.loads(p.read_text()) for p in outdir.glob("*.json")}
    calls = {(s, v["chrom"], v["pos"], v["alt"]): v for s, d in docs.items() for v in d["variants"]}
    return docs, calls


@pytest.fixture(scope="module")
def family(tmp_path_factory):
    from click.testing import CliRunner

    from mmpsi_variants.cli import cli

    out = tmp_path_factory.mktemp("inh")
    args = ["filter", DEMO / "demo.vcf.gz", *BASE, "--ped", DEMO / "demo.ped", "-o", out]
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return _load(out)


@pytest.mark.parametrize(
    "row", _expected(), ids=lambda r: f"{r['sample']}-{r['chrom']}:{r['pos']}{r['alt']}"
)
def test_planted_calls(family, row):
    _, calls = family
    v = calls[(row["sample"], row["chrom"], int(row["pos"]), row["alt"])]
    want = [t for t in row["tags"].strip().split(",") if t]
    assert v["inheritance"] == want, v["origin"]
    assert v["inheritance_fit"]["fit"] == row["fit"], v["inheritance_fit"]


def test_kcnt1_de_novo_is_confirmed(family):
    docs, calls = family
    dn = calls[("EIMFS01", "chr9", 12383, "T")]["de_novo"]
    assert dn["status"] == "de_novo" and dn["confidence"] == "confirmed"
    assert dn["acmg_eligibility"] == "PS2" and dn["parentage"] == "passed"
    parents = {p["role"]: p for p in dn["parents"]}
    assert parents["father"]["genotype"] == parents["mother"]["genotype"] == "0/0"
    assert parents["father"]["alt_depth"] == parents["mother"]["alt_depth"] == 0
    assert all(p["passes"] for p in parents.values()) and dn["child"]["passes"]
    # ... because parentage passed for both parents over the genome-wide background sites.
    pairs = docs["EIMFS01"]["parentage"]["pairs"]
    assert [p["status"] for p in pairs] == ["passed", "passed"]
    assert all(p["informative_sites"] >= 100 and p["opposite_homozygotes"] == 0 for p in pairs)


def test_aldh7a1_pair_is_phased_by_the_parents(family):
    _, calls = family
    a = calls[("EIMFS01", "chr5", 16273, "G")]["compound_het"]
    b = calls[("EIMFS01", "chr5", 20236, "T")]["compound_het"]
    assert a["partners"] == [
        {"variant": "chr5:20236:C:T", "phase": "trans", "phased_by": "parents"}
    ]
    assert b["partners"] == [
        {"variant": "chr5:16273:C:G", "phase": "trans", "phased_by": "parents"}
    ]


def test_inherited_variant_is_not_de_novo(family):
    _, calls = family
    v = calls[("EIMFS01", "chr9", 15862, "A")]
    assert v["de_novo"] is None and "mother" in v["origin"]


def test_sex_and_parentage_of_every_sample(family):
    docs, _ = family
    for name, doc in docs.items():
        assert doc["sex_check"]["status"] == "consistent", (name, doc["sex_check"])
        assert doc["sex_check"]["predicted_sex"] == doc["sex"]
        expected = "passed" if name == "EIMFS01" else "no_parents_in_ped"
        assert doc["parentage"]["status"] == expected
    assert not any("sex check" in w or "parentage" in w for w in docs["EIMFS01"]["warnings"])


def test_pcdh19_hemizygous_boy_is_not_expected_affected(tmp_path, run):
    """Make EIMFS07's PCDH19 call a clean hemizygous 1/1: non-mosaic boys are usually well."""
    import gzip

    with gzip.open(DEMO / "demo.vcf.gz", "rt") as fh:
        text = fh.read()
    text = text.replace("0/1:40,9:49:62", "1/1:0,49:49:99")
    path = tmp_path / "boy.vcf"
    path.write_text(text)
    result = run("filter", path, *BASE, "--ped", DEMO / "demo.ped", "-o", tmp_path / "o")
    assert result.exit_code == 0, result.output
    _, calls = _load(tmp_path / "o")
    v = calls[("EIMFS07", "chrX", 27947, "A")]
    assert v["inheritance"] == ["hemizygous", "x_linked", "not_expected_affected"]
    assert v["inheritance_fit"]["fit"] == "no" and "counselling" in v["inheritance_fit"]["reason"]


def test_no_panel_without_gene_models_says_compound_hets_were_not_evaluated(tmp_path, run):
    result = run("filter", DEMO / "demo.vcf.gz", "--no-panel", "--ped", DEMO / "demo.ped",
                 "--build", "none", "-o", tmp_path)  # fmt: skip
    assert result.exit_code == 0, result.output
    _, calls = _load(tmp_path)
    dn = calls[("EIMFS01", "chr9", 12383, "T")]
    assert dn["inheritance"] == ["de_novo"] and dn["de_novo"]["confidence"] == "confirmed"
    aldh = calls[("EIMFS01", "chr5", 16273, "G")]
    assert aldh["compound_het"]["status"] == "not_evaluated"
    assert "no gene models" in aldh["compound_het"]["reason"]
    assert aldh["inheritance"] == ["inherited_maternal"]
    assert aldh["inheritance_fit"]["fit"] == "unknown"


def test_no_panel_with_gene_models_still_fits_panel_genes(tmp_path, run):
    result = run("filter", DEMO / "demo.vcf.gz", "--no-panel", "--genes", DEMO / "genes.gff3",
                 "--ped", DEMO / "demo.ped", "--build", "none", "-o", tmp_path)  # fmt: skip
    assert result.exit_code == 0, result.output
    _, calls = _load(tmp_path)
    aldh = calls[("EIMFS01", "chr5", 16273, "G")]
    assert "compound_heterozygous" in aldh["inheritance"]
    assert aldh["inheritance_fit"]["fit"] == "yes"
    # A background SNV lies in no gene: no mode, no pairing.
    bg = next(
        v for k, v in calls.items() if k[0] == "EIMFS01" and (v["id"] or "").startswith("bg_")
    )
    assert bg["inheritance_fit"]["fit"] == "unknown" and bg["gene"] is None


def test_without_ped_there_are_no_family_checks(tmp_path, run):
    result = run("filter", DEMO / "demo.vcf.gz", *BASE, "-o", tmp_path)
    assert result.exit_code == 0, result.output
    docs, calls = _load(tmp_path)
    assert docs["EIMFS01"]["sex_check"] is None and docs["EIMFS01"]["parentage"] is None
    assert calls[("EIMFS01", "chr9", 12383, "T")]["de_novo"] is None
    # The mosaic boy is still a possible mosaic, but without a sex the X-linked fit is unknown.
    pcdh19 = calls[("EIMFS07", "chrX", 27947, "A")]
    assert "possible_mosaic" in pcdh19["inheritance"]
    assert pcdh19["inheritance_fit"]["fit"] == "unknown"


def test_tsv_has_the_fit(family, tmp_path, run):
    run("filter", DEMO / "demo.vcf.gz", *BASE, "--ped", DEMO / "demo.ped", "-o", tmp_path)
    with open(tmp_path / "EIMFS01.variants.tsv") as fh:
        rows = {r["pos"]: r for r in csv.DictReader(fh, delimiter="\t")}
    assert rows["12383"]["inheritance"] == "de_novo"
    assert rows["12383"]["inheritance_fit"].startswith("yes: KCNT1 (AD)")
