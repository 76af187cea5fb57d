"""ACMG/AMP combining, table-driven (tests/data/acmg_combinations.tsv), and the classify CLI."""

import csv

import pytest

from mmpsi_variants.acmg.combining import ALL_CODES, RETIRED, Thresholds, classify, parse_code
from mmpsi_variants.core.errors import ConfigError

from .conftest import DATA


def _rows():
    with open(DATA / "acmg_combinations.tsv") as fh:
        return list(csv.DictReader((ln for ln in fh if not ln.startswith("#")), delimiter="\t"))


ROWS = _rows()


@pytest.mark.parametrize("row", ROWS, ids=[r["case"] for r in ROWS])
def test_points_system(row):
    result = classify(row["codes"].split(), "points")
    assert (result.classification, result.points) == (row["points_class"], int(row["points"]))


@pytest.mark.parametrize("row", ROWS, ids=[r["case"] for r in ROWS])
def test_richards_2015(row):
    result = classify(row["codes"].split(), "richards2015")
    assert result.classification == row["richards_class"]
    if "conflict" in row["case"]:
        assert "conflicting" in result.reason


def test_every_criterion_has_a_case():
    used = {parse_code(c).code for r in ROWS for c in r["codes"].split()}
    missing = [c for c in ALL_CODES if c not in used and c not in RETIRED]
    assert not missing, f"no combining case uses {missing}"


@pytest.mark.parametrize("code", sorted(RETIRED))
def test_retired_criteria_are_refused(code):
    with pytest.raises(ConfigError, match="retired"):
        parse_code(code)


@pytest.mark.parametrize(
    "text, label, points",
    [
        ("PM2_Supporting", "PM2_Supporting", 1),
        ("pvs1_strong", "PVS1_Strong", 4),
        ("PP3_Moderate", "PP3_Moderate", 2),
        ("BP4_VeryStrong", "BP4_VeryStrong", -8),
        ("PS2", "PS2", 4),
        ("BA1", "BA1", 0),
    ],
)
def test_strength_suffixes(text, label, points):
    e = parse_code(text)
    assert (e.label, e.points) == (label, points)


@pytest.mark.parametrize("bad", ["PX9", "PM2_Tiny", "BA1_Strong", "PM2_StandAlone", ""])
def test_bad_codes(bad):
    with pytest.raises(ConfigError):
        parse_code(bad)


def test_configurable_benign_cutoffs():
    # The UK ACGS-style table puts Benign at <= -6.
    acgs = Thresholds(benign=-6)
    assert classify(["BS1", "BP4", "BP7"], "points", acgs).classification == "Benign"
    assert classify(["BS1", "BP4", "BP7"], "points").classification == "Likely benign"


def test_classify_cli(run):
    result = run("classify", "PVS1", "PM2_Supporting", "PS2_Moderate")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "Pathogenic\t11 points\tpoints"
    both = run("classify", "PVS1", "PM2", "--system", "richards2015")
    assert both.stdout.splitlines()[0].startswith("Likely pathogenic")
    assert "points: Pathogenic (10 points)" in both.stdout


def test_classify_cli_bad_code(run):
    result = run("classify", "PP5")
    assert result.exit_code == 2 and "retired" in result.stderr
