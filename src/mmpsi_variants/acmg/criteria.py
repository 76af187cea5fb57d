"""ACMG/AMP criteria evaluated for one variant, each with the reason and the numbers used.

Every one of the 28 criteria gets a result: met (with its strength), not met, not evaluated
(the data cannot say, never counted as negative), or retired (PP5, BP6). The rules follow
Richards et al. 2015 with the ClinGen SVI refinements (PVS1 decision tree, PM2 at Supporting,
the de novo point scale, calibrated REVEL thresholds, BA1 with exceptions) and the
gene-specific settings of the panel file (the Epilepsy Sodium Channel VCEP for SCN1A/SCN2A).
Rules the fact base marks as heuristics are settings (``acmg:`` in settings.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mmpsi_variants.acmg.combining import (
    DEFAULT_STRENGTH,
    MODERATE,
    POINTS,
    STRONG,
    SUPPORTING,
    VERY_STRONG,
    Evidence,
    Thresholds,
    classify_points,
    classify_richards,
)
from mmpsi_variants.acmg.frequency import Ceiling, gene_ceiling
from mmpsi_variants.panel.knowledge import PanelGene

MET, NOT_MET, NOT_EVALUATED, RETIRED = "met", "not_met", "not_evaluated", "retired"
LEVELS = [SUPPORTING, MODERATE, STRONG, VERY_STRONG]
TRUNCATING = {"stop_gained", "frameshift_variant"}
SPLICE_SITE = {"splice_donor_variant", "splice_acceptor_variant"}
CLASS_ORDER = {
    "Pathogenic": 0,
    "Likely pathogenic": 1,
    "Uncertain significance": 2,
    "Likely benign": 3,
    "Benign": 4,
}
FIT_ORDER = {"yes": 0, "partly": 1, "unknown": 2, None: 2, "no": 3}


@dataclass(frozen=True)
class Result:
    code: str
    status: str
    strength: str | None
    reason: str
    source: str = "computed"

    @property
    def evidence(self) -> Evidence | None:
        return Evidence(self.code, self.strength) if self.status == MET else None

    @property
    def points(self) -> int | None:
        e = self.evidence
        return e.points if e else None

    def to_json(self) -> dict:
        e = self.evidence
        return {
            "code": e.label if e else self.code,
            "criterion": self.code,
            "status": self.status,
            "strength": self.strength if self.status == MET else None,
            "points": self.points,
            "reason": self.reason,
            "source": self.source,
        }


def met(code: str, strength: str | None, reason: str) -> Result:
    return Result(code, MET, strength or DEFAULT_STRENGTH[code], reason)


def no(code: str, reason: str) -> Result:
    return Result(code, NOT_MET, None, reason)


def unknown(code: str, reason: str) -> Result:
    return Result(code, NOT_EVALUATED, None, reason)


def cap(strength: str, maximum: str | None) -> str:
    if maximum and LEVELS.index(strength) > LEVELS.index(maximum):
        return maximum
    return strength


@dataclass
class Context:
    """What the scorer knows beyond the variant itself."""

    settings: dict  # the acmg: section of settings.yaml
    panel_gene: PanelGene | None
    sample_variants: list[dict] = field(default_factory=list)
    affected: bool | None = None  # PED status of the sample
    phenotype_eimfs: bool | None = None  # the sample sheet or --phenotype says EIMFS/MMPSI
    curator: list[Result] = field(default_factory=list)

    def variants_by_label(self) -> dict[str, dict]:
        """The sample's variants by chrom:pos:ref:alt, as compound-het partners name them."""
        return {variant_label(x): x for x in self.sample_variants}


def _spec(ctx: Context, key: str) -> dict:
    return (ctx.panel_gene.acmg if ctx.panel_gene else {}).get(key, {}) or {}


def _fmt_int(n) -> str:
    return f"{n:,}" if isinstance(n, int) else str(n)


# -- pathogenic ---------------------------------------------------------------------------------


