"""The benign criteria (BA1, BS1, BS2, BP1-BP3, BP7) and the computational pair PP3/BP4.

Each takes a variant (its JSON entry) and the :class:`~mmpsi_variants.acmg.criterion.Context`
and returns a :class:`~mmpsi_variants.acmg.criterion.Result`. Frequencies are gnomAD's filtering
allele frequency; REVEL and SpliceAI thresholds are the ClinGen SVI calibration (Pejaver 2022).
"""

from __future__ import annotations

import re
from typing import Any

from mmpsi_variants.acmg.combining import (
    STRONG,
    SUPPORTING,
)
from mmpsi_variants.acmg.criterion import (
    MET,
    SPLICE_SITE,
    TRUNCATING,
    Context,
    Result,
    allele_ceiling,
    cap,
    fmt_int,
    gene_spec,
    inheritance_modes,
    met,
    no,
    unknown,
)
from mmpsi_variants.core.record import Variant


def pp3_bp4(v: Variant, ctx: Context, pvs1_result: Result) -> tuple[Result, Result]:
    terms = set(v.consequence)
    splice = (v.lookups.scores or {}).get("spliceai")
    sp = ctx.settings.spliceai
    if "missense_variant" in terms:
        pp3, bp4 = _missense_pp3_bp4(v, ctx)
        if splice is None or splice < sp.pp3_min:
            return pp3, bp4
        # A missense change can act through splicing too (ClinGen SVI splicing, Walker 2023):
        # SpliceAI >= 0.2 gives PP3_Supporting, or the REVEL level where that is higher.
        spliced = f"SpliceAI {splice:.2f} >= {sp.pp3_min} (Walker 2023)"
        if pp3.status == MET:
            return Result("PP3", MET, pp3.strength, f"{pp3.reason}; {spliced}"), bp4
        return (
            met("PP3", SUPPORTING, f"{spliced}: a splice effect; {pp3.reason}"),
            no("BP4", f"{spliced}: a splice effect is predicted"),
        )
    if splice is None:
        why = "no SpliceAI score for this non-missense variant"
        return unknown("PP3", why), unknown("BP4", why)
    if splice >= sp.pp3_min:
        if terms & SPLICE_SITE and pvs1_result.status == MET:
            return no(
                "PP3", f"SpliceAI {splice:.2f}, but PVS1 already counts this splice effect"
            ), no("BP4", "")
        return met("PP3", SUPPORTING, f"SpliceAI {splice:.2f} >= {sp.pp3_min} (Walker 2023)"), no(
            "BP4", "splice effect predicted"
        )
    if splice <= sp.bp4_max and not terms & (
        TRUNCATING | SPLICE_SITE | {"start_lost", "stop_lost"}
    ):
        return no("PP3", f"SpliceAI {splice:.2f}"), met(
            "BP4", SUPPORTING, f"SpliceAI {splice:.2f} <= {sp.bp4_max}"
        )
    return no("PP3", f"SpliceAI {splice:.2f}"), no("BP4", f"SpliceAI {splice:.2f}")


