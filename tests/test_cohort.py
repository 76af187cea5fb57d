"""Cohort summary and the interim top-candidate rule (inheritance fit, coding, rarity, evidence)."""

from __future__ import annotations

import csv
import dataclasses
import json

import pytest

from mmpsi_variants.cohort import RANKING_RULE, _fits, rank_candidates, summarise
from mmpsi_variants.coverage import panel_targets
from mmpsi_variants.panel import load_panel
from mmpsi_variants.regions import load_panel_models
from mmpsi_variants.samplesheet import load_samples

from .conftest import DATA, DEMO, ROOT

PANEL = load_panel()
EXPECTED_TOP = DATA / "workflow" / "expected_top_candidates.tsv"


def expected_tops() -> dict[str, dict]:
    with open(EXPECTED_TOP) as fh:
        return {r["sample"]: r for r in csv.DictReader(fh, delimiter="\t")}


def _gene_with(modes, **detail):
    pg = PANEL.gene("KCNT1")
    return dataclasses.replace(
        pg,
        inheritance=dataclasses.replace(pg.inheritance, value=tuple(modes)),
        inheritance_detail=detail,
    )


def _v(pos, zygosity):
    return {"chrom": "chrX", "pos": pos, "ref": "C", "alt": "T", "zygosity": zygosity}


XLFL = {"mosaic_males_affected": True, "hemizygous_males_affected": False}
# (modes, detail, sex, zygosities, expected fits)
FIT_CASES = [
    (["AD"], {}, "female", ["heterozygous"], ["AD"]),
    (["AD"], {}, "male", ["homozygous"], ["AD"]),
    (["AR"], {}, "female", ["heterozygous"], []),
    (["AR"], {}, "female", ["homozygous"], ["AR homozygous"]),
    (
        ["AR"],
        {},
        "male",
        ["heterozygous", "heterozygous"],
        ["AR possible compound heterozygous (phase not checked)"],
    ),
    (["XLR"], {}, "female", ["heterozygous"], []),
    (["XLR"], {}, "female", ["homozygous"], ["XLR"]),
    (["XLR"], {}, "male", ["hemizygous"], ["XLR"]),
    (["XLD"], {}, "male", ["hemizygous"], ["XLD"]),
    (
        ["X-linked-female-limited"],
        XLFL,
        "female",
        ["heterozygous"],
        ["X-linked female-limited (female carrier)"],
    ),
    (
        ["X-linked-female-limited"],
        XLFL,
        "male",
        ["heterozygous"],
        ["X-linked female-limited (male, possible mosaic)"],
    ),
    (["X-linked-female-limited"], XLFL, "male", ["hemizygous"], []),
    (["X-linked-female-limited"], {}, "male", ["heterozygous"], []),
    # One candidate per variant group: the first mode that fits names it.
    (["AD", "AR"], {}, "female", ["homozygous"], ["AD"]),
]


@pytest.mark.parametrize("modes,detail,sex,zygosities,expected", FIT_CASES)
def test_inheritance_fit(modes, detail, sex, zygosities, expected):
    variants = [_v(100 + i, z) for i, z in enumerate(zygosities)]
    assert [mode for _, mode in _fits(_gene_with(modes, **detail), variants, sex)] == expected


def test_every_panel_inheritance_mode_has_a_fit_case():
    modes = {m for g in PANEL.genes for m in g.inheritance.value}
    assert modes <= {m for case in FIT_CASES for m in case[0]}


def _entry(gene, pos, zygosity="heterozygous", filt="PASS"):
    pg = PANEL.gene(gene)
    return {
        "chrom": "chr1",
        "pos": pos,
        "ref": "A",
        "alt": "G",
        "gene": gene,
        "hgnc_id": pg.hgnc_id,
        "zygosity": zygosity,
        "genotype": "0/1",
        "filter": filt,
    }


def test_ranking_order():
    # KCNT1 (definitive) and SCN8A (moderate) both AD, each with one carrier: evidence decides;
    # a commoner KCNT1 allele comes after both; a LowQual record is no candidate.
    variants = [
        _entry("SCN8A", 10),
        _entry("KCNT1", 20),
        _entry("KCNT1", 30),
        _entry("SCN2A", 40, filt="LowQual"),
    ]
    carriers = {("chr1", 10, "A", "G"): 1, ("chr1", 20, "A", "G"): 1, ("chr1", 30, "A", "G"): 4}
    ranked = rank_candidates("S", "female", variants, PANEL, carriers, None)
    assert [(c.gene, c.variants[0]["pos"]) for c in ranked] == [
        ("KCNT1", 20),
        ("SCN8A", 10),
        ("KCNT1", 30),
    ]


@pytest.fixture(scope="module")
def demo_reports(tmp_path_factory):
    """The filter's per-sample outputs on the demo VCF (every sample), as the workflow runs it."""
    from click.testing import CliRunner

    from mmpsi_variants.cli import cli

    out = tmp_path_factory.mktemp("reports")
    args = ["filter", DEMO / "demo.vcf.gz", "--genes", DEMO / "genes.gff3"]
    args += ["--reference", DEMO / "genome.fa", "--ped", DEMO / "demo.ped", "--build", "none"]
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
        assert top["fits"] == e["fits"]
        assert doc["ranking_rule"] == RANKING_RULE
    rows = list(csv.DictReader(result.summary_tsv.splitlines(), delimiter="\t"))
    assert [r["sample"] for r in rows] == list(samples)
    assert rows[3]["eeg"] == "migrating_focal_seizures;burst_suppression"
    # The ALDH7A1 pair of the trio proband is a candidate, ranked below the de novo KCNT1.
    eimfs01 = result.per_sample["EIMFS01"]["candidates"]
    assert any(c["gene"] == "ALDH7A1" and len(c["variants"]) == 2 for c in eimfs01)


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
    }
    doc = json.loads((tmp_path / "reports" / "EIMFS05" / "EIMFS05.summary.json").read_text())
    assert doc["top_candidate"]["gene"] == "ATP7A"
    assert doc["coverage"] is None  # no coverage files given (a VCF-only cohort)
    assert doc["ranking_rule"].startswith("interim (no ACMG scoring yet)")


def test_cohort_needs_every_sample(tmp_path, run, demo_reports):
    result = run(
        "cohort", demo_reports[0], "--samples", ROOT / "config" / "samples.tsv", "-o", tmp_path
    )
    assert result.exit_code == 2
    assert "no variants file for sample(s) EIMFS01_FA" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())
