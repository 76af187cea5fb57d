"""Pedigree-aware genotype analysis: where each variant came from and whether it fits its gene.

For every variant a sample carries we look at the parents' genotypes at the same allele (their
hom-ref calls included, which the per-sample lists do not keep) and decide, with the reason
written out:

* de novo: neither parent carries the allele, both have enough depth and genotype quality, and
  the parents together show at most a read or so of it (thresholds in ``data/settings.yaml``).
  "confirmed" only when both parents are in the VCF and both passed the parentage check (PS2
  eligible), otherwise "assumed" (PM6). A call whose evidence falls short is "possible_de_novo",
  never silently dropped; a modest GQ alone does not demote a clean, deep call.
* inherited from the father, the mother or either; a Mendelian error otherwise (a homozygous
  child with a non-carrier parent: deletion, uniparental disomy or a genotyping error).
* possible mosaic: a heterozygous call with too few ALT reads for a germline heterozygote, in
  the sample (post-zygotic) or in a parent (parental mosaicism, recurrence risk).
* recessive: homozygous; two heterozygous variants in one gene phased by the parents (one from
  each is in trans) or by read-backed phasing (same FORMAT/PS or HP); without phase "possible
  compound heterozygous". Without gene models there is no gene to pair in, and we say so.
* X-linked: hemizygous in males outside the pseudoautosomal regions (from the genome build).

Then the fit of the genotype to the gene's inheritance in the panel: yes / partly / no / unknown,
with the reason, e.g. a non-mosaic hemizygous boy with a PCDH19 variant is "no" and tagged
``not_expected_affected``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from mmpsi_variants.core.contigs import Build
from mmpsi_variants.core.settings import Settings
from mmpsi_variants.io.genotypes import (
    FEMALE,
    MALE,
    UNKNOWN_SEX,
    FormatFields,
    SampleCall,
    genotype_evidence,
)
from mmpsi_variants.io.ped import Pedigree
from mmpsi_variants.qc.sample_checks import (
    CHR_X,
    CHR_Y,
    MITO,
    Parentage,
    ParentageSettings,
    SexCheckSettings,
    mendelian_status,
    region_of,
    relevant_parents,
)

# Tags written into the variant's "inheritance" list (documented in the README).
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


# --- settings ---------------------------------------------------------------------------------


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


# --- family context and per-site evidence -----------------------------------------------------


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
        rel = {}
        for role in ("father", "mother"):
            name = getattr(ind, role) if ind else None
            if name is None:
                rel[role] = None
                continue
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
    def label(self) -> str:
        return f"{self.chrom}:{self.pos}:{self.ref}:{self.alt}"


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


# --- single-site decisions --------------------------------------------------------------------


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


def _parent_shows_allele(call: SampleCall, t: ParentalMosaicThresholds) -> str | None:
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


def _child_check(call: SampleCall, mosaic: str | None, t: ChildThresholds) -> list[str]:
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


def _parent_check(call: SampleCall, role: str, t: ParentThresholds) -> list[str]:
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


def _evidence_json(call: SampleCall | None, role: str, problems: list[str] | None = None) -> dict:
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


@dataclass(frozen=True)
class Origin:
    tags: tuple[str, ...]
    reason: str
    de_novo: dict | None
    paternal_only: bool = False  # the allele came from the father alone (for phasing)
    maternal_only: bool = False


def effective_sex(fam: SampleFamily, call: SampleCall) -> str:
    if fam.sex != UNKNOWN_SEX:
        return fam.sex
    return MALE if call.ploidy == 1 and call.alt_copies else UNKNOWN_SEX


def classify_origin(
    site: SiteEvidence,
    fam: SampleFamily,
    st: InheritanceSettings,
    parentage: Parentage | None,
    child_mosaic: str | None,
) -> Origin:
    """Where the allele came from, judged on the parents' calls at the same allele."""
    child = site.child
    sex = effective_sex(fam, child)
    roles = relevant_parents(child.alleles, site.region, sex)
    if site.region == MITO:
        return Origin((), "mitochondrial: maternal inheritance is not assessed", None)
    if not fam.father and not fam.mother:
        return Origin((), "origin unknown: no parents in the PED", None)
    calls = {"father": site.father, "mother": site.mother}
    rels = {"father": fam.father, "mother": fam.mother}
    missing = []
    for role in roles:
        rel, call = rels[role], calls[role]
        if rel is None:
            missing.append(f"no {role} in the PED")
        elif call is None:
            missing.append(f"the {role} ({rel.name}) is not in the VCF")
        elif not call.called:
            missing.append(f"the {role}'s genotype is missing")

    carriers = [r for r in roles if calls[r] is not None and calls[r].alt_copies > 0]
    tags: list[str] = []
    notes: list[str] = []
    for role in roles:
        call = calls[role]
        if call is None:
            continue
        shown = _parent_shows_allele(call, st.parental_mosaic)
        mosaic = mosaic_evidence(call, st.mosaic) if call.alt_copies else None
        if shown or mosaic:
            tags.append(POSSIBLE_PARENTAL_MOSAIC)
            notes.append(f"{role} {call.sample}: {shown or 'possible mosaic: ' + mosaic}")

    error, _ = mendelian_status(
        child.alleles,
        site.father.alleles if site.father else None,
        site.mother.alleles if site.mother else None,
        site.region,
        sex,
    )

    if carriers:
        return _inherited(site, roles, carriers, calls, error, tags, notes, missing)

    if missing:
        text = "; ".join(missing)
        if len(missing) < len(roles):
            absent = [r for r in roles if r not in carriers]
            present = [r for r in absent if calls[r] is not None and calls[r].called]
            lacking = f"not carried by the {' or '.join(present)}; " if present else ""
            return Origin(tuple(tags), f"origin unknown: {lacking}{text}", None)
        return Origin(tuple(tags), f"origin unknown: {text}", None)

    if POSSIBLE_PARENTAL_MOSAIC in tags:
        return Origin(
            tuple(tags),
            "not de novo: " + "; ".join(notes) + " (parental mosaicism or a missed call)",
            None,
        )
    return _de_novo(site, fam, st, parentage, child_mosaic, roles, calls, sex)


