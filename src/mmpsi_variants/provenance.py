"""What went into a result: each input's path, size, checksum and stated version or date."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from . import __version__


def sha256sum(path: str | Path, block: int = 1 << 20) -> str:
    """The file's SHA-256, remembered in the cache directory by path, size, inode and mtime.

    Hashing a 3 GB reference costs about 2 s on every run of every sample; an unchanged file
    (same path, size, inode and nanosecond mtime) keeps its digest, as git and ccache assume.
    """
    from .genemodels import cache_dir

    st = os.stat(path)
    where = cache_dir()
    memo = None
    if where is not None:
        ident = f"{os.path.realpath(path)}\0{st.st_size}\0{st.st_ino}\0{st.st_mtime_ns}"
        memo = where / "digests" / hashlib.sha1(ident.encode()).hexdigest()
        try:
            digest = memo.read_text(encoding="ascii").strip()
            if len(digest) == 64:
                return digest
        except OSError:
            pass
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(block):
            h.update(chunk)
    digest = h.hexdigest()
    if memo is not None:
        _remember(memo, digest)
    return digest


def _remember(memo: Path, digest: str) -> None:
    # Parallel jobs may hash the same file: each writes its own temporary file and renames it.
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=memo.parent, suffix=".part")
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(digest + "\n")
        os.replace(tmp, memo)
    except OSError:
        pass  # an unwritable cache only costs the next run the hashing


def describe_input(
    role: str, path: str | Path, version: str | None = None, date: str | None = None
) -> dict:
    """One entry of the JSON ``inputs`` list."""
    p = Path(path)
    return {
        "role": role,
        "path": str(p),
        "size": p.stat().st_size,
        "sha256": sha256sum(p),
        "version": version,
        "date": date,
    }


def tool_version() -> str:
    return __version__
