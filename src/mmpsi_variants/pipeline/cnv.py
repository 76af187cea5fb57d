"""``mmpsi-variants cnv``: every sample's exon-level copy-number calls for a run.

Writes ``<outdir>/<sample>.cnv.tsv`` for each sample (a header line and no rows when nothing is
called; a ``# skipped:`` line saying why when the run is too small), a ``# note:`` line for what
was left out (chrX without enough samples of the same sex), and ``<outdir>/<sample>/<gene>.png``
for each gene with a call. All files are committed together or not at all.
"""

from __future__ import annotations

import logging

from mmpsi_variants import __version__
from mmpsi_variants.cnv.bins import check_same_bins, read_bins
from mmpsi_variants.cnv.calling import SampleCnv, call_run
from mmpsi_variants.cnv.plot import gene_plot
from mmpsi_variants.core.errors import UsageError
from mmpsi_variants.io.commit import AtomicOutputs
from mmpsi_variants.io.samplesheet import load_samples

log = logging.getLogger("mmpsi_variants")

TSV_COLUMNS = (
    "gene", "exons", "chrom", "start", "end", "copy_number", "log2", "call", "bins", "quality",
    "ci_low", "ci_high",
)  # fmt: skip


def cnv_tsv(result: SampleCnv) -> str:
    lines = [f"# mmpsi-variants {__version__} cnv (CNVkit; for research use)"]
    if result.skipped:
        lines.append(f"# skipped: {result.skipped}")
    lines += [f"# note: {n}" for n in result.notes]
    if result.reference_samples:
        lines.append(f"# reference samples: {', '.join(result.reference_samples)}")
    lines.append("\t".join(TSV_COLUMNS))
    for c in result.calls:
        row = (c.gene, c.exons, c.chrom, c.start, c.end, c.copy_number, c.log2, c.call,
               c.bins, c.quality, c.ci_low, c.ci_high)  # fmt: skip
        lines.append("\t".join(str(v) for v in row))
    return "\n".join(lines) + "\n"


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
    with AtomicOutputs(outdir) as out:
        for r in results:
            out.add(f"{r.sample}.cnv.tsv", cnv_tsv(r))
            for call in r.calls:
                assert r.ratios is not None  # a called sample has its ratios
                others = {s: t for s, t in ratios.items() if s != r.sample}
                png = gene_plot(r.sample, sexes[r.sample], call, r.ratios, others)
                with out.binary_writer(f"{r.sample}/{call.gene}.png") as fh:
                    fh.write(png)
            log.info("%s: %s", r.sample, r.skipped or f"{len(r.calls)} copy-number call(s)")
        out.commit()
    return results
