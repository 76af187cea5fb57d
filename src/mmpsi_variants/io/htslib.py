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
import tempfile
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

import pysam

from mmpsi_variants.core.errors import InputFileError, MmpsiError

BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")
BGZF, GZIP, PLAIN = "bgzf", "gzip", "none"


@contextlib.contextmanager
def captured_stderr() -> Iterator[dict[str, str]]:
    """Collect what htslib prints on file descriptor 2, so that we can word it ourselves."""
    holder = {"text": ""}
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        saved = os.dup(2)
        os.dup2(tmp.fileno(), 2)
        try:
            yield holder
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            holder["text"] = tmp.read().decode("utf-8", "replace").strip()


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
    """The index beside a BGZF file, when there is one."""
    for suffix in suffixes:
        candidate = Path(f"{path}{suffix}")
        if candidate.exists():
            return candidate
    return None


def recompress(src: Path, kind: str, dst: Path) -> None:
    """A plain or plain-gzip file to BGZF, streaming in large blocks."""
    from pysam.libcbgzf import BGZFile

    opener = gzip.open if kind == GZIP else open
    try:
        # pysam's stub omits the default (None) of BGZFile's ``index``.
        with opener(src, "rb") as fin, BGZFile(str(dst), "wb") as fout:  # type: ignore[call-arg]
            while block := fin.read(1 << 22):
                fout.write(block)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputFileError(
            f"cannot decompress ({exc}); the file may be truncated", path=str(src)
        ) from None


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
