"""The ``acmg:`` section of the settings, as frozen dataclasses read once per run.

The values are the package defaults (``data/settings.yaml``) with a user's YAML merged over
them and validated against ``schemas/settings.schema.json`` before they get here, so a missing
key is our bug, not the user's. Which of them are published thresholds and which heuristics is
said in settings.yaml beside each.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from mmpsi_variants.acmg.combining import Thresholds
from mmpsi_variants.core.settings import Settings


@dataclass(frozen=True)
class RevelBands:
    """REVEL cut-offs for PP3 and BP4 at each strength (Pejaver et al. 2022)."""

    pp3_strong: float
    pp3_moderate: float
    pp3_supporting: float
    bp4_supporting: float
    bp4_moderate: float
    bp4_strong: float
    bp4_very_strong: float

    def pp3(self) -> list[tuple[str, float]]:
        """(strength, minimum REVEL), strongest first."""
        return [
            ("Strong", self.pp3_strong),
            ("Moderate", self.pp3_moderate),
            ("Supporting", self.pp3_supporting),
        ]

    def bp4(self) -> list[tuple[str, float]]:
        """(strength, maximum REVEL), strongest first."""
        return [
            ("VeryStrong", self.bp4_very_strong),
            ("Strong", self.bp4_strong),
            ("Moderate", self.bp4_moderate),
            ("Supporting", self.bp4_supporting),
        ]


@dataclass(frozen=True)
class SpliceAiCutoffs:
    pp3_min: float  # a delta score at least this counts as splice-altering (PP3)
    bp4_max: float  # at most this counts as no splice effect (BP4, BP7)


@dataclass(frozen=True)
class DeNovoScale:
    """The ClinGen SVI de novo point scale: points by phenotype specificity and confidence,
    and the strength the points reach."""

    default_specificity: str
    points: Mapping[str, Mapping[str, float]]  # specificity -> confirmed/assumed -> points
    strengths: tuple[tuple[float, str], ...]  # (minimum points, strength), highest first

    def strength(self, points: float) -> str | None:
        return next((level for least, level in self.strengths if points >= least), None)


@dataclass(frozen=True)
class Pm2Limits:
    dominant_max_ac: int
    dominant_min_an: int
    recessive_max_faf: float


@dataclass(frozen=True)
class Ba1Limits:
    max_af: float
    min_an: int
    exceptions: frozenset[str]  # chrom:pos:ref:alt labels exempt from BA1


@dataclass(frozen=True)
class AcmgSettings:
    thresholds: Thresholds
    revel: RevelBands
    spliceai: SpliceAiCutoffs
    clinvar_min_stars: int
    clinvar_conflict_min_stars: int
    de_novo: DeNovoScale
    pm2: Pm2Limits
    ba1: Ba1Limits
    bs2_min_heterozygotes: int
    # Gene symbol -> a frequency or Whiffin's four parameters (see frequency.gene_ceiling).
    max_credible_af: Mapping[str, Any]

    @classmethod
    def from_settings(cls, settings: Settings) -> AcmgSettings:
        s = settings.section("acmg")
        t = s["thresholds"]
        dn = s["de_novo"]
        strengths = sorted(
            ((float(k), level) for k, level in dn["strength_from_points"].items()), reverse=True
        )
        return cls(
            thresholds=Thresholds(
                t["pathogenic"], t["likely_pathogenic"], t["likely_benign"], t["benign"]
            ),
            revel=RevelBands(**s["revel"]),
            spliceai=SpliceAiCutoffs(**s["spliceai"]),
            clinvar_min_stars=s["clinvar"]["min_stars"],
            clinvar_conflict_min_stars=s["clinvar"]["conflict_min_stars"],
            de_novo=DeNovoScale(
                dn["default_specificity"],
                MappingProxyType({k: MappingProxyType(v) for k, v in dn["points"].items()}),
                tuple(strengths),
            ),
            pm2=Pm2Limits(**s["pm2"]),
            ba1=Ba1Limits(
                s["ba1"]["max_af"], s["ba1"]["min_an"], frozenset(s["ba1"]["exceptions"])
            ),
            bs2_min_heterozygotes=s["bs2"]["min_heterozygotes"],
            max_credible_af=MappingProxyType(s["max_credible_af"]),
        )
