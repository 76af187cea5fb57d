"""Regions of a tabix-indexed file, local or over HTTP(S), written as a small indexed file.

gnomAD's sites VCFs are hundreds of gigabytes; the panel needs a few megabytes of them. htslib
reads a remote BGZF file through its index with HTTP Range requests, block by block, so only
the panel's blocks cross the network. The index is fetched by us first (verified, resumable,
into the run's own folder): left to itself, htslib would save it into the current folder.
"""

from __future__ import annotations

import errno
import functools
import gzip
import re
import struct
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pysam

from mmpsi_variants.core.contigs import ContigMap, canonical
from mmpsi_variants.io.commit import disk_full
from mmpsi_variants.io.download import DownloadError
from mmpsi_variants.io.htslib import captured_stderr, htslib_lines, open_text

Regions = Mapping[str, Sequence[tuple[int, int]]]  # contig -> merged 1-based inclusive spans


@dataclass(frozen=True)
class TabixConf:
    """The columns a tabix index was built on (1-based), read from the index's own header, so
    that a slice is indexed as its source was (REVEL's GRCh38 position is column 3)."""

    seq: int = 1
    begin: int = 2
    end: int = 2
    meta: str = "#"
    skip: int = 0
    vcf: bool = True
    zero_based: bool = False  # BED-like coordinates (tabix -0)

    @classmethod
    def of(cls, index: Path) -> TabixConf:
        try:
            with gzip.open(index, "rb") as fh:
                head = fh.read(32)
        except (OSError, EOFError) as e:
            raise DownloadError(f"not a tabix index ({e})", path=str(index)) from None
        if len(head) < 32 or head[:4] != b"TBI\1":
            raise DownloadError("not a tabix (.tbi) index", path=str(index))
        _, fmt, seq, beg, end, meta, skip = struct.unpack("<7i", head[4:32])
        if skip:
            # tabix leaves skipped lines out of the header it serves: the slice would lose
            # them, and its first record would be skipped in their place.
            raise DownloadError(
                f"indexed with {skip} skipped header line(s) (tabix -S); mark the header with "
                f"{chr(meta)!r} and index it again",
                path=str(index),
            )
        return cls(seq, beg, end, chr(meta), skip, (fmt & 0xFFFF) == 2, bool(fmt & 0x10000))

    def index(self, path: Path) -> None:
        if self.vcf:
            pysam.tabix_index(str(path), preset="vcf", force=True)
        else:
            pysam.tabix_index(str(path), seq_col=self.seq - 1, start_col=self.begin - 1,
                              end_col=self.end - 1, meta_char=self.meta, line_skip=self.skip,
                              zerobased=self.zero_based, force=True)  # fmt: skip


def _open(source: str, index: Path) -> pysam.TabixFile:
    with captured_stderr() as err:
        try:
            return pysam.TabixFile(source, index=str(index), encoding="utf-8")
        except (OSError, ValueError):
            pass
    said = "; ".join(htslib_lines(err["text"])[-1:]) or "no reply"
    raise DownloadError(f"cannot open the tabix-indexed file ({said})", path=source)


def read_regions(
    source: str,
    index: Path,
    regions: Regions,
    *,
    strict: bool = True,
    keep_info: Callable[[Iterable[str]], set[str]] | None = None,
) -> tuple[list[str], Iterator[str], list[str]]:
    """The header lines, the records of ``regions`` (lazily, in order, each once), and the
    regions' contigs the file has no records on.

    Contigs are matched by name (chr1 = 1). A contig the index lacks is an error when
    ``strict`` (a file of one chromosome that has none of it is the wrong file); otherwise it
    is returned, so that the caller can record that the source says nothing there.

    ``keep_info`` (for a VCF) chooses, from the header's INFO IDs, the keys whose values the
    records keep; the header keeps every definition and gains a line naming the source.
    """
    tf = _open(source, index)
    begin = TabixConf.of(index).begin - 1
    names = ContigMap(tf.contigs)
    plan, missing = [], []
    for contig in sorted(regions, key=_contig_order):
        name = names.get(contig)
        if name is None:
            if not strict:
                missing.append(contig)
                continue
            have = ", ".join(list(tf.contigs)[:6]) or "none"
            tf.close()
            raise DownloadError(
                f"no records on contig {contig} in the index; expected the panel's contig "
                f"(the index has: {have})",
                path=source,
            )
        plan.append((name, regions[contig]))
    header = list(tf.header)
    trim: Callable[[str], str] | None = None
    if keep_info is not None:
        kept = keep_info(_info_ids(header))
        trim = functools.partial(_trim_info, kept=kept)
        header.insert(1 if header else 0, f"##mmpsi_slice_of={source}")

    def records() -> Iterator[str]:
        try:
            for name, spans in plan:
                previous_end = 0
                for start, end in spans:
                    yield from _fetch(tf, source, name, start, end, previous_end, begin, trim)
                    previous_end = end
        finally:
            tf.close()

    return header, records(), missing


