"""One class per allele per family, from the evidence of its affected carriers.

An allele's population, computational, ClinVar and null-variant criteria are the same in every
carrier; the criteria of a genotype (:data:`FAMILY_GENOTYPE_LEVEL`: de novo, in trans, phenotype,
in cis with a pathogenic variant) are what one person's genotype adds, and the affected person's
genotype is the one that speaks for the allele. So within a family an allele is classed once,
from the carrier whose genotype gives it the most (affected before unknown before unaffected),
and every other carrier shows that class with the same criteria, the genotype-level ones marked
with the sample they came from. What the genotype of each carrier is worth stays apart, in
``acmg.genotype`` (a lone heterozygous allele of a recessive gene is uncertain there).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mmpsi_variants.acmg.combining import (
    BENIGN,
    LIKELY_BENIGN,
    Thresholds,
    classify_points,
    classify_richards,
    parse_code,
)
from mmpsi_variants.acmg.evaluation import TREATMENT_FLAGS, clinvar_conflict
from mmpsi_variants.acmg.genotype import GENOTYPE_LEVEL
from mmpsi_variants.core.record import Variant

# BP2 (in cis with a pathogenic variant, or in trans with one in a dominant gene) is an
# observation in one person's genotype too.
FAMILY_GENOTYPE_LEVEL = frozenset((*GENOTYPE_LEVEL, "BP2"))

# Whose genotype speaks first for an allele: an affected carrier's.
PHENOTYPE_ORDER = {"affected": 0, "unknown": 1, "unaffected": 2}

Json = dict[str, Any]


@dataclass(frozen=True)
class AlleleEvidence:
    """The genotype-level criteria one carrier gives an allele, and the class they reach."""

    sample: str
    phenotype: str
    points: int
    criteria: tuple[Json, ...]  # the genotype-level criteria's JSON entries

    def better_than(self, other: AlleleEvidence | None) -> bool:
        """Affected carriers first, then the most points; the first seen keeps a tie."""
        if other is None:
            return True
        mine = (PHENOTYPE_ORDER.get(self.phenotype, 1), -self.points)
        theirs = (PHENOTYPE_ORDER.get(other.phenotype, 1), -other.points)
        return mine < theirs


def allele_evidence(sample: str, phenotype: str, acmg: Json) -> AlleleEvidence:
    genotype = tuple(c for c in acmg["criteria"] if c["criterion"] in FAMILY_GENOTYPE_LEVEL)
    return AlleleEvidence(sample, phenotype, acmg["points"], genotype)


def with_family_class(
    v: Variant, sample: str, acmg: Json, family: AlleleEvidence | None, t: Thresholds,
    conflict_min_stars: int,
) -> Json:  # fmt: skip
    """The variant's assessment with the family's class of its allele (``family``: the best
    carrier's evidence), or its own where the sample is that carrier or the only one."""
    if family is None or family.sample == sample:
        return {**acmg, "allele_class_from": sample}
    theirs = {
        c["criterion"]: {**c, "reason": f"in {family.sample}: {c['reason']}"}
        for c in family.criteria
    }
    criteria = [theirs.get(c["criterion"], c) for c in acmg["criteria"]]
    met = [c["code"] for c in criteria if c["status"] == "met"]
    evidence = [parse_code(code) for code in met]
    points = classify_points(evidence, t)
    richards = classify_richards(evidence)
    flags = [f for f in acmg["flags"] if f["flag"] != "clinvar_conflict"]
    conflict = clinvar_conflict(v, points.classification, conflict_min_stars)
    if conflict:
        flags.append(conflict)
    if points.classification in (LIKELY_BENIGN, BENIGN):
        flags = [f for f in flags if f["flag"] not in TREATMENT_FLAGS]
    return {
        **acmg,
        "criteria": criteria,
        "met": met,
        "points": points.points,
        "classification": points.classification,
        "classification_richards2015": richards.classification,
        "richards2015_reason": richards.reason,
        "flags": flags,
        "allele_class_from": family.sample,
    }
