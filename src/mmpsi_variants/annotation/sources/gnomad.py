"""Population allele frequencies from a gnomAD sites VCF (v2, v3 or v4 field names).

The answers are kept apart, because the ACMG rules treat them differently:

- ``found``: the file has the allele (after splitting and normalising both sides);
- ``absent``: the file covers the position but has no record of this allele;
- ``not_covered``: the file has no record of the allele and does not cover the position: it has
  no records on the contig, or, when a coverage BED is given with ``coverage=`` (for example
  gnomAD's exome calling intervals), the position lies outside it. With a coverage BED, the BED
  alone decides what is covered;
- ``not_looked_up``: no gnomAD file was given (see :data:`NOT_LOOKED_UP`).

Which INFO key gives which figure depends on the release; the keys actually used are reported
in :attr:`PopulationResult.fields` so that a reader can check them:

================  ====================================================================
quantity          keys, in order of preference
================  ====================================================================
af, ac, an        ``AF_joint``/``AC_joint``/``AN_joint`` (v4 joint exome+genome), then
                  ``AF``/``AC``/``AN``
nhomalt           ``nhomalt_joint``, ``nhomalt``
grpmax_af         ``AF_grpmax_joint``, ``AF_grpmax`` (v4), ``AF_popmax`` (v2, v3)
grpmax_group      ``grpmax_joint``, ``grpmax``, ``popmax``
faf95_max         ``fafmax_faf95_max_joint``, ``fafmax_faf95_max`` (v4), ``faf95_popmax``,
                  else the largest of the per-group ``faf95_<group>`` values (v2, v3: the
                  file has FAF only for the groups gnomAD computes it for)
nhemi             outside the pseudoautosomal regions of X and Y only (INFO flag ``non_par``
                  or ``nonpar``): ``AC_joint_XY``, ``AC_XY`` (v3.1+), ``AC_male`` (v2). Males
                  are haploid there in gnomAD, so their allele count is the number of
                  hemizygous carriers, as the gnomAD browser reports it
ac_xx,            the XX (female) samples' allele count and homozygotes: ``AC_joint_XX``,
nhomalt_xx        ``AC_XX`` (v3.1+), ``AC_female`` (v2) and the ``nhomalt`` keys of the same
                  names; else the whole count less the XY one (``AC`` - ``AC_XY``), which
                  holds in gnomAD, whose samples are XX or XY. Where ``nhemi`` is given
                  (X and Y outside the PARs): a gene expressed only in females (PCDH19)
                  counts its carriers among them
================  ====================================================================
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mmpsi_variants.core.contigs import NO_BUILD, Build, canonical
from mmpsi_variants.core.errors import InputFileError, VcfError
from mmpsi_variants.io.fasta import Reference
from mmpsi_variants.io.tabix import IndexedVcf, VcfBacked, VcfLine, Warn

STATUSES = ("found", "absent", "not_covered", "not_looked_up")

# quantity -> INFO keys in order of preference
_KEYS: dict[str, tuple[str, ...]] = {
    "af": ("AF_joint", "AF"),
    "ac": ("AC_joint", "AC"),
    "an": ("AN_joint", "AN"),
    "nhomalt": ("nhomalt_joint", "nhomalt"),
    "grpmax_af": ("AF_grpmax_joint", "AF_grpmax", "AF_popmax"),
    "grpmax_group": ("grpmax_joint", "grpmax", "popmax"),
    "faf95_max": ("fafmax_faf95_max_joint", "fafmax_faf95_max", "faf95_popmax"),
}
_HEMI_KEYS = ("AC_joint_XY", "AC_XY", "AC_male")
# XX counts: given directly, or as the total less the XY count (first pair whose keys exist).
_XX_KEYS: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str], ...]]] = {
    "ac_xx": (
        ("AC_joint_XX", "AC_XX", "AC_female"),
        (("AC_joint", "AC_joint_XY"), ("AC", "AC_XY"), ("AC", "AC_male")),
    ),
    "nhomalt_xx": (
        ("nhomalt_joint_XX", "nhomalt_XX", "nhomalt_female"),
        (("nhomalt_joint", "nhomalt_joint_XY"), ("nhomalt", "nhomalt_XY"),
         ("nhomalt", "nhomalt_male")),
    ),
}  # fmt: skip
_NONPAR_FLAGS = ("non_par", "nonpar")
_GROUP_FAF = re.compile(r"^faf95_([a-z]{3})$")
_INTEGER = {"ac", "an", "nhomalt", "nhemi", "ac_xx", "nhomalt_xx"}
_RELEASE_IN_NAME = re.compile(
    r"gnomad[._-](?:exomes|genomes|joint)?[._-]?[rv](\d+(?:\.\d+)*)", re.IGNORECASE
)


def info_keys_read(info_ids: Iterable[str]) -> set[str]:
    """The INFO keys of a header that :class:`GnomadSource` reads: a panel slice of gnomAD keeps
    these and drops the rest (hundreds of per-group figures, VEP strings), which makes it
    tens of times smaller without changing an answer."""
    wanted = {k for keys in _KEYS.values() for k in keys} | set(_HEMI_KEYS) | set(_NONPAR_FLAGS)
    for direct, pairs in _XX_KEYS.values():
        wanted |= set(direct) | {k for pair in pairs for k in pair}
    return {k for k in info_ids if k in wanted or _GROUP_FAF.match(k)}


@dataclass(frozen=True)
class PopulationResult:
    """What gnomAD says about one allele; figures are None when not found or not given."""

    status: str
    af: float | None = None
    ac: int | None = None
    an: int | None = None
    nhomalt: int | None = None
    nhemi: int | None = None
    grpmax_af: float | None = None
    grpmax_group: str | None = None
    faf95_max: float | None = None
    ac_xx: int | None = None  # XX (female) samples' allele count
    nhomalt_xx: int | None = None  # and their homozygotes
    filters: tuple[str, ...] = ()  # the gnomAD record's FILTER (empty = PASS)
    fields: tuple[str, ...] = ()  # "quantity=INFO key" for every figure given
    source_version: str | None = None
    record: str | None = None  # the matching gnomAD record as written, chrom:pos:REF:ALT

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")

    @property
    def found(self) -> bool:
        return self.status == "found"

    def to_json(self) -> dict:
        """A plain dict for the JSON output."""
        return {
            "status": self.status,
            "af": self.af,
            "ac": self.ac,
            "an": self.an,
            "nhomalt": self.nhomalt,
            "nhemi": self.nhemi,
            "grpmax_af": self.grpmax_af,
            "grpmax_group": self.grpmax_group,
            "faf95_max": self.faf95_max,
            "ac_xx": self.ac_xx,
            "nhomalt_xx": self.nhomalt_xx,
            "filters": list(self.filters),
            "fields": list(self.fields),
            "source_version": self.source_version,
            "record": self.record,
        }


NOT_LOOKED_UP = PopulationResult("not_looked_up")


@dataclass
class _Coverage:
    """Sorted, merged 1-based inclusive intervals per canonical contig."""

    intervals: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def covers(self, chrom: str, pos: int) -> bool:
        iv = self.intervals.get(canonical(chrom), [])
        i = bisect.bisect_right(iv, (pos, float("inf"))) - 1
        return i >= 0 and iv[i][0] <= pos <= iv[i][1]


def read_coverage_bed(path: str | Path) -> _Coverage:
    """A BED file (0-based half-open) of the regions the gnomAD file covers."""
    from mmpsi_variants.io.htslib import open_text

    path = Path(path)
    raw: dict[str, list[tuple[int, int]]] = {}
    with open_text(path, "a BED file of the regions gnomAD covers") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip() or line.startswith(("#", "track", "browser")):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 3 or not cols[1].isdigit() or not cols[2].isdigit():
                raise InputFileError(
                    "expected BED: contig, start, end (tab-separated integers)",
                    path=str(path),
                    where=f"line {lineno}",
                )
            raw.setdefault(canonical(cols[0]), []).append((int(cols[1]) + 1, int(cols[2])))
    merged: dict[str, list[tuple[int, int]]] = {}
    for chrom, ivs in raw.items():
        ivs.sort()
        out: list[tuple[int, int]] = []
        for s, e in ivs:
            if out and s <= out[-1][1] + 1:
                out[-1] = (out[-1][0], max(out[-1][1], e))
            else:
                out.append((s, e))
        merged[chrom] = out
    return _Coverage(merged)


class GnomadSource(VcfBacked):
    """A gnomAD sites VCF, read through its tabix index one look-up at a time.

    ``reference`` (a :class:`normalize.Reference`) enables left-alignment, so that indels match
    however either side wrote them; without it alleles are only trimmed. ``build`` gives the
    pseudoautosomal regions when the file has no ``non_par`` flag; ``coverage`` is an optional
    BED of the regions the file covers. ``warn`` receives each kind of warning once.
    """

    def __init__(
        self,
        path: str | Path,
        reference: Reference | None = None,
        *,
        build: Build = NO_BUILD,
        coverage: str | Path | None = None,
        warn: Warn | None = None,
    ):
        self.path = Path(path)
        self.build = build
        self.vcf = IndexedVcf(self.path, kind="gnomAD", reference=reference, warn=warn)
        try:
            self._resolve_fields()
            self.coverage = read_coverage_bed(coverage) if coverage else None
        except Exception:
            self.vcf.close()
            raise
        self.version = self._field_generation()
        self.release = self._release()
        self.date = self.vcf.meta.get("fileDate")
        self.source = self.vcf.meta.get("source")

    # -- set-up
    def _resolve_fields(self) -> None:
        defs = self.vcf.info_defs
        self.keys: dict[str, str] = {}
        for quantity, candidates in _KEYS.items():
            key = next((k for k in candidates if k in defs), None)
            if key is not None:
                self.keys[quantity] = key
        if "af" not in self.keys and not {"ac", "an"} <= self.keys.keys():
            found = ", ".join(sorted(defs)[:10]) or "none"
            raise InputFileError(
                "no allele-frequency INFO fields (AF or AF_joint, or AC and AN) in the header; "
                f"expected a gnomAD sites VCF (INFO fields found: {found})",
                path=str(self.path),
            )
        self.group_faf_keys: tuple[str, ...] = ()
        if "faf95_max" not in self.keys:
            self.group_faf_keys = tuple(sorted(k for k in defs if _GROUP_FAF.match(k)))
        self.hemi_key = next((k for k in _HEMI_KEYS if k in defs), None)
        # quantity -> (key,) or (total key, XY key)
        self.xx_keys: dict[str, tuple[str, ...]] = {}
        for quantity, (direct, pairs) in _XX_KEYS.items():
            key = next((k for k in direct if k in defs), None)
            pair = next((pr for pr in pairs if pr[0] in defs and pr[1] in defs), None)
            if key is not None:
                self.xx_keys[quantity] = (key,)
            elif pair is not None:
                self.xx_keys[quantity] = pair
        self.nonpar_flag = next((k for k in _NONPAR_FLAGS if k in defs), None)

    def _field_generation(self) -> str:
        defs = self.vcf.info_defs
        if "fafmax_faf95_max" in defs or "grpmax" in defs or "AF_grpmax" in defs:
            return "v4"
        if "AC_XY" in defs or "nhomalt_XY" in defs:
            return "v3"
        if "AF_popmax" in defs or "AC_male" in defs:
            return "v2"
        return "unknown"

    def _release(self) -> str | None:
        # A slice written by `resources fetch` names the file it was read from.
        sliced = self.vcf.meta.get("mmpsi_slice_of", "")
        for text in (self.path.name, self.vcf.meta.get("source", ""), sliced.rsplit("/", 1)[-1]):
            m = _RELEASE_IN_NAME.search(text)
            if m:
                return m.group(1)
        return None

    @property
    def source_version(self) -> str:
        """How the result names its source, for example 'gnomAD 4.1' or 'gnomAD v2 fields'."""
        if self.release:
            return f"gnomAD {self.release}"
        return f"gnomAD {self.version} fields"

    def describe(self) -> dict:
        """Version and date for the JSON ``inputs`` entry."""
        return {"version": self.source_version, "date": self.date}

    # -- look-up
    def lookup(self, chrom: str, pos: int, ref: str, alt: str) -> PopulationResult:
        """gnomAD's figures for one allele; 1-based ``pos``, alleles as in a VCF."""
        name, _query, hits = self.vcf.matching(chrom, pos, ref, alt)
        version = self.source_version
        if not hits:
            # A coverage BED, when given, decides; else a contig without records is not covered.
            if self.coverage is not None:
                covered = self.coverage.covers(chrom, pos)
            else:
                covered = name is not None
            status = "absent" if covered else "not_covered"
            return PopulationResult(status, source_version=version)
        # Two records for one allele (a file that was not split and also lists it alone):
        # the one seen by more samples speaks for the site.
        results = [self._result(line, idx, version) for line, idx in hits]
        return max(results, key=lambda r: (r.an or 0, r.ac or 0))

    def _result(self, line: VcfLine, alt_index: int, version: str) -> PopulationResult:
        info = line.info_dict()
        n_alts = len(line.alts)
        values: dict[str, Any] = {}
        used: list[str] = []
        for quantity, key in self.keys.items():
            value = self._value(line, info, key, alt_index, n_alts, quantity)
            if value is not None:
                values[quantity] = value
                used.append(f"{quantity}={key}")
        if "af" not in values and values.get("an"):
            values["af"] = values.get("ac", 0) / values["an"]
            used.append("af=AC/AN")
        if "faf95_max" not in values and self.group_faf_keys:
            group = [
                v
                for k in self.group_faf_keys
                if (v := self._value(line, info, k, alt_index, n_alts, "faf95_max")) is not None
            ]
            if group:
                values["faf95_max"] = max(group)
                used.append("faf95_max=max(" + ",".join(self.group_faf_keys) + ")")
        nhemi = self._nhemi(line, info, alt_index, n_alts)
        if nhemi is not None:
            values["nhemi"] = nhemi
            used.append(f"nhemi={self.hemi_key}")
        for quantity, keys in (self.xx_keys if nhemi is not None else {}).items():
            got = [self._value(line, info, k, alt_index, n_alts, quantity) for k in keys]
            if None in got:
                continue
            values[quantity] = got[0] if len(got) == 1 else got[0] - got[1]
            used.append(f"{quantity}={'-'.join(keys)}")
        alt = line.alts[alt_index - 1]
        return PopulationResult(
            "found",
            filters=line.filters,
            fields=tuple(used),
            source_version=version,
            record=f"{line.chrom}:{line.pos}:{line.ref}:{alt}",
            **values,
        )

    def _nonpar(self, line: VcfLine, info: dict[str, str]) -> bool:
        if canonical(line.chrom) not in ("X", "Y"):
            return False
        if self.nonpar_flag is not None:
            return self.nonpar_flag in info
        return not self.build.in_par(line.chrom, line.pos)

    def _nhemi(self, line: VcfLine, info, alt_index: int, n_alts: int) -> int | None:
        if self.hemi_key is None or not self._nonpar(line, info):
            return None
        return self._value(line, info, self.hemi_key, alt_index, n_alts, "nhemi")

    def _value(self, line: VcfLine, info, key: str, alt_index: int, n_alts: int, quantity: str):
        raw = info.get(key)
        if raw is None or raw in ("", "."):
            return None
        number = self.vcf.info_defs.get(key, {}).get("Number", "A")
        parts = raw.split(",")
        if number == "A" or (number == "." and len(parts) == n_alts and n_alts > 1):
            if len(parts) != n_alts:
                raise VcfError(
                    f"INFO {key} has {len(parts)} values for {n_alts} ALT allele(s); expected "
                    "one per ALT (Number=A)",
                    path=str(self.path),
                    where=line.where,
                )
            value = parts[alt_index - 1]
        else:
            value = parts[0]
        if value in ("", "."):
            return None
        if quantity == "grpmax_group":
            return value
        try:
            number_value = float(value)
        except ValueError:
            raise VcfError(
                f"INFO {key}={raw} is not a number", path=str(self.path), where=line.where
            ) from None
        if quantity in _INTEGER:
            return int(number_value)
        return number_value

    def lookup_many(
        self, alleles: Iterable[tuple[str, int, str, str]]
    ) -> dict[tuple[str, int, str, str], PopulationResult]:
        """Look up several alleles; the keys are the alleles as given."""
        return {a: self.lookup(*a) for a in alleles}
