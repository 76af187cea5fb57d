"""``mmpsi-variants cnv``: every sample's exon-level copy-number calls for a run.

Writes ``<outdir>/<sample>.cnv.tsv`` for each sample (a header line and no rows when nothing is
called; a ``# skipped:`` line saying why when the run is too small), a ``# note:`` line for what
was left out (chrX without enough samples of the same sex), and ``<outdir>/<sample>/<gene>.png``
for each gene with a call. All files are committed together or not at all.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mmpsi_variants.cnv.bins import check_same_bins, read_bins
from mmpsi_variants.cnv.calling import call_run
from mmpsi_variants.cnv.plot import gene_plot
from mmpsi_variants.cnv.results import cnv_tsv
from mmpsi_variants.core.errors import UsageError
from mmpsi_variants.io.commit import AtomicOutputs
from mmpsi_variants.io.samplesheet import load_samples

log = logging.getLogger("mmpsi_variants")


def run_cnv(bins_files: list[str], samples_tsv: str, fasta: str | None, outdir: str) -> list:
    if not bins_files:
        raise UsageError("cnv needs the bins tables of the run's samples")
    runs = [read_bins(p) for p in bins_files]
    check_same_bins(runs)
    sheet = load_samples(samples_tsv)
    missing = [r.sample for r in runs if r.sample not in sheet]
    if missing:
        raise UsageError(f"sample(s) {', '.join(missing)} are not in {samples_tsv}")
    sexes = {r.sample: sheet[r.sample].sex for r in runs}
    results = call_run(runs, sexes, fasta)
    ratios = {r.sample: r.ratios for r in results if r.ratios is not None}
    plots: dict[str, set[str]] = {}
    with AtomicOutputs(outdir) as out:
        for r in results:
            out.add(f"{r.sample}.cnv.tsv", cnv_tsv(r))
            plots[r.sample] = set()
            for call in r.calls:
                if call.gene in plots[r.sample]:
                    continue  # one plot per gene: it shows every bin of the gene
                assert r.ratios is not None  # a called sample has its ratios
                others = {s: t for s, t in ratios.items() if s != r.sample}
                png = gene_plot(r.sample, sexes[r.sample], call, r.ratios, others)
                with out.binary_writer(f"{r.sample}/{call.gene}.png") as fh:
                    fh.write(png)
                plots[r.sample].add(call.gene)
            log.info("%s: %s", r.sample, r.skipped or f"{len(r.calls)} copy-number call(s)")
        out.commit()
    # A plot of an earlier run whose call is gone would read as this run's.
    for sample, genes in plots.items():
        for old in Path(outdir, sample).glob("*.png"):
            if old.stem not in genes:
                old.unlink()
    return results