def _inherited(site, roles, carriers, calls, error, tags, notes, missing) -> Origin:
    child = site.child
    names = {r: calls[r].sample for r in carriers}
    # Only a called non-carrier other parent pins the allele to one side (for phasing).
    paternal = carriers == ["father"] and not missing
    maternal = carriers == ["mother"] and not missing
    if "father" in carriers and "mother" in carriers:
        both_needed = child.alt_copies >= 2
        tags += [INHERITED_PATERNAL, INHERITED_MATERNAL] if both_needed else [INHERITED]
        reason = (
            "inherited from both parents"
            if both_needed
            else f"inherited from the father ({names['father']}) or the mother "
            f"({names['mother']}): both carry it"
        )
    else:
        role = carriers[0]
        tags.append(INHERITED_PATERNAL if role == "father" else INHERITED_MATERNAL)
        reason = f"inherited from the {role} ({names[role]}, {calls[role].genotype})"
    if error:
        tags.append(MENDELIAN_ERROR)
        lacking = [r for r in roles if r not in carriers and calls[r] is not None]
        if roles == ("mother",) and site.region == CHR_X and len(set(child.alleles)) > 1:
            reason += (
                "; a heterozygous call in a male outside the PAR, where he has one X: "
                "mosaicism, XXY or a calling artefact"
            )
        elif child.alt_copies >= 2 and lacking:
            reason += (
                f"; homozygous but the {lacking[0]} ({calls[lacking[0]].sample}, "
                f"{calls[lacking[0]].genotype}) does not carry it: a deletion on the other "
                "allele, uniparental disomy or a genotyping error"
            )
        else:
            reason += "; the genotypes break Mendelian inheritance (the child's other allele "
            reason += "comes from neither parent)"
    if missing:
        reason += "; " + "; ".join(missing)
    if notes:
        reason += "; " + "; ".join(notes)
    return Origin(tuple(tags), reason, None, paternal_only=paternal, maternal_only=maternal)


