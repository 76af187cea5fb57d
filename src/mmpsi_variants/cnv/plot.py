"""One PNG per gene with a call: the sample's per-bin log2 ratios beside the run's other samples."""

from __future__ import annotations

import io
import math

import pandas as pd

from mmpsi_variants.cnv.calling import normal_copies
from mmpsi_variants.cnv.results import CnvCall


def gene_plot(
    sample: str, sex: str, call: CnvCall, ratios: pd.DataFrame, others: dict[str, pd.DataFrame]
) -> bytes:
    """PNG bytes: bins of ``call.gene`` in genome order, exon numbers below, the called bins red,
    the other samples' ratios in grey, and the log2 each copy number would give."""
    import matplotlib

    matplotlib.use("Agg")  # no display: files only
    from matplotlib import pyplot as plt

    mine = ratios[ratios["gene"] == call.gene].sort_values("start")
    x = range(len(mine))
    fig, ax = plt.subplots(figsize=(max(5.0, 0.18 * len(mine) + 2), 3.2), dpi=100)
    for table in others.values():
        theirs = table[table["gene"] == call.gene].sort_values("start")
        if len(theirs) == len(mine):
            ax.plot(x, theirs["log2"].clip(-3, 2), ".", color="0.75", ms=3, zorder=1)
    called = (mine["start"] + 1 >= call.start) & (mine["end"] <= call.end)
    colours = ["#c0392b" if c else "#2c3e50" for c in called]
    ax.scatter(x, mine["log2"].clip(-3, 2), c=colours, s=14, zorder=3)
    n = normal_copies(call.chrom, sex)
    for cn in range(0, n + 3):
        level = math.log2(cn / n) if cn else -3
        ax.axhline(level, color="0.6", lw=0.6, ls="-" if cn == n else ":", zorder=0)
        ax.text(len(mine) - 0.5, level, f" {cn}", va="center", fontsize=7, color="0.4")
    ax.set_xticks(list(x))
    ax.set_xticklabels([str(e) for e in mine["exon"]], fontsize=6)
    ax.set_xlabel(f"{call.gene} exon of each bin ({call.chrom}, genome order)", fontsize=8)
    ax.set_ylabel("log2 ratio", fontsize=8)
    ax.set_ylim(-3.2, 2.2)
    ax.set_title(
        f"{sample}: {call.call} of {call.gene} exons {call.exons}, copy number "
        f"{call.copy_number} (grey: the run's other samples; for research use)",
        fontsize=8,
    )
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()
