"""Indexed resource files: gnomAD, ClinVar, SpliceAI (VCF) and score tables (TSV).

What the resource readers share:

- Reading only what is queried, through a tabix index. A file without one gets a temporary index
  in a directory we own (never beside the user's file); a plain or plain-gzip file is first
  recompressed with BGZF there.
- Contig names translated between the caller's names and the file's (``chr1`` against ``1``).
  A contig the file does not have is warned about once, not once per variant.
- Alleles matched however each side wrote them: multi-allelic records are split, and with a
  reference both sides are left-aligned and trimmed, so that a deletion written at the right end
  of a repeat still matches the same deletion written at its left end.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pysam

from mmpsi_variants.core.contigs import ContigMap, canonical
from mmpsi_variants.core.errors import InputFileError, VcfError
from mmpsi_variants.core.stops import temporary_folder
from mmpsi_variants.io import htslib, normalize
from mmpsi_variants.io.fasta import Reference
from mmpsi_variants.io.htslib import captured_stderr
from mmpsi_variants.io.normalize import is_symbolic, left_align, split_record, trim
from mmpsi_variants.io.vcf import prepare_indexed, sniff

log = logging.getLogger("mmpsi_variants")

# How far to look for the right end of a repeat when an indel could be written anywhere in it.
MAX_SHIFT = 10_000
_CHUNK = 256

Warn = Callable[[str], None]
_ClosingT = TypeVar("_ClosingT", bound="Closing")


class WarnOnce:
    """Pass each kind of warning on once; keep the texts for the run's report."""

    def __init__(self, sink: Warn | None = None):
        self.sink = sink
        self.messages: list[str] = []
        self._seen: set[str] = set()

    def first(self, key: str) -> bool:
        """True the first time ``key`` is seen (for things logged, not warned, once)."""
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    def __call__(self, key: str, message: str) -> None:
        if key in self._seen:
            return
        self._seen.add(key)
        self.messages.append(message)
        if self.sink is not None:
            self.sink(message)
        else:
            log.warning(message)


# ------------------------------------------------------------------------------ allele matching


@dataclass(frozen=True)
class NormAllele:
    """A biallelic variant in normalised form; ``key`` compares across contig spellings."""

    chrom: str
    pos: int
    ref: str
    alt: str

    @property
    def key(self) -> tuple[str, int, str, str]:
        return (canonical(self.chrom), self.pos, self.ref, self.alt)


def normalise(
    chrom: str, pos: int, ref: str, alt: str, reference: Reference | None
) -> tuple[NormAllele, bool]:
    """Left-align and trim one allele (trim only without a reference).

    Returns the allele and whether REF disagreed with the reference (then it is only trimmed,
    because shifting along a sequence that is not the one the allele was called on is wrong).
    """
    ref, alt = ref.upper(), alt.upper()
    if is_symbolic(alt):
        return NormAllele(chrom, pos, ref, alt), False
    if reference is not None:
        actual = reference.fetch(chrom, pos - 1, pos - 1 + len(ref))
        mismatch = actual is not None and any(
            a != b and a != "N" and b != "N" for a, b in zip(actual, ref, strict=False)
        )
        if actual and not mismatch:

            def fetch(s: int, e: int) -> str | None:
                return reference.fetch(chrom, s, e)

            return NormAllele(chrom, *left_align(pos, ref, alt, fetch)), False
        return NormAllele(chrom, *trim(pos, ref, alt)), mismatch
    return NormAllele(chrom, *trim(pos, ref, alt)), False


def right_end(allele: NormAllele, reference: Reference | None) -> int:
    """The right-most POS at which an equivalent representation of a left-aligned indel can sit.

    For a deletion or insertion inside a repeat, callers may write the event anywhere along the
    repeat; the records to compare therefore lie between the left-aligned POS and this one.
    SNVs, complex changes and look-ups without a reference return POS itself.
    """
    pos, ref, alt = allele.pos, allele.ref, allele.alt
    if reference is None or not ref or not alt or ref[0] != alt[0]:
        return pos
    if len(ref) > 1 and len(alt) == 1:
        unit, deletion = ref[1:], True
    elif len(alt) > 1 and len(ref) == 1:
        unit, deletion = alt[1:], False
    else:
        return pos
    # 0-based index of the first base after the event on the reference.
    nxt = pos + (len(unit) if deletion else 0)
    shift = 0
    buf, buf_start = "", nxt
    while shift < MAX_SHIFT:
        i = nxt + shift - buf_start
        if i >= len(buf):
            buf_start = nxt + shift
            buf = reference.fetch(allele.chrom, buf_start, buf_start + _CHUNK) or ""
            i = 0
            if not buf:
                break
        if buf[i] != unit[shift % len(unit)]:
            break
        shift += 1
    return pos + shift