def _de_novo(site, fam, st, parentage, child_mosaic, roles, calls, sex) -> Origin:
    child = site.child
    problems = _child_check(child, child_mosaic, st.child)
    parent_problems = {}
    alt_total = 0
    for role in roles:
        call = calls[role]
        parent_problems[role] = _parent_check(call, role, st.parents)
        alt_total += call.alt_depth or 0
    flat = problems + [p for ps in parent_problems.values() for p in ps]
    if alt_total > st.parents.max_alt_reads_total:
        flat.append(
            f"the parents show {alt_total} reads of the allele (at most "
            f"{st.parents.max_alt_reads_total})"
        )
    # A father does not pass chrX to a son, but his carrying the allele hints at a noisy site.
    for role in ("father", "mother"):
        call = calls[role]
        if role not in roles and call is not None and call.alt_copies:
            flat.append(
                f"the {role} ({call.sample}, {call.genotype}) carries the allele, though this "
                f"chromosome does not come from the {role} here: a noisy site?"
            )

    both = fam.father is not None and fam.mother is not None
    both_sequenced = both and site.father is not None and site.mother is not None
    parentage_status = "not_assessed" if parentage is None else parentage.status
    confirmed = (
        both_sequenced
        and parentage is not None
        and parentage.passed_for("father")
        and parentage.passed_for("mother")
    )
    if confirmed:
        confidence, basis = "confirmed", "both parents sequenced and parentage confirmed"
    elif not both_sequenced:
        confidence, basis = "assumed", "only one parent sequenced"
    else:
        confidence, basis = "assumed", f"parentage {parentage_status.replace('_', ' ')}"

    who = " and ".join(f"the {r} ({calls[r].sample}, {calls[r].genotype})" for r in roles)
    detail = {
        "status": DE_NOVO if not flat else POSSIBLE_DE_NOVO,
        "confidence": confidence if not flat else None,
        "acmg_eligibility": ("PS2" if confidence == "confirmed" else "PM6") if not flat else None,
        "parentage": parentage_status,
        "reason": "",
        "child": _evidence_json(child, "child", problems),
        "parents": [
            _evidence_json(calls[r], r, parent_problems.get(r))
            for r in ("father", "mother")
            if calls[r] is not None or getattr(fam, r) is not None
        ],
    }
    if child_mosaic:
        detail["child"]["possible_mosaic"] = True
    if not flat:
        detail["reason"] = (
            f"not carried by {who}; evidence passes the de novo thresholds; {confidence} ({basis})"
        )
        return Origin((DE_NOVO,), f"de novo ({confidence}): not carried by {who}", detail)
    detail["reason"] = f"not carried by {who}, but " + "; ".join(flat)
    return Origin(
        (POSSIBLE_DE_NOVO,),
        f"possibly de novo: not carried by {who}, but " + "; ".join(flat),
        detail,
    )


# --- phasing and compound heterozygosity ------------------------------------------------------


def _phase(a: SiteEvidence, oa: Origin, b: SiteEvidence, ob: Origin, policy: CompoundHetPolicy):
    """(phase, evidence): trans / cis / unknown, from the parents first, then from the reads."""
    if a.record == b.record and {a.allele_index, b.allele_index} <= set(a.child.alleles):
        # Two ALTs of one record in one genotype (1/2): one on each haplotype.
        return "trans", "genotype"
    if policy.phase_by_parents:
        if (oa.paternal_only and ob.maternal_only) or (oa.maternal_only and ob.paternal_only):
            return "trans", "parents"
        if (oa.paternal_only and ob.paternal_only) or (oa.maternal_only and ob.maternal_only):
            return "cis", "parents"
    ca, cb = a.child, b.child
    # Without PS, all phased genotypes of a sample form one set (VCF specification).
    same_set = ca.phase_set == cb.phase_set and a.chrom == b.chrom
    both = ca.phased and cb.phased and ca.haplotype and cb.haplotype
    if policy.phase_by_reads and both and same_set:
        return ("cis" if ca.haplotype == cb.haplotype else "trans"), "read_backed"
    return "unknown", None


