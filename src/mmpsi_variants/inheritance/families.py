"""Each reported sample's family as the analysis sees it: the sample, its parents, its sex.

Built from the PED and the VCF's samples: a parent named in the PED but absent from the VCF is
kept as known-but-not-sequenced, so that "de novo" is never claimed without both parents'
genotypes.
"""

from __future__ import annotations

from dataclasses import dataclass

from mmpsi_variants.io.genotypes import (
    FEMALE,
    MALE,
    UNKNOWN_SEX,
)
from mmpsi_variants.io.ped import Pedigree


@dataclass(frozen=True)
class Relative:
    role: str  # father / mother
    name: str
    index: int | None  # VCF column, None when not sequenced
    sex: str
    phenotype: str


@dataclass(frozen=True)
class SampleFamily:
    sample: str
    index: int
    sex: str
    phenotype: str  # affected / unaffected / unknown (no PED: unknown)
    father: Relative | None
    mother: Relative | None

    @property
    def sequenced_parents(self) -> list[Relative]:
        return [r for r in (self.father, self.mother) if r is not None and r.index is not None]


def build_families(
    ped: Pedigree | None, vcf_samples: list[str], samples: list[str]
) -> dict[str, SampleFamily]:
    """The family context of each reported sample; without a PED everyone is a singleton."""
    index = {s: i for i, s in enumerate(vcf_samples)}
    out = {}
    for s in samples:
        ind = ped.get(s) if ped else None
        rel: dict[str, Relative | None] = {}
        for role in ("father", "mother"):
            name = getattr(ind, role) if ind else None
            if name is None:
                rel[role] = None
                continue
            assert ped is not None  # a parent's name comes from the PED
            pind = ped.get(name)
            rel[role] = Relative(
                role,
                name,
                index.get(name),
                pind.sex if pind else (MALE if role == "father" else FEMALE),
                pind.phenotype if pind else "unknown",
            )
        out[s] = SampleFamily(
            sample=s,
            index=index[s],
            sex=ind.sex if ind else UNKNOWN_SEX,
            phenotype=ind.phenotype if ind else "unknown",
            father=rel["father"],
            mother=rel["mother"],
        )
    return out
