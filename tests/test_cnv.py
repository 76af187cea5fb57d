"""Copy number from depth: the demo's planted deletion, and what must not be called.

The deletion is made by the read simulator from resources/demo/planted_cnvs.tsv (written by
make_demo.py from the gene models): the reads lack the stretch on one copy, nothing else is
edited, so finding it tests the coverage bins, the CNVkit reference and the calls.
"""

from __future__ import annotations

import csv
import json
import shutil

import pandas as pd
import pytest

from mmpsi_variants.pipeline.cnv import run_cnv

from .conftest import DEMO, ROOT, needs_tool

pytestmark = [pytest.mark.e2e, *(needs_tool(t) for t in ("bwa", "samtools", "bcftools"))]

SAMPLES_TSV = str(ROOT / "config" / "samples.tsv")


def planted():
    with open(DEMO / "planted_cnvs.tsv") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def calls(path):
    lines = [ln for ln in path.read_text().splitlines() if not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def test_the_planted_deletion_is_found_with_its_exons_and_copy_number(demo_fastq_run):
    workdir, _ = demo_fastq_run
    (cnv,) = planted()
    (got,) = calls(workdir / f"results/cnv/{cnv['sample']}.cnv.tsv")
    assert (got["gene"], got["exons"], got["copy_number"], got["call"]) == (
        cnv["gene"], cnv["exons"], cnv["copy_number"], "deletion",
    )  # fmt: skip
    # The called bins lie inside the deleted stretch (breakpoints are mid-intron).
    assert int(cnv["start"]) <= int(got["start"]) <= int(got["end"]) <= int(cnv["end"])
    assert float(got["ci_high"]) < 0
    png = workdir / f"results/cnv/{cnv['sample']}/{cnv['gene']}.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_nothing_else_is_called_in_the_demo(demo_fastq_run):
    workdir, _ = demo_fastq_run
    carriers = {c["sample"] for c in planted()}
    tsvs = sorted((workdir / "results/cnv").glob("*.cnv.tsv"))
    assert len(tsvs) == 9
    for tsv in tsvs:
        sample = tsv.name.removesuffix(".cnv.tsv")
        assert len(calls(tsv)) == (1 if sample in carriers else 0), tsv.read_text()
        assert "# skipped" not in tsv.read_text()


def test_a_run_of_fewer_than_four_samples_is_skipped_with_the_reason(demo_fastq_run, tmp_path):
    workdir, _ = demo_fastq_run
    bins = [str(workdir / f"results/qc/{s}.coverage.bins.tsv") for s in ("EIMFS01", "EIMFS02",
            "EIMFS03")]  # fmt: skip
    run_cnv(bins, SAMPLES_TSV, None, str(tmp_path / "cnv"))
    text = (tmp_path / "cnv" / "EIMFS01.cnv.tsv").read_text()
    assert "# skipped: copy number needs at least 3 other samples" in text
    assert "this run has 2" in text
    assert calls(tmp_path / "cnv" / "EIMFS01.cnv.tsv") == []


def test_a_low_coverage_library_calls_nothing(demo_fastq_run, tmp_path):
    """A sample with half the depth everywhere (a poorer library, not a deletion): the ratios
    are centred, so nothing is called, and the real deletion of EIMFS01 is still found."""
    workdir, _ = demo_fastq_run
    qc = tmp_path / "qc"
    qc.mkdir()
    for f in (workdir / "results/qc").glob("*.coverage.bins.tsv"):
        shutil.copy(f, qc / f.name)
    low = qc / "EIMFS03.coverage.bins.tsv"
    table = pd.read_csv(low, sep="\t")
    table["depth"] = (table["depth"] / 2).round(2)
    table["log2"] = (table["log2"] - 1).round(4)
    table.to_csv(low, sep="\t", index=False)
    stale = tmp_path / "cnv" / "EIMFS03" / "SCN2A.png"  # a plot of an earlier run's call
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"\x89PNG old")
    run_cnv(sorted(map(str, qc.glob("*.tsv"))), SAMPLES_TSV, str(DEMO / "genome.fa"),
            str(tmp_path / "cnv"))  # fmt: skip
    assert not stale.exists()
    assert (tmp_path / "cnv" / "EIMFS01" / "SCN1A.png").exists()
    assert calls(tmp_path / "cnv" / "EIMFS03.cnv.tsv") == []
    assert [c["exons"] for c in calls(tmp_path / "cnv" / "EIMFS01.cnv.tsv")] == ["9-10"]


def test_the_deletion_is_a_classed_candidate_in_the_proband_report(demo_fastq_run):
    workdir, _ = demo_fastq_run
    (cnv,) = planted()
    reports = workdir / "results/reports" / cnv["sample"]
    doc = json.loads((reports / f"{cnv['sample']}.variants.json").read_text())
    assert doc["copy_number"]["status"] == "assessed"
    (c,) = doc["copy_number"]["candidates"]
    assert (c["gene"], c["exons"], c["copy_number"], c["zygosity"]) == (
        cnv["gene"], cnv["exons"], int(cnv["copy_number"]), "heterozygous",
    )  # fmt: skip
    # Neither parent carries it: de novo (assumed, since a panel's calls cannot confirm
    # parentage), and the frameshift predicts NMD in a gene whose mechanism is loss of function.
    assert c["inheritance"] == ["de_novo"]
    assert [p["status"] for p in c["parents"]] == ["does_not_carry", "does_not_carry"]
    assert c["effect"]["nmd"] == "NMD_predicted" and not c["effect"]["in_frame"]
    assert c["acmg"]["met"][0] == "PVS1" and "PM6_Supporting" in c["acmg"]["met"]
    assert c["acmg"]["classification"] == "Likely pathogenic"
    assert c["hgvs_c"].endswith("_(1530+1_1531-1)del")
    html = (reports / f"{cnv['sample']}.report.html").read_text()
    assert "SCN1A deletion of exons 9-10" in html
    assert 'src="data:image/png;base64,' in html
    assert "Copy number was read from depth" in html
    assert "were not assessed" not in html


def test_the_other_reports_say_copy_number_was_assessed_and_nothing_called(demo_fastq_run):
    workdir, _ = demo_fastq_run
    carriers = {c["sample"] for c in planted()}
    for doc_path in sorted((workdir / "results/reports").glob("*/*.variants.json")):
        doc = json.loads(doc_path.read_text())
        if doc["sample"] in carriers:
            continue
        assert doc["copy_number"]["status"] == "assessed", doc["sample"]
        assert doc["copy_number"]["candidates"] == []


def test_the_cohort_tables_list_the_deletion_among_the_candidates(demo_fastq_run):
    workdir, _ = demo_fastq_run
    rows = list(csv.DictReader(
        (workdir / "results/cohort/candidates.tsv").read_text().splitlines(), delimiter="\t"
    ))  # fmt: skip
    (row,) = [r for r in rows if r["sample"] == "EIMFS01" and r["gene"] == "SCN1A"]
    assert row["variants"] == "deletion of exons 9-10 (copy number 1, heterozygous)"
    assert row["classification"] == "Likely pathogenic"
    # Placed by its class among the sequence candidates: after KCNT1's (also Likely
    # pathogenic, ranked first by the filter), before the ALDH7A1 pair (uncertain).
    genes = [r["gene"] for r in rows if r["sample"] == "EIMFS01"]
    assert genes[:2] == ["KCNT1", "SCN1A"]
