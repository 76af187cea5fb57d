"""Regions of a tabix-indexed file, local or over HTTP(S), written as a small indexed file.

gnomAD's sites VCFs are hundreds of gigabytes; the panel needs a few megabytes of them. htslib
reads a remote BGZF file through its index with HTTP Range requests, block by block, so only
the panel's blocks cross the network. The index is fetched by us first (verified, resumable,
into the run's own folder): left to itself, htslib would save it into the current folder.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pysam

from mmpsi_variants.core.contigs import ContigMap
from mmpsi_variants.io.commit import disk_full
from mmpsi_variants.io.download import DownloadError
from mmpsi_variants.io.htslib import captured_stderr, htslib_lines

Regions = Mapping[str, Sequence[tuple[int, int]]]  # contig -> merged 1-based inclusive spans


@dataclass(frozen=True)
class Slice:
    """What was read: the records per contig, and the header lines."""

    records: int
    header: list[str]


def _open(source: str, index: Path) -> pysam.TabixFile:
    with captured_stderr() as err:
        try:
            return pysam.TabixFile(source, index=str(index), encoding="utf-8")
        except (OSError, ValueError):
            pass
    said = "; ".join(htslib_lines(err["text"])[-1:]) or "no reply"
    raise DownloadError(f"cannot open the tabix-indexed file ({said})", path=source)


def read_regions(
    source: str, index: Path, regions: Regions, *, strict: bool = True
) -> tuple[list[str], Iterator[str], list[str]]:
    """The header lines, the records of ``regions`` (lazily, in order, each once), and the
    regions' contigs the file has no records on.

    Contigs are matched by name (chr1 = 1). A contig the index lacks is an error when
    ``strict`` (a file of one chromosome that has none of it is the wrong file); otherwise it
    is returned, so that the caller can record that the source says nothing there.
    """
    tf = _open(source, index)
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

    def records() -> Iterator[str]:
        try:
            for name, spans in plan:
                previous_end = 0
                for start, end in spans:
                    yield from _fetch(tf, source, name, start, end, previous_end)
                    previous_end = end
        finally:
            tf.close()

    return header, records(), missing


def _fetch(
    tf: pysam.TabixFile, source: str, name: str, start: int, end: int, previous_end: int
) -> Iterator[str]:
    # A record that starts inside or before the previous span and reaches into this one was
    # written with the previous span already.
    with captured_stderr() as err:
        try:
            lines = list(tf.fetch(name, start - 1, end))
        except (OSError, ValueError):
            lines = None
    if lines is None:
        said = "; ".join(htslib_lines(err["text"])[-1:]) or "read failed"
        raise DownloadError(f"cannot read region {name}:{start}-{end} ({said})", path=source)
    for line in lines:
        pos = int(line.split("\t", 2)[1])
        if pos > previous_end:
            yield line


def write_slice(dest: Path, header: Sequence[str], records: Iterator[str], *, preset: str) -> int:
    """``dest`` (BGZF) and ``dest.tbi`` from sorted records; returns the number of records.

    ``preset`` is tabix's: ``vcf``, or ``tsv`` for a score table whose first two columns are
    the contig and the position (REVEL, CADD as tabix TSV).
    """
    n = 0
    try:
        # pysam's stub wants an index, which BGZFile takes as optional.
        with pysam.BGZFile(str(dest), "wb") as fh:  # type: ignore[call-arg]
            fh.write("".join(f"{h}\n" for h in header).encode())
            for line in records:
                fh.write(f"{line}\n".encode())
                n += 1
        if preset == "vcf":
            pysam.tabix_index(str(dest), preset="vcf", force=True)
        else:
            pysam.tabix_index(str(dest), seq_col=0, start_col=1, end_col=1, meta_char="#",
                              force=True)  # fmt: skip
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise disk_full(dest, dest.stat().st_size if dest.exists() else 0) from None
        raise
    return n


def concatenate(parts: Sequence[Path], dest: Path, *, preset: str) -> int:
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
    return write_slice(dest, header, body(), preset=preset)


def _contig_order(name: str) -> tuple[int, str]:
    bare = name[3:] if name.lower().startswith("chr") else name
    return (int(bare), "") if bare.isdigit() else (100, bare)
