"""Where one allele came from: de novo (confirmed or assumed), inherited, mosaic, or a
Mendelian error; and the phase of two alleles.

"confirmed" needs both parents in the VCF, both passing the parentage check; otherwise a clean
de novo is "assumed" (PM6). Phase comes from the parents first, then read-backed phasing
(FORMAT/PS or whatshap HP) or a phased GT.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mmpsi_variants.core.contigs import CHR_X, MITO
from mmpsi_variants.inheritance.evidence import (
    SiteEvidence,
    child_check,
    evidence_json,
    mosaic_evidence,
    parent_check,
    parent_shows_allele,
)
from mmpsi_variants.inheritance.families import SampleFamily
from mmpsi_variants.inheritance.settings import (
    DE_NOVO,
    INHERITED,
    INHERITED_MATERNAL,
    INHERITED_PATERNAL,
    MENDELIAN_ERROR,
    POSSIBLE_DE_NOVO,
    POSSIBLE_PARENTAL_MOSAIC,
    CompoundHetPolicy,
    InheritanceSettings,
)
from mmpsi_variants.io.genotypes import (
    MALE,
    UNKNOWN_SEX,
    SampleCall,
)
from mmpsi_variants.qc.parentage import Parentage, mendelian_status, relevant_parents


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

    carriers = [r for r in roles if (pc := calls[r]) is not None and pc.alt_copies > 0]
    tags: list[str] = []
    notes: list[str] = []
    for role in roles:
        call = calls[role]
        if call is None:
            continue
        shown = parent_shows_allele(call, st.parental_mosaic)
        mosaic = mosaic_evidence(call, st.mosaic) if call.alt_copies else None
        if shown or mosaic:
            tags.append(POSSIBLE_PARENTAL_MOSAIC)
            notes.append(f"{role} {call.sample}: {shown or f'possible mosaic: {mosaic}'}")

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
            present = [r for r in absent if (pc := calls[r]) is not None and pc.called]
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
    problems = child_check(child, child_mosaic, st.child)
    parent_problems = {}
    alt_total = 0
    for role in roles:
        call = calls[role]
        parent_problems[role] = parent_check(call, role, st.parents)
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
    detail: dict[str, Any] = {
        "status": DE_NOVO if not flat else POSSIBLE_DE_NOVO,
        "confidence": confidence if not flat else None,
        "acmg_eligibility": ("PS2" if confidence == "confirmed" else "PM6") if not flat else None,
        "parentage": parentage_status,
        "reason": "",
        "child": evidence_json(child, "child", problems),
        "parents": [
            evidence_json(calls[r], r, parent_problems.get(r))
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


def phase_between(
    a: SiteEvidence, oa: Origin, b: SiteEvidence, ob: Origin, policy: CompoundHetPolicy
):
    """(phase, evidence): trans / cis / unknown, from the parents first, then from the reads."""
    if a.record == b.record and {a.allele_index, b.allele_index} <= set(a.child.alleles):
        # Two ALTs of one record in one genotype (1/2): one on each haplotype.
        return "trans", "genotype"
    if _split_from_one_site(a, b):
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


def _split_from_one_site(a: SiteEvidence, b: SiteEvidence) -> bool:
    """Two heterozygous ALTs replacing the same bases in a diploid genotype (a 1/2 split into
    two records): a haplotype holds one sequence there, so each is on its own."""
    return (
        a.site == b.site
        and a.alt != b.alt
        and a.one_of_two_in_a_diploid
        and b.one_of_two_in_a_diploid
    )


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
    return phase_between(a, oa, b, ob, st.compound_het)[0]
