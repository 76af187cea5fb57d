"""Ranking a sample's variants: the class of each genotype, and the sort order of the report.

ACMG classifies variants; a report ranks explanations. :func:`with_genotype_classes` gives each
variant the class of the genotype it belongs to (a recessive pair counts as its weaker allele),
and :func:`rank_key` orders the list: genotype class, inheritance fit, variant class, points,
the panel's EIMFS evidence for the gene.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from mmpsi_variants.core.record import Variant
from mmpsi_variants.panel.knowledge import CONFIDENCE
from mmpsi_variants.phenotype.ranking import GeneMatch

CLASS_ORDER: dict[str | None, int] = {
    "Pathogenic": 0,
    "Likely pathogenic": 1,
    "Uncertain significance": 2,
    "Likely benign": 3,
    "Benign": 4,
}

FIT_ORDER = {"yes": 0, "partly": 1, "unknown": 2, None: 2, "no": 3}

# Modes in which one heterozygous allele can cause the disease.
DOMINANT_MODES = {"AD", "XLD", "X-linked-female-limited"}

UNCERTAIN = "Uncertain significance"

EVIDENCE_ORDER = ("definitive", "strong", "moderate", "limited", "seed_only")


Json = dict[str, Any]


def genotype_classes(
    variants: list[Variant],
    acmgs: list[Json],
    evidence_of: Callable[[str | None], str | None] = lambda _: None,
) -> list[Json]:
    """The class of the genotype each variant of one sample belongs to (``acmg.genotype``),
    given each variant's own assessment (``acmgs``, in the same order).

    ACMG classifies variants; a report ranks explanations. A recessive disease needs both
    alleles, so where no dominant mode of the gene applies the genotype is only as strong as
    its weaker allele: the variant with its best partner not in cis, or, for a lone
    heterozygote, at most uncertain (the second allele is missing). Otherwise a pathogenic
    carrier allele would outrank a de novo variant of a dominant gene that explains the
    disease. ``evidence_of`` gives the panel's EIMFS evidence level of a gene, a tie-breaker.
    """
    by_label = {v.label: (v, a) for v, a in zip(variants, acmgs, strict=True)}
    out = []
    for v, acmg in zip(variants, acmgs, strict=True):
        own = acmg.get("classification")
        modes = set((v.inheritance.fit or {}).get("modes") or ())
        recessive_only = bool(modes) and not modes & DOMINANT_MODES
        partners = [
            by_label[p["variant"]]
            for p in (v.inheritance.compound_het or {}).get("partners") or ()
            if p["phase"] != "cis" and p["variant"] in by_label
        ]
        genotype: Json = {
            "classification": own,
            "partner": None,
            "reason": "the variant's own class",
        }
        if (v.inheritance.fit or {}).get("fit") == "no":
            genotype = {
                "classification": weaker(own, UNCERTAIN),
                "partner": None,
                "reason": "the genotype does not fit the gene's inheritance",
            }
        elif recessive_only and partners:
            best, best_acmg = min(partners, key=lambda pair: _partner_key(pair[1]))
            genotype = {
                "classification": weaker(own, best_acmg["classification"]),
                "partner": best.label,
                "reason": f"recessive pair with {best.label} "
                f"({best_acmg['classification']}): the genotype counts as its weaker allele",
            }
        elif recessive_only and v.call.zygosity == "heterozygous":
            genotype = {
                "classification": weaker(own, UNCERTAIN),
                "partner": None,
                "reason": "one allele of a recessive gene: the genotype is uncertain until a "
                "second variant is found",
            }
        genotype["gene_evidence"] = evidence = evidence_of(v.hgnc_id)
        genotype["gene_confidence"] = CONFIDENCE.get(evidence) if evidence else None
        out.append(genotype)
    return out


def with_genotype_classes(
    variants: list[Variant], evidence_of: Callable[[str | None], str | None] = lambda _: None
) -> list[Variant]:
    """Each variant that carries its assessment, with the class of its genotype added (see
    :func:`genotype_classes`); variants not yet assessed are returned as they are."""
    assessed = [v for v in variants if v.acmg]
    genotypes = iter(genotype_classes(assessed, [v.acmg or {} for v in assessed], evidence_of))
    return [
        replace(v, acmg={**v.acmg, "genotype": next(genotypes)}) if v.acmg else v for v in variants
    ]


def _partner_key(acmg: Json) -> tuple[int, int]:
    """A compound-het partner's sort key, best first: its class, then its points."""
    return (CLASS_ORDER.get(acmg.get("classification"), 2), -(acmg.get("points") or 0))


def weaker(a: str | None, b: str | None) -> str | None:
    return max(a, b, key=lambda c: CLASS_ORDER.get(c, 2))


RANKING_RULE = (
    "genotypes that contradict the gene's inheritance last; then the genotype's class (a "
    "recessive pair counts as its weaker allele, one allele of a recessive gene as uncertain "
    "at best), inheritance fit, the variant's class, its points, the panel's EIMFS evidence "
    "for the gene"
)

RESEARCH_RANKING_RULE = (
    "research mode with HPO terms: genotypes that contradict the gene's inheritance last; then "
    "the genotype's class, inheritance fit, the variant's class, then its ACMG points plus "
    "phenotype points (2 when the gene ranks in the top 10 of all genes by the patient's HPO "
    "terms, 1 in the top 100, else 0; for the order only, never in the class), the gene's "
    "phenotype score, the panel's EIMFS evidence for the gene"
)


def phenotype_points(rank: int | None) -> int:
    """What a gene's rank by the patient's terms adds to a variant's points in research mode's
    order (see :data:`RESEARCH_RANKING_RULE`)."""
    if rank is None:
        return 0
    return 2 if rank <= 10 else 1 if rank <= 100 else 0


RankKey = tuple[bool, int, int, int, int, float, int, str, int]


def rank_key(v: Variant) -> RankKey:
    """Sort key, best first (see :func:`rank_key_of`)."""
    return rank_key_of(v, v.acmg or {})


def rank_key_of(v: Variant, acmg: Json, phenotype: GeneMatch | None = None) -> RankKey:
    """Sort key of a variant with its assessment, best first: genotypes that contradict the
    gene's inheritance last; then the genotype's class, inheritance fit, the variant's class,
    its points, and the panel's EIMFS evidence for the gene. With ``phenotype`` (research
    mode), the gene's match to the patient's terms adds to the points and breaks their ties."""
    fit = (v.inheritance.fit or {}).get("fit")
    genotype = acmg.get("genotype") or {}
    evidence = genotype.get("gene_evidence")
    own = CLASS_ORDER.get(acmg.get("classification"), 2)
    bonus = phenotype_points(phenotype.rank) if phenotype else 0
    return (
        fit == "no",
        CLASS_ORDER.get(genotype.get("classification"), own),
        FIT_ORDER.get(fit, 2),
        own,
        -((acmg.get("points") or 0) + bonus),
        -(phenotype.score or 0.0) if phenotype else 0.0,
        EVIDENCE_ORDER.index(evidence) if evidence in EVIDENCE_ORDER else len(EVIDENCE_ORDER),
        v.chrom,
        v.pos,
    )
