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
from pathlib import Path

import numpy as np
import pandas as pd

from mmpsi_variants.cnv.bins import COLUMNS, SampleBins, as_diploid_x, is_x
from mmpsi_variants.cnv.results import CnvCall, SampleCnv
from mmpsi_variants.cnv.segments import refine, single_bin_intervals

MIN_OTHERS = 3
SEGMENTATION = "hmm-germline"
BOOTSTRAPS = 100
SEED = 0x5EED


def normal_copies(chrom: str, sex: str) -> int:
    return 1 if sex == "male" and is_x(chrom) else 2


def call_run(runs: list[SampleBins], sexes: dict[str, str], fasta: str | None) -> list[SampleCnv]:
    """Copy-number calls for every sample of a run, in the order given."""
    from cnvlib import cmdutil  # CNVkit takes seconds to import: only when there is work

    results = []
    with tempfile.TemporaryDirectory(prefix="mmpsi-cnv-") as tmp:
        files: list[str] = []
        for r in runs:
            # Zero-padded: CNVkit orders the pool by file name, and so must we.
            path = Path(tmp) / f"{len(files):05d}.targetcoverage.cnn"
            table = as_diploid_x(r.table, sexes.get(r.sample) == "male")
            table[[c for c in COLUMNS if c != "exon"]].to_csv(path, sep="\t", index=False)
            files.append(str(path))
        pool = Pool(files, fasta) if len(runs) > MIN_OTHERS else None
        for i, r in enumerate(runs):
            others = [j for j in range(len(runs)) if j != i]
            if pool is None:
                results.append(SampleCnv(r.sample, skipped=(
                    f"copy number needs at least {MIN_OTHERS} other samples of the same run to "
                    f"compare with; this run has {len(others)}"
                )))  # fmt: skip
                continue
            sample_cna = cmdutil.read_cna(files[i])
            results.append(_call_sample(r, sample_cna, others, runs, sexes, pool))
    return results


def _quiet():
    """CNVkit logs every step at INFO on the root logger; keep ours readable."""
    return contextlib.redirect_stderr(io.StringIO())


@contextlib.contextmanager
def _seeded_noise():
    """CNVkit's bootstrap of small segments adds noise from an unseeded generator, so the same
    bins gave a different interval on each run; seeded here, the tables are reproducible."""
    real = np.random.default_rng

    def seeded(seed=None):
        return real(SEED if seed is None else seed)

    np.random.default_rng = seeded  # type: ignore[assignment]
    try:
        yield
    finally:
        np.random.default_rng = real  # type: ignore[assignment]


class Pool:
    """Every sample's bias-corrected log2 ratios, read once; a reference is CNVkit's summary of
    some of them.

    CNVkit's ``reference`` reads and corrects each sample's coverage on its own (centring, GC
    and density bias against the bins' own GC and edges, nothing from the other samples), then
    takes each bin's robust average and spread over the pool. A leave-one-out reference per
    sample would correct every sample once for every other: here each is corrected once
    (``load_sample_block``) and each reference summarises a subset of the rows
    (``summarize_info``), which gives what ``do_reference`` gives for that subset.
    """

    def __init__(self, files: list[str], fasta: str | None):
        from cnvlib import core, reference

        self.files = files
        # Every sample's X is on the diploid scale already (as_diploid_x): all count as XX.
        sexes = {core.fbase(f): True for f in files}
        with _quiet():
            self.ref_df, self.logr, self.depths = reference.load_sample_block(
                files,
                fasta,
                False,
                None,
                sexes,
                True,
                True,
                True,
                False,  # type: ignore[arg-type]
            )

    def reference(self, rows: list[int], x_rows: list[int] | None = None):
        """The reference of the samples at ``rows`` (their order in ``files``); with
        ``x_rows``, chrX's bins are summarised from those samples instead."""
        from cnvlib import reference
        from cnvlib.cnary import CopyNumArray

        def summary(samples: list[int], bins=slice(None)):
            # Row 0 of the log2 matrix is CNVkit's pseudocount: one flat sample.
            logr = self.logr[[0, *(r + 1 for r in samples)]][:, bins]
            with _quiet():
                return reference.summarize_info(logr, self.depths[samples][:, bins])

        stats = summary(rows)
        if x_rows is not None:
            x = self.ref_df["chromosome"].map(is_x).to_numpy()
            for key, values in summary(x_rows, x).items():
                stats[key] = stats[key].copy()
                stats[key][x] = values
        ref = CopyNumArray(self.ref_df.assign(**stats), meta_dict={"sample_id": "reference"})
        ref.sort()
        ref.sort_columns()
        return ref


def _call_sample(r, sample_cna, others, runs, sexes, pool: Pool) -> SampleCnv:
    from cnvlib import fix, segmentation, segmetrics

    sex = sexes.get(r.sample, "unknown")
    out = SampleCnv(r.sample, reference_samples=[runs[o].sample for o in others])
    keep = np.ones(len(sample_cna), dtype=bool)
    same = None
    if sample_cna.data["chromosome"].map(is_x).any():
        same = [o for o in others if sexes.get(runs[o].sample) == sex and sex in ("male", "female")]
        if len(same) < MIN_OTHERS:
            why = "the sample's sex is unknown" if sex not in ("male", "female") else (
                f"only {len(same)} other {sex} sample(s) in the run")  # fmt: skip
            out.notes.append(f"chrX not called: {why}; it needs {MIN_OTHERS} of the same sex")
            keep = ~sample_cna.data["chromosome"].map(is_x).to_numpy()
            same = None
    ref = pool.reference(others, same)
    with _quiet():
        cnr = fix.do_fix(sample_cna, sample_cna[:0], ref)
        cnr = cnr[cnr.data["chromosome"].isin(set(sample_cna.data["chromosome"][keep]))]
        segs = segmentation.do_segmentation(cnr, SEGMENTATION)
        spread = (
            cnr.data[["chromosome", "start", "end"]]
            .merge(ref.data[["chromosome", "start", "end", "spread"]], how="left")["spread"]
            .to_numpy()
        )
        refined, singles = refine(segs.data, cnr.data, spread, lambda c: normal_copies(c, sex))
        segs = segs.as_dataframe(refined)
        with _seeded_noise():
            segs = segmetrics.do_segmetrics(
                cnr, segs, interval_stats=["ci"], alpha=0.05, bootstraps=BOOTSTRAPS
            )
        single_bin_intervals(segs.data, singles)
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
