"""Cohort summary and the top candidate, from the filter's ACMG ranking."""

from __future__ import annotations

import csv
import json

import pytest

from mmpsi_variants.core.variant import VariantKey
from mmpsi_variants.io.samplesheet import load_samples
from mmpsi_variants.panel.knowledge import load_panel
from mmpsi_variants.panel.regions import load_panel_models
from mmpsi_variants.qc.coverage import panel_targets
from mmpsi_variants.report.cohort import RANKING_RULE, rank_candidates, summarise

from .conftest import DATA, DEMO, ROOT

PANEL = load_panel()
EXPECTED_TOP = DATA / "workflow" / "expected_top_candidates.tsv"


def expected_tops() -> dict[str, dict]:
    with open(EXPECTED_TOP) as fh:
        return {r["sample"]: r for r in csv.DictReader(fh, delimiter="\t")}


def _entry(gene, pos, rank, cls="Pathogenic", fit="yes", filt="PASS", **extra):
    pg = PANEL.gene(gene)
    return {
        "chrom": "chr1",
        "pos": pos,
        "ref": "A",
        "alt": "G",
        "gene": gene,
        "hgnc_id": pg.hgnc_id,
        "zygosity": "heterozygous",
        "genotype": "0/1",
        "filter": filt,
        "rank": rank,
        "inheritance_fit": {"fit": fit, "reason": "test", "modes": ["AD"]},
        "acmg": {"classification": cls, "points": 10, "met": [], "flags": [], **extra},
    }


# (variants as (gene, pos, filter rank, class, fit, filter, genotype), expected (gene, pos) order)
CANDIDATE_CASES = [
    # The filter's order is kept, whatever the positions.
    ([("SCN8A", 10, 2), ("KCNT1", 20, 1)], [("KCNT1", 20), ("SCN8A", 10)]),
    # Not candidates: a LowQual record, a (likely) benign genotype, a misfit.
    (
        [
            ("KCNT1", 10, 1, "Pathogenic", "yes", "LowQual"),
            ("KCNT1", 20, 2, "Likely benign"),
            ("KCNT1", 30, 3, "Benign"),
            ("KCNT1", 40, 4, "Pathogenic", "no"),
            ("KCNT1", 50, 5, "Uncertain significance", "partly"),
        ],
        [("KCNT1", 50)],
    ),
    # A pathogenic allele whose recessive genotype is likely benign is no candidate.
    ([("ALDH7A1", 10, 1, "Pathogenic", "yes", "PASS", "Likely benign")], []),
]


@pytest.mark.parametrize("variants,expected", CANDIDATE_CASES)
def test_candidates(variants, expected):
    entries = []
    for gene, pos, rank, *rest in variants:
        cls, fit, filt, genotype = (rest + [None] * 4)[:4]
        extra = {"genotype": {"classification": genotype}} if genotype else {}
        entries.append(
            _entry(gene, pos, rank, cls or "Pathogenic", fit or "yes", filt or "PASS", **extra)
        )
    ranked = rank_candidates("S", entries, PANEL, {}, None)
    assert [(c.gene, c.variants[0]["pos"]) for c in ranked] == expected


def test_a_recessive_pair_is_one_candidate():
    vus = "Uncertain significance"
    a = _entry("ALDH7A1", 10, 1, genotype={"classification": vus, "partner": "chr1:20:A:G"})
    b = _entry("ALDH7A1", 20, 2, vus, genotype={"classification": vus, "partner": "chr1:10:A:G"})
    (pair,) = rank_candidates("S", [a, b], PANEL, {VariantKey("chr1", 20, "A", "G"): 3}, None)
    assert [v["pos"] for v in pair.variants] == [10, 20]
    assert pair.classification == "Uncertain significance"
    assert pair.cohort_carriers == 3
    assert pair.label == "ALDH7A1 chr1:10 A>G (heterozygous) + chr1:20 A>G (heterozygous)"


