"""A sample's copy-number calls as candidates: zygosity, origin, second alleles, evidence.

Takes the sample's table of ``mmpsi-variants cnv`` and those of its parents, its family, its
scored sequence variants and its panel genes' primary transcripts; gives each call in a panel
gene as a candidate entry (the contract's ``copy_number.candidates``), classed by
:mod:`mmpsi_variants.acmg.copy_number`.

Origin is read from the parents' own calls: a parent carries the event when one of their calls
of the same kind overlaps it. "De novo" needs every parent who passes the chromosome on (the
mother alone for a son's X) assessed and none carrying it; "confirmed" needs both parents
sequenced and their parentage confirmed, as for a sequence variant.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mmpsi_variants.acmg.combining import Thresholds
from mmpsi_variants.acmg.copy_number import CnvFacts, Partner, assess_cnv
from mmpsi_variants.acmg.criterion import Context
from mmpsi_variants.annotation.hgvs import exon_event_hgvs
from mmpsi_variants.annotation.protein import exons_change_effect
from mmpsi_variants.annotation.transcripts import TranscriptSeq
from mmpsi_variants.cnv.bins import is_x
from mmpsi_variants.cnv.results import CnvCall, SampleCnv
from mmpsi_variants.core.record import Variant
from mmpsi_variants.inheritance.families import Relative, SampleFamily
from mmpsi_variants.panel.knowledge import PanelGene
from mmpsi_variants.qc.parentage import Parentage

METHOD = (
    "read depth of the panel genes' coding exons (bins of at most 300 bp) against a CNVkit "
    "reference pooled from the run's other samples (chrX within each sex), HMM segmentation, "
    "bootstrap 95% confidence interval"
)
_NOT_CLASSED = ("Benign", "Likely benign")


def zygosity(call: CnvCall, sex: str) -> str:
    if is_x(call.chrom) and sex == "male":
        return "hemizygous"
    if call.call == "deletion":
        return "homozygous" if call.copy_number == 0 else "heterozygous"
    # Four copies or more: both alleles duplicated, or one allele more than duplicated.
    return "heterozygous" if call.copy_number == 3 else "unknown"


@dataclass(frozen=True)
class ParentState:
    role: str
    sample: str
    status: str  # carries / does_not_carry / not_assessed
    reason: str
    phenotype: str

    def to_json(self) -> dict[str, Any]:
        return {"role": self.role, "sample": self.sample, "status": self.status,
                "reason": self.reason}  # fmt: skip


def parent_state(rel: Relative, call: CnvCall, results: Mapping[str, SampleCnv]) -> ParentState:
    def state(status: str, reason: str) -> ParentState:
        return ParentState(rel.role, rel.name, status, reason, rel.phenotype)

    res = results.get(rel.name)
    if res is None:
        return state("not_assessed", f"no copy-number table for {rel.name}")
    if res.skipped:
        return state("not_assessed", f"{rel.name} was not called: {res.skipped}")
    if is_x(call.chrom) and not res.x_called:
        return state("not_assessed", f"chrX was not called for {rel.name}")
    same = [c for c in res.calls if c.call == call.call and c.overlaps(call)]
    if same:
        c = same[0]
        return state("carries", f"{rel.name} has a {c.call} of {c.gene} exons {c.exons} "
                                f"(copy number {c.copy_number})")  # fmt: skip
    return state("does_not_carry", f"no {call.call} called over these exons in {rel.name}")


@dataclass(frozen=True)
class Origin:
    tags: tuple[str, ...]  # the contract's inheritance tags
    status: str  # de_novo / inherited_paternal / inherited_maternal / inherited_both / unknown
    confidence: str | None
    reason: str
    parents: tuple[ParentState, ...]

    @property
    def analysed(self) -> bool:
        return any(p.status != "not_assessed" for p in self.parents)


def origin(
    call: CnvCall,
    family: SampleFamily,
    results: Mapping[str, SampleCnv],
    parentage: Parentage | None,
    copies: int | None = None,
) -> Origin:
    parents = [r for r in (family.father, family.mother) if r is not None]
    states = tuple(parent_state(r, call, results) for r in parents)
    # A son's X comes from his mother alone.
    son_x = is_x(call.chrom) and family.sex == "male"
    roles = ("mother",) if son_x else ("father", "mother")
    absent = [r for r in roles if getattr(family, r) is None]
    passes = [s for s in states if s.role in roles]
    carriers = [s for s in passes if s.status == "carries"]
    said = (
        "; ".join([s.reason for s in states] + [f"no {r} in the pedigree" for r in absent])
        or "no parent in the pedigree"
    )
    both_copies = copies == 0 and not son_x
    if carriers:
        carrying = {s.role for s in carriers}
        if carrying == {"father", "mother"}:
            if both_copies:
                return Origin(("inherited_paternal", "inherited_maternal"), "inherited_both",
                              None, f"one copy from each parent: {said}", states)  # fmt: skip
            return Origin(("inherited",), "inherited", None,
                          f"inherited from the father or the mother (both carry it): {said}",
                          states)  # fmt: skip
        role = carriers[0].role
        tag = "inherited_paternal" if role == "father" else "inherited_maternal"
        why = f"inherited from the {role}: {said}"
        if both_copies:
            other = "mother" if role == "father" else "father"
            why += (
                f"; the other copy's loss is not seen in the {other} (a missed call, "
                "uniparental disomy or a second event)"
            )
        return Origin((tag,), tag, None, why, states)
    if absent or any(s.status == "not_assessed" for s in passes):
        return Origin((), "unknown", None, f"origin not determined: {said}", states)
    if both_copies:
        return Origin((), "unknown", None,
                      "origin not determined: a homozygous deletion that neither parent carries "
                      "(two new events are implausible: check the parents' depth, uniparental "
                      f"disomy or the samples' identity): {said}", states)  # fmt: skip
    sequenced = (
        family.father is not None
        and family.mother is not None
        and all(r.index is not None for r in (family.father, family.mother))
    )
    confirmed = (
        sequenced
        and parentage is not None
        and parentage.passed_for("father")
        and parentage.passed_for("mother")
    )
    confidence = "confirmed" if confirmed else "assumed"
    status = (parentage.status if parentage else "not_assessed").replace("_", " ")
    basis = "both parents sequenced and parentage confirmed" if confirmed else (
        f"parentage {status}" if sequenced else "only one parent sequenced")  # fmt: skip
    return Origin(("de_novo",), "de_novo", confidence,
                  f"de novo ({confidence}: {basis}): {said}", states)  # fmt: skip


def _pinned(v: Variant, family: SampleFamily) -> str | None:
    """The parent a sequence variant is known to come from alone, or None: one parental tag,
    both parents sequenced, and nothing missing at the site (a missing or unsequenced other
    parent leaves the side open)."""
    tags = set(v.inheritance.tags)
    sides = [r for r, t in (("father", "inherited_paternal"), ("mother", "inherited_maternal"))
             if t in tags]  # fmt: skip
    if len(sides) != 1 or family.father is None or family.mother is None:
        return None
    if family.father.index is None or family.mother.index is None:
        return None
    reason = v.inheritance.reason or ""
    if "missing" in reason or "not in the VCF" in reason or "unknown" in reason:
        return None
    return sides[0]


def _event_side(where: Origin) -> str | None:
    """The parent the event comes from alone: one carrier, the other assessed without it."""
    carrying = [p.role for p in where.parents if p.status == "carries"]
    clear = [p.role for p in where.parents if p.status == "does_not_carry"]
    if len(carrying) == 1 and len(clear) == 1:
        return carrying[0]
    return None


def partners(
    call: CnvCall,
    zyg: str,
    where: Origin,
    gene: PanelGene,
    variants: list[Variant],
    family: SampleFamily,
) -> tuple[list[Partner], list[str]]:
    """The sample's classed sequence variants of the gene, each with its phase to the event;
    and what does not add up (a heterozygous call inside a heterozygous deletion)."""
    out, notes = [], []
    for v in variants:
        if v.hgnc_id != gene.hgnc_id and v.gene != gene.symbol:
            continue
        cls = (v.acmg or {}).get("classification")
        if cls in _NOT_CLASSED:
            continue
        inside = call.chrom == v.chrom and call.start <= v.pos <= call.end
        if call.call == "deletion" and inside:
            if zyg == "homozygous":
                notes.append(f"{v.label} is called inside a homozygous deletion: one of the "
                             "two calls is wrong")  # fmt: skip
                continue
            phase, by = "trans", "it lies inside the deletion: its only copy"
            if v.call.zygosity == "heterozygous":
                notes.append(
                    f"{v.label} is called heterozygous inside the deletion, where one copy is "
                    "left: the deletion or the call is wrong, or the sample is mosaic"
                )
        elif (side := _pinned(v, family)) and (event_side := _event_side(where)):
            phase, by = ("cis" if side == event_side else "trans"), "the parents"
        else:
            phase, by = "unknown", None
        out.append(Partner(v.label, phase, by, cls))
    return out, notes


def exons_on(ts: TranscriptSeq, call: CnvCall) -> tuple[int, int] | None:
    """The transcript's exons the called span overlaps, first and last."""
    hit = [e.number for e in ts.exons if e.g_start <= call.end and e.g_end >= call.start]
    return (min(hit), max(hit)) if hit else None