def _fetch(
    tf: pysam.TabixFile, source: str, name: str, start: int, end: int, previous_end: int,
    begin: int, trim: Callable[[str], str] | None,
) -> Iterator[str]:  # fmt: skip
    # A record that starts inside or before the previous span and reaches into this one was
    # written with the previous span already.
    with captured_stderr() as err:
        try:
            # Trimmed as they arrive: a megabase of gnomAD's full records would not fit in
            # memory, its kept fields do.
            fetched = tf.fetch(name, start - 1, end)
            lines = [trim(ln) for ln in fetched] if trim else list(fetched)
        except (OSError, ValueError):
            lines = None
    if lines is None:
        said = "; ".join(htslib_lines(err["text"])[-1:]) or "read failed"
        raise DownloadError(f"cannot read region {name}:{start}-{end} ({said})", path=source)
    for line in lines:
        if int(line.split("\t", begin + 1)[begin]) > previous_end:
            yield line


_INFO_ID = re.compile(r"^##INFO=<ID=([^,>]+)")


def _info_ids(header: Sequence[str]) -> list[str]:
    return [m.group(1) for h in header if (m := _INFO_ID.match(h))]


def _trim_info(line: str, kept: set[str]) -> str:
    cols = line.split("\t", 8)
    if len(cols) < 8 or cols[7] == ".":
        return line
    info = ";".join(f for f in cols[7].split(";") if f.split("=", 1)[0] in kept) or "."
    return "\t".join([*cols[:7], info, *cols[8:]])


def write_slice(dest: Path, header: Sequence[str], records: Iterator[str], conf: TabixConf) -> int:
    """``dest`` (BGZF) and ``dest.tbi`` from sorted records, indexed as ``conf`` says; returns
    the number of records."""
    n = 0
    try:
        # pysam's stub wants an index, which BGZFile takes as optional.
        with pysam.BGZFile(str(dest), "wb") as fh:  # type: ignore[call-arg]
            fh.write("".join(f"{h}\n" for h in header).encode())
            for line in records:
                fh.write(f"{line}\n".encode())
                n += 1
        conf.index(dest)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise disk_full(dest, dest.stat().st_size if dest.exists() else 0) from None
        raise
    return n


def concatenate(parts: Sequence[Path], dest: Path, conf: TabixConf) -> int:
    """One indexed file from per-contig slices of the same source (header of the first)."""

    def body() -> Iterator[str]:
        for part in parts:
            with pysam.BGZFile(str(part), "rb") as fh:  # type: ignore[call-arg]
                for raw in fh:
                    line = raw.decode().rstrip("\n")
                    if not line.startswith("#"):
                        yield line

    header: list[str] = []
    if parts:
        with pysam.BGZFile(str(parts[0]), "rb") as fh:  # type: ignore[call-arg]
            for raw in fh:
                line = raw.decode().rstrip("\n")
                if not line.startswith("#"):
                    break
                header.append(line)
    return write_slice(dest, header, body(), conf)


def _contig_order(name: str) -> tuple[int, str]:
    bare = name[3:] if name.lower().startswith("chr") else name
    return (int(bare), "") if bare.isdigit() else (100, bare)


def read_intervals(path: Path) -> dict[str, list[tuple[int, int]]]:
    """A BED (0-based) or Picard interval list (``@`` header, 1-based), as 1-based inclusive
    spans per canonical contig, sorted."""
    out: dict[str, list[tuple[int, int]]] = {}
    picard = False
    with open_text(path, "a BED file or Picard interval list") as fh:
        for lineno, line in enumerate(fh, 1):
            if line.startswith("@"):
                picard = True
                continue
            if not line.strip() or line.startswith(("#", "track", "browser")):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 3 or not cols[1].isdigit() or not cols[2].isdigit():
                raise DownloadError("expected contig, start, end (tab-separated integers)",
                                    path=str(path), where=f"line {lineno}")  # fmt: skip
            start = int(cols[1]) + (0 if picard else 1)
            out.setdefault(canonical(cols[0]), []).append((start, int(cols[2])))
    return {c: sorted(v) for c, v in out.items()}


def intersect(
    spans: Regions, covered: Mapping[str, Sequence[tuple[int, int]]]
) -> dict[str, list[tuple[int, int]]]:
    """The parts of ``spans`` (by contig as named there) inside ``covered`` (canonical)."""
    out: dict[str, list[tuple[int, int]]] = {}
    for contig, ss in spans.items():
        have = covered.get(canonical(contig), [])
        for s, e in ss:
            for cs, ce in have:
                if ce < s or cs > e:
                    continue
                out.setdefault(contig, []).append((max(s, cs), min(e, ce)))
    return out