def pvs1(v: dict, ctx: Context) -> Result:
    terms = set(v.get("consequence") or [])
    lof_terms = terms & (TRUNCATING | SPLICE_SITE | {"start_lost"})
    if not lof_terms:
        return no(
            "PVS1", "not a null variant (nonsense, frameshift, canonical splice site or start loss)"
        )
    pg = ctx.panel_gene
    gate = _spec(ctx, "pvs1").get("applicable")
    if gate is None and pg is not None:
        gate = {True: True, False: False}.get(pg.lof_accepted_for_phenotype, "unknown")
    name = pg.symbol if pg else v.get("gene") or "this gene"
    if gate is False:
        return no("PVS1", f"loss of function is not the disease mechanism of {name} in EIMFS")
    if gate == "unknown" or gate is None:
        return unknown("PVS1", f"loss of function is not established as the mechanism of {name}")
    detail = v.get("lof_detail") or {}
    if terms & TRUNCATING:
        nmd_codon = _spec(ctx, "pvs1").get("nmd_last_codon")
        pos = _protein_start(v)
        removed = v.get("protein_fraction_removed")
        if nmd_codon and pos is not None:
            if pos < nmd_codon:
                return met(
                    "PVS1",
                    VERY_STRONG,
                    f"truncating at residue {pos}, 5' of codon {nmd_codon}, the gene's NMD "
                    "boundary (VCEP)",
                )
            return _nmd_escape(
                "PVS1", removed, f"truncating at residue {pos}, 3' of codon {nmd_codon}"
            )
        if v.get("nmd") == "NMD_predicted":
            return met(
                "PVS1",
                VERY_STRONG,
                "premature stop predicted to trigger NMD (not in the "
                "last exon or the last 50 nt of the penultimate exon)",
            )
        return _nmd_escape("PVS1", removed, "premature stop escapes NMD")
    if terms & SPLICE_SITE:
        skip = detail.get("exon_skipping")
        if not skip:
            return unknown(
                "PVS1", "canonical splice site, but the skipped exon's effect is unknown"
            )
        exon = f"exon {skip['exon']} ({skip['exon_length']} nt)"
        if skip.get("start_codon_lost"):
            return met(
                "PVS1", STRONG, f"canonical splice site; skipping {exon} removes the start codon"
            )
        if not skip.get("in_frame"):
            if skip.get("nmd") == "NMD_predicted":
                return met(
                    "PVS1",
                    VERY_STRONG,
                    f"canonical splice site; skipping {exon} shifts the frame and predicts NMD",
                )
            return _nmd_escape(
                "PVS1",
                skip.get("fraction_removed"),
                f"canonical splice site; skipping {exon} shifts the frame, escaping NMD",
            )
        return _nmd_escape(
            "PVS1",
            skip.get("fraction_removed"),
            f"canonical splice site; skipping {exon} keeps the frame",
        )
    nxt = detail.get("next_methionine")
    if nxt is None:
        return met("PVS1", VERY_STRONG, "start codon lost and no in-frame Met downstream")
    return met(
        "PVS1",
        SUPPORTING,
        f"start codon lost; next in-frame Met at residue {nxt} (no "
        "pathogenic variant upstream of it evaluated)",
    )


def _nmd_escape(code: str, removed: float | None, what: str) -> Result:
    if removed is None:
        return unknown(code, f"{what}; the fraction of the protein removed is unknown")
    pct = f"{removed:.1%} of the protein"
    if removed > 0.10:
        return met(code, STRONG, f"{what}; removes {pct} (> 10%)")
    return met(code, MODERATE, f"{what}; removes {pct} (<= 10%)")


def _protein_start(v: dict) -> int | None:
    pos = v.get("protein_position")
    if not pos:
        return None
    try:
        return int(str(pos).split("-")[0])
    except ValueError:
        return None


def _splice_altering(v: dict, ctx: Context) -> bool:
    score = (v.get("scores") or {}).get("spliceai")
    return score is not None and score >= ctx.settings["spliceai"]["pp3_min"]


def _clinvar_matches(v: dict, key: str, ctx: Context) -> list[dict]:
    min_stars = ctx.settings["clinvar"]["min_stars"]
    return [
        r
        for r in (v.get("clinvar_protein") or {}).get(key, [])
        if r.get("significance_class") in ("pathogenic", "likely_pathogenic")
        and (r.get("stars") or 0) >= min_stars
    ]