# ------------------------------------------------------------------------------ indexed files


def prepare_table(
    path: Path, workdir: Path, seq_col: int, pos_col: int, skip_lines: int
) -> tuple[Path, Path]:
    """(data, index) of a tab-separated table, indexing a copy in ``workdir`` when needed.

    Columns are 0-based. Lines starting with '#' are the header; ``skip_lines`` more lines are
    skipped (a header without '#').
    """
    kind = htslib.compression(path, "a tab-separated table")
    if kind == htslib.BGZF:
        index = htslib.existing_index(path)
        if index is not None:
            return path, index
        data = path
    else:
        data = workdir / (path.name.removesuffix(".gz") + ".bgz")
        htslib.recompress(path, kind, data)
    index = workdir / (data.name + ".tbi")
    htslib.build_index(
        data,
        index,
        source=path,
        error=InputFileError,
        unsorted="rows are not sorted by position",
        sort_hint="sort by contig and position",
        expected="expected a tab-separated table sorted by position",
        seq_col=seq_col,
        start_col=pos_col,
        end_col=pos_col,
        meta_char="#",
        line_skip=skip_lines,
        keep_original=True,
    )
    return data, index


@dataclass(frozen=True)
class VcfLine:
    """One data line of a sites VCF, parsed only as far as every resource needs."""

    chrom: str
    pos: int
    id: str
    ref: str
    alts: tuple[str, ...]
    filters: tuple[str, ...]
    info: str

    @property
    def where(self) -> str:
        return f"record {self.chrom}:{self.pos}"

    def info_dict(self) -> dict[str, str]:
        """INFO as key -> raw value; flags map to the empty string."""
        out: dict[str, str] = {}
        if self.info in ("", "."):
            return out
        for item in self.info.split(";"):
            key, _, value = item.partition("=")
            out[key] = value
        return out


def parse_info_header(header_lines: list[str]) -> dict[str, dict[str, str]]:
    """##INFO definitions: ID -> {Number, Type, Description}."""
    out: dict[str, dict[str, str]] = {}
    for line in header_lines:
        if not line.startswith("##INFO=<"):
            continue
        body = line[len("##INFO=<") :].rstrip(">")
        fields: dict[str, str] = {}
        rest = body
        while rest:
            key, _, rest = rest.partition("=")
            if rest.startswith('"'):
                end = rest.find('"', 1)
                while end > 0 and rest[end - 1] == "\\":
                    end = rest.find('"', end + 1)
                end = len(rest) if end < 0 else end
                value, rest = rest[1:end], rest[end + 1 :].lstrip(",")
            else:
                value, _, rest = rest.partition(",")
            fields[key.strip()] = value
        if "ID" in fields:
            out[fields["ID"]] = fields
    return out