def pair_phase(
    fam: SampleFamily,
    a: SiteEvidence,
    b: SiteEvidence,
    st: InheritanceSettings,
    parentage: Parentage | None,
) -> str:
    """cis / trans / unknown for two heterozygous variants of one sample, by the same rules
    as for compound heterozygotes: the parents first, then read-backed or phased genotypes."""
    oa = classify_origin(a, fam, st, parentage, mosaic_evidence(a.child, st.mosaic))
    ob = classify_origin(b, fam, st, parentage, mosaic_evidence(b.child, st.mosaic))
    return _phase(a, oa, b, ob, st.compound_het)[0]


# --- inheritance fit --------------------------------------------------------------------------


@dataclass(frozen=True)
class GeneMode:
    symbol: str
    modes: tuple[str, ...]
    detail: dict
    verification: str | None = None


@dataclass
class _VariantView:
    site: SiteEvidence
    entry: dict
    sex: str
    origin: Origin
    mosaic: str | None
    tags: list[str]
    compound: dict | None


def _parent_phenotype(fam: SampleFamily, origin: Origin) -> tuple[str, str] | None:
    for tag, role in ((INHERITED_PATERNAL, "father"), (INHERITED_MATERNAL, "mother")):
        if tag in origin.tags and len([t for t in origin.tags if t.startswith("inherited")]) == 1:
            rel = getattr(fam, role)
            return role, rel.phenotype if rel else "unknown"
    return None


def _fit_dominant(v: _VariantView, fam: SampleFamily, gm: GeneMode) -> tuple[str, str]:
    call = v.site.child
    if call.alt_copies >= 2 and call.zygosity == HOMOZYGOUS:
        return "partly", f"homozygous in a gene with dominant inheritance ({gm.symbol})"
    mosaic = f" (possible mosaic: {v.mosaic})" if v.mosaic else ""
    if DE_NOVO in v.tags:
        usual = ", the usual pattern for this gene" if gm.detail.get("de_novo_typical") else ""
        return "yes", f"heterozygous de novo{usual}{mosaic}"
    if POSSIBLE_DE_NOVO in v.tags:
        return "yes", f"heterozygous, possibly de novo{mosaic}"
    parent = _parent_phenotype(fam, v.origin)
    if parent:
        role, pheno = parent
        if pheno == "affected":
            return "yes", f"heterozygous, inherited from the affected {role}"
        penetrance = (
            "; the gene has reduced penetrance" if gm.detail.get("reduced_penetrance") else ""
        )
        return (
            "partly",
            f"inherited from the {pheno if pheno != 'unknown' else 'phenotype-unknown'} "
            f"{role}: fits only with reduced penetrance or parental mosaicism{penetrance}",
        )
    if MENDELIAN_ERROR in v.tags:
        return "partly", "heterozygous, but the genotypes break Mendelian inheritance"
    return "yes", f"heterozygous, as expected for a dominant gene; {v.origin.reason}{mosaic}"


_PHASED_BY = {
    "parents": "the parents",
    "read_backed": "read-backed phasing",
    "genotype": "the genotype (two ALTs of one record)",
}


def _fit_recessive(v: _VariantView, gm: GeneMode) -> tuple[str, str]:
    call = v.site.child
    if call.alt_copies >= 2:
        if MENDELIAN_ERROR in v.tags:
            return "partly", f"homozygous, but {v.origin.reason}"
        return "yes", "homozygous in a recessive gene"
    partners = (v.compound or {}).get("partners", [])
    trans = [p for p in partners if p["phase"] == "trans"]
    unknown = [p for p in partners if p["phase"] == "unknown"]
    if trans:
        by = _PHASED_BY[trans[0]["phased_by"]]
        return "yes", f"compound heterozygous with {trans[0]['variant']} (in trans by {by})"
    if unknown:
        return "partly", f"a second heterozygous variant ({unknown[0]['variant']}), phase unknown"
    if partners:
        return (
            "partly",
            f"the other variant in {gm.symbol} ({partners[0]['variant']}) is in cis: one allele",
        )
    return (
        "partly",
        "one heterozygous variant; a recessive disease needs two (look for a second one, e.g. a "
        "deletion or a deep intronic change)",
    )


