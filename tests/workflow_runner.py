"""Run the Snakemake workflow of this repository in a temporary working directory."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from mmpsi_variants.pipeline.plan import with_absolute_paths

from .conftest import DEMO, ROOT

BIN = Path(sys.executable).parent
DEFAULT_CONFIG = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
# The sheet's paths (the demo's Phenopacket) are relative to the repository; a test's working
# folder is elsewhere.
SAMPLES_TSV = (
    (ROOT / "config" / "samples.tsv").read_text().replace("\tresources/demo/", f"\t{DEMO}/")
)
UNITS_HEADER = "sample\tunit\tfq1\tfq2\tbam\tvcf\n"


def demo_reads() -> Path:
    """The simulated demo reads (simulated on the first call; the simulator skips done work)."""
    subprocess.run(
        [sys.executable, str(DEMO / "simulate_reads.py")], check=True, capture_output=True
    )
    return DEMO / "reads"


def fastq_units(reads: Path) -> str:
    rows = []
    for line in (reads / "MANIFEST.tsv").read_text().splitlines()[2:]:
        sample, unit, fq1, fq2, _ = line.split("\t")
        rows.append(f"{sample}\t{unit}\t{reads / fq1}\t{reads / fq2}\t\t\n")
    return UNITS_HEADER + "".join(rows)


def setup_workdir(workdir: Path, units: str, samples: str = SAMPLES_TSV, **changes) -> Path:
    """config/{config.yaml,samples.tsv,units.tsv} in ``workdir``, demo paths made absolute.

    ``changes`` are config keys in dotted form with ``__`` for dots: calling__caller="freebayes".
    """
    cfg = with_absolute_paths(DEFAULT_CONFIG, ROOT)
    for key, value in changes.items():
        *head, last = key.split("__")
        node = cfg
        for k in head:
            node = node[k]
        node[last] = value
    (workdir / "config").mkdir(parents=True, exist_ok=True)
    (workdir / "config" / "config.yaml").write_text(yaml.safe_dump(cfg))
    (workdir / "config" / "samples.tsv").write_text(samples)
    (workdir / "config" / "units.tsv").write_text(units)
    return workdir


def snakemake(
    workdir: Path, *args: str, cores: int = 2, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Snakemake on this repository's workflow in ``workdir``; ``env`` adds to the environment
    (a PATH given there comes first)."""
    env = _environment(env)
    cmd = snakemake_command(workdir, *args, cores=cores)
    return subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True)


def snakemake_command(workdir: Path, *args: str, cores: int = 2) -> list[str]:
    return [
        str(BIN / "snakemake"),
        "--snakefile",
        str(ROOT / "Snakefile"),
        "--directory",
        str(workdir),
        "--cores",
        str(cores),
        *args,
    ]


def _environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    extra = dict(extra or {})
    path = os.pathsep.join(p for p in (extra.pop("PATH", ""), str(BIN)) if p)
    return {**os.environ, **extra, "PATH": f"{path}{os.pathsep}{os.environ.get('PATH', '')}"}


def job_counts(output: str) -> dict[str, int]:
    """The "Job stats" table of a Snakemake run or dry-run."""
    counts = {}
    m = re.search(r"Job stats:\n(.*?)\n\n", output, re.S)
    assert m, output[-3000:]
    for line in m.group(1).splitlines()[2:]:
        name, _, n = line.rpartition(" ")
        if name.strip() and name.strip() != "total":
            counts[name.strip()] = int(n)
    return counts