class Closing:
    """The resource readers' context management: leaving a ``with`` block closes them."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self: _ClosingT) -> _ClosingT:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class TabixBacked(Closing):
    """A bgzipped file read through tabix; a missing or stale index is built in a private
    temporary directory, removed on :meth:`close`."""

    def _open_tabix(self, prepare: Callable[[Path], tuple[Path, Path]], prefix: str) -> None:
        """``prepare(tmpdir)`` returns the data file and its index (possibly built there)."""
        self._tmp = temporary_folder(prefix)
        try:
            self.data, self.index = prepare(Path(self._tmp.name))
            with captured_stderr():
                self._tabix = pysam.TabixFile(str(self.data), index=str(self.index))
        except Exception:
            self._tmp.cleanup()
            raise

    def close(self) -> None:
        self._tabix.close()
        self._tmp.cleanup()


class VcfBacked(Closing):
    """A look-up source over one :class:`IndexedVcf` (``self.vcf``)."""

    vcf: IndexedVcf

    @property
    def warnings(self) -> list[str]:
        return self.vcf.warnings.messages

    def close(self) -> None:
        self.vcf.close()


class IndexedVcf(TabixBacked):
    """A sites VCF read line by line through its tabix index.

    ``kind`` names the resource in messages ("gnomAD", "ClinVar"). Close it, or use it as a
    context manager, to remove a temporary index.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        kind: str,
        reference: Reference | None = None,
        warn: Warn | None = None,
    ):
        self.path = Path(path)
        self.kind = kind
        self.reference = reference
        self.warnings = WarnOnce(warn)
        if sniff(self.path).format != "vcf":
            raise InputFileError(
                f"is a BCF; expected a bgzipped {kind} VCF (convert with 'bcftools view -Oz')",
                path=str(self.path),
            )
        self._open_tabix(lambda tmp: prepare_indexed(self.path, tmp), "mmpsi-resource-")
        self.header_lines = list(self._tabix.header)
        self.info_defs = parse_info_header(self.header_lines)
        self.meta = _meta(self.header_lines)
        # Contigs that hold records (the index), not the header's ##contig list: per-chromosome
        # gnomAD files declare every contig in the header but cover only one.
        self.contigs = ContigMap(self._tabix.contigs)
        self.n_fetches = 0

    # -- reading
    def resolve_contig(self, chrom: str) -> str | None:
        """The file's name for ``chrom``; warns once when the file has no such contig."""
        name = self.contigs.get(chrom)
        if name is None:
            have = ", ".join(self.contigs.target_names[:8]) or "none"
            self.warnings(
                f"contig:{chrom}",
                f"{self.path}: no records on contig {chrom} (the file has: {have}); no "
                f"{self.kind} record can match there",
            )
        elif name != chrom and self.warnings.first("names"):
            log.info("%s: contig names translated (%s -> %s)", self.path, chrom, name)
        return name

    def fetch(self, name: str, start: int, end: int) -> Iterator[VcfLine]:
        """Lines overlapping 1-based inclusive [start, end] on the file's contig ``name``."""
        self.n_fetches += 1
        try:
            lines = list(self._tabix.fetch(name, max(0, start - 1), end))
        except (OSError, ValueError) as exc:
            raise VcfError(
                f"cannot read {name}:{start}-{end} ({exc}); the file may be corrupt",
                path=str(self.path),
            ) from None
        for line in lines:
            yield self.parse_line(line)

    def parse_line(self, line: str) -> VcfLine:
        cols = line.rstrip("\n").split("\t")
        where = f"record {cols[0]}:{cols[1]}" if len(cols) > 1 else f"a line on {cols[0]}"
        if len(cols) < 8:
            raise VcfError(
                f"expected at least 8 tab-separated columns, found {len(cols)}",
                path=str(self.path),
                where=where,
            )
        if not cols[1].isdigit():
            raise VcfError(
                f"POS {cols[1]!r} is not a positive integer", path=str(self.path), where=where
            )
        filters = () if cols[6] in (".", "PASS") else tuple(cols[6].split(";"))
        return VcfLine(
            cols[0], int(cols[1]), cols[2], cols[3], tuple(cols[4].split(",")), filters, cols[7]
        )

    def matching(
        self, chrom: str, pos: int, ref: str, alt: str
    ) -> tuple[str | None, NormAllele, list[tuple[VcfLine, int]]]:
        """(file contig or None, normalised query, [(line, 1-based ALT index)] that match it)."""
        query, _ = normalise(chrom, pos, ref, alt, self.reference)
        name = self.resolve_contig(chrom)
        if name is None:
            return None, query, []
        last = right_end(query, self.reference)
        span_end = last + max(len(query.ref), 1)
        hits = []
        for line in self.fetch(name, query.pos, span_end):
            for allele in self.split(line):
                if (allele.pos, allele.ref, allele.alt) == (query.pos, query.ref, query.alt):
                    hits.append((line, allele.allele_index))
        return name, query, hits

    def split(self, line: VcfLine) -> list[normalize.Allele]:
        """Each usable ALT of a line as a normalised :class:`normalize.Allele`."""
        alleles = split_record(line.chrom, line.pos, line.ref, list(line.alts), self.reference)
        if alleles and alleles[0].ref_mismatch:
            self.warnings(
                "ref_mismatch",
                f"{self.path}: REF at {line.chrom}:{line.pos} ({line.ref}) does not match the "
                f"reference; is the {self.kind} file on the same genome build? Such records "
                "are matched without left-alignment",
            )
        return alleles


def _meta(lines: list[str]) -> dict[str, str]:
    meta: dict[str, str] = {}
    for line in lines:
        if line.startswith("##") and "=" in line and not line[2:].split("=", 1)[1].startswith("<"):
            key, value = line[2:].split("=", 1)
            meta.setdefault(key, value.strip())
    return meta
