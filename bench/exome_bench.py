#!/usr/bin/env python3
"""An exome-sized run of the workflow against the tools it calls, each run alone.

SYNTHETIC DATA. The demo genome (the panel genes) plus random filler contigs make a genome of
at least 30 Mb; one sample gets ``--pairs`` read pairs (2 million by default, 100 bp, uniform
over the genome, 0.1% errors), about what an exome's on-target reads cost an aligner. For each
aligner the workflow runs from FASTQ to reports with ``--cores``; then the same steps run alone
on the same input, one after another: indexing, ``aligner | samtools fixmate | samtools sort``,
``samtools markdup`` and ``bcftools mpileup | call`` over the panel regions. The workflow's
wall time is printed against the sum of those times: what the workflow adds is its own
start-up, scheduling and the small steps (stats, coverage, filter, reports).

    python bench/exome_bench.py                      # both aligners, 2 cores, 2M pairs
    python bench/exome_bench.py --aligner minimap2 --pairs 500000
"""

from __future__ import annotations

import argparse
import gzip
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

from mmpsi_variants.pipeline.plan import with_absolute_paths

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "resources" / "demo"
BIN = Path(sys.executable).parent
SAMPLE = "BENCH01"
READ_LENGTH = 100


def make_genome(dest: Path, min_bases: int, rng: np.random.Generator) -> None:
    demo = (DEMO / "genome.fa").read_text()
    have = sum(len(ln) for ln in demo.splitlines() if not ln.startswith(">"))
    with open(dest, "w") as fh:
        fh.write(demo if demo.endswith("\n") else demo + "\n")
        i = 0
        while have < min_bases:
            n = min(10_000_000, min_bases - have)
            seq = np.frombuffer(b"ACGT", dtype=np.uint8)[rng.integers(0, 4, n)].tobytes().decode()
            i += 1
            fh.write(f">filler{i}\n")
            fh.writelines(seq[j : j + 60] + "\n" for j in range(0, n, 60))
            have += n


