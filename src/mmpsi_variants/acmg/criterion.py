"""One ACMG/AMP criterion's result, and what every criterion may look at.

A :class:`Result` is met (with its strength), not met, not evaluated (the data cannot say, never
counted as negative) or retired; :class:`Context` is what the scorer knows beyond the variant
itself (the ``acmg:`` settings, the panel gene, the sample's other variants, the phenotype).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast

from mmpsi_variants.acmg.combining import (
    DEFAULT_STRENGTH,
    MODERATE,
    STRONG,
    SUPPORTING,
    VERY_STRONG,
    Evidence,
)
from mmpsi_variants.acmg.frequency import Ceiling, gene_ceiling
from mmpsi_variants.acmg.ranking import DOMINANT_MODES
from mmpsi_variants.acmg.settings import AcmgSettings
from mmpsi_variants.core.record import Variant
from mmpsi_variants.panel.knowledge import PanelGene
from mmpsi_variants.phenotype.ranking import GeneMatch

MET, NOT_MET, NOT_EVALUATED, RETIRED = "met", "not_met", "not_evaluated", "retired"

LEVELS = [SUPPORTING, MODERATE, STRONG, VERY_STRONG]

TRUNCATING = {"stop_gained", "frameshift_variant"}

SPLICE_SITE = {"splice_donor_variant", "splice_acceptor_variant"}


@dataclass(frozen=True)
class Result:
    code: str
    status: str
    strength: str | None
    reason: str
    source: str = "computed"

    @property
    def evidence(self) -> Evidence | None:
        # A met result always carries a strength (met() and the curator rows give one).
        return Evidence(self.code, cast(str, self.strength)) if self.status == MET else None

    @property
    def points(self) -> int | None:
        e = self.evidence
        return e.points if e else None

    def to_json(self) -> dict[str, Any]:
        """The criterion's JSON entry. Equal results share one (read-only) entry: an exome's
        variants repeat the same few hundred reasons millions of times."""
        return _result_json(self)

    def _json(self) -> dict[str, Any]:
        e = self.evidence
        return {
            "code": e.label if e else self.code,
            "criterion": self.code,
            "status": self.status,
            "strength": self.strength if self.status == MET else None,
            "points": self.points,
            "reason": self.reason,
            "source": self.source,
        }


@lru_cache(maxsize=65536)
def _result_json(result: Result) -> dict[str, Any]:
    return result._json()


def met(code: str, strength: str | None, reason: str) -> Result:
    return Result(code, MET, strength or DEFAULT_STRENGTH[code], reason)


def no(code: str, reason: str) -> Result:
    return Result(code, NOT_MET, None, reason)


def unknown(code: str, reason: str) -> Result:
    return Result(code, NOT_EVALUATED, None, reason)


def cap(strength: str, maximum: str | None) -> str:
    if maximum and LEVELS.index(strength) > LEVELS.index(maximum):
        return maximum
    return strength


@dataclass
class Context:
    """What the scorer knows beyond the variant itself."""

    settings: AcmgSettings
    panel_gene: PanelGene | None
    sample_variants: list[Variant] = field(default_factory=list)
    affected: bool | None = None  # PED status of the sample
    phenotype_eimfs: bool | None = None  # the sample sheet or --phenotype says EIMFS/MMPSI
    # The gene's match to the patient's HPO terms, when the sample has terms: PP4 then reads
    # them instead of the free text.
    phenotype_terms: GeneMatch | None = None
    curator: list[Result] = field(default_factory=list)
    # PED status ("affected", "unaffected", "unknown") of each parent the allele came from.
    carrier_parents: tuple[str, ...] = ()
    # Age at seizure onset in days (the sample sheet's onset_age_days), None when not given.
    onset_days: int | None = None
    # Each of the sample's variants' class without PM3, by label: set for the second pass,
    # which gives PM3 from the partner's class (None in the first pass: PM3 pending).
    partner_classes: Mapping[str, str] | None = None
    # The same variants by label, built once per sample by the caller: building it for every
    # variant that has partners made scoring quadratic in the sample's variants.
    by_label: Mapping[str, Variant] | None = None

    def variants_by_label(self) -> Mapping[str, Variant]:
        """The sample's variants by chrom:pos:ref:alt, as compound-het partners name them."""
        if self.by_label is None:
            self.by_label = {x.label: x for x in self.sample_variants}
        return self.by_label


def gene_spec(ctx: Context, key: str) -> dict[str, Any]:
    return (ctx.panel_gene.acmg if ctx.panel_gene else {}).get(key, {}) or {}


def fmt_int(n: object) -> str:
    return f"{n:,}" if isinstance(n, int) else str(n)


def inheritance_modes(ctx: Context) -> tuple[str, ...]:
    return ctx.panel_gene.inheritance.value if ctx.panel_gene else ()


def is_recessive(ctx: Context) -> bool:
    return any(m in ("AR", "XLR") for m in inheritance_modes(ctx))


def allele_ceiling(ctx: Context) -> Ceiling | None:
    """The gene's maximum credible allele frequency from the settings, if a curator set one."""
    if ctx.panel_gene is None:
        return None
    symbol = ctx.panel_gene.symbol
    modes = set(inheritance_modes(ctx))
    biallelic = "AR" in modes and not modes & DOMINANT_MODES
    x_linked = "XLR" in modes and not modes & DOMINANT_MODES
    setting = ctx.settings.max_credible_af.get(symbol)
    return gene_ceiling(symbol, setting, biallelic=biallelic, x_linked=x_linked)
