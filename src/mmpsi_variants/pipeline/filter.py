"""``mmpsi-variants filter``: the variants of each sample that lie in the panel genes.

inputs (open and cross-check everything) -> collect (records to variants, annotated and looked
up) -> interpret (family checks, inheritance, shared codons) -> score (ACMG, ranking) -> report
(``<sample>.variants.json`` and ``.tsv``, written as one set).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mmpsi_variants import __version__
from mmpsi_variants.io.commit import AtomicOutputs
from mmpsi_variants.io.outputs import unique_filenames
from mmpsi_variants.io.provenance import describe_input
from mmpsi_variants.pipeline.collect import collect
from mmpsi_variants.pipeline.copy_number import (
    copy_number_section,
    read_tables,
    with_copy_number_partners,
)
from mmpsi_variants.pipeline.inputs import FilterInputs, FilterOptions
from mmpsi_variants.pipeline.interpret import family_checks, interpret
from mmpsi_variants.pipeline.page import ReportPages
from mmpsi_variants.pipeline.research import ResearchFilter
from mmpsi_variants.pipeline.score import (
    FamilyAlleles,
    assess_sample,
    finish_sample,
    ranking_rule,
)
from mmpsi_variants.report.document import panel_genes_json, sample_document, write_sample

__all__ = ["FilterOptions", "FilterResult", "run_filter"]


@dataclass
class FilterResult:
    outputs: list[Path]
    samples: list[str]
    counts: dict[str, int]
    warnings: list[str] = field(default_factory=list)
    research: ResearchFilter | None = None  # research mode's default filter, when applied


@contextlib.contextmanager
def _quiet_collector() -> Iterator[Callable[[], None]]:
    """The garbage collector, told to leave the long-lived objects alone.

    The gene models (a genome's worth of tuples) and the collected records live for the whole
    run; every full collection walked them all again, a quarter of a research-mode run. They
    are frozen out of it, and the young generation is collected every 20,000 allocations
    instead of 700, as annotate does.
    """
    thresholds = gc.get_threshold()
    ours = gc.get_freeze_count() == 0  # a caller's own frozen objects stay frozen
    gc.set_threshold(20_000, *thresholds[1:])
    try:
        yield gc.freeze if ours else (lambda: None)
    finally:
        gc.set_threshold(*thresholds)
        if ours:
            gc.unfreeze()


def run_filter(options: FilterOptions) -> FilterResult:
    with _quiet_collector() as freeze, FilterInputs.open(options) as inputs:
        freeze()  # what the inputs hold (gene models, indexes) lives to the end
        tables = read_tables(options.cnv)  # bad tables stop the run before any record is read
        collected = collect(inputs)
        freeze()  # and so do the collected records, until their sample is written
        checks = family_checks(inputs)
        # Every warning is in before the first document is written: each lists them all.
        provenance = inputs.provenance()
        provenance += [describe_input("copy_number", str(t.path)) for t in tables.values()]
        inputs.warn.flush()
        settings = inputs.settings_json()
        panel_genes = panel_genes_json(inputs.regions) if inputs.panel else None
        stems = unique_filenames(inputs.samples)
        pages = ReportPages.of(inputs)  # reads the coverage files: bad ones stop the run here
        contigs = [(name, length or None) for name, length in inputs.vcf.header.contigs.items()]
        # The folder is this run's: its manifest, written last, lists the files of the set.
        manifest = {"tool": "mmpsi-variants", "tool_version": __version__, "command": "filter"}
        with AtomicOutputs(options.outdir, manifest=manifest) as out:

            def _write(sample: str, scored: list) -> None:
                copy_number = copy_number_section(inputs, tables, sample, checks, scored)
                scored = with_copy_number_partners(scored, copy_number)
                head = sample_document(
                    sample,
                    inputs.sexes[sample],
                    len(scored),
                    inputs=provenance,
                    settings=settings,
                    panel_genes=panel_genes,
                    counts=collected.counts,
                    warnings=inputs.warn.messages,
                    checks=checks,
                    research=inputs.research is not None,
                    copy_number=copy_number,
                    ranking_rule=ranking_rule(inputs, sample),
                    phenotype=p.to_json() if (p := inputs.patients.get(sample)) else None,
                )
                write_sample(
                    out,
                    stems[sample],
                    head,
                    scored,
                    pages.renderer(sample, stems[sample]),
                    contigs,
                    pages.mane,
                )

            # One sample at a time, its variants let go once written: memory holds the
            # collected records and one sample's assessments, not every sample's.
            # A family's affected members are scored first and together: each allele is
            # classed once per family, from its affected carriers (FamilyAlleles).
            alleles = FamilyAlleles(inputs, collected.variants)
            for batch in alleles.batches():
                assessed = {}
                for sample in batch:
                    variants = interpret(inputs, collected, sample, checks)
                    del collected.variants[sample]
                    acmgs = assess_sample(inputs, sample, variants)
                    alleles.record(sample, variants, acmgs)
                    assessed[sample] = (variants, acmgs)
                for sample, (variants, acmgs) in assessed.items():
                    acmgs = alleles.apply(sample, variants, acmgs)
                    scored = finish_sample(inputs, sample, variants, acmgs)
                    _write(sample, scored)
            written = out.commit()
        return FilterResult(
            written, inputs.samples, dict(collected.counts), inputs.warn.messages, inputs.research
        )
