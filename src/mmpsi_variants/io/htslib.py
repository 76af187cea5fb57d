"""What every reader of a compressed, indexed file shares: sniffing, recompressing, indexing,
and htslib's own messages turned into ours.

htslib prints its complaints on file descriptor 2 ("[E::hts_idx_push] Unsorted positions on
sequence #1") and raises a bare error; :func:`captured_stderr` collects them so that the one
line a user sees names the file and says what to do. The VCF reader and the resource readers
build their missing indexes through :func:`build_index`, in a folder of ours, never beside the
user's file.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import sys
import tempfile
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

import pysam

from mmpsi_variants.core.errors import InputFileError, MmpsiError, VcfError
from mmpsi_variants.core.stops import deferred

BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")
BGZF, GZIP, PLAIN = "bgzf", "gzip", "none"


# The real standard error of each capture in progress, outermost first.
_SAVED: list[int] = []


@contextlib.contextmanager
def captured_stderr() -> Iterator[dict[str, str]]:
    """Collect what htslib prints on file descriptor 2, so that we can word it ourselves.

    Our own messages meanwhile still reach the user (:func:`write_stderr`)."""
    holder = {"text": ""}
    # A stop half-way through the swap would leave descriptor 2 pointing at the file, and the
    # line saying why the run stopped with it.
    with deferred():
        tmp = tempfile.TemporaryFile(mode="w+b")  # noqa: SIM115 (closed by the with below)
        saved = os.dup(2)
        sys.stderr.flush()
        os.dup2(tmp.fileno(), 2)
        _SAVED.append(saved)
    with tmp:
        try:
            yield holder
        finally:
            with deferred():
                _SAVED.remove(saved)
                os.dup2(saved, 2)
                os.close(saved)
            tmp.seek(0)
            holder["text"] = tmp.read().decode("utf-8", "replace").strip()


def write_stderr(text: str) -> None:
    """Write one of our own messages to standard error, also while htslib's is captured."""
    stream = sys.stderr
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        fd = None  # a test runner's stream, or another in-memory one: not the descriptor
    if fd == 2 and _SAVED:
        stream.flush()
        os.write(_SAVED[0], text.encode("utf-8", "replace"))
    else:
        stream.write(text)
        stream.flush()


def htslib_lines(text: str) -> list[str]:
    """htslib's own messages in captured text ("[W::vcf_parse] ..."), without the tag."""
    return [ln.split("] ", 1)[-1].strip() for ln in text.splitlines() if ln.startswith("[")]


