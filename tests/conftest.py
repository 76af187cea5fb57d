"""Shared fixtures: paths to the bundled demo and real data, and a CLI runner."""

from __future__ import annotations

import gzip
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from mmpsi_variants.cli import cli

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "resources" / "demo"
DATA = Path(__file__).resolve().parent / "data"
REAL = DATA / "realdata"


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory):
    """Tests never read or write the user's gene-model cache."""
    old = os.environ.get("MMPSI_CACHE_DIR")
    os.environ["MMPSI_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        del os.environ["MMPSI_CACHE_DIR"]
    else:
        os.environ["MMPSI_CACHE_DIR"] = old


@pytest.fixture(autouse=True)
def _private_tmpdir(tmp_path_factory, monkeypatch):
    """Each test runs with its own empty $TMPDIR and must leave it empty: a run of ours,
    successful or failed, leaves no temporary index, work folder or part-file behind."""
    tmp = tmp_path_factory.mktemp("tmpdir")
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    yield tmp
    left = sorted(p.name for p in tmp.iterdir())
    assert not left, f"left behind in $TMPDIR: {left}"


def demo_vcf_text() -> str:
    with gzip.open(DEMO / "demo.vcf.gz", "rt") as fh:
        return fh.read()


def needs_tool(name: str):
    return pytest.mark.skipif(shutil.which(name) is None, reason=f"{name} not installed")


@pytest.fixture
def run():
    """Run the CLI in-process; returns click's Result (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def _run(*args):
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return _run


_SUMMARY: list[str] = []


@pytest.fixture
def record_csq_concordance():
    """Let a test put a figure into the run's final summary."""
    return _SUMMARY.append


def pytest_terminal_summary(terminalreporter):
    for line in _SUMMARY:
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def demo_fastq_run(tmp_path_factory):
    """The demo workflow from FASTQ with the default configuration (what `make demo` runs),
    once per test session: the end-to-end tests read it, the cluster test compares with it."""
    from .workflow_runner import demo_reads, fastq_units, setup_workdir, snakemake

    workdir = setup_workdir(tmp_path_factory.mktemp("fastq"), fastq_units(demo_reads()))
    result = snakemake(workdir)
    assert result.returncode == 0, result.stderr[-5000:]
    return workdir, result
