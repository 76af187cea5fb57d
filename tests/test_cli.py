"""The command line: help with examples, the panel table and BED, version."""

import csv
import io

import pytest

from mmpsi_variants.cli import cli
from mmpsi_variants.io.gene_cache import load_gene_models

from .conftest import DEMO


def _commands(group, prefix=()):
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name)
        if hasattr(command, "commands"):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("command", list(_commands(cli)), ids=" ".join)
def test_every_command_is_documented_with_an_example(run, command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0 and "mmpsi-variants" in result.stdout


def test_panel_table(run):
    result = run("panel")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout), delimiter="\t"))
    assert len(rows) == 30
    kcnt1 = rows[0]
    assert kcnt1["symbol"] == "KCNT1" and kcnt1["lof_for_phenotype"] == "false"
    assert "quinidine" in kcnt1["treatment_notes"]
    core = run("panel", "--tier", "core")
    assert len(core.stdout.strip().splitlines()) == 14


def test_panel_bed_places_every_gene_from_the_gene_models(run, tmp_path):
    bed = tmp_path / "panel.bed"
    result = run("panel", "--bed", "--genes", DEMO / "genes.gff3", "--padding", "50", "-o", bed)
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in bed.read_text().splitlines()]
    assert len(rows) == 30
    genes = {g.symbol: g for g in load_gene_models(DEMO / "genes.gff3").genes}
    for chrom, start, end, symbol, hgnc in rows:
        g = genes[symbol]
        # BED is 0-based half-open: the 1-based span [s-50, e+50] becomes [s-51, e+50).
        assert (chrom, int(start), int(end)) == (g.chrom, g.start - 51, g.end + 50)
        assert hgnc == g.hgnc_id


def test_panel_bed_needs_gene_models(run):
    result = run("panel", "--bed")
    assert result.exit_code == 2 and "--bed needs --genes" in result.stderr
