"""Where the tool keeps what it can rebuild: parsed gene models, file digests, indexes.

One root, ``$MMPSI_CACHE_DIR`` or else ``~/.cache/mmpsi-variants``, with a folder per kind of
entry. ``MMPSI_CACHE_DIR=off`` turns the cache off: everything is then rebuilt on every run.
Nothing in it is ever needed for a correct answer; a cache that cannot be written only costs
time.
"""

from __future__ import annotations

import os
from pathlib import Path

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