def candidate(
    call: CnvCall,
    *,
    sex: str,
    family: SampleFamily,
    results: Mapping[str, SampleCnv],
    parentage: Parentage | None,
    gene: PanelGene,
    ts: TranscriptSeq | None,
    variants: list[Variant],
    context: Callable[[PanelGene], Context],
    thresholds: Thresholds,
    plot: str | None,
) -> dict[str, Any]:
    """The contract's entry of one copy-number call in a panel gene."""
    zyg = zygosity(call, sex)
    where = origin(call, family, results, parentage, call.copy_number)
    seconds, notes = partners(call, zyg, where, gene, variants, family)
    first, last = call.exon_range
    hgvs = effect = None
    if ts is not None:
        span = exons_on(ts, call)
        if span is not None and span != (first, last):
            notes.append(
                f"the table names exons {call.exons}, the gene models give "
                f"{span[0]}-{span[1]} for this span: were the same gene models used?"
            )
            first, last = span
        dup = call.call == "duplication"
        effect = exons_change_effect(ts, first, last, dup)
        hgvs = exon_event_hgvs(ts, first, last, dup)
    whole = ts is not None and _all_coding_exons(ts, first, last)
    facts = CnvFacts(
        gene=gene.symbol,
        call=call.call,
        zygosity=zyg,
        copy_number=call.copy_number,
        whole_gene=whole,
        effect=effect,
        origin=where.status,
        de_novo_confidence=where.confidence,
        carrier_parents=tuple(p.phenotype for p in where.parents if p.status == "carries"),
        partners=tuple(seconds),
    )
    acmg = assess_cnv(facts, context(gene), thresholds, where.analysed)
    return {
        "gene": gene.symbol,
        "hgnc_id": gene.hgnc_id,
        "call": call.call,
        "exons": call.exons if (first, last) == call.exon_range else f"{first}-{last}",
        "chrom": call.chrom,
        "start": call.start,
        "end": call.end,
        "copy_number": call.copy_number,
        "zygosity": zyg,
        "log2": call.log2,
        "bins": call.bins,
        "ci_low": call.ci_low,
        "ci_high": call.ci_high,
        "quality": call.quality,
        "transcript": ts.tx.versioned_id if ts is not None else None,
        "hgvs_c": hgvs,
        "whole_gene": whole,
        "effect": effect,
        "inheritance": list(where.tags) + ([zyg] if zyg != "heterozygous" else []),
        "origin": where.reason,
        "de_novo_confidence": where.confidence,
        "parents": [p.to_json() for p in where.parents],
        "partners": [
            {
                "variant": p.variant,
                "phase": p.phase,
                "phased_by": p.phased_by,
                "classification": p.classification,
            }
            for p in seconds
        ],  # fmt: skip
        "notes": notes,
        "plot": plot,
        "acmg": acmg,
    }


def _all_coding_exons(ts: TranscriptSeq, first: int, last: int) -> bool:
    """Whether exons ``first``..``last`` hold the whole coding sequence (a gene whose first or
    last exons are untranslated loses its protein with its coding exons alone)."""
    coding = [e.number for e in ts.exons if ts.has_coding_bases(e)]
    return first <= min(coding) and last >= max(coding)
