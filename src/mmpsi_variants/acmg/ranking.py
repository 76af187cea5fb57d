"""Ranking a sample's variants: the class of each genotype, and the sort order of the report.

ACMG classifies variants; a report ranks explanations. :func:`set_genotype_classes` gives each
variant the class of the genotype it belongs to (a recessive pair counts as its weaker allele),
and :func:`rank_key` orders the list: genotype class, inheritance fit, variant class, points,
the panel's EIMFS evidence for the gene.
"""

from __future__ import annotations

from mmpsi_variants.core.variant import variant_label

CLASS_ORDER = {
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


def set_genotype_classes(variants: list[dict], evidence_of=lambda hgnc_id: None) -> None:
    """Give each variant of one sample the class of the genotype it belongs to (``acmg.genotype``).

    ACMG classifies variants; a report ranks explanations. A recessive disease needs both
    alleles, so where no dominant mode of the gene applies the genotype is only as strong as
    its weaker allele: the variant with its best partner not in cis, or, for a lone
    heterozygote, at most uncertain (the second allele is missing). Otherwise a pathogenic
    carrier allele would outrank a de novo variant of a dominant gene that explains the
    disease. ``evidence_of`` gives the panel's EIMFS evidence level of a gene, a tie-breaker.
    """
    by_label = {variant_label(v): v for v in variants}
    for v in variants:
        acmg = v.get("acmg")
        if not acmg:
            continue
        own = acmg.get("classification")
        modes = set((v.get("inheritance_fit") or {}).get("modes") or ())
        recessive_only = bool(modes) and not modes & DOMINANT_MODES
        partners = [
            by_label[p["variant"]]
            for p in (v.get("compound_het") or {}).get("partners") or ()
            if p["phase"] != "cis" and p["variant"] in by_label
        ]
        genotype = {"classification": own, "partner": None, "reason": "the variant's own class"}
        if (v.get("inheritance_fit") or {}).get("fit") == "no":
            genotype = {
                "classification": _weaker(own, UNCERTAIN),
                "partner": None,
                "reason": "the genotype does not fit the gene's inheritance",
            }
        elif recessive_only and partners:
            best = min(partners, key=lambda w: (_class_rank(w), -(w["acmg"].get("points") or 0)))
            genotype = {
                "classification": _weaker(own, best["acmg"]["classification"]),
                "partner": variant_label(best),
                "reason": f"recessive pair with {variant_label(best)} "
                f"({best['acmg']['classification']}): the genotype counts as its weaker allele",
            }
        elif recessive_only and v.get("zygosity") == "heterozygous":
            genotype = {
                "classification": _weaker(own, UNCERTAIN),
                "partner": None,
                "reason": "one allele of a recessive gene: the genotype is uncertain until a "
                "second variant is found",
            }
        genotype["gene_evidence"] = evidence_of(v.get("hgnc_id"))
        acmg["genotype"] = genotype


def _weaker(a: str | None, b: str | None) -> str | None:
    return max(a, b, key=lambda c: CLASS_ORDER.get(c, 2))


def _class_rank(v: dict) -> int:
    return CLASS_ORDER.get((v.get("acmg") or {}).get("classification"), 2)


def rank_key(v: dict) -> tuple:
    """Sort key, best first: genotypes that contradict the gene's inheritance last; then the
    genotype's class, inheritance fit, the variant's class, its points, and the panel's EIMFS
    evidence for the gene."""
    acmg = v.get("acmg") or {}
    fit = (v.get("inheritance_fit") or {}).get("fit")
    genotype = acmg.get("genotype") or {}
    evidence = genotype.get("gene_evidence")
    return (
        fit == "no",
        CLASS_ORDER.get(genotype.get("classification"), _class_rank(v)),
        FIT_ORDER.get(fit, 2),
        _class_rank(v),
        -(acmg.get("points") or 0),
        EVIDENCE_ORDER.index(evidence) if evidence in EVIDENCE_ORDER else len(EVIDENCE_ORDER),
        v.get("chrom", ""),
        v.get("pos", 0),
    )