def _missense_pp3_bp4(v: Variant, ctx: Context) -> tuple[Result, Result]:
    """PP3/BP4 of a missense change from REVEL (Pejaver 2022), BP4 only without a splice
    effect (SpliceAI <= 0.1)."""
    scores = v.lookups.scores or {}
    comp = gene_spec(ctx, "computational")
    bands = ctx.settings.revel
    splice = scores.get("spliceai")
    revel = scores.get("revel")
    if revel is None:
        why = {
            "absent": "REVEL score not found",
            "not_covered": "the REVEL table given does not cover this contig",
        }.get((scores.get("status") or {}).get("revel") or "", "no REVEL given")
        return unknown("PP3", why), unknown("BP4", why)
    pp3, pp3_cut = next(((lv, t) for lv, t in bands.pp3() if revel >= t), (None, None))
    bp4, bp4_cut = next(((lv, t) for lv, t in bands.bp4() if revel <= t), (None, None))
    if pp3:
        level = cap(pp3, comp.get("pp3_max"))
        note = f" (capped at {level} for this gene)" if level != pp3 else ""
        return (
            met("PP3", level, f"REVEL {revel:.3f} >= {pp3_cut} (Pejaver 2022){note}"),
            no("BP4", f"REVEL {revel:.3f}"),
        )
    if bp4:
        if splice is not None and splice > ctx.settings.spliceai.bp4_max:
            return no("PP3", f"REVEL {revel:.3f}"), no(
                "BP4", f"REVEL {revel:.3f} but SpliceAI {splice:.2f}"
            )
        if splice is None:
            # BP4 needs both halves: a benign REVEL and no predicted splice effect (Walker 2023).
            status = (scores.get("status") or {}).get("spliceai") or "not given"
            return no("PP3", f"REVEL {revel:.3f}"), unknown(
                "BP4",
                f"REVEL {revel:.3f} <= {bp4_cut}, but no SpliceAI score ({status.replace('_', ' ')}"
                "): a splice effect is not ruled out",
            )
        level = cap(bp4, comp.get("bp4_max"))
        return (
            no("PP3", f"REVEL {revel:.3f}"),
            met(
                "BP4",
                level,
                f"REVEL {revel:.3f} <= {bp4_cut} (Pejaver 2022), SpliceAI {splice:.2f}",
            ),
        )
    why = f"REVEL {revel:.3f} is in the indeterminate range"
    return no("PP3", why), no("BP4", why)


def _reduced_penetrance(v: Variant, ctx: Context) -> dict[str, Any] | None:
    c = (v.annotation.hgvs_c or "").split(":")[-1]
    p = v.annotation.hgvs_p or ""
    a: dict[str, Any]  # an entry of the panel's reduced_penetrance_alleles
    for a in (ctx.panel_gene.acmg if ctx.panel_gene else {}).get("reduced_penetrance_alleles", []):
        if (a.get("hgvs_c") and a["hgvs_c"] == c) or (a.get("hgvs_p") and a["hgvs_p"] == p):
            return a
    return None


def _faf(pop: dict[str, Any]) -> float | None:
    for key in ("faf95_max", "grpmax_af", "af"):
        if pop.get(key) is not None:
            af: float = pop[key]
            return af
    return None


def ba1(v: Variant, ctx: Context) -> Result:
    pop = v.lookups.population or {"status": "not_looked_up"}
    if pop.get("status") in ("not_looked_up", "not_covered"):
        return unknown("BA1", "no gnomAD frequency for this site")
    if pop.get("status") == "absent":
        return no("BA1", "absent from gnomAD")
    if v.label in ctx.settings.ba1.exceptions:
        return no("BA1", "on the BA1 exception list")
    freq, an = _faf(pop), pop.get("an") or 0
    limit = gene_spec(ctx, "frequency").get("ba1_af", ctx.settings.ba1.max_af)
    min_an = ctx.settings.ba1.min_an
    if freq is not None and freq > limit and an >= min_an:
        return Result(
            "BA1",
            MET,
            "StandAlone",
            f"gnomAD filtering AF {freq:.4g} > {limit:g} ({fmt_int(an)} alleles)",
        )
    return no("BA1", f"gnomAD filtering AF {freq if freq is not None else 0:.3g} <= {limit:g}")