@pytest.fixture(scope="module")
def demo_reports(tmp_path_factory):
    """The filter's per-sample outputs on the demo VCF (every sample), as the workflow runs it."""
    from click.testing import CliRunner

    from mmpsi_variants.cli import cli

    out = tmp_path_factory.mktemp("reports")
    args = ["filter", DEMO / "demo.vcf.gz", "--genes", DEMO / "genes.gff3"]
    args += ["--reference", DEMO / "genome.fa", "--ped", DEMO / "demo.ped", "--build", "none"]
    # The resources and phenotypes the workflow passes with the default config.
    args += ["--gnomad", DEMO / "gnomad.demo.vcf.gz", "--clinvar", DEMO / "clinvar.demo.vcf.gz"]
    args += ["--scores", f"revel={DEMO / 'revel.demo.tsv.gz'}"]
    args += ["--scores", f"spliceai={DEMO / 'spliceai.demo.vcf.gz'}"]
    args += ["--phenotype", "migrating focal seizures"]
    result = CliRunner().invoke(cli, [str(a) for a in [*args, "-o", out]])
    assert result.exit_code == 0, result.output
    return sorted(out.glob("*.variants.json"))


def test_demo_top_candidates(demo_reports):
    targets = panel_targets(PANEL, load_panel_models(DEMO / "genes.gff3", PANEL), 10)
    samples = load_samples(ROOT / "config" / "samples.tsv")
    result = summarise(samples, demo_reports, [], PANEL, targets)
    expected = expected_tops()
    for sid, doc in result.per_sample.items():
        top = doc["top_candidate"]
        if sid not in expected:
            assert top is None and doc["affected"] == "no"
            continue
        e = expected[sid]
        v = top["variants"][0]
        assert (top["gene"], v["chrom"], v["pos"], v["ref"], v["alt"]) == (
            e["gene"],
            e["chrom"],
            int(e["pos"]),
            e["ref"],
            e["alt"],
        ), sid
        assert top["classification"] == e["classification"], sid
        assert doc["ranking_rule"] == RANKING_RULE
    rows = list(csv.DictReader(result.summary_tsv.splitlines(), delimiter="\t"))
    assert [r["sample"] for r in rows] == list(samples)
    assert rows[3]["eeg"] == "migrating_focal_seizures;burst_suppression"
    # The ALDH7A1 pair of the trio proband is one candidate, ranked below the de novo KCNT1.
    eimfs01 = result.per_sample["EIMFS01"]["candidates"]
    pair = next(c for c in eimfs01 if c["gene"] == "ALDH7A1")
    assert len(pair["variants"]) == 2 and pair["rank"] == 2
    # c.657+1G>A is Likely pathogenic: PM3 from p.(Glu427Gln) counts only that allele's own
    # class (VUS), not ClinVar's (issue 12).
    assert [v["classification"] for v in pair["variants"]] == [
        "Likely pathogenic",
        "Uncertain significance",
    ]
    assert "treatable_cause" in pair["flags"]


def test_cohort_command(tmp_path, run, demo_reports):
    result = run(
        "cohort",
        *demo_reports,
        "--samples",
        ROOT / "config" / "samples.tsv",
        "--schema",
        ROOT / "workflow" / "schemas" / "samples.schema.yaml",
        "-o",
        tmp_path / "cohort",
        "--reports-dir",
        tmp_path / "reports",
    )
    assert result.exit_code == 0, result.stderr
    assert {p.name for p in (tmp_path / "cohort").iterdir()} == {
        "cohort.tsv",
        "cohort.json",
        "candidates.tsv",
        "summary.html",
        "summary.tsv",
    }
    doc = json.loads((tmp_path / "reports" / "EIMFS05" / "EIMFS05.summary.json").read_text())
    assert doc["top_candidate"]["gene"] == "ATP7A"
    assert doc["coverage"] is None  # no coverage files given (a VCF-only cohort)
    assert doc["ranking_rule"] == RANKING_RULE


def test_cohort_needs_every_sample(tmp_path, run, demo_reports):
    result = run(
        "cohort", demo_reports[0], "--samples", ROOT / "config" / "samples.tsv", "-o", tmp_path
    )
    assert result.exit_code == 2
    assert "no variants file for sample(s) EIMFS01_FA" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())