def _fit_x(v: _VariantView, gm: GeneMode, mode: str) -> tuple[str, str]:
    call = v.site.child
    if v.site.region != CHR_X:
        return "unknown", "the variant is not on chrX outside the pseudoautosomal regions"
    sex = v.sex
    if sex == UNKNOWN_SEX:
        return "unknown", "sex unknown (no PED sex): X-linked fit depends on it"
    het = 0 < call.alt_copies < call.ploidy
    if mode == "X-linked-female-limited":
        if sex == FEMALE:
            if het:
                return "yes", f"heterozygous girl: the affected pattern for {gm.symbol}"
            return "partly", "homozygous girl; the female-limited pattern is seen in heterozygotes"
        if v.mosaic:
            if gm.detail.get("mosaic_males_affected"):
                return "yes", f"possible mosaic boy ({v.mosaic}): mosaic males are affected"
            return "partly", f"possible mosaic boy ({v.mosaic})"
        if het:
            return (
                "partly",
                "heterozygous call in a boy outside the PAR, allele fraction not low: not the "
                "mosaic pattern (check for XXY or an artefact)",
            )
        if gm.detail.get("hemizygous_males_affected") is False:
            return (
                "no",
                "hemizygous boy: non-mosaic males are usually unaffected but can transmit it; "
                "flag for family counselling",
            )
        return "partly", "hemizygous boy"
    # XLR / XLD
    if sex == MALE:
        if not het:
            return "yes", f"hemizygous boy, as expected for {mode}"
        mosaic = f" ({v.mosaic})" if v.mosaic else ""
        return "partly", f"heterozygous call in a boy outside the PAR{mosaic}"
    if not het:
        return "yes", f"homozygous girl ({mode})"
    if mode == "XLD":
        return "yes", "heterozygous girl (X-linked dominant)"
    partners = (v.compound or {}).get("partners", [])
    if any(p["phase"] == "trans" for p in partners):
        return "yes", "compound heterozygous girl"
    return (
        "partly",
        "heterozygous girl: X-linked recessive disease usually affects males (a girl may be "
        "affected with skewed X-inactivation)",
    )


def inheritance_fit(v: _VariantView, fam: SampleFamily, gm: GeneMode | None) -> dict:
    """Does the genotype fit the gene's mode(s)? The best-fitting mode wins."""
    if gm is None:
        reason = (
            "no gene: the variant lies in no gene of the gene models"
            if not v.entry.get("gene")
            else f"{v.entry['gene']} has no inheritance mode in the panel"
        )
        return {"fit": "unknown", "reason": reason, "modes": []}
    if fam.phenotype == "unaffected":
        return {
            "fit": "unknown",
            "reason": f"not assessed: {fam.sample} is unaffected in the PED",
            "modes": list(gm.modes),
        }
    best = ("unknown", "no mode could be assessed")
    for mode in gm.modes:
        if mode == "AD":
            fit = _fit_dominant(v, fam, gm)
        elif mode == "AR":
            fit = _fit_recessive(v, gm)
        elif mode in ("XLR", "XLD", "X-linked-female-limited"):
            fit = _fit_x(v, gm, mode)
        else:
            fit = ("unknown", f"mode {mode} is not assessed")
        if FIT_RANK[fit[0]] > FIT_RANK[best[0]]:
            best = fit
    reason = f"{gm.symbol} ({'/'.join(gm.modes)}"
    if gm.verification and gm.verification != "V":
        reason += f", mode {gm.verification}"
    reason += f"): {best[1]}"
    return {"fit": best[0], "reason": reason, "modes": list(gm.modes)}


# --- the per-sample analysis ------------------------------------------------------------------


def _recessive_modes(gm: GeneMode | None, sex: str) -> bool:
    if gm is None:
        return True  # no mode known (--no-panel): pair in every gene
    return "AR" in gm.modes or ("XLR" in gm.modes and sex == FEMALE)


