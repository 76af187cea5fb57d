"""Contig names and genome builds.

Gene models, reference and VCF often disagree on contig names (``chr1`` against ``1``, RefSeq's
``NC_000001.11``). We match them through one canonical key per contig and fail only when nothing
matches at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from mmpsi_variants.core.errors import ConfigError, ContigError

_REFSEQ_CHROM = re.compile(r"^NC_0000(\d\d)\.\d+$")
_MITO = {"M", "MT", "NC_012920", "CHRM", "CHRMT"}


def canonical(name: str) -> str:
    """Return the build-independent key of a contig name.

    >>> canonical("chr1"), canonical("1"), canonical("NC_000023.11"), canonical("chrM")
    ('1', '1', 'X', 'MT')
    """
    m = _REFSEQ_CHROM.match(name)
    if m:
        number = int(m.group(1))
        return {23: "X", 24: "Y"}.get(number, str(number))
    if name.split(".")[0].upper() in _MITO:
        return "MT"
    if name[:3].lower() == "chr":
        name = name[3:]
    return "MT" if name.upper() in _MITO else name


class ContigMap:
    """Translate contig names of other inputs into the names one input uses."""

    def __init__(self, target_names: Iterable[str]):
        self.target_names = list(target_names)
        self._names = set(self.target_names)
        self._by_key: dict[str, str] = {}
        for name in self.target_names:
            self._by_key.setdefault(canonical(name), name)
        self._memo: dict[str, str | None] = {}

    def get(self, name: str) -> str | None:
        """The target's name for ``name``, or None when the target has no such contig."""
        if name in self._names:
            return name
        if name not in self._memo:
            self._memo[name] = self._by_key.get(canonical(name))
        return self._memo[name]

    def require_overlap(self, names: Iterable[str], *, what: str, path: str, target: str) -> None:
        """Raise when none of ``names`` exists in the target."""
        names = list(names)
        if names and not any(self.get(n) for n in names):
            shown = ", ".join(sorted(set(names))[:5])
            have = ", ".join(self.target_names[:5]) or "none"
            raise ContigError(
                f"none of the {what} contigs ({shown}) is in {target} (its contigs: {have})",
                path=path,
            )


@dataclass(frozen=True)
class Build:
    """A genome build and its pseudoautosomal regions."""

    name: str
    par: Mapping[str, tuple[tuple[int, int], ...]]

    def in_par(self, chrom: str, pos: int) -> bool:
        return any(a <= pos <= b for a, b in self.par.get(canonical(chrom), ()))


NO_BUILD = Build("unknown", {})


@cache
def _build_table() -> dict[str, Any]:
    text = resources.files("mmpsi_variants").joinpath("data/builds.yaml").read_text()
    table: dict[str, Any] = yaml.safe_load(text)
    return table


def get_build(name: str) -> Build:
    """Look a build up by name or alias (``GRCh38``, ``hg19``, ``none``)."""
    if name.lower() in ("none", "unknown", "other", "synthetic"):
        return NO_BUILD
    for build, entry in _build_table().items():
        if name.lower() in (a.lower() for a in entry["aliases"]):
            par = {k: tuple(tuple(r) for r in v) for k, v in entry["par"].items()}
            return Build(build, par)
    known = ", ".join(_build_table())
    raise ConfigError(f"unknown genome build {name!r}; expected one of {known} or 'none'")


def detect_build(contig_lengths: Mapping[str, int], reference_line: str | None = None) -> Build:
    """Guess the build from the chrX length in a header, else from its ##reference line.

    Returns NO_BUILD when neither says, so that no pseudoautosomal region is assumed.
    """
    for name, length in contig_lengths.items():
        if canonical(name) == "X":
            for build, entry in _build_table().items():
                if length == entry["chrX_length"]:
                    return get_build(build)
    if reference_line:
        low = reference_line.lower()
        for build, entry in _build_table().items():
            if any(a.lower() in low for a in entry["aliases"]):
                return get_build(build)
    return NO_BUILD


# Where a site lies, for inheritance and the sex check: chrX outside the pseudoautosomal
# regions is haploid in males.
AUTOSOME, CHR_X, CHR_Y, MITO = "autosome", "X", "Y", "MT"


def region_of(chrom: str, pos: int, build: Build) -> str:
    """AUTOSOME (pseudoautosomal regions included), CHR_X, CHR_Y or MITO."""
    key = canonical(chrom)
    if key == "MT":
        return MITO
    if key in ("X", "Y") and not build.in_par(chrom, pos):
        return CHR_X if key == "X" else CHR_Y
    return AUTOSOME
