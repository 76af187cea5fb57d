"""Research mode's default filter: the variants a geneticist would look at first.

With ``--no-panel`` every variant of the VCF is read; reporting all of an exome's would bury the
few that matter under the common and the harmless. By default, as Exomiser's analysis template
does, an allele is left out when gnomAD finds it commoner than ``research.max_population_af``
in its overall frequency or in its most frequent group, or when every consequence it has, on
every transcript, is one that changes neither a protein nor a splice site (UTR, intron,
up/downstream, intergenic). ``--keep-all`` reports every variant. Every output says which.
"""

from __future__ import annotations

from dataclasses import dataclass

from mmpsi_variants.core.record import Annotation, Lookups
from mmpsi_variants.core.settings import Settings

COMMON = "common"
HARMLESS = "consequence"


@dataclass(frozen=True)
class ResearchFilter:
    max_population_af: float
    remove_consequences: frozenset[str]

    @classmethod
    def from_settings(cls, settings: Settings) -> ResearchFilter:
        s = settings.section("research")
        return cls(float(s["max_population_af"]), frozenset(s["remove_consequences"]))

    def why_left_out(self, annotation: Annotation, lookups: Lookups) -> str | None:
        """COMMON or HARMLESS when the allele is left out, None when it is reported."""
        pop = lookups.population
        if pop.get("status") == "found":
            freqs = [f for f in (pop.get("af"), pop.get("grpmax_af")) if f is not None]
            if freqs and max(freqs) > self.max_population_af:
                return COMMON
        terms = set(annotation.consequence or ())
        for t in annotation.transcripts or ():
            terms.update(t.get("consequence") or ())
        if terms and terms <= self.remove_consequences:
            return HARMLESS
        return None

    def to_json(self) -> dict[str, object]:
        return {
            "applied": True,
            "max_population_af": self.max_population_af,
            "remove_consequences": sorted(self.remove_consequences),
        }
