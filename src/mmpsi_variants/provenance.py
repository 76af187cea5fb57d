"""What went into a result: each input's path, size, checksum and stated version or date."""

from __future__ import annotations

import hashlib
from pathlib import Path

from . import __version__


def sha256sum(path: str | Path, block: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(block):
            h.update(chunk)
    return h.hexdigest()


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
