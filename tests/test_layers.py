"""The package's stages import only downwards, and no modules import each other in a circle.

The stages, from the bottom: core, io, panel, annotation, qc, inheritance, acmg, cnv, report,
pipeline, then cli.py on top. A module may import from its own stage and from any stage below
it; the package's root (``__version__``) may be imported from anywhere. Imports are read with
``ast``, including those inside functions (a lazy import is still a dependency).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PKG = "mmpsi_variants"
SRC = Path(__file__).resolve().parents[1] / "src" / PKG
STAGES = (
    "core",
    "io",
    "panel",
    "phenotype",
    "annotation",
    "qc",
    "inheritance",
    "acmg",
    "cnv",
    "report",
    "pipeline",
    "cli",
    "__main__",
)
MAX_LINES = 450


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, module: str | None = None) -> set[str]:
    """Every mmpsi_variants module a file imports, as absolute dotted names."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = (module or _module_name(path)).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == PKG}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            if module.split(".")[0] != PKG:
                continue
            for alias in node.names:
                # "from pkg.stage import module" names a module, not an attribute.
                sub = f"{module}.{alias.name}"
                found.add(sub if sub in MODULES else module)
    return found


MODULE_FILES = {_module_name(p): p for p in sorted(SRC.rglob("*.py"))}
MODULES = set(MODULE_FILES)


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None  # None: the package root


def test_every_module_belongs_to_a_stage():
    strays = [m for m in MODULES if _stage(m) is not None and _stage(m) not in STAGES]
    assert not strays, f"modules outside the stages {STAGES}: {sorted(strays)}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_go_only_downwards(module):
    stage = _stage(module)
    if stage is None:
        assert not _imports(MODULE_FILES[module]), "the package root must import nothing"
        return
    upward = []
    for target in sorted(_imports(MODULE_FILES[module], module)):
        other = _stage(target)
        if other is not None and STAGES.index(other) > STAGES.index(stage):
            upward.append(f"{target} ({other} is above {stage})")
    assert not upward, f"{module} imports from a stage above it: {', '.join(upward)}"


def test_no_circle_of_imports():
    graph = {m: {t for t in _imports(MODULE_FILES[m]) if t in MODULES and t != m} for m in MODULES}
    # A package's __init__ that re-exports is imported by its modules' importers, not by them.
    circles = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                circles.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)
    assert not circles, "circles of imports: " + "; ".join(" -> ".join(c) for c in circles)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_fit_in_one_sitting(module):
    lines = MODULE_FILES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines; split it along its seams"


@pytest.mark.parametrize(
    "stage", [s for s in STAGES if (SRC / s).is_dir()] + ["annotation/sources"]
)
def test_each_stage_says_what_it_takes_and_gives(stage):
    init = SRC / stage / "__init__.py"
    doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
    assert doc and len(doc.split()) >= 25, f"{init}: say in a paragraph what it takes and gives"


def test_the_checker_sees_an_upward_import(tmp_path, monkeypatch):
    """The checker itself: a core module importing the pipeline is caught."""
    fake = SRC / "core" / "_layer_probe.py"
    assert not fake.exists()
    probe = tmp_path / "probe.py"
    probe.write_text("from mmpsi_variants.pipeline.filter import run_filter\n")
    monkeypatch.setitem(MODULE_FILES, "mmpsi_variants.core._layer_probe", probe)
    with pytest.raises(AssertionError, match="imports from a stage above"):
        test_imports_go_only_downwards("mmpsi_variants.core._layer_probe")


def test_vcf_records_are_read_with_one_library():
    """VCF records are read with cyvcf2, and only through io/vcf.py: it reads genotypes about
    a quarter faster than pysam (docs/speed.md). pysam stays for what cyvcf2 does not do:
    FASTA, BAM/CRAM, tabix text lines, BGZF and indexes."""
    readers = [
        module
        for module, path in MODULE_FILES.items()
        if module != "mmpsi_variants.io.vcf"
        and re.search(r"pysam\.VariantFile|^\s*(from|import) cyvcf2", path.read_text(), re.M)
    ]
    assert not readers, f"modules reading VCF records outside io/vcf.py: {readers}"
