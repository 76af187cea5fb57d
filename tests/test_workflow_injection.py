"""Paths from the config reach the tools whole, and never as shell code.

Regression for issue 11 item 1: ``-R {input.regions}`` (calling), the bwa index prefix (bwa
mem) and the reference bcftools norm reads reached the shell unquoted, so a ``calling.regions``
path holding ``$(touch PWNED)`` ran the command and a FASTA path with a space broke bwa. Each
test plants such a path, runs the rules concerned for real (after a dry run that shows the
quoting), and checks that the command did not run and the job did its work.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess

import pysam
import pytest

from .conftest import DEMO, needs_tool
from .workflow_runner import UNITS_HEADER, demo_reads, fastq_units, setup_workdir, snakemake

HOSTILE = "in $(touch PWNED) and `touch PWNED2` dir"


def _hostile_genome(tmp_path):
    folder = tmp_path / HOSTILE
    folder.mkdir()
    for name in ("genome.fa", "genome.fa.fai"):
        shutil.copy(DEMO / name, folder / name)
    return folder


def _no_command_ran(tmp_path, workdir):
    planted = [p for p in (*tmp_path.rglob("PWNED*"), *workdir.rglob("PWNED*"))]
    assert planted == [], f"a path was run as shell code: {planted}"


def _empty_bam(path, sample):
    """A sorted, indexed BAM without reads whose header matches the demo genome."""
    sq = [
        {"SN": ln.split("\t")[0], "LN": int(ln.split("\t")[1])}
        for ln in (DEMO / "genome.fa.fai").read_text().splitlines()
    ]
    header = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": sq, "RG": [{"ID": "1", "SM": sample}]}
    with pysam.AlignmentFile(str(path), "wb", header=header):
        pass
    pysam.index(str(path))


@needs_tool("bcftools")
def test_hostile_regions_and_reference_paths_run_no_command(tmp_path):
    folder = _hostile_genome(tmp_path)
    bed = folder / "regions.bed"
    bed.write_text("chr9\t0\t26996\n")
    bam = tmp_path / "EIMFS02.bam"
    _empty_bam(bam, "EIMFS02")
    samples = "sample\tfamily\tsex\tfather\tmother\taffected\nEIMFS02\tEIMFS02\tmale\t0\t0\tyes\n"
    units = UNITS_HEADER + f"EIMFS02\taln\t\t\t{bam}\t\n"
    workdir = setup_workdir(tmp_path / "work", units, samples,
                            reference__fasta=str(folder / "genome.fa"),
                            calling__regions=str(bed))  # fmt: skip
    dry = snakemake(workdir, "--dry-run", "--printshellcmds", "results/calls/EIMFS02.vcf.gz")
    assert dry.returncode == 0, dry.stderr[-3000:]
    assert f"-R {shlex.quote(str(bed))}" in dry.stdout
    result = snakemake(workdir, "results/calls/EIMFS02.vcf.gz")
    assert result.returncode == 0, result.stderr[-3000:]
    _no_command_ran(tmp_path, workdir)
    calls = workdir / "results" / "calls" / "EIMFS02.vcf.gz"
    assert calls.exists() and pysam.VariantFile(str(calls)).header.samples[0] == "EIMFS02"


@needs_tool("bwa")
@pytest.mark.e2e
def test_hostile_bwa_index_path_runs_no_command(tmp_path):
    """A bwa index beside the user's FASTA is used in place: its path reaches bwa mem."""
    folder = _hostile_genome(tmp_path)
    subprocess.run(["bwa", "index", str(folder / "genome.fa")], check=True, capture_output=True)
    units = fastq_units(demo_reads())
    workdir = setup_workdir(tmp_path / "work", units, reference__fasta=str(folder / "genome.fa"))
    target = "results/bam/units/EIMFS02.L001.bam"
    dry = snakemake(workdir, "--dry-run", "--printshellcmds", target)
    assert dry.returncode == 0, dry.stderr[-3000:]
    assert shlex.quote(str(folder / "genome.fa")) in dry.stdout
    result = snakemake(workdir, target, "--notemp")
    assert result.returncode == 0, result.stderr[-3000:]
    _no_command_ran(tmp_path, workdir)
    assert (workdir / target).stat().st_size > 0
