"""Copy number on a simulated test cohort with more kinds of change than the demo has.

The demo's nine samples are simulated again with other changes made in their haplotypes
(a homozygous deletion, a duplication, a single-exon deletion, a male's X deletion, beside the
demo's heterozygous SCN1A deletion), then aligned and measured by the workflow and called by
``call_copy_number``. What is planted is placed from the gene models (breakpoints mid-intron);
what is found is read from the calls. The per-exon sensitivity and the false-positive exons are
printed in the session summary.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from mmpsi_variants.io.gene_cache import load_gene_models
from mmpsi_variants.io.genemodels import primary_transcript

from .conftest import _SUMMARY, DEMO, needs_tool
from .workflow_runner import fastq_units, setup_workdir, snakemake

pytestmark = [pytest.mark.e2e, *(needs_tool(t) for t in ("bwa", "samtools", "bcftools"))]

# sample, gene, first exon, last exon, copy number (HGVS exon numbers of the primary transcript)
PLAN = [
    ("EIMFS01", "SCN1A", 9, 10, 1),  # the demo's: heterozygous, de novo in the trio
    ("EIMFS02", "PLCB1", 5, 8, 0),  # homozygous deletion in a recessive gene
    ("EIMFS03", "SCN2A", 12, 14, 3),  # duplication
    ("EIMFS04", "ALDH7A1", 7, 7, 1),  # one exon
    ("EIMFS05", "ATP7A", 3, 4, 0),  # a boy's X: hemizygous deletion
]


def _placed(models):
    """Each planted change as genome coordinates, from the middle of the intron before its
    first exon to the middle of the intron after its last, with the coding exons it holds."""
    rows = []
    for sample, symbol, first, last, cn in PLAN:
        gene = next(g for g in models.genes if g.symbol == symbol)
        tx = primary_transcript(gene)
        exons = sorted(tx.exons, reverse=tx.strand == "-")  # transcript order
        lo_exon, hi_exon = exons[first - 1], exons[last - 1]
        before, after = exons[first - 2], exons[last]
        if tx.strand == "+":
            start, end = (before[1] + lo_exon[0]) // 2, (hi_exon[1] + after[0]) // 2
        else:
            start, end = (lo_exon[1] + before[0]) // 2, (after[1] + hi_exon[0]) // 2
        start, end = sorted((start, end))
        rows.append((sample, symbol, tx.chrom, start, end, first, last, cn))
    return rows


@pytest.fixture(scope="session")
def cohort(tmp_path_factory):
    base = tmp_path_factory.mktemp("cnv_cohort")
    models = load_gene_models(DEMO / "genes.gff3")
    placed = _placed(models)
    plan = base / "cnvs.tsv"
    lines = ["sample\tgene\tchrom\tstart\tend\texons\tcopy_number"]
    lines += [f"{s}\t{g}\t{c}\t{a}\t{b}\t{f}-{la}\t{cn}" for s, g, c, a, b, f, la, cn in placed]
    plan.write_text("\n".join(lines) + "\n")
    reads = base / "reads"
    subprocess.run(
        [sys.executable, str(DEMO / "simulate_reads.py"), "--outdir", str(reads), "--cnvs",
         str(plan)],
        check=True, capture_output=True,
    )  # fmt: skip
    workdir = setup_workdir(base / "run", fastq_units(reads))
    samples = [r.split("\t")[0] for r in (reads / "MANIFEST.tsv").read_text().splitlines()[2:]]
    targets = sorted({f"results/cnv/{s}.cnv.tsv" for s in samples})
    targets += ["results/reports/EIMFS02/EIMFS02.variants.json",
                "results/reports/EIMFS03/EIMFS03.variants.json"]  # fmt: skip
    result = snakemake(workdir, *targets)
    assert result.returncode == 0, result.stderr[-5000:]
    return workdir, placed, sorted(set(samples))


def _calls(path):
    lines = [ln for ln in path.read_text().splitlines() if not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def _exons(text):
    a, _, b = text.partition("-")
    return set(range(int(a), int(b or a) + 1))


def test_every_planted_change_is_found_and_nothing_else(cohort):
    workdir, placed, samples = cohort
    truth = {(s, g): (set(range(f, la + 1)), cn) for s, g, _, _, _, f, la, cn in placed}
    planted_exons = sum(len(e) for e, _ in truth.values())
    found_exons = false_exons = 0
    wrong_cn = []
    for sample in samples:
        for c in _calls(workdir / f"results/cnv/{sample}.cnv.tsv"):
            exons = _exons(c["exons"])
            want = truth.get((sample, c["gene"]))
            if want is None:
                false_exons += len(exons)
                continue
            found_exons += len(exons & want[0])
            false_exons += len(exons - want[0])
            if int(c["copy_number"]) != want[1]:
                wrong_cn.append((sample, c["gene"], c["copy_number"], want[1]))
    _SUMMARY.append(
        f"copy number, simulated cohort: {found_exons}/{planted_exons} planted exons called "
        f"(per-exon sensitivity {found_exons / planted_exons:.0%}), {false_exons} exon(s) called "
        f"that were not planted, over {len(samples)} samples"
    )
    assert wrong_cn == []
    assert false_exons == 0
    assert found_exons == planted_exons


def test_the_homozygous_deletion_and_the_duplication(cohort):
    workdir, _, _ = cohort
    (hom,) = _calls(workdir / "results/cnv/EIMFS02.cnv.tsv")
    assert (hom["gene"], hom["exons"], hom["copy_number"], hom["call"]) == (
        "PLCB1", "5-8", "0", "deletion",
    )  # fmt: skip
    (dup,) = _calls(workdir / "results/cnv/EIMFS03.cnv.tsv")
    assert (dup["gene"], dup["exons"], dup["copy_number"], dup["call"]) == (
        "SCN2A", "12-14", "3", "duplication",
    )  # fmt: skip
    assert float(dup["ci_low"]) > 0


def test_the_filter_classes_them(cohort):
    """PLCB1 is recessive with loss of function accepted: a homozygous deletion of exons 5-8 is
    PVS1 (if it shifts the frame and predicts NMD) and PM3_Supporting (homozygous in an
    affected child). SCN2A's EIMFS mechanism is gain of function: a duplication gets no PVS1."""
    workdir, _, _ = cohort
    doc = json.loads((workdir / "results/reports/EIMFS02/EIMFS02.variants.json").read_text())
    (hom,) = doc["copy_number"]["candidates"]
    assert hom["zygosity"] == "homozygous"
    assert "PM3_Supporting" in hom["acmg"]["met"]
    assert any(m.startswith("PVS1") for m in hom["acmg"]["met"]), hom["acmg"]["criteria"][0]
    assert hom["origin"].startswith("origin not determined")  # a singleton: no parents
    doc = json.loads((workdir / "results/reports/EIMFS03/EIMFS03.variants.json").read_text())
    (dup,) = doc["copy_number"]["candidates"]
    assert dup["call"] == "duplication" and dup["copy_number"] == 3
    pvs1 = next(c for c in dup["acmg"]["criteria"] if c["criterion"] == "PVS1")
    assert pvs1["status"] == "not_met"
