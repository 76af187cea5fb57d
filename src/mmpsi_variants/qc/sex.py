"""The sex check: chrX heterozygosity of each sample against its PED sex.

A male has almost no heterozygous calls on chrX outside the pseudoautosomal regions (peddy's
rule); a sample whose ratio contradicts its PED sex is flagged, because a swap or a wrong PED
turns hemizygous calls and X-linked inheritance upside down.
"""

from __future__ import annotations

from dataclasses import dataclass

from mmpsi_variants.io.genotypes import MALE, UNKNOWN_SEX


@dataclass(frozen=True)
class SexCheckSettings:
    min_depth: int
    male_max_het_ratio: float
    min_sites: int
    max_sites: int


def is_male_pattern(child: tuple[int, ...], sex: str) -> bool:
    # A haploid call marks the male pattern when the PED does not give the sex, as bcftools'
    # ploidy-driven checks do.
    return sex == MALE or (sex == UNKNOWN_SEX and len(child) == 1)


@dataclass
class SexCounts:
    hom_ref: int = 0
    het: int = 0
    hom_alt: int = 0


@dataclass(frozen=True)
class SexCheck:
    ped_sex: str
    predicted_sex: str | None
    het_ratio: float | None
    counts: SexCounts
    status: str  # consistent / mismatch / unknown_ped_sex / not_assessed
    reason: str

    def to_json(self) -> dict:
        return {
            "status": self.status,
            "ped_sex": self.ped_sex,
            "predicted_sex": self.predicted_sex,
            "het_ratio": None if self.het_ratio is None else round(self.het_ratio, 4),
            "het": self.counts.het,
            "hom_alt": self.counts.hom_alt,
            "hom_ref": self.counts.hom_ref,
            "reason": self.reason,
        }
