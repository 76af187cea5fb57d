"""``mmpsi-variants filter``: the variants of each sample that lie in the panel genes.

inputs (open and cross-check everything) -> collect (records to variants, annotated and looked
up) -> interpret (family checks, inheritance, shared codons) -> score (ACMG, ranking) -> report
(``<sample>.variants.json`` and ``.tsv``, written as one set).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mmpsi_variants.io.outputs import AtomicOutputs, unique_filenames
from mmpsi_variants.pipeline.collect import collect
from mmpsi_variants.pipeline.inputs import FilterInputs, FilterOptions
from mmpsi_variants.pipeline.interpret import interpret
from mmpsi_variants.pipeline.score import score
from mmpsi_variants.report.document import panel_genes_json, sample_document
from mmpsi_variants.report.tables import tsv_text

__all__ = ["FilterOptions", "FilterResult", "run_filter"]


@dataclass
class FilterResult:
    outputs: list[Path]
    samples: list[str]
    counts: dict[str, int]
    warnings: list[str] = field(default_factory=list)


def run_filter(options: FilterOptions) -> FilterResult:
    with FilterInputs.open(options) as inputs:
        collected = collect(inputs)
        interpreted = interpret(inputs, collected)
        scored = score(inputs, interpreted.variants)
        provenance = inputs.provenance()
        inputs.warn.flush()
        settings = inputs.settings_json()
        panel_genes = panel_genes_json(inputs.regions) if inputs.panel else None
        stems = unique_filenames(inputs.samples)
        with AtomicOutputs(options.outdir) as out:
            for sample in inputs.samples:
                doc = sample_document(
                    sample,
                    inputs.sexes[sample],
                    scored[sample],
                    inputs=provenance,
                    settings=settings,
                    panel_genes=panel_genes,
                    counts=collected.counts,
                    warnings=inputs.warn.messages,
                    checks=interpreted.checks,
                )
                out.add_json(f"{stems[sample]}.variants.json", doc)
                out.add(f"{stems[sample]}.variants.tsv", tsv_text(sample, doc["variants"]))
            written = out.commit()
        return FilterResult(written, inputs.samples, dict(collected.counts), inputs.warn.messages)