def bs1(v: Variant, ctx: Context) -> Result:
    pop = v.lookups.population or {"status": "not_looked_up"}
    if pop.get("status") in ("not_looked_up", "not_covered"):
        return unknown("BS1", "no gnomAD frequency for this site")
    rp = _reduced_penetrance(v, ctx)
    if rp:
        return no("BS1", "a known reduced-penetrance allele: not applied automatically")
    freq_spec = gene_spec(ctx, "frequency")
    symbol = ctx.panel_gene.symbol if ctx.panel_gene else "this gene"
    limit = freq_spec.get("bs1_af")
    how = f"{limit:g}, the panel's VCEP value" if limit else None
    ceiling = None if limit else allele_ceiling(ctx)
    if ceiling:
        limit, how = ceiling.af, ceiling.how
    if not limit:
        return unknown(
            "BS1",
            f"no maximum credible allele frequency set for {symbol} (settings: "
            "acmg.max_credible_af, Whiffin et al. 2017)",
        )
    if pop.get("status") == "absent":
        return no("BS1", "absent from gnomAD")
    freq, ac = _faf(pop), pop.get("ac") or 0
    min_ac = freq_spec.get("min_ac", 1)
    if freq is not None and freq > limit and ac >= min_ac:
        return met("BS1", STRONG, f"gnomAD AF {freq:.3g} > {how} with {ac} alleles")
    return no(
        "BS1", f"gnomAD AF {freq if freq is not None else 0:.3g} <= {how} or AC {ac} < {min_ac}"
    )


def bs2(v: Variant, ctx: Context) -> Result:
    pop = v.lookups.population or {"status": "not_looked_up"}
    if pop.get("status") in ("not_looked_up", "not_covered"):
        return unknown("BS2", "no gnomAD counts for this site")
    if _reduced_penetrance(v, ctx):
        return no("BS2", "a known reduced-penetrance allele: not applied automatically")
    if pop.get("status") == "absent":
        return no("BS2", "absent from gnomAD")
    spec = gene_spec(ctx, "bs2")
    modes = inheritance_modes(ctx)
    if "AR" in modes and spec.get("homozygotes", True):
        n = pop.get("nhomalt") or 0
        if n >= 1:
            return met("BS2", STRONG, f"{n} homozygote(s) in gnomAD for a recessive gene")
        return no("BS2", "no homozygote in gnomAD")
    if "XLR" in modes and spec.get("hemizygotes", True):
        n = pop.get("nhemi")
        if n is None:
            return unknown("BS2", "gnomAD gives no hemizygote count")
        if n >= 1:
            return met("BS2", STRONG, f"{n} hemizygote(s) in gnomAD for an X-linked gene")
        return no("BS2", "no hemizygote in gnomAD")
    if spec.get("heterozygotes"):
        counted = carriers(pop, females_only="X-linked-female-limited" in modes)
        if isinstance(counted, str):
            return unknown("BS2", counted)
        het, hom, hemi, who = counted
        n = het + hom + hemi
        what = f"{het} heterozygous and {hom} homozygous {who}" + (
            f" and {hemi} hemizygous males" if hemi else ""
        )
        if n >= ctx.settings.bs2_min_heterozygotes:
            return met(
                "BS2",
                STRONG,
                f"{what} in gnomAD ({n} carriers) for a fully penetrant early-onset gene "
                "(heuristic)",
            )
        return no("BS2", f"{what} in gnomAD: fewer than {ctx.settings.bs2_min_heterozygotes}")
    return unknown(
        "BS2", "population carriers are not evidence for this gene's inheritance and penetrance"
    )


def carriers(pop: dict[str, Any], females_only: bool = False) -> tuple[int, int, int, str] | str:
    """(heterozygotes, homozygotes, hemizygous males, who) from gnomAD's genotype counts, or
    why they cannot be told. An allele count is not a count of people: a homozygote carries
    two alleles. Outside the PARs of X (``nhemi`` given) males are hemizygous; a gene expressed
    only in females counts the XX samples alone."""
    x_nonpar = pop.get("nhemi") is not None
    if females_only or x_nonpar:
        ac_xx, hom_xx = pop.get("ac_xx"), pop.get("nhomalt_xx")
        if ac_xx is None or hom_xx is None:
            return "gnomAD gives no XX (female) allele and homozygote counts at this site"
        hemi = 0 if females_only else pop["nhemi"]
        return ac_xx - 2 * hom_xx, hom_xx, hemi, "females" if females_only else "XX samples"
    ac, hom = pop.get("ac"), pop.get("nhomalt")
    if ac is None or hom is None:
        return "gnomAD gives no homozygote count (nhomalt): carriers cannot be counted"
    return ac - 2 * hom, hom, 0, "carriers"


