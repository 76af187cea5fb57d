"""Reading VCF and BCF files through an index.

Only the panel regions are read. An input without an index gets one built in a temporary
directory (one decompression pass in C), never beside the user's file, which may be read-only;
plain-text or plain-gzip VCFs are first recompressed with BGZF. Parsing every record in Python
would cost ten times more on an exome or genome.
"""

from __future__ import annotations

import gzip
import logging
import re
import shutil
import subprocess
import warnings
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pysam
from cyvcf2 import VCF

from mmpsi_variants.core.errors import InputFileError, SampleError, VcfError
from mmpsi_variants.io import htslib

log = logging.getLogger("mmpsi_variants")


@dataclass(frozen=True)
class VcfKind:
    compression: str  # "bgzf", "gzip" or "none"
    format: str  # "vcf" or "bcf"


def sniff(path: str | Path) -> VcfKind:
    """Say how a variant file is stored, or raise a one-line error when it is not usable."""
    path = Path(path)
    compression = htslib.compression(path, "a VCF or BCF file")
    try:
        if compression == "none":
            with open(path, "rb") as fh:
                start = fh.read(64)
        else:
            with gzip.open(path, "rb") as fh:
                start = fh.read(64)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputFileError(
            f"cannot decompress ({exc}); expected a gzip- or BGZF-compressed VCF", path=str(path)
        ) from None
    if start.startswith(b"BCF\x02"):
        return VcfKind(compression, "bcf")
    if start.startswith(b"##fileformat=VCF"):
        return VcfKind(compression, "vcf")
    first = start.split(b"\n")[0][:40].decode("utf-8", "replace")
    raise InputFileError(
        f"not a VCF: expected the first line to start with '##fileformat=VCF', found {first!r}",
        path=str(path),
    )


def existing_index(path: Path, kind: VcfKind) -> Path | None:
    if kind.compression != htslib.BGZF:
        return None
    return htslib.existing_index(path, (".csi",) if kind.format == "bcf" else (".tbi", ".csi"))


def prepare_indexed(path: str | Path, workdir: Path) -> tuple[Path, Path]:
    """Return (data file, index) for region queries, building what is missing in ``workdir``."""
    path = Path(path)
    kind = sniff(path)
    index = existing_index(path, kind)
    if index is not None:
        return path, index
    data = path
    if kind.compression != "bgzf":
        if kind.format == "bcf":
            raise InputFileError(
                "uncompressed BCF cannot be indexed; convert it with 'bcftools view -Ob'",
                path=str(path),
            )
        data = workdir / "input.vcf.gz"
        htslib.recompress(path, kind.compression, data, check_positions=True)
    # VCF gets a TBI (cyvcf2 loads only TBI through set_index); BCF needs CSI.
    index = workdir / ("input.csi" if kind.format == "bcf" else "input.tbi")
    if kind.format == "bcf":
        bcftools = shutil.which("bcftools")
        if not bcftools:
            raise InputFileError(
                "BCF without an index and no bcftools to index it; run 'bcftools index' on it",
                path=str(path),
            )
        proc = subprocess.run(
            [bcftools, "index", "-o", str(index), str(data)], capture_output=True, text=True
        )
        if proc.returncode != 0:
            raise VcfError(
                f"cannot index: {htslib.last_message(proc.stderr)}; expected a sorted BCF",
                path=str(path),
            )
        return data, index
    htslib.build_index(
        data,
        index,
        source=path,
        error=VcfError,
        unsorted="records are not sorted by position",
        sort_hint="sort with 'bcftools sort'",
        expected="expected a valid VCF",
        preset="vcf",
    )
    return data, index


@dataclass(frozen=True)
class HeaderInfo:
    samples: tuple[str, ...]
    contigs: dict[str, int]  # name -> length (0 when the header does not say)
    file_date: str | None
    source: str | None
    reference: str | None
    format_ids: frozenset[str]


_META = re.compile(r"^##(\w+)=(.*)$")


def parse_header(raw: str) -> dict[str, str]:
    meta: dict[str, str] = {}
    for line in raw.splitlines():
        m = _META.match(line)
        if m and not m.group(2).startswith("<"):
            meta.setdefault(m.group(1), m.group(2))
    return meta


