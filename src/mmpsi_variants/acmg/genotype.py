"""The criteria of the affected person's genotype: PS2/PM6 (de novo), PM3 (in trans), PP4.

The other criteria belong to the allele and are the same in every carrier; these three count
what the genotype of one person adds (the allele arose de novo in them, it lies in trans with
another, their phenotype fits the gene). :data:`GENOTYPE_LEVEL` names them, for the scorer
that classes an allele once per family from its affected carriers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mmpsi_variants.acmg.combining import MODERATE, SUPPORTING
from mmpsi_variants.acmg.criterion import (
    MET,
    SPLICE_SITE,
    TRUNCATING,
    Context,
    Result,
    gene_spec,
    inheritance_modes,
    is_recessive,
    met,
    no,
    unknown,
)
from mmpsi_variants.acmg.pathogenic import splice_altering
from mmpsi_variants.acmg.ranking import DOMINANT_MODES
from mmpsi_variants.core.record import Variant
from mmpsi_variants.phenotype.ontology import ontology, release

GENOTYPE_LEVEL = ("PS2", "PM6", "PM3", "PP4")


# The rows of the ClinGen SVI de novo table (Table 1), as a reason reads them.
_SPECIFICITY = {
    "highly_specific": "highly specific for the gene",
    "consistent": "consistent with the gene but not highly specific",
    "consistent_heterogeneous": "consistent with the gene but not specific (many genes)",
    "not_consistent": "not consistent with the gene",
}
# Sources that stand for no source: the fact base's unconfirmed entries and the seed.
_UNSOURCED = {"FACTBASE_U", "SEED"}


def _sourced(entry: dict[str, Any]) -> bool:
    sources: list[object] = entry.get("sources") or []
    return entry.get("verification") in ("V", "V2") and any(
        s not in _UNSOURCED for s in sources if isinstance(s, str)
    )


def de_novo(v: Variant, ctx: Context) -> tuple[Result, Result]:
    """PS2 and PM6 from the ClinGen SVI de novo point scale (points are not ACMG points)."""
    dn = v.inheritance.de_novo or {}
    confidence = dn.get("confidence")
    if not v.inheritance.analysed:
        reason = "no pedigree given: de novo status not evaluated"
        return unknown("PS2", reason), unknown("PM6", reason)
    if dn.get("status") != "de_novo" or confidence not in ("confirmed", "assumed"):
        why = dn.get("reason") or "not de novo in this pedigree"
        return no("PS2", why), no("PM6", why)
    return de_novo_scored(confidence, ctx)


def de_novo_scored(confidence: str, ctx: Context) -> tuple[Result, Result]:
    """PS2 and PM6 for an allele that is de novo with ``confidence`` (confirmed or assumed)."""
    entry = gene_spec(ctx, "de_novo_phenotype")
    spec = entry.get("specificity", ctx.settings.de_novo.default_specificity)
    note = ""
    if spec == "highly_specific" and not _sourced(entry):
        # EIMFS has many genes: "highly specific" must be shown, not assumed.
        spec = "consistent"
        note = " (the panel's 'highly specific' has no verified source)"
    if ctx.affected is False:
        spec = "not_consistent"
    points = ctx.settings.de_novo.points[spec][confidence]
    strength = ctx.settings.de_novo.strength(points)
    code, other = ("PS2", "PM6") if confidence == "confirmed" else ("PM6", "PS2")
    cited = f" [{entry['verification']}: {', '.join(entry['sources'])}]" if entry else ""
    why = (
        f"{confidence} de novo, phenotype {_SPECIFICITY[spec]}{note}{cited}: {points} de "
        f"novo point(s) on the ClinGen SVI scale"
    )
    if strength is None:
        main = no(code, f"{why}, too few for any strength")
    else:
        main = Result(code, MET, strength, f"{why} = {strength}")
    rest = no(
        other,
        f"{'confirmed' if confidence == 'confirmed' else 'assumed'} de novo: scored as {code}",
    )
    return (main, rest) if code == "PS2" else (rest, main)


# ClinGen SVI, "Recommendation for in trans" v1.0 (PM3), Table 1: points per proband by the
# partner's class and the phase. A Pathogenic or Likely pathogenic partner gives 1 point in
# trans and 0.5 with phase unknown; a VUS partner in trans 0.25 (at most 0.5 in all). 0.5
# points is PM3_Supporting, 1 point PM3 (Moderate); Strong (2) and Very strong (4) need several
# probands, which one family cannot give.
PM3_POINTS = {
    ("trans", "Pathogenic"): 1.0,
    ("trans", "Likely pathogenic"): 1.0,
    ("unknown", "Pathogenic"): 0.5,
    ("unknown", "Likely pathogenic"): 0.5,
    ("trans", "Uncertain significance"): 0.25,
}
PM3_HOMOZYGOUS = 0.5
PM3_RULE = "ClinGen SVI PM3 recommendation v1.0"
PM3_PENDING = "pending the partners' classes"


def pm3(v: Variant, ctx: Context) -> Result:
    if not is_recessive(ctx):
        return no("PM3", "not a recessive gene")
    if not v.inheritance.analysed:
        return unknown("PM3", "no pedigree or phase information")
    if ctx.affected is False:
        return no("PM3", "the sample is unaffected: PM3 counts the affected person's genotype")
    if v.call.zygosity == "homozygous":
        return met(
            "PM3",
            SUPPORTING,
            f"homozygous in an affected person: {PM3_HOMOZYGOUS} points ({PM3_RULE})",
        )
    if ctx.partner_classes is None:
        # The first pass classes every allele without PM3 (the partners' classes must not
        # lean on the variant they are asked about); PM3 comes in the second.
        return unknown("PM3", PM3_PENDING)
    partners = (v.inheritance.compound_het or {}).get("partners") or []
    scored = []
    for p in partners:
        cls = ctx.partner_classes.get(p.get("variant") or "")
        points = PM3_POINTS.get((p.get("phase") or "", cls or ""), 0.0)
        phase = (
            f"in trans (phased by {p.get('phased_by')})" if p.get("phase") == "trans"
            else f"phase {p.get('phase')}"
        )  # fmt: skip
        why = f"{phase} with {p['variant']}, {cls or 'unclassified'} by our class without PM3"
        scored.append((points, why))
    return pm3_from_partners(scored)


def pm3_from_partners(scored: list[tuple[float, str]]) -> Result:
    """PM3 from the best of the second alleles, each as (SVI points, how it reads)."""
    best: tuple[float, str] | None = None
    for points, why in scored:
        if best is None or points > best[0]:
            best = (points, why)
    if best is None:
        return no("PM3", "no second variant in this gene")
    points, why = best
    if points >= 1.0:
        return met("PM3", MODERATE, f"{why}: {points:g} point ({PM3_RULE})")
    if points >= 0.5:
        return met("PM3", SUPPORTING, f"{why}: {points:g} points ({PM3_RULE})")
    return no("PM3", f"{why}: {points:g} points, below PM3_Supporting's 0.5 ({PM3_RULE})")


# Changes that can act through a protein's mechanism (loss or gain of function) by what they
# do to the protein or its splice sites; a synonymous or non-coding change needs splicing
# evidence before the phenotype can count for it.
PROTEIN_ACTING = (
    TRUNCATING
    | SPLICE_SITE
    | {
        "missense_variant",
        "start_lost",
        "stop_lost",
        "inframe_insertion",
        "inframe_deletion",
        "protein_altering_variant",
    }
)


def pp4(v: Variant, ctx: Context, de_novo_used: bool) -> Result:
    if ctx.phenotype_terms is not None:
        return pp4_from_terms(ctx, de_novo_used, lambda: _pp4_misfit(v, ctx))
    if not gene_spec(ctx, "pp4").get("applicable"):
        return no("PP4", "the gene's phenotype is not specific enough for PP4 (panel setting)")
    if ctx.phenotype_eimfs is None:
        return unknown("PP4", "the patient's phenotype was not given (sample sheet or --phenotype)")
    if not ctx.phenotype_eimfs:
        return no("PP4", "the patient's phenotype is not EIMFS")
    if de_novo_used:
        return no("PP4", "the phenotype already counts in the de novo criterion")
    misfit = _pp4_misfit(v, ctx)
    if misfit:
        return no("PP4", misfit)
    return met("PP4", SUPPORTING, "EIMFS phenotype, highly specific for this gene (heuristic)")


def pp4_from_terms(ctx: Context, de_novo_used: bool, misfit: Callable[[], str | None]) -> Result:
    """PP4 from the patient's HPO terms, only through terms the panel curates for the gene.

    Richards 2015 gives PP4 for a phenotype highly specific for a disease with a single genetic
    cause. Which terms are that specific is a clinical judgement the HPO annotations do not
    make: a term annotated to one gene is as often one that few diseases happen to be annotated
    with (HP:0032786 "Migrating focal seizure" names GABRA5 alone in the 2025-11-24 release).
    So PP4 counts an observed term only where it is, or is under, a term the gene's panel entry
    lists in ``acmg.pp4.specific_terms`` with a verified source, and never where the panel sets
    PP4 off (``applicable: false``); the ranking is shown in the reason and never decides.
    Never for an unaffected sample, beside a de novo criterion (the phenotype already counts
    there), for a genotype that misfits the gene's mechanism or inheritance, or for a gene
    outside the panel.
    """
    m = ctx.phenotype_terms
    assert m is not None
    spec = gene_spec(ctx, "pp4")
    where = (f"ranks {m.rank} of {m.genes_ranked} genes by the patient's terms"
             if m.rank else "matches none of the patient's terms")  # fmt: skip
    if ctx.panel_gene is None:
        return no("PP4", "not a panel gene: no HPO term is curated as specific for it, and its "
                         f"mechanism is not known (the gene {where})")  # fmt: skip
    if ctx.affected is False:
        return no("PP4", "the sample is unaffected: PP4 is about an affected person's phenotype")
    if spec.get("applicable") is False:
        # An expert panel's N/A (the sodium-channel VCEPs) or our own "off" holds whatever
        # terms are listed.
        return no("PP4", f"the panel sets PP4 off for {ctx.panel_gene.symbol}: the phenotype "
                         f"match is shown, not counted (the gene {where})")  # fmt: skip
    if not spec.get("specific_terms"):
        return no("PP4", f"the panel curates no HPO term as highly specific for "
                         f"{ctx.panel_gene.symbol}: the phenotype match is shown, not counted "
                         f"(the gene {where})")  # fmt: skip
    if not _sourced(spec):
        return no("PP4", "the panel's specific terms for this gene have no verified source")
    if not m.specific_terms:
        listed = ", ".join(spec["specific_terms"])
        return no("PP4", f"none of the patient's observed terms is, or is under, a term the "
                         f"panel curates as highly specific for this gene ({listed}); the gene "
                         f"{where}")  # fmt: skip
    if de_novo_used:
        return no("PP4", "the phenotype already counts in the de novo criterion")
    why = misfit()
    if why:
        return no("PP4", why)
    hpo = ontology()

    def named(t: str) -> str:
        return f"{t} {hpo.get_hpo_object(t).name}"

    pairs = "; ".join(named(t) if t == c else f"{named(t)} (under {named(c)})"
                      for t, c in m.specific_terms)  # fmt: skip
    sources = ", ".join(spec.get("sources") or [])
    return met("PP4", SUPPORTING,
               f"the patient has {pairs}, which the panel curates as highly specific for "
               f"{ctx.panel_gene.symbol} ({sources}, {spec['verification']}); the gene {where} "
               f"(HPO {release()['hpo_release']})")  # fmt: skip


def _pp4_misfit(v: Variant, ctx: Context) -> str | None:
    """Why the phenotype cannot count for this genotype, or None: the variant must be able to
    act through the gene's mechanism and the genotype must fit the gene's inheritance."""
    if not set(v.consequence) & PROTEIN_ACTING and not splice_altering(v, ctx):
        return (
            "a synonymous or non-coding change without splicing evidence (SpliceAI): it cannot "
            "act through the gene's mechanism"
        )
    if is_recessive(ctx) and not set(inheritance_modes(ctx)) & DOMINANT_MODES:
        biallelic = v.call.zygosity in ("homozygous", "hemizygous") or any(
            p.get("phase") in ("trans", "unknown")
            for p in (v.inheritance.compound_het or {}).get("partners") or []
        )
        if not biallelic:
            return "one heterozygous allele in a recessive gene: the genotype does not explain it"
    pg = ctx.panel_gene
    if pg is not None and pg.lof_accepted_for_phenotype is not True and _loss_only(v):
        how = ("is not the gene's mechanism" if pg.lof_accepted_for_phenotype is False
               else "is not known to be the gene's mechanism")  # fmt: skip
        return f"a truncating change: loss of function {how}"
    detail = pg.inheritance_detail if pg is not None else {}
    if (
        "X-linked-female-limited" in inheritance_modes(ctx)
        and v.call.zygosity == "hemizygous"
        and detail.get("hemizygous_males_affected") is False
    ):
        return (
            "a hemizygous male in a gene whose disease shows in heterozygous females: a male "
            "who carries the change in every cell is expected to be unaffected"
        )
    reduced = bool(detail.get("reduced_penetrance"))
    if not is_recessive(ctx) and not reduced and "unaffected" in ctx.carrier_parents:
        return (
            "inherited from an unaffected parent in a dominant gene without reduced penetrance: "
            "the parent's health argues against it"
        )
    return None


def _loss_only(v: Variant) -> bool:
    """A change that can only remove the protein or cut it short: stop-gain, frameshift,
    canonical splice site, start loss."""
    acting = set(v.consequence) & PROTEIN_ACTING
    return bool(acting) and acting <= TRUNCATING | SPLICE_SITE | {"start_lost"}