def analyse_sample(
    fam: SampleFamily,
    entries: list[dict],
    sites: list[SiteEvidence],
    modes: dict[str, GeneMode],
    st: InheritanceSettings,
    parentage: Parentage | None,
    have_gene_models: bool,
) -> None:
    """Fill ``inheritance``, ``inheritance_fit``, ``de_novo`` and ``compound_het`` in place.

    ``entries`` are the sample's variant dicts, ``sites`` their evidence, in the same order.
    ``modes`` maps an HGNC ID or symbol to the gene's modes from the panel.
    """
    views = []
    for entry, site in zip(entries, sites, strict=True):
        sex = effective_sex(fam, site.child)
        mosaic = mosaic_evidence(site.child, st.mosaic)
        origin = classify_origin(site, fam, st, parentage, mosaic)
        tags = list(origin.tags)
        if mosaic:
            tags.append(POSSIBLE_MOSAIC)
        call = site.child
        if call.zygosity == "hemizygous":
            tags.append(HEMIZYGOUS)
        elif call.zygosity == "homozygous":
            tags.append(HOMOZYGOUS)
        if site.region == CHR_X:
            tags.append(X_LINKED)
        views.append(_VariantView(site, entry, sex, origin, mosaic, tags, None))

    _pair_compound_hets(views, modes, st.compound_het, have_gene_models)

    for v in views:
        gm = _gene_mode(v.entry, modes)
        fit = inheritance_fit(v, fam, gm)
        if _not_expected_affected(v, gm):
            v.tags.append(NOT_EXPECTED_AFFECTED)
        v.entry["inheritance"] = sorted(set(v.tags), key=TAG_ORDER.index)
        v.entry["inheritance_fit"] = fit
        v.entry["origin"] = v.origin.reason
        v.entry["de_novo"] = v.origin.de_novo
        v.entry["compound_het"] = v.compound


def _not_expected_affected(v: _VariantView, gm: GeneMode | None) -> bool:
    """A non-mosaic hemizygous male in a gene whose hemizygous males are usually unaffected."""
    if gm is None or v.sex != MALE or v.site.region != CHR_X or v.mosaic:
        return False
    call = v.site.child
    hemizygous = call.alt_copies == call.ploidy
    return hemizygous and gm.detail.get("hemizygous_males_affected") is False


def _gene_mode(entry: dict, modes: dict[str, GeneMode]) -> GeneMode | None:
    return modes.get(entry.get("hgnc_id") or "") or modes.get(entry.get("gene") or "")


def _pair_compound_hets(views, modes, policy: CompoundHetPolicy, have_gene_models) -> None:
    by_gene: dict[str, list[_VariantView]] = {}
    for v in views:
        call = v.site.child
        het = 0 < call.alt_copies < call.ploidy
        if not het or v.site.alt in ("*", "<*>") or v.site.region in (CHR_Y, MITO):
            continue
        if v.site.region == CHR_X and v.sex != FEMALE:
            continue
        gene = v.entry.get("hgnc_id") or v.entry.get("gene")
        if not gene:
            reason = (
                "not evaluated: no gene models (compound heterozygosity needs a gene)"
                if not have_gene_models
                else "not evaluated: the variant lies in no gene"
            )
            v.compound = {"status": "not_evaluated", "reason": reason, "partners": []}
            continue
        if not _recessive_modes(_gene_mode(v.entry, modes), v.sex):
            continue
        by_gene.setdefault(gene, []).append(v)
    for gene_views in by_gene.values():
        for v in gene_views:
            partners = []
            for w in gene_views:
                if w is v:
                    continue
                phase, by = _phase(v.site, v.origin, w.site, w.origin, policy)
                partners.append({"variant": w.site.label, "phase": phase, "phased_by": by})
            v.compound = {"status": "evaluated", "reason": None, "partners": partners}
            phases = {p["phase"] for p in partners}
            if "trans" in phases:
                v.tags.append(COMPOUND_HET)
            elif "unknown" in phases and policy.report_unphased:
                v.tags.append(POSSIBLE_COMPOUND_HET)
            if not partners:
                v.compound["reason"] = "the only heterozygous variant of the sample in this gene"


def gene_modes_from_panel(panel) -> dict[str, GeneMode]:
    """HGNC ID and symbol of each panel gene -> its inheritance modes and detail."""
    out = {}
    if panel is None:
        return out
    for g in panel.genes:
        gm = GeneMode(
            g.symbol, tuple(g.inheritance.value), dict(g.inheritance_detail),
            g.inheritance.verification,
        )  # fmt: skip
        out[g.hgnc_id] = gm
        out[g.symbol] = gm
    return out
