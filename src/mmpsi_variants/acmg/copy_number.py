"""ACMG/AMP evidence for an exon-level deletion or duplication in one panel gene.

A copy-number change is classed on the same scale as a sequence variant, so that the two can
stand side by side in a report: PVS1 by the ClinGen SVI decision tree's deletion and
duplication branch (Abou Tayoun et al. 2018; the Epilepsy Sodium Channel VCEP's Appendix A,
fact base 5a: a full-gene deletion is PVS1, exon deletions follow the frame, NMD and 10% rules,
a duplication presumed in tandem that shifts the frame and predicts NMD is PVS1_Strong), the
de novo criteria on the ClinGen SVI point scale, PM3 for a recessive gene, PP4 under the
rules the sequence variants follow. The criteria that read population frequencies,
computational scores or amino-acid changes are not evaluated: depth gives none of them, and
no population copy-number resource is read.

The facts (the event, its effect on the primary transcript, its origin, its second alleles)
are gathered by :mod:`mmpsi_variants.cnv.candidates`; here they are only judged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from mmpsi_variants.acmg.combining import (
    ALL_CODES,
    MODERATE,
    STRONG,
    SUPPORTING,
    VERY_STRONG,
    Evidence,
    Thresholds,
    classify_points,
    classify_richards,
)
from mmpsi_variants.acmg.criterion import (
    MET,
    RETIRED,
    Context,
    Result,
    gene_spec,
    inheritance_modes,
    is_recessive,
    met,
    no,
    unknown,
)
from mmpsi_variants.acmg.evaluation import NOT_FROM_A_VCF, RETIRED_BY_SVI, treatment_flag
from mmpsi_variants.acmg.genotype import (
    PM3_HOMOZYGOUS,
    PM3_POINTS,
    PM3_RULE,
    de_novo_scored,
    pm3_from_partners,
    pp4_from_terms,
)
from mmpsi_variants.acmg.ranking import CLASS_ORDER, DOMINANT_MODES, UNCERTAIN, weaker

ABOU_TAYOUN = "ClinGen SVI PVS1 tree, deletion/duplication branch (Abou Tayoun 2018)"
_NOT_FROM_DEPTH = "not assessed for a copy-number change: read depth gives no {what}"
_WHAT = {
    "PS1": "amino-acid change", "PM1": "amino-acid change", "PM4": "protein-length change "
    "apart from PVS1", "PM5": "amino-acid change", "PP2": "missense change", "PP3":
    "computational score", "BP1": "missense change", "BP3": "repeat context", "BP4":
    "computational score", "BP7": "splicing prediction",
}  # fmt: skip
_NO_POPULATION = (
    "no population copy-number resource (such as gnomAD-SV or DGV) is read: the event's "
    "frequency cannot be judged"
)


@dataclass(frozen=True)
class Partner:
    """A second allele of the gene: a sequence variant, its phase to the event and its class."""

    variant: str
    phase: str  # trans / cis / unknown
    phased_by: str | None
    classification: str | None


@dataclass(frozen=True)
class CnvFacts:
    gene: str
    call: str  # deletion / duplication
    zygosity: str  # heterozygous / homozygous / hemizygous
    copy_number: int
    whole_gene: bool  # every coding exon of the primary transcript
    effect: dict[str, Any] | None  # annotation.protein.exons_change_effect, None: no models
    origin: str  # de_novo / inherited_paternal / inherited_maternal / inherited_both / unknown
    de_novo_confidence: str | None = None  # confirmed / assumed
    carrier_parents: tuple[str, ...] = ()  # PED status of each parent who carries it
    partners: tuple[Partner, ...] = field(default_factory=tuple)


def pvs1_cnv(f: CnvFacts, ctx: Context) -> Result:
    pg = ctx.panel_gene
    name = pg.symbol if pg else f.gene
    if f.call == "duplication" and f.whole_gene:
        return no("PVS1", "a whole-gene duplication leaves a full copy of the gene intact")
    if pg is not None and pg.lof_accepted_for_phenotype is False:
        # A gain-of-function gene: a null allele is not its EIMFS mechanism, whatever the
        # tree would give it for another phenotype (the mechanism flag says which).
        return no("PVS1", f"loss of function is not the EIMFS mechanism of {name}")
    gate = gene_spec(ctx, "pvs1").get("applicable")
    if gate is None and pg is not None:
        gate = pg.lof_accepted_for_phenotype
    if gate is False:
        return no("PVS1", f"loss of function is not the disease mechanism of {name} in EIMFS")
    if gate is not True:
        return unknown("PVS1", f"loss of function is not established as the mechanism of {name}")
    if f.call == "deletion" and f.whole_gene:
        return met("PVS1", VERY_STRONG, f"deletion of every coding exon of {name} ({ABOU_TAYOUN})")
    e = f.effect
    if e is None:
        return unknown(
            "PVS1", "the effect on the transcript is unknown (gene models and a reference needed)"
        )
    which = _exons(e)
    if not e.get("coding"):
        return no("PVS1", f"{which} are untranslated: the coding sequence is intact")
    if f.call == "duplication":
        a, b = e["exons"]
        if a == 1 or b == e["exon_count"]:
            # A copy of the first exon has no acceptor to be spliced in, and one of the last
            # comes after the stop: the tree needs both breakpoints inside the gene.
            return no(
                "PVS1",
                f"a duplication of {which} takes in the gene's first or last exon: it need not "
                f"disrupt the gene, and depth cannot place the copy ({ABOU_TAYOUN})",
            )
        if e["in_frame"]:
            return no("PVS1", f"a duplication of {which} keeps the reading frame ({ABOU_TAYOUN})")
        if e["nmd"] == "NMD_predicted":
            return met(
                "PVS1",
                STRONG,
                f"a duplication of {which}, presumed in tandem (depth cannot place the copy), "
                f"shifts the frame and predicts NMD ({ABOU_TAYOUN})",
            )
        return no(
            "PVS1",
            f"a duplication of {which} shifts the frame but escapes NMD: the tree gives no "
            f"PVS1 for it ({ABOU_TAYOUN})",
        )
    if e.get("start_codon_lost"):
        return unknown(
            "PVS1",
            f"the deletion of {which} removes the start codon (and perhaps the promoter): the "
            "tree's initiation-codon rule needs the next in-frame Met and the pathogenic "
            "variants upstream of it, which are not assessed for an exon deletion; review by hand",
        )
    if e.get("stop_codon_lost"):
        removed = e.get("fraction_removed")
        what = f"the deletion of {which} removes the 3' end of the coding sequence"
        if removed is None:
            return unknown("PVS1", f"{what}; the fraction of the protein lost is unknown")
        pct = f"{removed:.1%} of the protein"
        strength = STRONG if removed > 0.10 else MODERATE
        bound = "> 10%" if removed > 0.10 else "<= 10%"
        return met("PVS1", strength, f"{what}, escaping NMD; {pct} lost ({bound}) ({ABOU_TAYOUN})")
    if not e["in_frame"] and e["nmd"] == "NMD_predicted":
        return met(
            "PVS1",
            VERY_STRONG,
            f"the deletion of {which} ({e['length']} nt) shifts the frame and predicts NMD "
            f"({ABOU_TAYOUN})",
        )
    what = (
        f"the deletion of {which} ({e['length']} nt) keeps the frame" if e["in_frame"]
        else f"the deletion of {which} ({e['length']} nt) shifts the frame, escaping NMD"
    )  # fmt: skip
    removed = e.get("fraction_removed")
    if removed is None:
        return unknown("PVS1", f"{what}; the fraction of the protein removed is unknown")
    pct = f"{removed:.1%} of the protein"
    # The region's role (critical or not) is not known here: the 10% rule decides.
    if removed > 0.10:
        return met("PVS1", STRONG, f"{what}; removes {pct} (> 10%) ({ABOU_TAYOUN})")
    return met("PVS1", MODERATE, f"{what}; removes {pct} (<= 10%) ({ABOU_TAYOUN})")


def _exons(effect: dict[str, Any]) -> str:
    a, b = effect["exons"]
    return f"exon {a}" if a == b else f"exons {a}-{b}"


def de_novo_cnv(f: CnvFacts, ctx: Context, analysed: bool) -> tuple[Result, Result]:
    if not analysed:
        why = "no parent's copy number was assessed: de novo status not evaluated"
        return unknown("PS2", why), unknown("PM6", why)
    if f.origin != "de_novo" or f.de_novo_confidence not in ("confirmed", "assumed"):
        why = "not de novo: a parent carries it" if f.origin.startswith("inherited") else (
            "origin not determined")  # fmt: skip
        return no("PS2", why), no("PM6", why)
    return de_novo_scored(f.de_novo_confidence, ctx)


def pm3_cnv(f: CnvFacts, ctx: Context) -> Result:
    if not is_recessive(ctx):
        return no("PM3", "not a recessive gene")
    if ctx.affected is False:
        return no("PM3", "the sample is unaffected: PM3 counts the affected person's genotype")
    if f.call == "deletion" and f.zygosity == "homozygous":
        return met(
            "PM3", SUPPORTING,
            f"homozygous deletion in an affected person: {PM3_HOMOZYGOUS} points ({PM3_RULE})",
        )  # fmt: skip
    scored = []
    for p in f.partners:
        phase = f"in trans ({p.phased_by})" if p.phase == "trans" else f"phase {p.phase}"
        scored.append((
            PM3_POINTS.get((p.phase, p.classification or ""), 0.0),
            f"{phase} with {p.variant}, {p.classification or 'unclassified'}",
        ))  # fmt: skip
    return pm3_from_partners(scored)


def biallelic(f: CnvFacts) -> bool:
    return f.zygosity in ("homozygous", "hemizygous") or any(
        p.phase in ("trans", "unknown") for p in f.partners
    )


def misfit(f: CnvFacts, ctx: Context) -> str | None:
    """Why the genotype does not fit the gene, or None."""
    modes = set(inheritance_modes(ctx))
    if is_recessive(ctx) and not modes & DOMINANT_MODES and not biallelic(f):
        if "XLR" in modes and f.zygosity == "hemizygous":
            return None
        return "one heterozygous allele in a recessive gene: the genotype does not explain it"
    pg = ctx.panel_gene
    detail = pg.inheritance_detail if pg is not None else {}
    if (
        "X-linked-female-limited" in modes
        and f.zygosity == "hemizygous"
        and detail.get("hemizygous_males_affected") is False
    ):
        return (
            f"a hemizygous male: {pg.symbol if pg else f.gene} disease shows in heterozygous "
            "females, and a male who carries the change in every cell is expected to be "
            "unaffected (a mosaic male can be affected, which depth does not show)"
        )
    reduced = bool(detail.get("reduced_penetrance"))
    if not is_recessive(ctx) and not reduced and "unaffected" in f.carrier_parents:
        return (
            "inherited from an unaffected parent in a dominant gene without reduced penetrance: "
            "the parent's health argues against it"
        )
    return None


def pp4_cnv(f: CnvFacts, ctx: Context, de_novo_used: bool, pvs1: Result) -> Result:
    if ctx.phenotype_terms is not None:
        no_pvs1 = "the event is not shown to act through the gene's mechanism (no PVS1)"
        return pp4_from_terms(
            ctx, de_novo_used, lambda: no_pvs1 if pvs1.status != MET else misfit(f, ctx)
        )
    if not gene_spec(ctx, "pp4").get("applicable"):
        return no("PP4", "the gene's phenotype is not specific enough for PP4 (panel setting)")
    if ctx.phenotype_eimfs is None:
        return unknown("PP4", "the patient's phenotype was not given (sample sheet or --phenotype)")
    if not ctx.phenotype_eimfs:
        return no("PP4", "the patient's phenotype is not EIMFS")
    if de_novo_used:
        return no("PP4", "the phenotype already counts in the de novo criterion")
    if pvs1.status != MET:
        return no("PP4", "the event is not shown to act through the gene's mechanism (no PVS1)")
    why = misfit(f, ctx)
    if why:
        return no("PP4", why)
    return met("PP4", SUPPORTING, "EIMFS phenotype, highly specific for this gene (heuristic)")


def evaluate_cnv(f: CnvFacts, ctx: Context, parents_analysed: bool) -> list[Result]:
    r: dict[str, Result] = {}
    r["PVS1"] = pvs1_cnv(f, ctx)
    r["PS2"], r["PM6"] = de_novo_cnv(f, ctx, parents_analysed)
    r["PM3"] = pm3_cnv(f, ctx)
    used = r["PS2"].status == MET or r["PM6"].status == MET
    r["PP4"] = pp4_cnv(f, ctx, used, r["PVS1"])
    for code in ("PM2", "BA1", "BS1", "BS2"):
        r[code] = unknown(code, _NO_POPULATION)
    for code, what in _WHAT.items():
        r[code] = unknown(code, _NOT_FROM_DEPTH.format(what=what))
    r["BP2"] = unknown("BP2", "phase with other variants is read for PM3 only")
    for code, why in NOT_FROM_A_VCF.items():
        r[code] = unknown(code, why)
    for code in ("PP5", "BP6"):
        r[code] = Result(code, RETIRED, None, RETIRED_BY_SVI)
    return [r[c] for c in ALL_CODES]


def assess_cnv(
    f: CnvFacts, ctx: Context, thresholds: Thresholds, parents_analysed: bool
) -> dict[str, Any]:
    """The event's criteria, both classes, its genotype's class and its flags (the contract's
    ``acmg`` of a copy-number candidate, shaped as a sequence variant's)."""
    results = evaluate_cnv(f, ctx, parents_analysed)
    ev = [cast(Evidence, r.evidence) for r in results if r.status == MET]
    pts = classify_points(ev, thresholds)
    ric = classify_richards(ev)
    return {
        "criteria": [r.to_json() for r in results],
        "met": [e.label for e in ev],
        "points": pts.points,
        "classification": pts.classification,
        "classification_richards2015": ric.classification,
        "richards2015_reason": ric.reason,
        "system": "points",
        "flags": flags_cnv(f, ctx),
        "genotype": genotype_cnv(f, ctx, pts.classification),
    }


def genotype_cnv(f: CnvFacts, ctx: Context, own: str) -> dict[str, Any]:
    """As for a sequence variant: a recessive pair counts as its weaker allele, a lone allele
    of a recessive gene or a genotype that does not fit is at most uncertain."""
    modes = set(inheritance_modes(ctx))
    recessive_only = bool(modes) and not modes & DOMINANT_MODES
    partners = [p for p in f.partners if p.phase != "cis" and p.classification]
    why = misfit(f, ctx)
    if recessive_only and f.zygosity == "heterozygous" and partners:
        best = min(partners, key=lambda p: CLASS_ORDER.get(p.classification, 2))
        return {
            "classification": weaker(own, best.classification),
            "partner": best.variant,
            "reason": f"recessive pair with {best.variant} ({best.classification}): the "
            "genotype counts as its weaker allele",
        }
    if why:
        return {"classification": weaker(own, UNCERTAIN), "partner": None, "reason": why}
    return {"classification": own, "partner": None, "reason": "the event's own class"}


def flags_cnv(f: CnvFacts, ctx: Context) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    pg = ctx.panel_gene
    if pg is not None and f.call == "deletion" and pg.lof_accepted_for_phenotype is False:
        gate = gene_spec(ctx, "pvs1")
        out.append({
            "flag": "mechanism_mismatch",
            "text": gate.get("phenotype_mismatch")
            or f"loss of function is not the EIMFS mechanism of {pg.symbol}",
            "verification": gate.get("verification") or pg.mechanism.verification,
        })  # fmt: skip
    why = misfit(f, ctx)
    if why:
        out.append({
            "flag": "inheritance_misfit", "text": why,
            "verification": pg.inheritance.verification if pg else None,
        })  # fmt: skip
    if (
        pg is not None
        and pg.phenotype_mismatch
        and f.zygosity in pg.phenotype_mismatch["zygosity"]
        and not biallelic(f)
    ):
        out.append({
            "flag": "phenotype_mismatch", "text": f"{pg.symbol}: {pg.phenotype_mismatch['text']}",
            "verification": pg.phenotype_mismatch["verification"],
        })  # fmt: skip
    if pg is not None and ctx.affected is not False and f.call == "deletion":
        # A deletion is a null allele: the notes that hold for loss of function apply.
        treatment = treatment_flag(pg, set(), True, ctx.onset_days)
        if treatment:
            out.append(treatment)
    return out
