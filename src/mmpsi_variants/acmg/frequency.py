"""Maximum credible allele frequency (Whiffin et al. 2017, PMID 28518168) for PM2 and BS1.

An allele that causes a rare disease cannot be commoner in the population than the disease
allows. Whiffin et al. turn a disease's prevalence, the share of cases due to the gene (genetic
heterogeneity), the largest share due to one allele (allelic heterogeneity) and the penetrance
into that ceiling:

    monoallelic (dominant): 0.5 * prevalence * allelic * genetic / penetrance
    biallelic (recessive):  sqrt(prevalence) * allelic * sqrt(genetic) / sqrt(penetrance)

and into the largest allele count a reference sample of AN alleles should hold (the 95% upper
bound of a Poisson count). No gene's parameters are verified in the project's fact base, so
none ship with the package: a curator sets them, with their source, per gene in the settings
(``acmg.max_credible_af``), as a ready frequency or as the four parameters.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

PARAMETERS = ("prevalence", "allelic_heterogeneity", "genetic_heterogeneity", "penetrance")


def max_credible_af(
    prevalence: float,
    allelic_heterogeneity: float,
    genetic_heterogeneity: float,
    penetrance: float,
    *,
    biallelic: bool,
) -> float:
    """Whiffin's ceiling on a pathogenic allele's population frequency."""
    if biallelic:
        return (
            math.sqrt(prevalence)
            * allelic_heterogeneity
            * math.sqrt(genetic_heterogeneity)
            / math.sqrt(penetrance)
        )
    return 0.5 * prevalence * allelic_heterogeneity * genetic_heterogeneity / penetrance


def max_tolerated_ac(an: int, af: float, confidence: float = 0.95) -> int:
    """The smallest count k with P(X <= k) >= confidence for X ~ Poisson(an * af)."""
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie strictly between 0 and 1")
    lam = an * af
    if lam == 0:
        return 0
    # Terms far below the mean are negligible (and underflow): start 12 standard deviations
    # below it, and sum the probabilities in log space from there.
    k = max(0, math.floor(lam - 12 * math.sqrt(lam)))
    total = 0.0
    while True:
        total += math.exp(k * math.log(lam) - lam - math.lgamma(k + 1))
        if total >= confidence:
            return k
        k += 1


@dataclass(frozen=True)
class Ceiling:
    af: float
    how: str  # the wording the criteria's reasons carry


def gene_ceiling(
    symbol: str,
    setting: float | Mapping[str, Any] | None,
    *,
    biallelic: bool,
    x_linked: bool = False,
) -> Ceiling | None:
    """The gene's ceiling from its settings entry: a frequency, or Whiffin's four parameters.

    Whiffin's formulas are for autosomes; for an X-linked recessive gene (one allele suffices
    in boys) only a frequency given directly is used.
    """
    if setting is None:
        return None
    if isinstance(setting, (int, float)):
        return Ceiling(float(setting), f"maximum credible AF {setting:g} for {symbol} (settings)")
    if x_linked:
        return None
    af = max_credible_af(*(setting[p] for p in PARAMETERS), biallelic=biallelic)
    kind = "biallelic" if biallelic else "monoallelic"
    source = f"; {setting['source']}" if setting.get("source") else ""
    return Ceiling(af, f"maximum credible AF {af:.3g} for {symbol} (Whiffin {kind}{source})")
