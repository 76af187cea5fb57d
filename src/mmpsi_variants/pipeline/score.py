"""The filter's scoring: ACMG/AMP evidence for every variant, then each sample's ranking.

Takes the interpreted variants; gives each its assessment (all 28 criteria, both combining
systems, flags), the family's class of its allele (:class:`FamilyAlleles`: one class per allele
per family, from its affected carriers), then the class of the genotype it belongs to, and
sorts each sample's list best first with its rank.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any, cast

from mmpsi_variants.acmg.criterion import Context
from mmpsi_variants.acmg.evaluation import assess
from mmpsi_variants.acmg.family import (
    PHENOTYPE_ORDER,
    AlleleEvidence,
    allele_evidence,
    with_family_class,
)
from mmpsi_variants.acmg.phenotype import sample_says_eimfs
from mmpsi_variants.acmg.ranking import (
    RANKING_RULE,
    RESEARCH_RANKING_RULE,
    genotype_classes,
    rank_key_of,
)
from mmpsi_variants.core.record import Variant
from mmpsi_variants.inheritance.settings import INHERITED_MATERNAL, INHERITED_PATERNAL
from mmpsi_variants.panel.knowledge import Panel
from mmpsi_variants.pipeline.inputs import FilterInputs
from mmpsi_variants.pipeline.patients import onset_of


def _evidence_lookup(panel: Panel):
    def evidence_of(hgnc_id: str | None) -> str | None:
        pg = panel.gene(hgnc_id) if hgnc_id else None
        return pg.eimfs_evidence.value if pg else None

    return evidence_of


class FamilyAlleles:
    """The best carrier's evidence for each allele that several members of a family carry.

    The filter scores a family's affected members first (together, so that affected siblings
    share one class), then the others one at a time; :meth:`batches` gives that order. Only
    alleles carried by two or more reported members are kept, as a few criteria each.
    """

    def __init__(self, inputs: FilterInputs, variants: dict[str, list[Variant]]):
        self.inputs = inputs
        ped = inputs.ped
        self.family_of = {
            s: (ind.family if ped and (ind := ped.get(s)) else f"\0{s}") for s in inputs.samples
        }
        members: dict[str, list[str]] = {}
        for s in inputs.samples:
            members.setdefault(self.family_of[s], []).append(s)
        self.members = members
        self.shared: dict[str, set[str]] = {}
        for fam, names in members.items():
            if len(names) > 1:
                seen: Counter[str] = Counter(v.label for s in names for v in variants[s])
                self.shared[fam] = {label for label, n in seen.items() if n > 1}
        self.best: dict[tuple[str, str], AlleleEvidence] = {}

    def batches(self) -> list[list[str]]:
        """Each family's affected members together, then every other sample alone."""
        phenotype = {s: self.inputs.families[s].phenotype for s in self.inputs.samples}
        out: list[list[str]] = []
        for names in self.members.values():
            affected = [s for s in names if phenotype[s] == "affected"]
            if affected:
                out.append(affected)
        rest = [s for s in self.inputs.samples if phenotype[s] != "affected"]
        rest.sort(key=lambda s: PHENOTYPE_ORDER.get(phenotype[s], 1))
        return out + [[s] for s in rest]

    def record(self, sample: str, variants: list[Variant], acmgs: list[dict[str, Any]]) -> None:
        fam = self.family_of[sample]
        shared = self.shared.get(fam)
        if not shared:
            return
        phenotype = self.inputs.families[sample].phenotype
        for v, a in zip(variants, acmgs, strict=True):
            if v.label in shared:
                mine = allele_evidence(sample, phenotype, a)
                if mine.better_than(self.best.get((fam, v.label))):
                    self.best[(fam, v.label)] = mine

    def apply(self, sample: str, variants: list[Variant], acmgs: list[dict[str, Any]]):
        fam = self.family_of[sample]
        st = self.inputs.acmg
        return [
            with_family_class(
                v,
                sample,
                a,
                self.best.get((fam, v.label)),
                st.thresholds,
                st.clinvar_conflict_min_stars,
            )  # fmt: skip
            for v, a in zip(variants, acmgs, strict=True)
        ]


def assess_sample(
    inputs: FilterInputs, sample: str, variants: list[Variant]
) -> list[dict[str, Any]]:
    """Every criterion of each of one sample's variants, with its class (PM3 in two passes)."""
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
    patient = inputs.patients.get(sample)
    onset = onset_of(sample, inputs.options.onsets, inputs.patients)
    # PM3 weighs the partner allele by its class, which must not lean on PM3 itself: the
    # first pass classes every allele without it, the second gives PM3 where it is pending.
    # Only the pending ones keep their context; the rest are turned into JSON at once.
    acmgs: list[dict[str, Any] | None] = []
    classes: dict[str, str] = {}
    pending: list[tuple[int, Context]] = []
    for i, v in enumerate(variants):
        pg = genes.gene(v.hgnc_id) if v.hgnc_id else None
        ctx = Context(
            settings=inputs.acmg,
            panel_gene=pg,
            sample_variants=variants,
            by_label=by_label,
            affected=affected,
            phenotype_eimfs=eimfs,
            curator=inputs.curated.get(v.key.canonical, []),
            carrier_parents=tuple(p for tag, p in parents.items() if tag in v.inheritance.tags),
            onset_days=onset,
            phenotype_terms=patient.match(v.gene, pg.symbol if pg else None) if patient else None,
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
    return cast(list[dict[str, Any]], acmgs)  # every pending one filled in above


def finish_sample(
    inputs: FilterInputs, sample: str, variants: list[Variant], done: list[dict[str, Any]]
) -> list[Variant]:
    """The variants with their assessments (``done``), genotype classes, phenotype matches and
    ranks (research mode weighs the phenotype in, see :data:`RESEARCH_RANKING_RULE`)."""
    genotypes = genotype_classes(variants, done, _evidence_lookup(inputs.known_genes))
    full = [{**a, "genotype": g} for a, g in zip(done, genotypes, strict=True)]
    patient = inputs.patients.get(sample)
    matches = [_match(inputs, patient, v) for v in variants]
    research = inputs.research is not None and patient is not None
    order = sorted(
        range(len(variants)),
        key=lambda i: rank_key_of(variants[i], full[i], matches[i] if research else None),
    )
    # One new record per variant, with its assessment, its phenotype match and its rank.
    return [
        replace(variants[i], acmg=full[i], rank=rank,
                phenotype=matches[i].to_json() if matches[i] else None)
        for rank, i in enumerate(order, 1)
    ]  # fmt: skip


def ranking_rule(inputs: FilterInputs, sample: str) -> str:
    """How the sample's variants are ordered, as its document states it."""
    if inputs.research is not None and sample in inputs.patients:
        return RESEARCH_RANKING_RULE
    return RANKING_RULE


def _match(inputs: FilterInputs, patient, v: Variant):
    if patient is None:
        return None
    pg = inputs.known_genes.gene(v.hgnc_id) if v.hgnc_id else None
    return patient.match(v.gene, pg.symbol if pg else None)
