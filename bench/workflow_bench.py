#!/usr/bin/env python3
"""Time the whole workflow on the demo data: wall time, per-rule table, Snakemake's overhead, and
the copy-number stage's share (the run at the most cores again without it).

Runs the default configuration (FASTQ entry, `make demo`) from scratch in a temporary working
directory, once per --cores value, and prints a Markdown table per run built from the rules'
own benchmark files (benchmarks/{rule}/*.tsv). Snakemake's overhead is the wall time of the run
minus the summed wall time of its jobs; with --cores 1 the jobs run one after another, so that
difference is the time Snakemake itself takes (parsing, DAG, scheduling, job start-up).

    python bench/workflow_bench.py --cores 2 --cores 1
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import yaml

from mmpsi_variants.pipeline.plan import with_absolute_paths

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "resources" / "demo"
BIN = Path(sys.executable).parent


def setup(workdir: Path, copy_number: bool = True) -> None:
    subprocess.run(
        [sys.executable, str(DEMO / "simulate_reads.py")], check=True, stdout=subprocess.DEVNULL
    )
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    cfg = with_absolute_paths(cfg, ROOT)
    cfg["copy_number"] = {"enabled": copy_number}
    (workdir / "config").mkdir(parents=True)
    (workdir / "config" / "config.yaml").write_text(yaml.safe_dump(cfg))
    (workdir / "config" / "samples.tsv").write_text((ROOT / "config/samples.tsv").read_text())
    units = (ROOT / "config" / "units.tsv").read_text().replace("resources/demo/", f"{DEMO}/")
    (workdir / "config" / "units.tsv").write_text(units)


def run(cores: int, copy_number: bool = True) -> tuple[float, dict]:
    with tempfile.TemporaryDirectory(prefix="mmpsi-wf-bench-") as tmp:
        workdir = Path(tmp)
        setup(workdir, copy_number)
        env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
        cmd = [str(BIN / "snakemake"), "-s", str(ROOT / "Snakefile"), "-d", str(workdir)]
        start = time.perf_counter()
        done = subprocess.run(
            [*cmd, "--cores", str(cores)], env=env, capture_output=True, text=True
        )
        wall = time.perf_counter() - start
        if done.returncode:
            sys.exit(f"the workflow failed:\n{done.stderr[-3000:]}")
        rules: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for tsv in sorted((workdir / "benchmarks").glob("*/*.tsv")):
            with open(tsv) as fh:
                row = next(csv.DictReader(fh, delimiter="\t"))
            rss = float(row["max_rss"]) if row["max_rss"] not in ("", "-", "NA") else 0.0
            rules[tsv.parent.name].append((float(row["s"]), rss))
        return wall, rules


def report(cores: int, wall: float, rules: dict) -> str:
    lines = [
        f"### --cores {cores}: wall time {wall:.1f} s",
        "",
        "| rule | jobs | total s | max s | max RSS MB |",
        "|---|---:|---:|---:|---:|",
    ]
    total = 0.0
    for rule, runs in sorted(rules.items(), key=lambda kv: -sum(s for s, _ in kv[1])):
        secs = [s for s, _ in runs]
        total += sum(secs)
        lines.append(
            f"| {rule} | {len(runs)} | {sum(secs):.1f} | {max(secs):.1f} "
            f"| {max(r for _, r in runs):.0f} |"
        )
    lines += [
        f"| **sum of jobs** | {sum(len(r) for r in rules.values())} | {total:.1f} | | |",
        "",
        f"Wall time {wall:.1f} s; summed job time {total:.1f} s; "
        f"wall minus jobs {wall - total:.1f} s"
        + (" (Snakemake's own overhead: the jobs ran one at a time)" if cores == 1 else ""),
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cores", type=int, action="append", help="repeatable (default: 2)")
    args = ap.parse_args()
    for cores in args.cores or [2]:
        wall, rules = run(cores)
        print(report(cores, wall, rules))
        if cores == max(args.cores or [2]):
            # The copy-number stage's share: the same run without it, in the same session.
            bare, _ = run(cores, copy_number=False)
            print(
                f"Copy number: {wall:.1f} s with the stage, {bare:.1f} s without "
                f"(+{(wall / bare - 1):.1%}; target under 10%); call_copy_number's job "
                f"{sum(s for s, _ in rules.get('call_copy_number', [])):.1f} s\n"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
