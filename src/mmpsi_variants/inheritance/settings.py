"""The inheritance settings and the tags the analysis writes.

The ``inheritance:`` section of the settings (de novo, mosaic and parental-mosaic thresholds,
the compound-heterozygote policy, parentage and sex checks) turned into frozen dataclasses, and
the tags of a variant's ``inheritance`` list in the order the outputs give them.
"""

from __future__ import annotations

from dataclasses import dataclass

from mmpsi_variants.core.settings import Settings
from mmpsi_variants.qc.parentage import ParentageSettings
from mmpsi_variants.qc.sex import SexCheckSettings

# Tags written into the variant's "inheritance" list (documented in docs/filter.md).
DE_NOVO = "de_novo"

POSSIBLE_DE_NOVO = "possible_de_novo"

POSSIBLE_MOSAIC = "possible_mosaic"

POSSIBLE_PARENTAL_MOSAIC = "possible_parental_mosaic"

INHERITED_PATERNAL = "inherited_paternal"

INHERITED_MATERNAL = "inherited_maternal"

INHERITED = "inherited"

MENDELIAN_ERROR = "mendelian_error"

HOMOZYGOUS = "homozygous"

HEMIZYGOUS = "hemizygous"

X_LINKED = "x_linked"

COMPOUND_HET = "compound_heterozygous"

POSSIBLE_COMPOUND_HET = "possible_compound_heterozygous"

NOT_EXPECTED_AFFECTED = "not_expected_affected"

TAG_ORDER = [
    DE_NOVO,
    POSSIBLE_DE_NOVO,
    POSSIBLE_MOSAIC,
    POSSIBLE_PARENTAL_MOSAIC,
    INHERITED_PATERNAL,
    INHERITED_MATERNAL,
    INHERITED,
    MENDELIAN_ERROR,
    HOMOZYGOUS,
    HEMIZYGOUS,
    X_LINKED,
    COMPOUND_HET,
    POSSIBLE_COMPOUND_HET,
    NOT_EXPECTED_AFFECTED,
]

FIT_RANK = {"yes": 3, "partly": 2, "no": 1, "unknown": 0}


@dataclass(frozen=True)
class ChildThresholds:
    min_depth: int
    min_genotype_quality: float
    min_allele_fraction: float
    max_allele_fraction: float
    rescue_enabled: bool
    rescue_min_depth: int
    rescue_min_allele_fraction: float
    rescue_max_allele_fraction: float


@dataclass(frozen=True)
class ParentThresholds:
    min_depth: int
    min_genotype_quality: float
    max_allele_fraction: float
    max_alt_reads_total: int
    rescue_enabled: bool
    rescue_min_depth: int


@dataclass(frozen=True)
class MosaicThresholds:
    min_depth: int
    min_alt_reads: int
    max_allele_fraction: float
    max_binomial_p: float


@dataclass(frozen=True)
class ParentalMosaicThresholds:
    min_alt_reads: int
    min_allele_fraction: float


@dataclass(frozen=True)
class CompoundHetPolicy:
    phase_by_parents: bool
    phase_by_reads: bool
    report_unphased: bool


@dataclass(frozen=True)
class InheritanceSettings:
    child: ChildThresholds
    parents: ParentThresholds
    mosaic: MosaicThresholds
    parental_mosaic: ParentalMosaicThresholds
    compound_het: CompoundHetPolicy
    parentage: ParentageSettings
    sex_check: SexCheckSettings
    raw: dict

    @classmethod
    def from_settings(cls, settings: Settings) -> InheritanceSettings:
        s = settings.section("inheritance")
        c, p = s["de_novo"]["child"], s["de_novo"]["parents"]
        cr, pr = c["low_gq_rescue"], p["low_gq_rescue"]
        return cls(
            child=ChildThresholds(
                c["min_depth"],
                c["min_genotype_quality"],
                c["min_allele_fraction"],
                c["max_allele_fraction"],
                cr["enabled"],
                cr["min_depth"],
                cr["min_allele_fraction"],
                cr["max_allele_fraction"],
            ),
            parents=ParentThresholds(
                p["min_depth"],
                p["min_genotype_quality"],
                p["max_allele_fraction"],
                p["max_alt_reads_total"],
                pr["enabled"],
                pr["min_depth"],
            ),
            mosaic=MosaicThresholds(**s["mosaic"]),
            parental_mosaic=ParentalMosaicThresholds(**s["parental_mosaic"]),
            compound_het=CompoundHetPolicy(**s["compound_het"]),
            parentage=ParentageSettings(**s["parentage"]),
            sex_check=SexCheckSettings(**s["sex_check"]),
            raw=s,
        )