def read_genome(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """The contigs concatenated (uint8) and the offsets where each starts."""
    seqs, parts = [], []
    for line in path.read_text().splitlines():
        if line.startswith(">"):
            if parts:
                seqs.append("".join(parts))
            parts = []
        else:
            parts.append(line.strip().upper())
    seqs.append("".join(parts))
    starts = np.cumsum([0] + [len(s) for s in seqs])
    return np.frombuffer("".join(seqs).encode(), dtype=np.uint8), starts


def simulate(genome: Path, pairs: int, outdir: Path, rng: np.random.Generator) -> list[Path]:
    seq, starts = read_genome(genome)
    fragment = rng.normal(250, 25, pairs).astype(np.int64).clip(2 * READ_LENGTH, 500)
    pos = rng.integers(0, len(seq) - 600, pairs)
    # A fragment that would cross from one contig into the next starts earlier.
    ends = starts[np.searchsorted(starts, pos, side="right")]
    pos = np.minimum(pos, ends - fragment - 1).clip(0)
    comp = np.zeros(256, dtype=np.uint8)
    for a, b in zip(b"ACGTN", b"TGCAN", strict=True):
        comp[a] = b
    offsets = np.arange(READ_LENGTH)
    out = []
    for mate in (1, 2):
        path = outdir / f"{SAMPLE}_R{mate}.fastq.gz"
        with gzip.open(path, "wb", compresslevel=1) as fh:
            for lo in range(0, pairs, 200_000):
                hi = min(pairs, lo + 200_000)
                if mate == 1:
                    reads = seq[pos[lo:hi, None] + offsets]
                else:
                    last = pos[lo:hi] + fragment[lo:hi] - 1
                    reads = comp[seq[last[:, None] - offsets]]
                errors = rng.random(reads.shape) < 0.001
                reads = np.where(
                    errors, np.frombuffer(b"ACGT", np.uint8)[rng.integers(0, 4, reads.shape)], reads
                )
                qual = b"I" * READ_LENGTH
                fh.write(b"".join(
                    b"@r%d/%d\n%s\n+\n%s\n" % (lo + k, mate, r.tobytes(), qual)
                    for k, r in enumerate(reads)
                ))  # fmt: skip
        out.append(path)
    return out


def workdir_for(base: Path, fastqs: list[Path], genome: Path, aligner: str) -> Path:
    work = base / f"workflow-{aligner}"
    (work / "config").mkdir(parents=True)
    cfg = with_absolute_paths(yaml.safe_load((ROOT / "config" / "config.yaml").read_text()), ROOT)
    cfg["reference"]["fasta"] = str(genome)
    cfg["align"] = {"aligner": aligner}
    cfg["threads"] = {**cfg["threads"], "align": 2, "markdup": 2}
    (work / "config" / "config.yaml").write_text(yaml.safe_dump(cfg))
    (work / "config" / "samples.tsv").write_text(
        "sample\tfamily\tsex\tfather\tmother\taffected\teeg\n"
        f"{SAMPLE}\t{SAMPLE}\tfemale\t\t\tyes\tmigrating_focal_seizures\n"
    )
    (work / "config" / "units.tsv").write_text(
        f"sample\tunit\tfq1\tfq2\tbam\tvcf\n{SAMPLE}\tL001\t{fastqs[0]}\t{fastqs[1]}\t\t\n"
    )
    return work


def timed(cmd: str, cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(["bash", "-o", "pipefail", "-c", cmd], cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - start


def tools_alone(base: Path, fastqs: list[Path], genome: Path, aligner: str, cores: int) -> dict:
    work = base / f"alone-{aligner}"
    work.mkdir()
    ref = work / "genome.fa"
    shutil.copy(genome, ref)
    q = shlex.quote
    reads = " ".join(q(str(f)) for f in fastqs)
    rg = "'@RG\\tID:x\\tSM:" + SAMPLE + "'"
    steps: dict[str, float] = {}
    steps["faidx"] = timed(f"samtools faidx {q(str(ref))}", work)
    if aligner == "bwa":
        steps["index"] = timed(f"bwa index {q(str(ref))}", work)
        align = f"bwa mem -t {cores} -R {rg} {q(str(ref))} {reads}"
    else:
        steps["index"] = timed(f"minimap2 -x sr -d {q(str(ref))}.mmi {q(str(ref))}", work)
        align = f"minimap2 -ax sr -t {cores} -R {rg} {q(str(ref))}.mmi {reads}"
    steps["align | fixmate | sort"] = timed(
        f"{align} | samtools fixmate -m -u - - | samtools sort -@ {cores} -o sorted.bam -", work
    )
    steps["markdup"] = timed(
        f"samtools markdup -@ {cores} --write-index sorted.bam dedup.bam", work
    )
    subprocess.run(
        [str(BIN / "mmpsi-variants"), "panel", "--bed", "--merge", "--genes",
         str(DEMO / "genes.gff3"), "-o", str(work / "regions.bed")], check=True,
    )  # fmt: skip
    steps["mpileup | call"] = timed(
        f"bcftools mpileup -f {q(str(ref))} -R regions.bed -a AD,DP -Ou dedup.bam"
        " | bcftools call -m -Oz -o calls.vcf.gz", work
    )  # fmt: skip
    return steps


def rule_times(work: Path) -> dict[str, float]:
    """Each rule's summed wall time, from its benchmark files."""
    out: dict[str, float] = {}
    for tsv in (work / "benchmarks").rglob("*.tsv"):
        lines = tsv.read_text().splitlines()
        if len(lines) > 1:
            rule = tsv.relative_to(work / "benchmarks").parts[0]
            out[rule] = out.get(rule, 0.0) + float(lines[1].split("\t")[0])
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def run_workflow(work: Path, cores: int) -> float:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    start = time.perf_counter()
    done = subprocess.run(
        [str(BIN / "snakemake"), "-s", str(ROOT / "Snakefile"), "-d", str(work), "--cores",
         str(cores)], env=env, capture_output=True, text=True,
    )  # fmt: skip
    wall = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"the workflow failed:\n{done.stderr[-3000:]}")
    return wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", type=int, default=2_000_000)
    ap.add_argument("--genome-mb", type=int, default=30)
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--aligner", action="append", choices=["bwa", "minimap2"])
    args = ap.parse_args()
    aligners = args.aligner or ["bwa", "minimap2"]
    rng = np.random.default_rng(20261202)
    with tempfile.TemporaryDirectory(prefix="mmpsi-exome-bench-") as tmp:
        base = Path(tmp)
        genome = base / "genome.fa"
        make_genome(genome, args.genome_mb * 1_000_000, rng)
        start = time.perf_counter()
        fastqs = simulate(genome, args.pairs, base, rng)
        print(f"# {args.pairs:,} read pairs over a {genome.stat().st_size / 1e6:.0f} MB genome "
              f"simulated in {time.perf_counter() - start:.0f} s; {args.cores} cores")  # fmt: skip
        print(
            "\n| aligner | workflow wall (s) | tools alone, summed (s) | ratio | steps alone (s) |"
        )
        print("|---|---|---|---|---|")
        rules = {}
        for aligner in aligners:
            work = workdir_for(base, fastqs, genome, aligner)
            wall = run_workflow(work, args.cores)
            rules[aligner] = rule_times(work)
            steps = tools_alone(base, fastqs, genome, aligner, args.cores)
            total = sum(steps.values())
            detail = ", ".join(f"{k} {v:.0f}" for k, v in steps.items())
            print(f"| {aligner} | {wall:.0f} | {total:.0f} | {wall / total:.2f} | {detail} |",
                  flush=True)  # fmt: skip
        for aligner, times in rules.items():
            shown = ", ".join(f"{r} {t:.1f}" for r, t in times.items())
            print(f"\nworkflow jobs with {aligner} (s, summed per rule): {shown}")


if __name__ == "__main__":
    main()