def ps1(v: dict, ctx: Context) -> Result:
    if "missense_variant" not in (v.get("consequence") or []):
        return no("PS1", "not a missense change")
    if v.get("clinvar_status") in (None, "not_looked_up"):
        return unknown("PS1", "ClinVar not given")
    if _splice_altering(v, ctx):
        return no(
            "PS1",
            "predicted to alter splicing (SpliceAI); the amino-acid match may not be the mechanism",
        )
    hits = _clinvar_matches(v, "same_amino_acid_change", ctx)
    if not hits:
        return no(
            "PS1",
            "no ClinVar pathogenic or likely pathogenic record with the same amino-acid change",
        )
    best = hits[0]
    strength = STRONG if best["significance_class"] == "pathogenic" else MODERATE
    return met(
        "PS1",
        strength,
        f"same amino-acid change as ClinVar {best.get('variation_id')} "
        f"({best.get('significance')}, {best.get('stars')} star(s))",
    )


def pm5(v: dict, ctx: Context, ps1_result: Result) -> Result:
    if "missense_variant" not in (v.get("consequence") or []):
        return no("PM5", "not a missense change")
    if v.get("clinvar_status") in (None, "not_looked_up"):
        return unknown("PM5", "ClinVar not given")
    if ps1_result.status == MET:
        return no("PM5", "PS1 already uses the pathogenic change at this residue")
    hits = _clinvar_matches(v, "other_missense_same_residue", ctx)
    if not hits:
        return no("PM5", "no other pathogenic missense change at this residue in ClinVar")
    pathogenic = [h for h in hits if h["significance_class"] == "pathogenic"]
    na_channel = _spec(ctx, "computational").get("pp3_max") == MODERATE
    if pathogenic and na_channel and len(pathogenic) >= 2:
        strength = STRONG
    elif pathogenic:
        strength = MODERATE
    else:
        strength = SUPPORTING
    first = (pathogenic or hits)[0]
    return met(
        "PM5",
        strength,
        f"{len(hits)} other pathogenic/likely pathogenic missense change(s) "
        f"at this residue in ClinVar (e.g. {(first.get('protein') or {}).get('hgvs_p')}, "
        f"{first.get('significance')})",
    )


