"""CNVkit's HMM segments, refined where exon-level germline calls need it.

Two things the HMM does that an exon-level caller must undo:

- its segment edges can take in a normal neighbour of a run of bins without reads (a
  homozygous deletion of exons 5-8 came out as 4-9): a called segment is narrowed to the span
  from its first to its last bin nearer the call's copy number than the normal one;
- it smooths the log2 ratios before decoding and its transitions cost more than one bin can
  pay, so a single-exon deletion (one bin at log2 -1 among bins at 0) stays inside a normal
  segment: a run of bins inside a normal segment whose every bin lies beyond
  ``OUTLIER_SPREADS`` times the reference samples' spread at that bin, the same way, and at
  another copy number, is split out as its own segment.

A refined segment's log2 is the weighted mean of its bins. CNVkit's bootstrap then gives each
segment its interval; a one-bin segment has none (one value resampled is that value), so its
interval is the bin's log2 plus or minus 1.96 times the reference samples' spread there.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

OUTLIER_SPREADS = 5.0
Z95 = 1.96


def _copies(log2: float, n: int) -> int:
    return max(0, round(n * 2.0**log2)) if log2 > -10 else 0


def _lean(log2: pd.Series, n: int, cn: int) -> pd.Series:
    """Bins nearer copy number ``cn`` than ``n`` (half a copy's log2 bound)."""
    if cn < n:
        return log2 < math.log2((n - 0.5) / n)
    return log2 > math.log2((n + 0.5) / n)


def _piece(row: dict, bins: pd.DataFrame) -> dict:
    weights = bins.get("weight")
    return {
        **row,
        "start": int(bins["start"].min()),
        "end": int(bins["end"].max()),
        "log2": float(np.average(bins["log2"], weights=weights)),
        "probes": len(bins),
    }


Spreads = dict[tuple[str, int, int], float]


def refine(
    segs: pd.DataFrame, bins: pd.DataFrame, spread: np.ndarray, normal: Callable[[str], int]
) -> tuple[pd.DataFrame, Spreads]:
    """The segments with called edges trimmed and single-exon runs split out (see above), and
    the reference spread of each one-bin segment; ``spread`` is that of each row of ``bins``."""
    rows = []
    for seg in segs.itertuples(index=False):
        row = seg._asdict()
        n = normal(seg.chromosome)
        inside = bins[
            (bins["chromosome"] == seg.chromosome)
            & (bins["start"] >= seg.start)
            & (bins["end"] <= seg.end)
        ]
        if not len(inside):
            rows.append(row)
            continue
        cn = _copies(seg.log2, n)
        if cn != n:
            lean = _lean(inside["log2"], n, cn)
            if lean.any():
                row = _piece(row, inside.loc[lean.idxmax() : lean[::-1].idxmax()])
            rows.append(row)
            continue
        rows += _split_runs(row, inside, spread[bins.index.get_indexer(inside.index)], n)
    out = pd.DataFrame(rows, columns=segs.columns)
    one = {
        (c, int(b_start), int(b_end)): float(sp)
        for c, b_start, b_end, sp in zip(
            bins["chromosome"], bins["start"], bins["end"], spread, strict=True
        )
    }
    singles = {
        (r.chromosome, int(r.start), int(r.end)): one[(r.chromosome, int(r.start), int(r.end))]
        for r in out.itertuples(index=False)
        if r.probes == 1 and (r.chromosome, int(r.start), int(r.end)) in one
    }
    return out, singles


def _split_runs(row: dict, inside: pd.DataFrame, spread: np.ndarray, n: int) -> list[dict]:
    log2 = inside["log2"].to_numpy()
    copies = np.array([_copies(x, n) for x in log2])
    with np.errstate(divide="ignore", invalid="ignore"):
        far = np.abs(log2) > OUTLIER_SPREADS * np.where(spread > 0, spread, np.inf)
    state = np.where(far & (copies < n), -1, np.where(far & (copies > n), 1, 0))
    if not state.any():
        return [row]
    pieces, start = [], 0
    for i in range(1, len(state) + 1):
        if i == len(state) or state[i] != state[start]:
            pieces.append(_piece(row, inside.iloc[start:i]))
            start = i
    return pieces


def single_bin_intervals(segs: pd.DataFrame, singles: Spreads) -> None:
    """One-bin segments' intervals from the reference spread (in place; see above)."""
    for i, r in enumerate(segs.itertuples(index=False)):
        sp = singles.get((r.chromosome, int(r.start), int(r.end)))
        if sp is not None and np.isfinite(sp):
            segs.iloc[i, segs.columns.get_loc("ci_lo")] = r.log2 - Z95 * sp
            segs.iloc[i, segs.columns.get_loc("ci_hi")] = r.log2 + Z95 * sp
