"""``mmpsi-variants coverage``: per-exon depth of the panel genes in one BAM/CRAM.

Targets come from a BED written by ``mmpsi-variants targets`` or are built from the gene
models; the sample is named by the file's read group unless given. Writes PREFIX.tsv (one row
per exon) and PREFIX.json, as one set.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from mmpsi_variants.core.errors import UsageError
from mmpsi_variants.io.commit import AtomicOutputs
from mmpsi_variants.io.provenance import describe_input
from mmpsi_variants.io.sheet_files import read_group_samples
from mmpsi_variants.panel.knowledge import Panel
from mmpsi_variants.panel.regions import load_panel_models
from mmpsi_variants.qc.coverage import (
    bins_tsv,
    measure,
    panel_targets,
    read_targets_bed,
    report,
)

log = logging.getLogger("mmpsi_variants")


@dataclass(frozen=True)
class CoverageOptions:
    alignments: str
    output_prefix: str
    sample: str | None = None
    targets: str | None = None
    genes: str | None = None
    splice_margin: int = 10
    min_depth: int = 20
    min_mapq: int = 20
    reference: str | None = None


def sample_name(alignments: str) -> str:
    """The read groups' one SM, else the file name up to its first dot."""
    names = sorted(read_group_samples(alignments) - {""})
    return names[0] if len(names) == 1 else Path(alignments).name.split(".")[0]


def run_coverage(opts: CoverageOptions, panel: Panel | None) -> dict:
    """Measure, write both files, and return the JSON summary."""
    if bool(opts.targets) == bool(opts.genes):
        raise UsageError("give either --targets or --genes")
    if opts.targets:
        targets = read_targets_bed(opts.targets)
    else:
        assert opts.genes is not None and panel is not None  # one of the two is given
        targets = panel_targets(panel, load_panel_models(opts.genes, panel), opts.splice_margin)
    sample = opts.sample or sample_name(opts.alignments)
    results, warnings = measure(
        opts.alignments,
        targets,
        min_depth=opts.min_depth,
        min_mapq=opts.min_mapq,
        reference=opts.reference,
    )
    for w in warnings:
        log.warning(w)
    settings = {
        "min_depth": opts.min_depth,
        "min_mapq": opts.min_mapq,
        "splice_margin": None if opts.targets else opts.splice_margin,
        "targets": "coding exons of each panel gene's primary transcript plus a splice margin",
    }
    inputs = [describe_input("alignments", opts.alignments)]
    if opts.targets:
        inputs.append(describe_input("targets", opts.targets))
    tsv, doc = report(sample, results, settings, warnings, inputs)
    prefix = Path(opts.output_prefix)
    with AtomicOutputs(prefix.parent) as out:
        out.add(f"{prefix.name}.tsv", tsv)
        out.add_json(f"{prefix.name}.json", doc)
        out.add(f"{prefix.name}.bins.tsv", bins_tsv(results))
        out.commit()
    s = doc["summary"]
    log.info(
        "%s: %d exon(s), %d below %dx; mean depth %s",
        sample,
        s["exons"],
        s["exons_below"],
        opts.min_depth,
        s["mean_depth"],
    )
    return doc
