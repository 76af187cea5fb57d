"""Settings: package defaults, a user file merged over them, and errors that name the key."""

from __future__ import annotations

import pytest
import yaml

from mmpsi_variants.core.errors import ConfigError
from mmpsi_variants.core.settings import default_settings_path, load_settings, merge
from mmpsi_variants.inheritance.settings import InheritanceSettings

from .conftest import DEMO


def test_defaults_load_and_every_threshold_says_where_it_comes_from():
    s = load_settings()
    assert s.path is None
    inh = InheritanceSettings.from_settings(s)
    assert inh.child.min_genotype_quality == 20 and inh.parents.max_alt_reads_total == 1
    # Each leaf of the inheritance section has a comment above it or on its line.
    lines = default_settings_path().read_text().splitlines()
    for i, line in enumerate(lines):
        stripped = line.strip()
        if ":" in stripped and not stripped.startswith("#") and not stripped.endswith(":"):
            above = "\n".join(lines[max(0, i - 6) : i])
            assert "#" in above or "#" in line, f"no source comment for: {stripped}"


def test_user_file_overrides_one_value_and_keeps_the_rest(tmp_path):
    user = tmp_path / "s.yaml"
    user.write_text("inheritance:\n  mosaic:\n    max_allele_fraction: 0.25\n")
    s = load_settings(user)
    assert s.path == str(user)
    mosaic = s.section("inheritance")["mosaic"]
    assert mosaic["max_allele_fraction"] == 0.25 and mosaic["min_depth"] == 20
    # section() hands out a copy
    s.section("inheritance")["mosaic"]["min_depth"] = 1
    assert s.section("inheritance")["mosaic"]["min_depth"] == 20


def test_merge_replaces_lists_and_scalars_but_merges_mappings():
    base = {"a": {"b": 1, "c": [1, 2]}, "d": 1}
    assert merge(base, {"a": {"c": [3]}}) == {"a": {"b": 1, "c": [3]}, "d": 1}
    assert base == {"a": {"b": 1, "c": [1, 2]}, "d": 1}


@pytest.mark.parametrize(
    "text, where, match",
    [
        ("inheritance:\n  mosaic:\n    min_deph: 3\n", "inheritance/mosaic", "min_deph"),
        ("inheritance:\n  mosaic:\n    min_depth: -1\n", "inheritance/mosaic/min_depth", "-1"),
        (
            "inheritance:\n  mosaic:\n    max_allele_fraction: 2\n",
            "inheritance/mosaic/max_all",
            "2",
        ),
        (
            "inheritance:\n  compound_het:\n    report_unphased: maybe\n",
            "inheritance/compound",
            "maybe",
        ),
        ("inheritnce: {}\n", "top level", "inheritnce"),
        (
            "acmg:\n  bs1:\n    max_credible_af: {PNPO: 0.0005}\n",
            "acmg",
            "is now acmg.max_credible_af",
        ),
        ("- a list\n", None, "mapping of sections"),
        ("inheritance: [\n", "line", "expected valid YAML"),
    ],
)
def test_bad_settings_name_the_file_and_key(tmp_path, text, where, match):
    user = tmp_path / "s.yaml"
    user.write_text(text)
    with pytest.raises(ConfigError, match=match) as err:
        load_settings(user)
    assert err.value.path == str(user)
    if where:
        assert err.value.where.startswith(where)


def test_missing_settings_file(tmp_path):
    with pytest.raises(Exception, match="file not found"):
        load_settings(tmp_path / "nope.yaml")


def test_cli_bad_settings_is_one_line_and_exit_2(run, tmp_path):
    user = tmp_path / "s.yaml"
    user.write_text(yaml.safe_dump({"inheritance": {"de_novo": {"child": {"min_depht": 5}}}}))
    result = run("filter", DEMO / "demo.vcf.gz", "--no-panel", "--settings", user, "-o", tmp_path)
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert str(user) in line and "inheritance/de_novo/child" in line and "min_depht" in line
    assert not list(tmp_path.glob("*.json"))