def bp1(v: Variant, ctx: Context) -> Result:
    if "missense_variant" not in v.consequence:
        return no("BP1", "not a missense change")
    if gene_spec(ctx, "bp1").get("applicable"):
        return met("BP1", SUPPORTING, "missense in a gene where truncating variants cause disease")
    return no("BP1", "missense variants cause disease in this gene")


def bp2(v: Variant, ctx: Context) -> Result:
    if not v.inheritance.analysed:
        return unknown("BP2", "no phase information")
    partners = (v.inheritance.compound_het or {}).get("partners") or []
    by_key = ctx.variants_by_label() if partners else {}
    dominant = "AD" in inheritance_modes(ctx)
    for p in partners:
        other = by_key.get(p.get("variant"))
        cls = ((other.lookups.clinvar if other else None) or {}).get("significance_class") or ""
        if cls != "pathogenic":
            continue
        if p.get("phase") == "cis":
            return met("BP2", SUPPORTING, f"in cis with the pathogenic {p['variant']}")
        if p.get("phase") == "trans" and dominant:
            return met(
                "BP2", SUPPORTING, f"in trans with the pathogenic {p['variant']} in a dominant gene"
            )
    return no(
        "BP2", "not in cis with a pathogenic variant, nor in trans with one in a dominant gene"
    )


def bp3(v: Variant, ctx: Context) -> Result:
    terms = set(v.consequence)
    if not terms & {"inframe_insertion", "inframe_deletion"}:
        return no("BP3", "not an in-frame insertion or deletion")
    if (v.annotation.lof_detail or {}).get("in_repeat"):
        return met("BP3", SUPPORTING, "in-frame change inside a repeat of the protein")
    return no("BP3", "not in a repeat")


_INTRON_OFFSET = re.compile(r"c\.[-*]?\d+([+-])(\d+)")


def _deep_intronic(v: Variant) -> bool:
    """Intronic at or beyond +7 (donor side) or -21 (acceptor side), where Walker 2023 lets
    BP7 apply as for a synonymous change."""
    if set(v.consequence) != {"intron_variant"}:
        return False
    m = _INTRON_OFFSET.search(v.annotation.hgvs_c or "")
    if not m:
        return False
    offset = int(m.group(2))
    return offset >= 7 if m.group(1) == "+" else offset >= 21


def bp7(v: Variant, ctx: Context) -> Result:
    """BP7 (ClinGen SVI splicing, Walker 2023): a synonymous or deep intronic change with no
    predicted splice effect at a nucleotide that is not highly conserved. Both halves are
    needed: without a conservation score the criterion cannot be decided."""
    terms = set(v.consequence)
    if "synonymous_variant" not in terms and not _deep_intronic(v):
        return no("BP7", "not synonymous, nor intronic at or beyond +7 / -21")
    splice = (v.lookups.scores or {}).get("spliceai")
    if splice is not None and splice > ctx.settings.spliceai.bp4_max:
        return no(
            "BP7", f"SpliceAI {splice:.2f} > {ctx.settings.spliceai.bp4_max}: a splice effect"
        )
    if splice is None:
        return unknown("BP7", "no SpliceAI score to rule out a splice effect")
    return unknown(
        "BP7",
        f"SpliceAI {splice:.2f} <= {ctx.settings.spliceai.bp4_max}, but the "
        "nucleotide's conservation is not assessed (no conservation score is read): BP7 needs "
        "both (Walker 2023)",
    )
