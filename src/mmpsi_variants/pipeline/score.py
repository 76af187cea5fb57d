"""The filter's scoring: ACMG/AMP evidence for every variant, then each sample's ranking.

Takes the interpreted variants; gives each its assessment (all 28 criteria, both combining
systems, flags), then the class of the genotype it belongs to, and sorts each sample's list
best first with its rank.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

from mmpsi_variants.acmg.criterion import Context
from mmpsi_variants.acmg.evaluation import assess
from mmpsi_variants.acmg.phenotype import sample_says_eimfs
from mmpsi_variants.acmg.ranking import genotype_classes, rank_key_of
from mmpsi_variants.core.record import Variant
from mmpsi_variants.inheritance.settings import INHERITED_MATERNAL, INHERITED_PATERNAL
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
    by_label = {v.label: v for v in variants}
    family = inputs.families[sample]
    parents = {
        tag: (rel.phenotype if rel else "unknown")
        for tag, rel in ((INHERITED_PATERNAL, family.father), (INHERITED_MATERNAL, family.mother))
    }
    thresholds = inputs.acmg.thresholds
    # PM3 weighs the partner allele by its class, which must not lean on PM3 itself: the
    # first pass classes every allele without it, the second gives PM3 where it is pending.
    # Only the pending ones keep their context; the rest are turned into JSON at once.
    acmgs: list[dict[str, Any] | None] = []
    classes: dict[str, str] = {}
    pending: list[tuple[int, Context]] = []
    for i, v in enumerate(variants):
        ctx = Context(
            settings=inputs.acmg,
            panel_gene=genes.gene(v.hgnc_id) if v.hgnc_id else None,
            sample_variants=variants,
            by_label=by_label,
            affected=affected,
            phenotype_eimfs=eimfs,
            curator=inputs.curated.get(v.key.canonical, []),
            carrier_parents=tuple(p for tag, p in parents.items() if tag in v.inheritance.tags),
        )
        a = assess(v, ctx, thresholds)
        classes[v.label] = a.points_class
        if a.pm3_pending:
            pending.append((i, ctx))
            acmgs.append(None)
        else:
            acmgs.append(a.to_json())
    for i, ctx in pending:
        ctx = replace(ctx, partner_classes=classes)
        acmgs[i] = assess(variants[i], ctx, thresholds).to_json()
    done = cast(list[dict[str, Any]], acmgs)  # every pending one filled in above
    genotypes = genotype_classes(variants, done, _evidence_lookup(genes))
    full = [{**a, "genotype": g} for a, g in zip(done, genotypes, strict=True)]
    order = sorted(range(len(variants)), key=lambda i: rank_key_of(variants[i], full[i]))
    # One new record per variant, with its assessment and its rank.
    return [replace(variants[i], acmg=full[i], rank=rank) for rank, i in enumerate(order, 1)]
