"""The documentation names only what exists, and documents everything a user can run.

Every subcommand of ``mmpsi-variants`` is in the README's command table and described on a
docs page; every subcommand, module and package file the docs name exists; every key of the
workflow's config schema is described in ``config/README.md``; the README stays short.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from mmpsi_variants.cli import cli

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "src" / "mmpsi_variants"
README = ROOT / "README.md"
PAGES = sorted((ROOT / "docs").glob("*.md"))
CONFIG_README = ROOT / "config" / "README.md"
ALL_DOCS = [README, CONFIG_README, *PAGES]
COMMANDS = set(cli.commands)
STAGE_DIRS = sorted(p.name for p in PKG.iterdir() if (p / "__init__.py").exists())


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_there_are_docs_pages():
    names = {p.stem for p in PAGES}
    expected = {"workflow", "filter", "inheritance", "annotation", "acmg", "knowledge-base"}
    assert expected | {"resources", "speed", "development"} <= names


def test_readme_is_short_and_links_every_page():
    text = _text(README)
    assert text.count("\n") <= 160, "the README is a front page; put details in docs/"
    for page in PAGES:
        assert f"docs/{page.name}" in text, f"README does not link {page.name}"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_is_documented(command):
    assert f"`mmpsi-variants {command}`" in _text(README), f"{command} is not in the README"
    pages = [p.name for p in PAGES if f"mmpsi-variants {command}" in _text(p)]
    assert pages, f"no docs page describes mmpsi-variants {command}"


@pytest.mark.parametrize("doc", ALL_DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_commands_named_in_the_docs_exist(doc):
    named = set(re.findall(r"mmpsi-variants ([a-z][a-z-]*)", _text(doc)))
    assert named <= COMMANDS, f"{doc.name} names unknown commands: {sorted(named - COMMANDS)}"


def _module_exists(name: str) -> bool:
    """A module or file named in the docs, as a path from the repository, from the package,
    or from any of the package's stages (``sample_checks.py`` is ``qc/sample_checks.py``)."""
    name = name.strip("/")
    candidates = [ROOT / name, PKG / name, ROOT / "workflow" / "schemas" / name]
    if name.startswith("src/mmpsi_variants/"):
        candidates.append(ROOT / name)
    return any(c.exists() for c in candidates)


_PATHS = re.compile(r"`((?:src/mmpsi_variants/)?[\w./-]+\.(?:py|yaml|json|smk))`")
_DOTTED = re.compile(r"\bmmpsi_variants((?:\.\w+)+)")


@pytest.mark.parametrize("doc", ALL_DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_files_named_in_the_docs_exist(doc):
    text = _text(doc)
    missing = []
    for name in _PATHS.findall(text):
        if "<" in name or "*" in name or name.startswith(("my", "your")):
            continue
        if not _module_exists(name) and not _module_exists(f"config/{name}"):
            missing.append(name)
    for dotted in _DOTTED.findall(text):
        parts = dotted.strip(".").split(".")
        if not any(
            (PKG.joinpath(*parts[:i]).with_suffix(".py")).exists()
            or PKG.joinpath(*parts[:i]).is_dir()
            for i in range(len(parts), 0, -1)
        ):
            missing.append(f"mmpsi_variants{dotted}")
    assert not missing, f"{doc.name} names files that do not exist: {missing}"


def _tree() -> tuple[set[str], list[tuple[str, str]]]:
    """The stages, and (stage, module) of every module line, of the development page's
    layout tree."""
    text = _text(ROOT / "docs" / "development.md")
    tree = text.split("## The package as stages", 1)[1].split("```", 2)[1]
    out, stage, stages = [], None, set()
    for line in tree.splitlines():
        m = re.match(r"^(\w+)/\s", line)
        if m:
            stage = m.group(1)
            stages.add(stage)
            continue
        m = re.match(r"^  (\w+)(/)?\s", line)
        if m and stage:
            out.append((stage, m.group(1) + (m.group(2) or "")))
    return stages, out


def test_the_layout_tree_lists_every_module_and_only_those():
    stages, listed = _tree()
    assert stages == set(STAGE_DIRS)
    named = set()
    for stage, module in listed:
        path = PKG / stage / module
        assert path.is_dir() or path.with_suffix(".py").exists(), f"{stage}/{module} does not exist"
        named.add(f"{stage}/{module.rstrip('/')}")
    actual = {
        f"{p.parent.name}/{p.stem}"
        for p in PKG.glob("*/*.py")
        if p.name != "__init__.py" and p.parent.name != "cli"
    } | {f"{p.parent.name}/{p.name}" for p in PKG.glob("*/*/") if (p / "__init__.py").exists()}
    assert actual - named == set(), f"modules missing from docs/development.md: {actual - named}"


def _config_keys(schema: dict, prefix: str = "") -> list[str]:
    keys = []
    for key, sub in (schema.get("properties") or {}).items():
        if isinstance(sub, dict) and sub.get("properties"):
            keys += _config_keys(sub, f"{prefix}{key}.")
        else:
            keys.append(f"{prefix}{key}")
    return keys


CONFIG_KEYS = _config_keys(
    yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())
)


@pytest.mark.parametrize("key", CONFIG_KEYS)
def test_every_config_key_is_described(key):
    """A key is described on a table row that names its parent and the key itself, written
    whole (`calling.padding`) or as a continuation of the row (`.clinvar`, `revel`)."""
    parent, _, leaf = key.rpartition(".")
    rows = [ln for ln in _text(CONFIG_README).splitlines() if ln.startswith("|")]
    ok = any(
        f"`{key}`" in row
        or (
            (not parent or f"`{parent}" in row)
            and (f"`.{leaf}`" in row or f"`{leaf}`" in row or f".{leaf}`" in row)
        )
        for row in rows
    )
    assert ok, f"config key {key} is not described in config/README.md"
