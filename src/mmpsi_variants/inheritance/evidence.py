"""The parents' evidence at each allele a sample carries, collected during the record loop.

For every carried allele the collector keeps the child's and both parents' calls (hom-ref
included, which the per-sample lists do not keep); the checks here turn depth, genotype quality
and ALT reads into the written evidence of a de novo or mosaic call (a one-sided binomial test
for too few ALT reads).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cache

from mmpsi_variants.core.contigs import Build, region_of
from mmpsi_variants.core.record import Variant
from mmpsi_variants.core.variant import VariantKey
from mmpsi_variants.inheritance.families import SampleFamily
from mmpsi_variants.inheritance.settings import (
    ChildThresholds,
    MosaicThresholds,
    ParentalMosaicThresholds,
    ParentThresholds,
)
from mmpsi_variants.io.genotypes import (
    FormatFields,
    SampleCall,
    genotype_evidence,
    pooled_fractions,
)


@dataclass(frozen=True)
class SiteEvidence:
    """One allele carried by the sample, with the parents' evidence at the same allele."""

    chrom: str
    pos: int
    ref: str
    alt: str
    region: str  # autosome / X / Y / MT (pseudoautosomal counts as autosome)
    child: SampleCall
    father: SampleCall | None  # None when the father is not in the VCF
    mother: SampleCall | None
    record: str = ""  # the record as written, shared by the ALTs split from it
    allele_index: int = 1

    @property
    def site(self) -> tuple[str, int, str]:
        """(chrom, pos, REF): ALTs with the same site replace the same reference bases."""
        return self.chrom, self.pos, self.ref

    @property
    def one_of_two_in_a_diploid(self) -> bool:
        """Heterozygous in a diploid genotype: the other haplotype may hold another ALT."""
        return self.child.ploidy == 2 and self.child.alt_copies == 1

    @property
    def label(self) -> str:
        return VariantKey(self.chrom, self.pos, self.ref, self.alt).label


class EvidenceCollector:
    """Keeps, for each carried allele, the parents' calls; fed from the filter's record loop."""

    def __init__(self, families: dict[str, SampleFamily], build: Build):
        self.families = families
        self.build = build
        self.sites: dict[str, list[SiteEvidence]] = {s: [] for s in families}

    def add(self, sample: str, ff: FormatFields, allele, call: SampleCall) -> None:
        fam = self.families[sample]
        parents = {}
        for rel in (fam.father, fam.mother):
            if rel is None or rel.index is None:
                continue
            parents[rel.role] = genotype_evidence(
                ff,
                rel.index,
                rel.name,
                allele.allele_index,
                allele.chrom,
                allele.pos,
                rel.sex,
                self.build,
            )
        self.sites[sample].append(
            SiteEvidence(
                allele.chrom,
                allele.pos,
                allele.ref,
                allele.alt,
                region_of(allele.chrom, allele.pos, self.build),
                call,
                parents.get("father"),
                parents.get("mother"),
                allele.original,
                allele.allele_index,
            )
        )


@cache
def binomial_lower_tail(k: int, n: int) -> float:
    """P(X <= k) for X ~ Binomial(n, 0.5): how likely so few ALT reads are for a heterozygote."""
    if n <= 0:
        return 1.0
    return sum(math.comb(n, i) for i in range(min(k, n) + 1)) / 2**n


def _ad_total(call: SampleCall) -> int | None:
    if call.alt_depth is None or not call.allele_fraction:
        return None
    return round(call.alt_depth / call.allele_fraction)


def mosaic_evidence(call: SampleCall, t: MosaicThresholds) -> str | None:
    """Why a heterozygous call looks mosaic (too few ALT reads for a germline het), or None."""
    if call.alt_copies == 0 or call.alt_copies >= call.ploidy or call.alt_depth is None:
        return None
    n = _ad_total(call)
    if n is None or n < t.min_depth or call.alt_depth < t.min_alt_reads:
        return None
    af = call.alt_depth / n
    if af > t.max_allele_fraction:
        return None
    p = binomial_lower_tail(call.alt_depth, n)
    if p > t.max_binomial_p:
        return None
    return (
        f"{call.alt_depth} of {n} reads carry the allele (fraction {af:.2f}); a germline "
        f"heterozygote shows so few with probability {p:.1g}"
    )