def de_novo(v: dict, ctx: Context) -> tuple[Result, Result]:
    """PS2 and PM6 from the ClinGen SVI de novo point scale (points are not ACMG points)."""
    dn = v.get("de_novo") or {}
    confidence = dn.get("confidence")
    if v.get("inheritance") is None:
        reason = "no pedigree given: de novo status not evaluated"
        return unknown("PS2", reason), unknown("PM6", reason)
    if dn.get("status") != "de_novo" or confidence not in ("confirmed", "assumed"):
        why = dn.get("reason") or "not de novo in this pedigree"
        return no("PS2", why), no("PM6", why)
    spec = _spec(ctx, "de_novo_phenotype").get(
        "specificity", ctx.settings["de_novo"]["default_specificity"]
    )
    if ctx.affected is False:
        spec = "not_consistent"
    points = ctx.settings["de_novo"]["points"][spec][confidence]
    scale = ctx.settings["de_novo"]["strength_from_points"]
    strength = None
    for threshold, level in sorted(((float(k), lv) for k, lv in scale.items()), reverse=True):
        if points >= threshold:
            strength = level
            break
    code, other = ("PS2", "PM6") if confidence == "confirmed" else ("PM6", "PS2")
    why = (
        f"{confidence} de novo, phenotype {spec.replace('_', ' ')} for the gene: {points} de "
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


def pm1(v: dict, ctx: Context) -> Result:
    regions = _spec(ctx, "pm1").get("regions")
    if "missense_variant" not in (v.get("consequence") or []):
        return no("PM1", "not a missense change")
    if not regions:
        return unknown("PM1", "no curated hotspot or critical-domain ranges for this gene")
    pos = _protein_start(v)
    if pos is None:
        return unknown("PM1", "protein position unknown")
    for a, b in regions:
        if a <= pos <= b:
            return met("PM1", MODERATE, f"residue {pos} lies in the curated region {a}-{b}")
    return no("PM1", f"residue {pos} lies outside the gene's curated regions")


def _inheritance_modes(ctx: Context) -> tuple[str, ...]:
    return ctx.panel_gene.inheritance.value if ctx.panel_gene else ()


def _recessive(ctx: Context) -> bool:
    return any(m in ("AR", "XLR") for m in _inheritance_modes(ctx))


def _ceiling(ctx: Context) -> Ceiling | None:
    """The gene's maximum credible allele frequency from the settings, if a curator set one."""
    if ctx.panel_gene is None:
        return None
    symbol = ctx.panel_gene.symbol
    modes = set(_inheritance_modes(ctx))
    biallelic = "AR" in modes and not modes & DOMINANT_MODES
    x_linked = "XLR" in modes and not modes & DOMINANT_MODES
    setting = ctx.settings["max_credible_af"].get(symbol)
    return gene_ceiling(symbol, setting, biallelic=biallelic, x_linked=x_linked)


def pm2(v: dict, ctx: Context) -> Result:
    pop = v.get("population") or {"status": "not_looked_up"}
    status = pop.get("status")
    if status == "not_looked_up":
        return unknown("PM2", "gnomAD not given")
    if status == "not_covered":
        return unknown("PM2", "site not covered by the gnomAD file given")
    s = ctx.settings["pm2"]
    if _recessive(ctx):
        faf = pop.get("faf95_max")
        freq = faf if faf is not None else pop.get("af") or 0.0
        ceiling = _ceiling(ctx)
        limit, how = (
            (ceiling.af, ceiling.how)
            if ceiling
            else (
                s["recessive_max_faf"],
                f"{s['recessive_max_faf']:g} for a recessive gene; heuristic",
            )
        )
        if status == "absent" or freq < limit:
            what = "absent from gnomAD" if status == "absent" else f"FAF {freq:.2e}"
            return met("PM2", SUPPORTING, f"{what} (< {how})")
        return no("PM2", f"gnomAD FAF {freq:.2e} is not below {how}")
    if status == "absent":
        return met("PM2", SUPPORTING, "absent from gnomAD (no record at this allele)")
    ac, an = pop.get("ac") or 0, pop.get("an") or 0
    if ac <= s["dominant_max_ac"] and an >= s["dominant_min_an"]:
        return met(
            "PM2",
            SUPPORTING,
            f"{ac} of {_fmt_int(an)} gnomAD alleles (at most "
            f"{s['dominant_max_ac']} in >= {_fmt_int(s['dominant_min_an'])})",
        )
    if an < s["dominant_min_an"]:
        return unknown(
            "PM2",
            f"only {_fmt_int(an)} gnomAD alleles at this site (< {_fmt_int(s['dominant_min_an'])})",
        )
    return no("PM2", f"{ac} of {_fmt_int(an)} gnomAD alleles, more than {s['dominant_max_ac']}")


def pm3(v: dict, ctx: Context) -> Result:
    if not _recessive(ctx):
        return no("PM3", "not a recessive gene")
    if v.get("inheritance") is None:
        return unknown("PM3", "no pedigree or phase information")
    if v.get("zygosity") == "homozygous" and ctx.affected is not False:
        return met("PM3", SUPPORTING, "homozygous in an affected child (heuristic)")
    partners = (v.get("compound_het") or {}).get("partners") or []
    by_key = ctx.variants_by_label() if partners else {}
    for p in partners:
        other = by_key.get(p.get("variant"))
        if other is None:
            continue
        cls = ((other.get("clinvar") or {}).get("significance_class")) or ""
        if cls in ("pathogenic", "likely_pathogenic") and p.get("phase") == "trans":
            return met(
                "PM3",
                MODERATE,
                f"in trans with {p['variant']} ({cls.replace('_', ' ')} "
                f"in ClinVar; phased by {p.get('phased_by')})",
            )
    if partners:
        return no("PM3", "second variant not known pathogenic, or phase not established")
    return no("PM3", "no second variant in this gene")


def pm4(v: dict, ctx: Context) -> Result:
    terms = set(v.get("consequence") or [])
    if "stop_lost" in terms:
        return met("PM4", MODERATE, "stop codon lost: the protein is lengthened")
    if terms & {"inframe_insertion", "inframe_deletion", "protein_altering_variant"}:
        if (v.get("lof_detail") or {}).get("in_repeat"):
            return no("PM4", "in-frame change inside a repeat of the protein")
        return met("PM4", MODERATE, "in-frame change of protein length outside a repeat")
    return no("PM4", "no change of protein length")


def pp2(v: dict, ctx: Context) -> Result:
    if "missense_variant" not in (v.get("consequence") or []):
        return no("PP2", "not a missense change")
    spec = _spec(ctx, "pp2")
    if spec.get("applicable"):
        return met(
            "PP2",
            SUPPORTING,
            "missense in a gene where missense variants are the usual "
            f"cause and benign missense is rare ({spec.get('verification', '?')})",
        )
    return no("PP2", "not marked missense-constrained in the panel")


def pp3_bp4(v: dict, ctx: Context, pvs1_result: Result) -> tuple[Result, Result]:
    terms = set(v.get("consequence") or [])
    scores = v.get("scores") or {}
    comp = _spec(ctx, "computational")
    bands = ctx.settings["revel"]
    splice = scores.get("spliceai")
    sp = ctx.settings["spliceai"]
    if "missense_variant" in terms:
        revel = scores.get("revel")
        if revel is None:
            why = (
                "REVEL score not found"
                if (scores.get("status") or {}).get("revel") == "absent"
                else "no REVEL given"
            )
            return unknown("PP3", why), unknown("BP4", why)
        pp3 = next(
            (
                lv
                for lv, t in (
                    ("Strong", bands["pp3_strong"]),
                    ("Moderate", bands["pp3_moderate"]),
                    ("Supporting", bands["pp3_supporting"]),
                )
                if revel >= t
            ),
            None,
        )
        bp4 = next(
            (
                lv
                for lv, t in (
                    ("VeryStrong", bands["bp4_very_strong"]),
                    ("Strong", bands["bp4_strong"]),
                    ("Moderate", bands["bp4_moderate"]),
                    ("Supporting", bands["bp4_supporting"]),
                )
                if revel <= t
            ),
            None,
        )
        if pp3:
            level = cap(pp3, comp.get("pp3_max"))
            note = f" (capped at {level} for this gene)" if level != pp3 else ""
            return (
                met(
                    "PP3",
                    level,
                    f"REVEL {revel:.3f} >= {bands['pp3_' + pp3.lower()]} (Pejaver 2022){note}",
                ),
                no("BP4", f"REVEL {revel:.3f}"),
            )
        if bp4:
            if splice is not None and splice > sp["bp4_max"]:
                return no("PP3", f"REVEL {revel:.3f}"), no(
                    "BP4", f"REVEL {revel:.3f} but SpliceAI {splice:.2f}"
                )
            level = cap(bp4, comp.get("bp4_max"))
            key = {"VeryStrong": "very_strong"}.get(bp4, bp4.lower())
            splice_note = "" if splice is not None else "; splice effect not assessed (no SpliceAI)"
            return (
                no("PP3", f"REVEL {revel:.3f}"),
                met(
                    "BP4",
                    level,
                    f"REVEL {revel:.3f} <= {bands['bp4_' + key]} (Pejaver 2022){splice_note}",
                ),
            )
        why = f"REVEL {revel:.3f} is in the indeterminate range"
        return no("PP3", why), no("BP4", why)
    if splice is None:
        why = "no SpliceAI score for this non-missense variant"
        return unknown("PP3", why), unknown("BP4", why)
    if splice >= sp["pp3_min"]:
        if terms & SPLICE_SITE and pvs1_result.status == MET:
            return no(
                "PP3", f"SpliceAI {splice:.2f}, but PVS1 already counts this splice effect"
            ), no("BP4", "")
        return met(
            "PP3", SUPPORTING, f"SpliceAI {splice:.2f} >= {sp['pp3_min']} (Walker 2023)"
        ), no("BP4", "splice effect predicted")
    if splice <= sp["bp4_max"] and not terms & (
        TRUNCATING | SPLICE_SITE | {"start_lost", "stop_lost"}
    ):
        return no("PP3", f"SpliceAI {splice:.2f}"), met(
            "BP4", SUPPORTING, f"SpliceAI {splice:.2f} <= {sp['bp4_max']}"
        )
    return no("PP3", f"SpliceAI {splice:.2f}"), no("BP4", f"SpliceAI {splice:.2f}")


def pp4(v: dict, ctx: Context, de_novo_used: bool) -> Result:
    if not _spec(ctx, "pp4").get("applicable"):
        return no("PP4", "the gene's phenotype is not specific enough for PP4 (panel setting)")
    if ctx.phenotype_eimfs is None:
        return unknown("PP4", "the patient's phenotype was not given (sample sheet or --phenotype)")
    if not ctx.phenotype_eimfs:
        return no("PP4", "the patient's phenotype is not EIMFS")
    if de_novo_used:
        return no("PP4", "the phenotype already counts in the de novo criterion")
    return met("PP4", SUPPORTING, "EIMFS phenotype, highly specific for this gene (heuristic)")


# -- benign -------------------------------------------------------------------------------------


def _reduced_penetrance(v: dict, ctx: Context) -> dict | None:
    c = (v.get("hgvs_c") or "").split(":")[-1]
    p = v.get("hgvs_p") or ""
    for a in (ctx.panel_gene.acmg if ctx.panel_gene else {}).get("reduced_penetrance_alleles", []):
        if (a.get("hgvs_c") and a["hgvs_c"] == c) or (a.get("hgvs_p") and a["hgvs_p"] == p):
            return a
    return None


def _faf(pop: dict) -> float | None:
    for key in ("faf95_max", "grpmax_af", "af"):
        if pop.get(key) is not None:
            return pop[key]
    return None


def ba1(v: dict, ctx: Context) -> Result:
    pop = v.get("population") or {"status": "not_looked_up"}
    if pop.get("status") in ("not_looked_up", "not_covered"):
        return unknown("BA1", "no gnomAD frequency for this site")
    if pop.get("status") == "absent":
        return no("BA1", "absent from gnomAD")
    key = f"{v['chrom']}:{v['pos']}:{v['ref']}:{v['alt']}"
    if key in ctx.settings["ba1"]["exceptions"]:
        return no("BA1", "on the BA1 exception list")
    freq, an = _faf(pop), pop.get("an") or 0
    limit = _spec(ctx, "frequency").get("ba1_af", ctx.settings["ba1"]["max_af"])
    min_an = ctx.settings["ba1"]["min_an"]
    if freq is not None and freq > limit and an >= min_an:
        return Result(
            "BA1",
            MET,
            "StandAlone",
            f"gnomAD filtering AF {freq:.4g} > {limit:g} ({_fmt_int(an)} alleles)",
        )
    return no("BA1", f"gnomAD filtering AF {freq if freq is not None else 0:.3g} <= {limit:g}")


def bs1(v: dict, ctx: Context) -> Result:
    pop = v.get("population") or {"status": "not_looked_up"}
    if pop.get("status") in ("not_looked_up", "not_covered"):
        return unknown("BS1", "no gnomAD frequency for this site")
    rp = _reduced_penetrance(v, ctx)
    if rp:
        return no("BS1", "a known reduced-penetrance allele: not applied automatically")
    freq_spec = _spec(ctx, "frequency")
    symbol = ctx.panel_gene.symbol if ctx.panel_gene else "this gene"
    limit = freq_spec.get("bs1_af")
    how = f"{limit:g}, the panel's VCEP value" if limit else None
    ceiling = None if limit else _ceiling(ctx)
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


def bs2(v: dict, ctx: Context) -> Result:
    pop = v.get("population") or {"status": "not_looked_up"}
    if pop.get("status") in ("not_looked_up", "not_covered"):
        return unknown("BS2", "no gnomAD counts for this site")
    if _reduced_penetrance(v, ctx):
        return no("BS2", "a known reduced-penetrance allele: not applied automatically")
    if pop.get("status") == "absent":
        return no("BS2", "absent from gnomAD")
    spec = _spec(ctx, "bs2")
    modes = _inheritance_modes(ctx)
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
        ac = pop.get("ac") or 0
        if ac >= ctx.settings["bs2"]["min_heterozygotes"]:
            return met(
                "BS2",
                STRONG,
                f"{ac} carriers in gnomAD for a fully penetrant early-onset gene (heuristic)",
            )
        return no("BS2", f"{ac} carrier(s) in gnomAD")
    return unknown(
        "BS2", "population carriers are not evidence for this gene's inheritance and penetrance"
    )


def bp1(v: dict, ctx: Context) -> Result:
    if "missense_variant" not in (v.get("consequence") or []):
        return no("BP1", "not a missense change")
    if _spec(ctx, "bp1").get("applicable"):
        return met("BP1", SUPPORTING, "missense in a gene where truncating variants cause disease")
    return no("BP1", "missense variants cause disease in this gene")


def bp2(v: dict, ctx: Context) -> Result:
    if v.get("inheritance") is None:
        return unknown("BP2", "no phase information")
    partners = (v.get("compound_het") or {}).get("partners") or []
    by_key = ctx.variants_by_label() if partners else {}
    dominant = "AD" in _inheritance_modes(ctx)
    for p in partners:
        other = by_key.get(p.get("variant"))
        cls = ((other or {}).get("clinvar") or {}).get("significance_class") or ""
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


def bp3(v: dict, ctx: Context) -> Result:
    terms = set(v.get("consequence") or [])
    if not terms & {"inframe_insertion", "inframe_deletion"}:
        return no("BP3", "not an in-frame insertion or deletion")
    if (v.get("lof_detail") or {}).get("in_repeat"):
        return met("BP3", SUPPORTING, "in-frame change inside a repeat of the protein")
    return no("BP3", "not in a repeat")


def bp7(v: dict, ctx: Context) -> Result:
    terms = set(v.get("consequence") or [])
    if "synonymous_variant" not in terms:
        return no("BP7", "not synonymous")
    splice = (v.get("scores") or {}).get("spliceai")
    if splice is None:
        return unknown("BP7", "synonymous, but no SpliceAI score to rule out a splice effect")
    if splice <= ctx.settings["spliceai"]["bp4_max"]:
        return met(
            "BP7",
            SUPPORTING,
            f"synonymous with SpliceAI {splice:.2f} <= "
            f"{ctx.settings['spliceai']['bp4_max']} (conservation not assessed)",
        )
    return no("BP7", f"synonymous but SpliceAI {splice:.2f} predicts a splice effect")


NOT_FROM_A_VCF = {
    "PS3": "needs functional studies (curator evidence)",
    "PS4": "needs case-control prevalence data (curator evidence)",
    "PP1": "needs segregation in affected relatives beyond this pedigree (curator evidence)",
    "BS3": "needs functional studies (curator evidence)",
    "BS4": "needs segregation data (curator evidence)",
    "BP5": "needs the case's other molecular findings (curator evidence)",
}


def evaluate(v: dict, ctx: Context) -> list[Result]:
    """All 28 criteria for one variant, in the order of Richards 2015, curator evidence merged."""
    r: dict[str, Result] = {}
    r["PVS1"] = pvs1(v, ctx)
    r["PS1"] = ps1(v, ctx)
    r["PS2"], r["PM6"] = de_novo(v, ctx)
    r["PM5"] = pm5(v, ctx, r["PS1"])
    r["PM1"] = pm1(v, ctx)
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
    for code, why in NOT_FROM_A_VCF.items():
        r[code] = unknown(code, why)
    r["PP5"] = Result("PP5", RETIRED, None, "retired by ClinGen SVI (Biesecker and Harrison 2018)")
    r["BP6"] = Result("BP6", RETIRED, None, "retired by ClinGen SVI (Biesecker and Harrison 2018)")
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
    flags: list[dict]

    def to_json(self) -> dict:
        return {
            "criteria": [r.to_json() for r in self.results],
            "met": [r.evidence.label for r in self.results if r.status == MET],
            "points": self.points,
            "classification": self.points_class,
            "classification_richards2015": self.richards_class,
            "richards2015_reason": self.richards_reason,
            "system": "points",
            "flags": self.flags,
        }


def assess(v: dict, ctx: Context, thresholds: Thresholds) -> Assessment:
    results = evaluate(v, ctx)
    ev = [r.evidence for r in results if r.status == MET]
    pts = classify_points(ev, thresholds)
    ric = classify_richards(ev)
    shown = flags(v, ctx)
    if pts.classification in ("Likely benign", "Benign"):
        # A treatment note beside a benign call would only distract.
        shown = [f for f in shown if f["flag"] != "treatable_cause"]
    return Assessment(
        results, pts.classification, pts.points, ric.classification, ric.reason, shown
    )


def flags(v: dict, ctx: Context) -> list[dict]:
    """Gene-specific guards shown beside the class: mechanism, inheritance, treatability."""
    out = []
    pg = ctx.panel_gene
    terms = set(v.get("consequence") or [])
    truncating = bool(terms & (TRUNCATING | SPLICE_SITE | {"start_lost"}))
    if pg is not None and truncating:
        gate = _spec(ctx, "pvs1")
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
    together = v.get("together")
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
    fit = (v.get("inheritance_fit") or {}).get("fit")
    if fit == "no":
        out.append(
            {
                "flag": "inheritance_misfit",
                "text": v["inheritance_fit"].get("reason", ""),
                "verification": pg.inheritance.verification if pg else None,
            }
        )
    if pg is not None:
        # Treatment notes that fit this variant's likely mechanism: a note limited to gain of
        # function needs a missense change, one limited to loss of function a null variant.
        notes = []
        for n in pg.treatment_notes:
            scope = (n.applies_to or "").lower()
            if "gain_of_function" in scope and "missense_variant" not in terms:
                continue
            if "loss_of_function" in scope and not truncating and "missense_variant" not in terms:
                continue
            if n.direction in ("consider", "avoid"):
                notes.append(n)
        if notes:
            text = "; ".join(f"{n.direction} {n.therapy} [{n.verification}]" for n in notes)
            best = min((n.verification for n in notes), key=["V", "V2", "U"].index)
            out.append(
                {"flag": "treatable_cause", "text": f"{pg.symbol}: {text}", "verification": best}
            )
    return out


# Modes in which one heterozygous allele can cause the disease.
DOMINANT_MODES = {"AD", "XLD", "X-linked-female-limited"}
UNCERTAIN = "Uncertain significance"
EVIDENCE_ORDER = ("definitive", "strong", "moderate", "limited", "seed_only")


def variant_label(v: dict) -> str:
    """chrom:pos:ref:alt, as compound-het partners are named."""
    return f"{v['chrom']}:{v['pos']}:{v['ref']}:{v['alt']}"


def set_genotype_classes(variants: list[dict], evidence_of=lambda hgnc_id: None) -> None:
    """Give each variant of one sample the class of the genotype it belongs to (``acmg.genotype``).

    ACMG classifies variants; a report ranks explanations. A recessive disease needs both
    alleles, so where no dominant mode of the gene applies the genotype is only as strong as
    its weaker allele: the variant with its best partner not in cis, or, for a lone
    heterozygote, at most uncertain (the second allele is missing). Otherwise a pathogenic
    carrier allele would outrank a de novo variant of a dominant gene that explains the
    disease. ``evidence_of`` gives the panel's EIMFS evidence level of a gene, a tie-breaker.
    """
    by_label = {variant_label(v): v for v in variants}
    for v in variants:
        acmg = v.get("acmg")
        if not acmg:
            continue
        own = acmg.get("classification")
        modes = set((v.get("inheritance_fit") or {}).get("modes") or ())
        recessive_only = bool(modes) and not modes & DOMINANT_MODES
        partners = [
            by_label[p["variant"]]
            for p in (v.get("compound_het") or {}).get("partners") or ()
            if p["phase"] != "cis" and p["variant"] in by_label
        ]
        genotype = {"classification": own, "partner": None, "reason": "the variant's own class"}
        if (v.get("inheritance_fit") or {}).get("fit") == "no":
            genotype = {
                "classification": _weaker(own, UNCERTAIN),
                "partner": None,
                "reason": "the genotype does not fit the gene's inheritance",
            }
        elif recessive_only and partners:
            best = min(partners, key=lambda w: (_class_rank(w), -(w["acmg"].get("points") or 0)))
            genotype = {
                "classification": _weaker(own, best["acmg"]["classification"]),
                "partner": variant_label(best),
                "reason": f"recessive pair with {variant_label(best)} "
                f"({best['acmg']['classification']}): the genotype counts as its weaker allele",
            }
        elif recessive_only and v.get("zygosity") == "heterozygous":
            genotype = {
                "classification": _weaker(own, UNCERTAIN),
                "partner": None,
                "reason": "one allele of a recessive gene: the genotype is uncertain until a "
                "second variant is found",
            }
        genotype["gene_evidence"] = evidence_of(v.get("hgnc_id"))
        acmg["genotype"] = genotype


def _weaker(a: str | None, b: str | None) -> str | None:
    return max(a, b, key=lambda c: CLASS_ORDER.get(c, 2))


def _class_rank(v: dict) -> int:
    return CLASS_ORDER.get((v.get("acmg") or {}).get("classification"), 2)


def rank_key(v: dict) -> tuple:
    """Sort key, best first: genotypes that contradict the gene's inheritance last; then the
    genotype's class, inheritance fit, the variant's class, its points, and the panel's EIMFS
    evidence for the gene."""
    acmg = v.get("acmg") or {}
    fit = (v.get("inheritance_fit") or {}).get("fit")
    genotype = acmg.get("genotype") or {}
    evidence = genotype.get("gene_evidence")
    return (
        fit == "no",
        CLASS_ORDER.get(genotype.get("classification"), _class_rank(v)),
        FIT_ORDER.get(fit, 2),
        _class_rank(v),
        -(acmg.get("points") or 0),
        EVIDENCE_ORDER.index(evidence) if evidence in EVIDENCE_ORDER else len(EVIDENCE_ORDER),
        v.get("chrom", ""),
        v.get("pos", 0),
    )
