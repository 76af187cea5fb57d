"""What went into a result: each input's path, size, checksum and stated version or date."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any

from mmpsi_variants import __version__
from mmpsi_variants.core.cache import cache_dir, write_cache_file

_HEX64 = re.compile(r"[0-9a-f]{64}")


def sha256sum(path: str | Path, block: int = 1 << 20) -> str:
    """The file's SHA-256, remembered in the cache directory by path, size, inode and mtime.

    Hashing a 3 GB reference costs about 2 s on every run of every sample; an unchanged file
    (same path, device, inode, size, nanosecond mtime and ctime) keeps its digest, as git and
    ccache assume.
    """
    st = os.stat(path)
    where = cache_dir("digests")
    memo = None
    if where is not None:
        ident = (
            os.fsencode(os.path.realpath(path))
            + (
                f"\0{st.st_dev}\0{st.st_ino}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}"
            ).encode()
        )
        memo = where / hashlib.sha1(ident).hexdigest()
        try:
            digest = memo.read_text(encoding="ascii").strip()
            if _HEX64.fullmatch(digest):
                return digest
        except (OSError, ValueError):
            pass  # missing or damaged: hash the file again
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(block):
            h.update(chunk)
    digest = h.hexdigest()
    if memo is not None:
        _remember(memo, digest)
    return digest


def _remember(memo: Path, digest: str) -> None:
    write_cache_file(memo, lambda fh: fh.write(f"{digest}\n".encode("ascii")))


def describe_input(
    role: str, path: str | Path, version: str | None = None, date: str | None = None
) -> dict[str, Any]:
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
