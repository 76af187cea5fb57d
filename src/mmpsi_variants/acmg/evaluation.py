"""All 28 criteria for one variant, combined into its class, with the flags a reader needs.

:func:`evaluate` runs every criterion (curator rows replace computed ones), :func:`assess` adds
both combining systems' classes; :func:`flags` names what weakens the result (phase unknown,
few parents' reads, a codon shared with another variant ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from mmpsi_variants.acmg.benign import ba1, bp1, bp2, bp3, bp7, bs1, bs2, pp3_bp4
from mmpsi_variants.acmg.combining import (
    POINTS,
    STRONG,
    Evidence,
    Thresholds,
    classify_points,
    classify_richards,
)
from mmpsi_variants.acmg.criterion import (
    LEVELS,
    MET,
    RETIRED,
    SPLICE_SITE,
    TRUNCATING,
    Context,
    Result,
    gene_spec,
    no,
    unknown,
)
from mmpsi_variants.acmg.genotype import PM3_PENDING, de_novo, pm3, pp4
from mmpsi_variants.acmg.pathogenic import pm1, pm2, pm4, pm5, pp2, ps1, pvs1
from mmpsi_variants.core.record import Variant
from mmpsi_variants.panel.knowledge import PanelGene

NOT_FROM_A_VCF = {
    "PS3": "needs functional studies (curator evidence)",
    "PS4": "needs case-control prevalence data (curator evidence)",
    "PP1": "needs segregation in affected relatives beyond this pedigree (curator evidence)",
    "BS3": "needs functional studies (curator evidence)",
    "BS4": "needs segregation data (curator evidence)",
    "BP5": "needs the case's other molecular findings (curator evidence)",
}
# Flags of the gene's treatment notes; left off beside a benign class, where they distract.
TREATMENT_FLAGS = frozenset(("treatable_cause", "treatment_caution"))
RETIRED_BY_SVI = "retired by ClinGen SVI (Biesecker and Harrison 2018)"
# The same for every variant: what a VCF cannot say, and the retired criteria.
_FIXED = {code: unknown(code, why) for code, why in NOT_FROM_A_VCF.items()} | {
    code: Result(code, RETIRED, None, RETIRED_BY_SVI) for code in ("PP5", "BP6")
}


def evaluate(v: Variant, ctx: Context) -> list[Result]:
    """All 28 criteria for one variant, in the order of Richards 2015, curator evidence merged."""
    r: dict[str, Result] = {}
    r["PVS1"] = pvs1(v, ctx)
    r["PS1"] = ps1(v, ctx)
    r["PS2"], r["PM6"] = de_novo(v, ctx)
    r["PM5"] = pm5(v, ctx, r["PS1"])
    r["PM1"] = pm1(v, ctx, r["PM5"])
    r["PM2"] = pm2(v, ctx)
    r["PM3"] = pm3(v, ctx)
    r["PM4"] = (
        pm4(v, ctx) if r["PVS1"].status != MET else no("PM4", "PVS1 already counts this change")
    )
    r["PP2"] = pp2(v, ctx)
    r["PP3"], r["BP4"] = pp3_bp4(v, ctx, r["PVS1"])
    de_novo_used = MET in (r["PS2"].status, r["PM6"].status)
    r["PP4"] = pp4(v, ctx, de_novo_used)
    r["BA1"], r["BS1"], r["BS2"] = ba1(v, ctx), bs1(v, ctx), bs2(v, ctx)
    r["BP1"], r["BP2"], r["BP3"], r["BP7"] = bp1(v, ctx), bp2(v, ctx), bp3(v, ctx), bp7(v, ctx)
    r.update(_FIXED)
    _cap_pm1_pp3(r)
    for c in ctx.curator:  # curator evidence replaces the computed result of the same code
        r[c.code] = c
    order = [
        "PVS1",
        "PS1",
        "PS2",
        "PS3",
        "PS4",
        "PM1",
        "PM2",
        "PM3",
        "PM4",
        "PM5",
        "PM6",
        "PP1",
        "PP2",
        "PP3",
        "PP4",
        "PP5",
        "BA1",
        "BS1",
        "BS2",
        "BS3",
        "BS4",
        "BP1",
        "BP2",
        "BP3",
        "BP4",
        "BP5",
        "BP6",
        "BP7",
    ]
    return [r[c] for c in order]


def _cap_pm1_pp3(r: dict[str, Result]) -> None:
    """PM1 and PP3 together count at most Strong (4 points; Pejaver 2022)."""
    if r["PM1"].status == MET and r["PP3"].status == MET:
        assert r["PM1"].strength is not None and r["PP3"].strength is not None
        total = POINTS[r["PM1"].strength] + POINTS[r["PP3"].strength]
        if total > POINTS[STRONG]:
            allowed = POINTS[STRONG] - POINTS[r["PM1"].strength]
            level = next(lv for lv in reversed(LEVELS) if POINTS[lv] <= allowed)
            old = r["PP3"]
            r["PP3"] = Result(
                "PP3",
                MET,
                level,
                f"{old.reason}; lowered to {level}: PM1 + PP3 are capped at Strong",
            )


@dataclass(frozen=True)
class Assessment:
    results: list[Result]
    points_class: str
    points: int
    richards_class: str
    richards_reason: str
    flags: list[dict[str, Any]]

    @property
    def pm3_pending(self) -> bool:
        """PM3 waits for the partners' classes (the scorer's first pass)."""
        for r in self.results:
            if r.code == "PM3":
                return r.reason == PM3_PENDING
        return False

    def to_json(self) -> dict[str, Any]:
        return {
            "criteria": [r.to_json() for r in self.results],
            "met": [cast(Evidence, r.evidence).label for r in self.results if r.status == MET],
            "points": self.points,
            "classification": self.points_class,
            "classification_richards2015": self.richards_class,
            "richards2015_reason": self.richards_reason,
            "system": "points",
            "flags": self.flags,
        }


def assess(v: Variant, ctx: Context, thresholds: Thresholds) -> Assessment:
    results = evaluate(v, ctx)
    ev = [cast(Evidence, r.evidence) for r in results if r.status == MET]
    pts = classify_points(ev, thresholds)
    ric = classify_richards(ev)
    shown = flags(v, ctx)
    conflict = clinvar_conflict(v, pts.classification, ctx.settings.clinvar_conflict_min_stars)
    if conflict:
        shown.append(conflict)
    if pts.classification in ("Likely benign", "Benign"):
        # A treatment note beside a benign call would only distract.
        shown = [f for f in shown if f["flag"] not in TREATMENT_FLAGS]
    return Assessment(
        results, pts.classification, pts.points, ric.classification, ric.reason, shown
    )


_STEPS = ["Benign", "Likely benign", "Uncertain significance", "Likely pathogenic", "Pathogenic"]
# ClinVar's aggregate classes as the steps of our scale they stand for.
_CLINVAR_STEPS = {
    "benign": (0,),
    "benign_or_likely_benign": (0, 1),
    "likely_benign": (1,),
    "uncertain": (2,),
    "likely_pathogenic": (3,),
    "pathogenic_or_likely_pathogenic": (3, 4),
    "pathogenic": (4,),
}


def clinvar_conflict(v: Variant, ours: str, min_stars: int) -> dict[str, Any] | None:
    """A flag when a well-reviewed ClinVar classification is more than one step from ours."""
    cv = v.lookups.clinvar or {}
    steps = _CLINVAR_STEPS.get(cv.get("significance_class") or "")
    if not steps or (cv.get("stars") or 0) < min_stars or ours not in _STEPS:
        return None
    if min(abs(_STEPS.index(ours) - s) for s in steps) <= 1:
        return None
    return {
        "flag": "clinvar_conflict",
        "text": (
            f"ClinVar {cv.get('variation_id')}: {cv.get('significance')} "
            f"({cv.get('stars')} stars, {cv.get('review_status')}); ours: {ours}. Review the "
            "submitters' evidence: ours counts only what this analysis can see"
        ),
        "verification": None,
    }


def flags(v: Variant, ctx: Context) -> list[dict[str, Any]]:
    """Gene-specific guards shown beside the class: mechanism, inheritance, treatability."""
    out = []
    pg = ctx.panel_gene
    terms = set(v.consequence)
    truncating = bool(terms & (TRUNCATING | SPLICE_SITE | {"start_lost"}))
    if pg is not None and truncating:
        gate = gene_spec(ctx, "pvs1")
        if gate.get("applicable") is False or pg.lof_accepted_for_phenotype is False:
            text = gate.get("phenotype_mismatch") or (
                f"loss of function is not the EIMFS mechanism of {pg.symbol}"
            )
            out.append(
                {
                    "flag": "mechanism_mismatch",
                    "text": text,
                    "verification": gate.get("verification") or pg.mechanism.verification,
                }
            )
    together = v.together
    if together:
        out.append(
            {
                "flag": "codon_shared_with_another_variant",
                "text": (
                    f"with {', '.join(together['with'])} ({together['phase']} phase) the "
                    "codon reads "
                    f"{together['hgvs_p'] or 'unchanged'} "
                    f"({'&'.join(together['consequence'])}); the evidence here is for this "
                    "variant alone"
                ),
                "verification": None,
            }
        )
    fit = (v.inheritance.fit or {}).get("fit")
    if fit == "no":
        assert v.inheritance.fit is not None
        out.append(
            {
                "flag": "inheritance_misfit",
                "text": v.inheritance.fit.get("reason", ""),
                "verification": pg.inheritance.verification if pg else None,
            }
        )
    if pg is not None and pg.phenotype_mismatch:
        mismatch = pg.phenotype_mismatch
        if v.call.zygosity in mismatch["zygosity"] and not _biallelic(v):
            out.append(
                {
                    "flag": "phenotype_mismatch",
                    "text": f"{pg.symbol}: {mismatch['text']}",
                    "verification": mismatch["verification"],
                }
            )
    if pg is not None and ctx.affected is not False:
        # Treatment notes are for the affected child; an unaffected carrier needs none.
        treatment = treatment_flag(pg, terms, truncating, ctx.onset_days)
        if treatment:
            out.append(treatment)
    return out


def _biallelic(v: Variant) -> bool:
    """A second allele of the gene that is not known to be in cis."""
    partners = (v.inheritance.compound_het or {}).get("partners") or []
    return any(p.get("phase") in ("trans", "unknown") for p in partners)


# Weakest last: a flag is only as sure as the least sure note it summarises.
_TAG_ORDER = ["V", "V2", "U"]


def treatment_flag(
    pg: PanelGene, terms: set[str], truncating: bool, onset_days: int | None
) -> dict[str, Any] | None:
    """The gene's treatment notes that fit this variant's likely mechanism (a note limited to
    gain of function needs a missense change, one limited to loss of function a null or
    missense variant) and the patient's age at onset, as one flag."""
    parts, tags, open_onset = [], [], False
    for n in pg.treatment_notes:
        scope = (n.applies_to or "").lower()
        if "gain_of_function" in scope and "missense_variant" not in terms:
            continue
        if "loss_of_function" in scope and not truncating and "missense_variant" not in terms:
            continue
        if n.direction not in ("consider", "avoid", "caution"):
            continue  # no established benefit: a reader needs no prompt to try it
        # A loss-of-function note holds for a null variant at any age at onset (SCN2A: sodium-
        # channel blockers fail or harm in loss of function, whenever seizures began).
        fits = True if truncating and "loss_of_function" in scope else n.fits_onset(onset_days)
        if fits is False:
            continue
        when = ""
        if n.onset_before_days is not None:
            when = f" (onset before {n.onset_before_days} days)"
        elif n.onset_from_days is not None:
            when = f" (onset at {n.onset_from_days} days or later)"
        open_onset |= fits is None
        # A caution is read whole beside the therapy it tempers; the rest are in the notes.
        said = f": {n.text}" if n.direction == "caution" else ""
        parts.append(f"{n.direction} {n.therapy}{when}{said} [{n.verification}]")
        tags.append(n.verification)
    if not parts:
        return None
    # A caution alone (SCN2A with late onset) is no treatable cause, but must still be read.
    treatable = any(p.startswith(("consider", "avoid")) for p in parts)
    if onset_days is not None:
        age = f"onset at {onset_days} days; "
    elif open_onset:
        age = "age at onset not given: which note applies depends on it; "
    else:
        age = ""
    return {
        "flag": "treatable_cause" if treatable else "treatment_caution",
        "text": f"{pg.symbol}: {age}" + "; ".join(parts),
        "verification": max(tags, key=_TAG_ORDER.index),
    }