def parent_shows_allele(call: SampleCall, t: ParentalMosaicThresholds) -> str | None:
    """A parent without the allele in the call but with enough reads of it."""
    if call.alt_copies or call.alt_depth is None or call.allele_fraction is None:
        return None
    if call.alt_depth >= t.min_alt_reads and call.allele_fraction >= t.min_allele_fraction:
        return (
            f"called {call.genotype} but {call.alt_depth} reads (fraction "
            f"{call.allele_fraction:.2f}) carry the allele"
        )
    return None


def _fmt(v) -> str:
    return "n/a" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))


def child_check(call: SampleCall, mosaic: str | None, t: ChildThresholds) -> list[str]:
    """Problems with the child's call as a de novo; an empty list means it passes."""
    problems = []
    if call.depth is None or call.allele_fraction is None:
        return [
            "the VCF gives no usable read depth for the child's call (DP, or AD with one "
            "count per allele)"
        ]
    if call.depth < t.min_depth:
        problems.append(f"child depth {call.depth} < {t.min_depth}")
    af = call.allele_fraction
    if not mosaic and not (t.min_allele_fraction <= af <= t.max_allele_fraction):
        problems.append(
            f"child allele fraction {af:.2f} outside {t.min_allele_fraction}-"
            f"{t.max_allele_fraction} and not a clear mosaic"
        )
    gq = call.genotype_quality
    if gq is not None and gq < t.min_genotype_quality and not problems:
        rescued = t.rescue_enabled and (
            mosaic
            or (
                call.depth >= t.rescue_min_depth
                and t.rescue_min_allele_fraction <= af <= t.rescue_max_allele_fraction
            )
        )
        if not rescued:
            problems.append(
                f"child GQ {_fmt(gq)} < {_fmt(t.min_genotype_quality)} without the depth "
                f"(>= {t.rescue_min_depth}) and balance ({t.rescue_min_allele_fraction}-"
                f"{t.rescue_max_allele_fraction}) that make a modest GQ acceptable"
            )
    return problems


def parent_check(call: SampleCall, role: str, t: ParentThresholds) -> list[str]:
    role = f"{role} {call.sample}"
    if call.depth is None:
        return [f"{role}: the VCF gives no usable read depth"]
    problems = []
    if call.depth < t.min_depth:
        problems.append(f"{role}: depth {call.depth} < {t.min_depth}")
    af = call.allele_fraction
    if af is not None and af > t.max_allele_fraction:
        problems.append(f"{role}: allele fraction {af:.3f} > {t.max_allele_fraction}")
    gq = call.genotype_quality
    if gq is not None and gq < t.min_genotype_quality:
        rescued = t.rescue_enabled and call.depth >= t.rescue_min_depth and call.alt_depth == 0
        if not rescued:
            problems.append(f"{role}: GQ {_fmt(gq)} < {_fmt(t.min_genotype_quality)}")
    return problems


def evidence_json(call: SampleCall | None, role: str, problems: list[str] | None = None) -> dict:
    if call is None:
        return {"role": role, "sample": None, "sequenced": False}
    out = {
        "role": role,
        "sample": call.sample,
        "sequenced": True,
        "genotype": call.genotype,
        "depth": call.depth,
        "alt_depth": call.alt_depth,
        "allele_fraction": call.allele_fraction,
        "genotype_quality": call.genotype_quality,
    }
    if problems is not None:
        out["passes"] = not problems
    return out


def pool_split_sites(
    variants: list[Variant], sites: list[SiteEvidence]
) -> tuple[list[Variant], list[SiteEvidence]]:
    """One sample's variants and site evidence (index-aligned), with the allele fractions of
    ALTs split from one site (records of their own, same position and REF) taken over the
    site's reads: split from a 1/2, each would otherwise read as a fraction of 1.0, a
    homozygote's, where it is a heterozygote's 0.5."""
    groups: dict[tuple[str, int, str], list[int]] = {}
    for i, site in enumerate(sites):
        if site.one_of_two_in_a_diploid:
            groups.setdefault(site.site, []).append(i)
    variants, sites = list(variants), list(sites)
    for members in groups.values():
        if len({sites[i].record for i in members}) < 2 or len({sites[i].alt for i in members}) < 2:
            continue  # one record's own 1/2 has every ALT's reads in its AD already
        fractions = pooled_fractions([sites[i].child for i in members])
        if fractions is None:
            continue
        for i, af in zip(members, fractions, strict=True):
            sites[i] = replace(sites[i], child=replace(sites[i].child, allele_fraction=af))
            v = variants[i]
            variants[i] = replace(v, call=replace(v.call, allele_fraction=af))
    return variants, sites
