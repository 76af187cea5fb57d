"""A small VCF written as BGZF with its tabix index, into a set of outputs."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from pathlib import Path

import pysam

from mmpsi_variants.io.commit import AtomicOutputs, disk_full


def write_indexed_vcf(out: AtomicOutputs, name: str, header: str, lines: Iterable[str]) -> None:
    """``name`` (bgzipped) and ``name.tbi``, staged in ``out``; the lines must be sorted."""
    staged = out.staged(name)
    try:
        # pysam's stub wants an index, which BGZFile takes as optional.
        with pysam.BGZFile(str(staged), "wb") as fh:  # type: ignore[call-arg]
            fh.write(header.encode())
            for line in lines:
                fh.write(line.encode())
        pysam.tabix_index(str(staged), preset="vcf", force=True)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise disk_full(Path(out.outdir, name), _size(staged)) from None
        raise
    os.replace(f"{staged}.tbi", out.staged(f"{name}.tbi"))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
