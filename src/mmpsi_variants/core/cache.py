"""Where the tool keeps what it can rebuild: parsed gene models, file digests, indexes.

One root, ``$MMPSI_CACHE_DIR`` or else ``~/.cache/mmpsi-variants``, with a folder per kind of
entry. ``MMPSI_CACHE_DIR=off`` turns the cache off: everything is then rebuilt on every run.
Nothing in it is ever needed for a correct answer; a cache that cannot be written only costs
time.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from mmpsi_variants.core.stops import deferred

OFF = ("off", "none", "0")


def cache_root() -> Path | None:
    """The cache's root folder, or None when the cache is turned off."""
    env = os.environ.get("MMPSI_CACHE_DIR")
    if env and env.lower() in OFF:
        return None
    return Path(env) if env else Path.home() / ".cache" / "mmpsi-variants"


def cache_dir(kind: str) -> Path | None:
    """The folder for one kind of entry (``genemodels``, ``digests``), not created here."""
    root = cache_root()
    return None if root is None else root / kind


def write_cache_file(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write a cache entry whole, or not at all (a failure only costs a later run the time).

    Parallel jobs may write the same entry: each writes its own temporary file and renames it.
    A stop or an error half-way removes the temporary file.
    """
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with deferred():
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, path)
        tmp = None
    except OSError:
        pass  # a read-only or full cache
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
