"""SIGTERM and SIGINT stop a run cleanly (issue 11, item 7).

Snakemake and SLURM cancel a job with SIGTERM. It used to kill the run where it stood: the
`.part` files it was writing (29 MB in the probe) stayed in the output folder for good, and its
``mmpsi-filter-*`` folder in $TMPDIR stayed too. Now a stop is handled like an error: what the
run wrote is removed, one line says why it stopped, and the exit code is 128 + the signal's
number (143 for SIGTERM, 130 for SIGINT), as a shell reports a process killed by it.

The runs are real processes on a dense VCF (every 30th base of the demo genome, nine samples)
big enough to be stopped while reading and while writing. The test waits for the first
temporary folder or staged file and signals at once, which is how stress runs (hundreds of
stops at random moments) found the windows between creating a temporary folder and taking
charge of it; those steps are now deferred (core/stops.py) and the last test covers that.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pysam
import pytest

from mmpsi_variants.io.commit import STAGING_PREFIX

from .conftest import DEMO

EXE = Path(sys.executable).with_name("mmpsi-variants")
SAMPLES = 9


@pytest.fixture(scope="module")
def dense_vcf(tmp_path_factory) -> Path:
    """About 14,000 SNVs over the demo genome, with random genotypes."""
    rng = random.Random(11)
    fasta = pysam.FastaFile(str(DEMO / "genome.fa"))
    path = tmp_path_factory.mktemp("dense") / "dense.vcf"
    names = "\t".join(f"S{n}" for n in range(SAMPLES))
    with open(path, "w") as out:
        out.write("##fileformat=VCFv4.2\n")
        for contig, length in zip(fasta.references, fasta.lengths, strict=True):
            out.write(f"##contig=<ID={contig},length={length}>\n")
        out.write('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n')
        out.write(f"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{names}\n")
        for contig in fasta.references:
            seq = fasta.fetch(contig).upper()
            for pos in range(100, len(seq) - 100, 30):
                ref = seq[pos - 1]
                if ref not in "ACGT":
                    continue
                alt = "ACGT"[("ACGT".index(ref) + 1 + rng.randrange(3)) % 4]
                gts = "\t".join(rng.choice(("0/1", "0/0", "1/1", "0/1")) for _ in range(SAMPLES))
                out.write(f"{contig}\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\t.\tGT\t{gts}\n")
    return path


def _start(args: list, tmpdir: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [EXE, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(tmpdir)},
    )


def _wait_for(proc: subprocess.Popen, seen, what: str) -> None:
    deadline = time.monotonic() + 60
    while not seen():
        assert proc.poll() is None, f"the run ended before {what}: {proc.stderr.read()}"  # type: ignore[union-attr]
        assert time.monotonic() < deadline, f"no {what} within a minute"
        time.sleep(0.005)


def _staging(out: Path) -> bool:
    return out.exists() and any(p.name.startswith(STAGING_PREFIX) for p in out.iterdir())


def _filter(vcf: Path, out: Path) -> list:
    return ["filter", vcf, "--no-panel", "--keep-all", "--genes", DEMO / "genes.gff3",
            "--reference", DEMO / "genome.fa", "-o", out]  # fmt: skip


@pytest.mark.parametrize(
    "sig,code,moment",
    [
        (signal.SIGTERM, 143, "writing"),
        (signal.SIGTERM, 143, "reading"),
        (signal.SIGINT, 130, "writing"),
    ],
)
def test_a_stopped_filter_run_leaves_nothing(dense_vcf, tmp_path, sig, code, moment):
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    out = tmp_path / "out"
    proc = _start(_filter(dense_vcf, out), tmpdir)
    if moment == "writing":
        _wait_for(proc, lambda: _staging(out), "staged output")
    else:
        _wait_for(proc, lambda: any(tmpdir.iterdir()), "temporary folder")
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    lines = err.strip().splitlines()
    assert lines[-1] == (
        f"mmpsi-variants: stopped: by {signal.Signals(sig).name}; "
        "unfinished outputs and temporary files removed"
    ), err
    assert "Traceback" not in err
    assert not out.exists() or list(out.iterdir()) == []
    assert list(tmpdir.iterdir()) == []


@pytest.mark.parametrize("threads", [1, 2])
def test_a_stopped_annotate_run_leaves_nothing(dense_vcf, tmp_path, threads):
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    out = tmp_path / "out"
    proc = _start(
        ["annotate", dense_vcf, "--genes", DEMO / "genes.gff3", "--reference",
         DEMO / "genome.fa", "--threads", str(threads), "-o", out / "dense.ann.vcf.gz"],
        tmpdir,
    )  # fmt: skip
    _wait_for(proc, lambda: _staging(out), "staged output")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "Traceback" not in err
    assert list(out.iterdir()) == []
    assert list(tmpdir.iterdir()) == []


def test_a_stop_inside_a_deferred_step_is_raised_at_its_end():
    """The creation of a temporary folder and taking charge of it are one step: a stop in
    between (stress runs hit this window) is raised once the step is done."""
    from mmpsi_variants.core.stops import Stopped, deferred, stoppable

    steps = []
    with stoppable(), pytest.raises(Stopped) as caught:
        with deferred():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)  # the handler runs here, and only takes note
            steps.append("finished")
        steps.append("not reached")
    assert steps == ["finished"] and caught.value.signum == signal.SIGTERM
    assert signal.getsignal(signal.SIGTERM) is not signal.SIG_IGN  # handlers put back
