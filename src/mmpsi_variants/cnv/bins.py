"""The per-bin depth tables of a run: read, checked against each other, put in CNVkit's form."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from mmpsi_variants.core.errors import InputFileError
from mmpsi_variants.qc.coverage import BIN_COLUMNS as COLUMNS
from mmpsi_variants.qc.coverage import NULL_LOG2

SUFFIX = ".coverage.bins.tsv"
_X = re.compile(r"^(chr)?X$", re.IGNORECASE)


def is_x(chrom: str) -> bool:
    return bool(_X.match(chrom))


@dataclass(frozen=True)
class SampleBins:
    sample: str
    path: str
    table: pd.DataFrame  # COLUMNS, in genome order


def sample_of(path: str | Path) -> str:
    name = Path(path).name
    if not name.endswith(SUFFIX):
        raise InputFileError(
            f"expected a file named <sample>{SUFFIX} as `mmpsi-variants coverage` writes it",
            path=str(path),
        )
    return name[: -len(SUFFIX)]


def _chrom_key(chrom: str) -> tuple[int, int | str]:
    bare = chrom[3:] if chrom.lower().startswith("chr") else chrom
    return (0, int(bare)) if bare.isdigit() else (1, bare.upper())


def read_bins(path: str | Path) -> SampleBins:
    path = Path(path)
    sample = sample_of(path)
    if not path.is_file():
        raise InputFileError("file not found; expected a copy-number bins table", path=str(path))
    try:
        table = pd.read_csv(path, sep="\t", dtype={"chromosome": str, "gene": str})
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputFileError(f"not a tab-separated table ({exc})", path=str(path)) from None
    if tuple(table.columns) != COLUMNS:
        raise InputFileError(
            f"expected the columns {', '.join(COLUMNS)}; "
            f"found {', '.join(map(str, table.columns))}",
            path=str(path),
        )
    bad = table[~np.isfinite(pd.to_numeric(table["depth"], errors="coerce"))]
    if len(bad):
        raise InputFileError(
            f"depth {bad.iloc[0]['depth']!r} is not a number", path=str(path),
            where=f"line {int(bad.index[0]) + 2}",
        )  # fmt: skip
    if table.empty:
        raise InputFileError("no bins in the table", path=str(path))
    order = sorted(
        range(len(table)), key=lambda i: (_chrom_key(table.chromosome[i]), table.start[i])
    )
    return SampleBins(sample, str(path), table.iloc[order].reset_index(drop=True))


def check_same_bins(runs: list[SampleBins]) -> None:
    """Every sample must have been measured over the same bins, or ratios mean nothing."""
    first = runs[0]
    key = first.table[["chromosome", "start", "end"]]
    for other in runs[1:]:
        if not other.table[["chromosome", "start", "end"]].equals(key):
            raise InputFileError(
                f"its bins differ from those of {first.sample} ({first.path}); every sample of a "
                "run must be measured over the same targets",
                path=other.path,
            )


def as_diploid_x(table: pd.DataFrame, male: bool) -> pd.DataFrame:
    """A male's chrX depth doubled, so that his single X reads like two copies.

    CNVkit's bias corrections smooth each sample's raw log2 over bins of similar GC content; in
    a panel chrX is a large share of the bins, and a male's X at half depth pulls the smoothing
    of the autosomal bins next to them in GC by up to a whole log2 unit. Doubling first keeps
    every bin on one scale; the copy number on a male's X is then read as 1 x 2^log2.
    """
    out = table.copy()
    if male:
        x = out["chromosome"].map(is_x)
        out.loc[x, "depth"] = out.loc[x, "depth"] * 2
        out.loc[x, "log2"] = np.where(out.loc[x, "depth"] > 0, out.loc[x, "log2"] + 1, NULL_LOG2)
    return out
