"""Exon-level copy number per sample with CNVkit, against the other samples of the run.

For each sample: a pooled CNVkit reference from every other sample (at least ``MIN_OTHERS``),
with chrX taken instead from a reference of the other samples of the same sex, so that X is
compared within each sex; CNVkit's ``fix`` (centring, GC and density bias correction against
that reference), germline HMM segmentation, and a bootstrap 95% confidence interval of each
segment's mean log2 ratio. A segment is a call when its integer copy number,
round(n x 2^log2) with n the normal number of copies (2; 1 on a male's X), differs from n and
its interval excludes 0. Calls are cut per gene and named by the HGVS exon numbers of the bins
they cover.
"""

from __future__ import annotations

import contextlib
import io
import math
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from mmpsi_variants.cnv.bins import COLUMNS, SampleBins, as_diploid_x, is_x

MIN_OTHERS = 3
SEGMENTATION = "hmm-germline"
BOOTSTRAPS = 100


@dataclass(frozen=True)
class CnvCall:
    gene: str
    exons: str  # HGVS exon numbers of the primary transcript, "9-10" or "4"
    chrom: str
    start: int  # 1-based, inclusive: the span of the called bins
    end: int
    copy_number: int
    log2: float
    call: str  # deletion or duplication
    bins: int
    ci_low: float
    ci_high: float

    @property
    def quality(self) -> str:
        return f"95% CI of log2 {self.ci_low:.2f} to {self.ci_high:.2f}"


@dataclass
class SampleCnv:
    sample: str
    calls: list[CnvCall] = field(default_factory=list)
    skipped: str | None = None  # why the sample was not called at all
    notes: list[str] = field(default_factory=list)
    reference_samples: list[str] = field(default_factory=list)
    ratios: pd.DataFrame | None = None  # per bin: chromosome, start, end, gene, exon, log2


def normal_copies(chrom: str, sex: str) -> int:
    return 1 if sex == "male" and is_x(chrom) else 2


def call_run(runs: list[SampleBins], sexes: dict[str, str], fasta: str | None) -> list[SampleCnv]:
    """Copy-number calls for every sample of a run, in the order given."""
    from cnvlib import cmdutil  # CNVkit takes seconds to import: only when there is work

    results = []
    with tempfile.TemporaryDirectory(prefix="mmpsi-cnv-") as tmp:
        files: dict[str, str] = {}
        for r in runs:
            path = Path(tmp) / f"{len(files)}.targetcoverage.cnn"
            table = as_diploid_x(r.table, sexes.get(r.sample) == "male")
            table[[c for c in COLUMNS if c != "exon"]].to_csv(path, sep="\t", index=False)
            files[r.sample] = str(path)
        for r in runs:
            others = [o.sample for o in runs if o.sample != r.sample]
            if len(others) < MIN_OTHERS:
                results.append(SampleCnv(r.sample, skipped=(
                    f"copy number needs at least {MIN_OTHERS} other samples of the same run to "
                    f"compare with; this run has {len(others)}"
                )))  # fmt: skip
                continue
            sample_cna = cmdutil.read_cna(files[r.sample])
            results.append(_call_sample(r, sample_cna, others, files, sexes, fasta))
    return results


def _quiet():
    """CNVkit logs every step at INFO on the root logger; keep ours readable."""
    return contextlib.redirect_stderr(io.StringIO())


def _reference(files: list[str], fasta: str | None):
    from cnvlib import reference

    with _quiet():
        # Every sample's X is on the diploid scale already (as_diploid_x).
        return reference.do_reference(files, fa_fname=fasta, female_samples=True)


def _call_sample(r, sample_cna, others, files, sexes, fasta) -> SampleCnv:
    from cnvlib import fix, segmentation, segmetrics

    sex = sexes.get(r.sample, "unknown")
    out = SampleCnv(r.sample, reference_samples=others)
    ref = _reference([files[o] for o in others], fasta)
    x_rows = ref.data["chromosome"].map(is_x).to_numpy()
    keep = np.ones(len(sample_cna), dtype=bool)
    if x_rows.any():
        same = [o for o in others if sexes.get(o) == sex and sex in ("male", "female")]
        if len(same) >= MIN_OTHERS:
            ref_x = _reference([files[o] for o in same], fasta)
            data = ref.data.copy()
            data.loc[x_rows, :] = ref_x.data.loc[x_rows, :].to_numpy()
            ref = ref.as_dataframe(data)
        else:
            why = "the sample's sex is unknown" if sex not in ("male", "female") else (
                f"only {len(same)} other {sex} sample(s) in the run")  # fmt: skip
            out.notes.append(f"chrX not called: {why}; it needs {MIN_OTHERS} of the same sex")
            keep = ~sample_cna.data["chromosome"].map(is_x).to_numpy()
    with _quiet():
        cnr = fix.do_fix(sample_cna, sample_cna[:0], ref)
        cnr = cnr[cnr.data["chromosome"].isin(set(sample_cna.data["chromosome"][keep]))]
        segs = segmentation.do_segmentation(cnr, SEGMENTATION)
        segs = segmetrics.do_segmetrics(
            cnr, segs, interval_stats=["ci"], alpha=0.05, bootstraps=BOOTSTRAPS
        )
    ratios = cnr.data[["chromosome", "start", "end", "gene", "log2"]].merge(
        r.table[["chromosome", "start", "end", "exon"]], on=["chromosome", "start", "end"]
    )
    out.ratios = ratios
    for seg in segs.data.itertuples():
        out.calls.extend(_segment_calls(seg, ratios, sex))
    return out


def _segment_calls(seg, ratios: pd.DataFrame, sex: str) -> list[CnvCall]:
    n = normal_copies(seg.chromosome, sex)
    cn = max(0, round(n * 2.0**seg.log2)) if seg.log2 > -10 else 0
    if cn == n or math.isnan(seg.ci_lo) or seg.ci_lo <= 0 <= seg.ci_hi:
        return []
    inside = ratios[
        (ratios["chromosome"] == seg.chromosome)
        & (ratios["start"] >= seg.start)
        & (ratios["end"] <= seg.end)
    ]
    calls = []
    for gene, bins in inside.groupby("gene", sort=False):
        exons = sorted(set(bins["exon"]))
        calls.append(
            CnvCall(
                gene=str(gene),
                exons=str(exons[0]) if len(exons) == 1 else f"{exons[0]}-{exons[-1]}",
                chrom=seg.chromosome,
                start=int(bins["start"].min()) + 1,
                end=int(bins["end"].max()),
                copy_number=cn,
                log2=round(float(bins["log2"].mean()), 3),
                call="deletion" if cn < n else "duplication",
                bins=len(bins),
                ci_low=round(float(seg.ci_lo), 3),
                ci_high=round(float(seg.ci_hi), 3),
            )
        )
    return calls
