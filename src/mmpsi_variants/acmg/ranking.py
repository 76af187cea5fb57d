"""Ranking a sample's variants: the class of each genotype, and the sort order of the report.

ACMG classifies variants; a report ranks explanations. :func:`with_genotype_classes` gives each
variant the class of the genotype it belongs to (a recessive pair counts as its weaker allele),
and :func:`rank_key` orders the list: genotype class, inheritance fit, variant class, points,
the panel's EIMFS evidence for the gene.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from mmpsi_variants.core.record import Variant

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


def with_genotype_classes(
    variants: list[Variant], evidence_of: Callable[[str | None], str | None] = lambda _: None
) -> list[Variant]:
    """Each variant of one sample with the class of the genotype it belongs to
    (``acmg.genotype``).

    ACMG classifies variants; a report ranks explanations. A recessive disease needs both
    alleles, so where no dominant mode of the gene applies the genotype is only as strong as
    its weaker allele: the variant with its best partner not in cis, or, for a lone
    heterozygote, at most uncertain (the second allele is missing). Otherwise a pathogenic
    carrier allele would outrank a de novo variant of a dominant gene that explains the
    disease. ``evidence_of`` gives the panel's EIMFS evidence level of a gene, a tie-breaker.
    """
    by_label = {v.label: v for v in variants}
    out = []
    for v in variants:
        acmg = v.acmg
        if not acmg:
            out.append(v)
            continue
        own = acmg.get("classification")
        modes = set((v.inheritance.fit or {}).get("modes") or ())
        recessive_only = bool(modes) and not modes & DOMINANT_MODES
        partners = [
            by_label[p["variant"]]
            for p in (v.inheritance.compound_het or {}).get("partners") or ()
            if p["phase"] != "cis" and p["variant"] in by_label
        ]
        genotype = {"classification": own, "partner": None, "reason": "the variant's own class"}
        if (v.inheritance.fit or {}).get("fit") == "no":
            genotype = {
                "classification": _weaker(own, UNCERTAIN),
                "partner": None,
                "reason": "the genotype does not fit the gene's inheritance",
            }
        elif recessive_only and partners:
            best = min(partners, key=_partner_key)
            assert best.acmg is not None
            genotype = {
                "classification": _weaker(own, best.acmg["classification"]),
                "partner": best.label,
                "reason": f"recessive pair with {best.label} "
                f"({best.acmg['classification']}): the genotype counts as its weaker allele",
            }
        elif recessive_only and v.call.zygosity == "heterozygous":
            genotype = {
                "classification": _weaker(own, UNCERTAIN),
                "partner": None,
                "reason": "one allele of a recessive gene: the genotype is uncertain until a "
                "second variant is found",
            }
        genotype["gene_evidence"] = evidence_of(v.hgnc_id)
        out.append(replace(v, acmg={**acmg, "genotype": genotype}))
    return out


def _partner_key(w: Variant) -> tuple[int, int]:
    """A compound-het partner's sort key, best first: its class, then its points."""
    assert w.acmg is not None
    return (_class_rank(w), -(w.acmg.get("points") or 0))


def _weaker(a: str | None, b: str | None) -> str | None:
    return max(a, b, key=lambda c: CLASS_ORDER.get(c, 2))


def _class_rank(v: Variant) -> int:
    return CLASS_ORDER.get((v.acmg or {}).get("classification"), 2)


def rank_key(v: Variant) -> tuple[bool, int, int, int, int, int, str, int]:
    """Sort key, best first: genotypes that contradict the gene's inheritance last; then the
    genotype's class, inheritance fit, the variant's class, its points, and the panel's EIMFS
    evidence for the gene."""
    acmg = v.acmg or {}
    fit = (v.inheritance.fit or {}).get("fit")
    genotype = acmg.get("genotype") or {}
    evidence = genotype.get("gene_evidence")
    return (
        fit == "no",
        CLASS_ORDER.get(genotype.get("classification"), _class_rank(v)),
        FIT_ORDER.get(fit, 2),
        _class_rank(v),
        -(acmg.get("points") or 0),
        EVIDENCE_ORDER.index(evidence) if evidence in EVIDENCE_ORDER else len(EVIDENCE_ORDER),
        v.chrom,
        v.pos,
    )