def last_message(text: str) -> str:
    """htslib's last non-empty line: the one that says what went wrong."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return lines[-1] if lines else ""


def compression(path: Path, expected: str = "a file") -> str:
    """BGZF, GZIP or PLAIN; one line naming the file when it is missing, a folder, empty, or a
    BGZF file cut short (its end-of-file block is missing)."""
    if not path.exists():
        raise InputFileError(f"file not found; expected {expected}", path=str(path))
    if path.is_dir():
        raise InputFileError(f"is a directory; expected {expected}", path=str(path))
    with open(path, "rb") as fh:
        head = fh.read(18)
        if not head:
            raise InputFileError(f"file is empty; expected {expected}", path=str(path))
        if head[:2] != b"\x1f\x8b":
            return PLAIN
        # BGZF is gzip with a 'BC' extra subfield in every block header.
        if not (len(head) >= 14 and head[3] & 4 and head[12:14] == b"BC"):
            return GZIP
        fh.seek(0, os.SEEK_END)
        fh.seek(max(0, fh.tell() - len(BGZF_EOF)))
        if fh.read() != BGZF_EOF:
            raise InputFileError(
                "truncated: the BGZF end-of-file marker is missing, so the file was cut short; "
                "copy or compress it again",
                path=str(path),
            )
    return BGZF


def open_text(path: Path, expected: str = "a file") -> TextIO:
    """A text handle on a plain, gzip or BGZF file (``expected`` words the errors)."""
    if compression(path, expected) == PLAIN:
        return open(path, encoding="utf-8", errors="replace")
    return gzip.open(path, "rt", encoding="utf-8", errors="replace")


def existing_index(path: Path, suffixes: Sequence[str] = (".tbi", ".csi")) -> Path | None:
    """The index beside a BGZF file, when there is one that is not older than the file (an
    older one was made before the file last changed: htslib would warn and read it anyway,
    and a query through it can miss records); the caller then builds one of its own."""
    data_mtime = path.stat().st_mtime
    for suffix in suffixes:
        candidate = Path(f"{path}{suffix}")
        if candidate.exists() and candidate.stat().st_mtime >= data_mtime:
            return candidate
    return None


# A data line whose second column is not a whole number: tabix would read "12x83" as 12 and
# put the record where no region query finds it.
_BAD_POS = re.compile(rb"(?m)^([^#\t\n][^\t\n]*)\t(?![0-9]+\t)([^\t\n]*)")


def recompress(src: Path, kind: str, dst: Path, *, check_positions: bool = False) -> None:
    """A plain or plain-gzip file to BGZF, streaming in large blocks; with
    ``check_positions`` (a VCF about to be indexed), a POS that is not a number is an error
    naming the record."""
    from pysam.libcbgzf import BGZFile

    opener = gzip.open if kind == GZIP else open
    carry = b""
    try:
        # pysam's stub omits the default (None) of BGZFile's ``index``.
        with opener(src, "rb") as fin, BGZFile(str(dst), "wb") as fout:  # type: ignore[call-arg]
            while block := fin.read(1 << 22):
                fout.write(block)
                if check_positions:
                    whole, _, carry_next = (carry + block).rpartition(b"\n")
                    _check_positions(whole, src)
                    carry = carry_next
            if check_positions:
                _check_positions(carry, src)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputFileError(
            f"cannot decompress ({exc}); the file may be truncated", path=str(src)
        ) from None


def _check_positions(lines: bytes, src: Path) -> None:
    m = _BAD_POS.search(lines)
    if m:
        chrom, pos = (g.decode("utf-8", "replace") for g in m.groups())
        raise VcfError(
            f"POS {pos!r} is not a positive integer",
            path=str(src),
            where=f"record {chrom}:{pos}",
        )


def build_index(
    data: Path,
    index: Path,
    *,
    source: Path,
    error: type[MmpsiError],
    unsorted: str,
    sort_hint: str,
    expected: str,
    **tabix: Any,
) -> None:
    """Tabix-index ``data`` into ``index`` (``tabix`` are pysam.tabix_index's options).

    When htslib refuses, one line names ``source`` (the user's file): ``unsorted`` and
    ``sort_hint`` when htslib found positions out of order, ``expected`` otherwise.
    """
    with captured_stderr() as err:
        try:
            pysam.tabix_index(str(data), index=str(index), force=True, **tabix)
            failed = False
        except (OSError, ValueError):
            failed = True
    if failed:
        detail = last_message(err["text"])
        if "unsorted" in detail.lower():
            raise error(f"{unsorted} ({detail}); {sort_hint}", path=str(source))
        raise error(f"cannot index ({detail or 'htslib failed'}); {expected}", path=str(source))
    if "Coordinate <= 0" in err["text"]:
        # tabix leaves such a line out of the index with a warning: a record would be lost.
        where = first_bad_position(data)
        raise error("POS is 0 or below; expected positions from 1", path=str(source), where=where)


def first_bad_position(data: Path) -> str | None:
    """The first data line whose POS is not a positive integer, as "record chrom:POS"."""
    with open_text(data) as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            cols = line.split("\t", 2)
            if len(cols) > 1 and not (cols[1].isdigit() and int(cols[1]) > 0):
                return f"record {cols[0]}:{cols[1]}"
    return None
