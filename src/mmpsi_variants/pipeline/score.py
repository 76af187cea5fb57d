"""The filter's scoring: ACMG/AMP evidence for every variant, then each sample's ranking.

Takes the interpreted variants; gives each its assessment (all 28 criteria, both combining
systems, flags), then the class of the genotype it belongs to, and sorts each sample's list
best first with its rank.
"""

from __future__ import annotations

from dataclasses import replace

from mmpsi_variants.acmg.criterion import Context
from mmpsi_variants.acmg.evaluation import assess
from mmpsi_variants.acmg.phenotype import sample_says_eimfs
from mmpsi_variants.acmg.ranking import rank_key, with_genotype_classes
from mmpsi_variants.core.record import Variant
from mmpsi_variants.panel.knowledge import Panel
from mmpsi_variants.pipeline.inputs import FilterInputs


def _evidence_lookup(panel: Panel):
    def evidence_of(hgnc_id: str | None) -> str | None:
        pg = panel.gene(hgnc_id) if hgnc_id else None
        return pg.eimfs_evidence.value if pg else None

    return evidence_of


def score_sample(inputs: FilterInputs, sample: str, variants: list[Variant]) -> list[Variant]:
    """One sample's variants assessed, classed as genotypes, ranked."""
    genes = inputs.known_genes
    phenotype = inputs.families[sample].phenotype
    affected = None if phenotype == "unknown" else phenotype == "affected"
    eimfs = sample_says_eimfs(sample, affected, inputs.options.phenotypes)
    scored = []
    for v in variants:
        ctx = Context(
            settings=inputs.acmg,
            panel_gene=genes.gene(v.hgnc_id) if v.hgnc_id else None,
            sample_variants=variants,
            affected=affected,
            phenotype_eimfs=eimfs,
            curator=inputs.curated.get(v.key.canonical, []),
        )
        scored.append(replace(v, acmg=assess(v, ctx, inputs.acmg.thresholds).to_json()))
    ranked = sorted(with_genotype_classes(scored, _evidence_lookup(genes)), key=rank_key)
    return [replace(v, rank=rank) for rank, v in enumerate(ranked, 1)]


def score(inputs: FilterInputs, variants: dict[str, list[Variant]]) -> dict[str, list[Variant]]:
    return {s: score_sample(inputs, s, variants[s]) for s in inputs.samples}