class VariantFile:
    """A VCF/BCF opened with cyvcf2.

    With ``indexed`` (the panel mode), records are read region by region through an index,
    built in ``workdir`` when the file has none; without it, the file is streamed once.
    """

    def __init__(self, path: str | Path, workdir: Path, indexed: bool = True):
        self.path = Path(path)
        self.kind = sniff(self.path)
        self._tabix: pysam.TabixFile | None = None
        self.index: Path | None
        if indexed:
            self.data, self.index = prepare_indexed(self.path, workdir)
        else:
            self.data, self.index = self.path, None
        with htslib.captured_stderr() as err:
            try:
                self._vcf = VCF(str(self.data), gts012=False, strict_gt=False, lazy=True)
                if self.index is not None:
                    self._vcf.set_index(str(self.index))
                opened = True
            except Exception:  # cyvcf2 raises bare Exception or OSError on a bad header
                opened = False
        if not opened:
            detail = htslib.last_message(err["text"]) or "could not parse the header"
            raise VcfError(f"{detail}; expected a valid VCF header", path=str(self.path))
        # An index to query a contig by, whichever way the file was opened.
        self.region_index = self.index or existing_index(self.data, self.kind)
        raw = self.raw_header = self._vcf.raw_header
        meta = parse_header(raw)
        contigs = dict(zip(self._vcf.seqnames, _lengths(self._vcf), strict=False))
        self.header = HeaderInfo(
            samples=tuple(self._vcf.samples),
            contigs=contigs,
            file_date=meta.get("fileDate"),
            source=meta.get("source"),
            reference=meta.get("reference"),
            format_ids=frozenset(re.findall(r"##FORMAT=<ID=([^,>]+)", raw)),
        )
        self._check_indexed_contigs()

    def _check_indexed_contigs(self) -> None:
        """Records on a contig the header does not declare are unreachable by a region query
        (their records would be lost without a word): an error naming the contig."""
        if self.index is None or self.kind.format != "vcf" or not self.header.contigs:
            return
        if not str(self.index).endswith(".tbi"):
            return
        with htslib.captured_stderr(), pysam.TabixFile(str(self.data), index=str(self.index)) as t:
            undeclared = [c for c in t.contigs if c not in self.header.contigs]
        if undeclared:
            raise VcfError(
                f"contig(s) {', '.join(undeclared[:5])} have records but are not declared in the "
                "header (##contig); add the header's contig lines (bcftools reheader)",
                path=str(self.path),
            )

    @property
    def samples(self) -> tuple[str, ...]:
        return self.header.samples

    def sample_indices(self, wanted: list[str] | None) -> list[int]:
        if not wanted:
            return list(range(len(self.samples)))
        missing = [s for s in wanted if s not in self.samples]
        if missing:
            have = ", ".join(self.samples[:10]) or "none"
            raise SampleError(
                f"sample(s) {', '.join(missing)} not in the VCF; it has: {have}",
                path=str(self.path),
            )
        return [self.samples.index(s) for s in wanted]

    def _records(self, iterable: Iterable[Any], where: str) -> Iterator[Any]:
        """The records, each checked for what htslib lets through: a POS below 1, a contig
        the header does not declare. htslib's own messages are captured and worded as ours
        (they named neither the file nor the record)."""
        last = where
        declared = self.header.contigs
        failure: Exception | None = None
        with htslib.captured_stderr() as err, warnings.catch_warnings():
            # cyvcf2 warns about every empty region; an empty panel gene is normal.
            warnings.filterwarnings("ignore", message="no intervals found")
            try:
                for record in iterable:
                    chrom, pos = record.CHROM, record.POS
                    if pos < 1:
                        raise self._bad(f"POS {pos} is below 1", f"{chrom}:{pos}")
                    if declared and chrom not in declared:
                        raise self._bad(
                            f"contig {chrom} is not declared in the header (##contig); add "
                            "the header's contig lines (bcftools reheader)",
                            f"{chrom}:{pos}",
                        )
                    last = f"{chrom}:{pos}"
                    yield record
            except VcfError:
                raise
            except Exception as exc:  # htslib read errors surface as plain exceptions
                failure = exc
        told = htslib.htslib_lines(err["text"])
        if failure is not None:
            detail = told[-1] if told else str(failure)
            raise VcfError(
                f"cannot read the record after {last} ({detail}); expected a valid VCF data line",
                path=str(self.path),
                where=f"near {last}",
            ) from None
        for message in dict.fromkeys(told):
            log.warning("%s: htslib: %s", self.path, message)

    def _bad(self, message: str, where: str) -> VcfError:
        return VcfError(message, path=str(self.path), where=f"record {where}")

    def fetch(self, chrom: str, start: int, end: int) -> Iterator[Any]:
        """Records overlapping chrom:start-end (1-based inclusive).

        htslib silently skips a text record it cannot parse during a region query, which
        would lose a variant without a word; the raw lines of the region are checked first.
        """
        if self.index is None:
            raise RuntimeError("fetch() needs a VariantFile opened with indexed=True")
        expected = self._check_raw_lines(chrom, start, end)
        records = list(self._records(self._vcf(f"{chrom}:{start}-{end}"), f"{chrom}:{start}"))
        if expected is not None and len(records) != len(expected):
            parsed = {(r.CHROM, r.POS) for r in records}
            bad = next((k for k in expected if k not in parsed), expected[0])
            raise VcfError(
                "htslib cannot parse this record; expected a valid VCF data line",
                path=str(self.path),
                where=f"record {bad[0]}:{bad[1]}",
            )
        return iter(records)

    def _check_raw_lines(self, chrom: str, start: int, end: int) -> list[tuple[str, int]] | None:
        if self.kind.format != "vcf":
            return None  # BCF is binary; htslib validated it when it was written
        if self._tabix is None:
            self._tabix = pysam.TabixFile(str(self.data), index=str(self.index))
            self._tabix_contigs = set(self._tabix.contigs)
        if chrom not in self._tabix_contigs:
            return []
        n_cols = 9 + len(self.samples) if self.samples else 8
        keys: list[tuple[str, int]] = []
        try:
            lines = list(self._tabix.fetch(chrom, max(0, start - 1), end))
        except ValueError as exc:  # htslib's "iteration failed": an index of another file
            raise VcfError(
                f"the index {self.index} does not fit this file ({exc}); delete it, or index the "
                "file again (tabix -f -p vcf)",
                path=str(self.path),
            ) from None
        for line in lines:
            cols = line.split("\t")
            where = f"record {cols[0]}:{cols[1]}" if len(cols) > 1 else f"a line in {chrom}"
            if len(cols) != n_cols:
                raise VcfError(
                    f"expected {n_cols} tab-separated columns, found {len(cols)}",
                    path=str(self.path),
                    where=where,
                )
            if not cols[1].isdigit():
                raise VcfError(
                    f"POS {cols[1]!r} is not a positive integer", path=str(self.path), where=where
                )
            keys.append((cols[0], int(cols[1])))
        return keys

    def fetch_all(self) -> Iterator[Any]:
        """Every record, streamed in file order."""
        return self._records(self._vcf, "the header")

    def scan(self, contig: str | None = None) -> Iterator[Any]:
        """Every record in file order, or every record of ``contig`` through the index, read
        through a handle of its own: a second pass over the file (the sample checks after the
        filter's record loop) neither disturbs the first nor starts where it stopped."""
        vcf = VCF(str(self.data), gts012=False, strict_gt=False, lazy=True)
        try:
            if contig is None:
                yield from self._records(vcf, "the header")
                return
            if self.region_index is None:
                raise RuntimeError("scan(contig) needs an index")
            vcf.set_index(str(self.region_index))
            yield from self._records(vcf(contig), contig)
        finally:
            vcf.close()

    def close(self) -> None:
        self._vcf.close()
        if self._tabix is not None:
            self._tabix.close()


def _lengths(vcf: VCF) -> list[int]:
    try:
        return list(vcf.seqlens)
    except Exception:  # no ##contig lines: names come from the index, lengths are unknown
        return [0] * len(vcf.seqnames)


def record_end(record: Any) -> int:
    """A record's 1-based last position: INFO/END when given, else (as VCF 4.4 allows for
    symbolic alleles) POS plus the largest |SVLEN| of its symbolic ALTs other than insertions,
    as htslib 1.2x computes it. cyvcf2's own htslib ignores SVLEN, which would shrink a
    deletion given by SVLEN alone to its first base."""
    end = int(record.end)
    if record.INFO.get("END") is not None:
        return end
    svlen = record.INFO.get("SVLEN")
    if svlen is None:
        return end
    lengths = svlen if isinstance(svlen, tuple) else (svlen,) * len(record.ALT)
    spans = [
        abs(int(n))
        for alt, n in zip(record.ALT, lengths, strict=False)
        if n is not None and alt.startswith("<") and not alt.startswith("<INS")
    ]
    return max(end, int(record.POS) + max(spans)) if spans else end
