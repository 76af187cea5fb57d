"""The pathogenic criteria of the allele (PVS1, PS1, PM1, PM2, PM4, PM5, PP2), one function each.

Each takes a variant (its JSON entry) and the :class:`~mmpsi_variants.acmg.criterion.Context`
and returns a :class:`~mmpsi_variants.acmg.criterion.Result` with the reason and the numbers
used. The rules follow Richards et al. 2015 with the ClinGen SVI refinements (PVS1 decision
tree, PM2 at Supporting) and the panel's gene-specific settings. The criteria of the affected
person's genotype (PS2/PM6, PM3, PP4) are in :mod:`mmpsi_variants.acmg.genotype`.
"""

from __future__ import annotations

from typing import Any

from mmpsi_variants.acmg.combining import (
    MODERATE,
    STRONG,
    SUPPORTING,
    VERY_STRONG,
)
from mmpsi_variants.acmg.criterion import (
    MET,
    SPLICE_SITE,
    TRUNCATING,
    Context,
    Result,
    allele_ceiling,
    fmt_int,
    gene_spec,
    inheritance_modes,
    is_recessive,
    met,
    no,
    unknown,
)
from mmpsi_variants.core.record import NOT_COVERED, Variant

CLINVAR_NOT_COVERING = (
    "the ClinVar file given has no records on this contig: not covered is not absent"
)
NO_PROTEIN_MATCHES = (
    "ClinVar's protein changes were not compared (they are indexed in the panel genes, with "
    "gene models and a reference, and need the variant's amino-acid change)"
)


def pvs1(v: Variant, ctx: Context) -> Result:
    terms = set(v.consequence)
    lof_terms = terms & (TRUNCATING | SPLICE_SITE | {"start_lost"})
    if "stop_lost" in terms and not terms & SPLICE_SITE:
        # A frameshift that removes the stop codon lengthens the protein (PM4): not null.
        return no("PVS1", "the stop codon is lost: the protein is lengthened, not truncated")
    if not lof_terms:
        return no(
            "PVS1", "not a null variant (nonsense, frameshift, canonical splice site or start loss)"
        )
    pg = ctx.panel_gene
    gate = gene_spec(ctx, "pvs1").get("applicable")
    if gate is None and pg is not None:
        lof_gate: dict[bool | str, bool] = {True: True, False: False}
        gate = lof_gate.get(pg.lof_accepted_for_phenotype, "unknown")
    name = pg.symbol if pg else v.gene or "this gene"
    if gate is False:
        return no("PVS1", f"loss of function is not the disease mechanism of {name} in EIMFS")
    if gate == "unknown" or gate is None:
        return unknown("PVS1", f"loss of function is not established as the mechanism of {name}")
    detail = v.annotation.lof_detail or {}
    if terms & TRUNCATING:
        nmd_codon = gene_spec(ctx, "pvs1").get("nmd_last_codon")
        pos = _protein_start(v)
        removed = v.annotation.protein_fraction_removed
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
        if v.annotation.nmd == "NMD_predicted":
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


def _protein_start(v: Variant) -> int | None:
    pos = v.annotation.protein_position
    if not pos:
        return None
    try:
        return int(str(pos).split("-")[0])
    except ValueError:
        return None


def splice_altering(v: Variant, ctx: Context) -> bool:
    score = (v.lookups.scores or {}).get("spliceai")
    return score is not None and score >= ctx.settings.spliceai.pp3_min


def _clinvar_matches(v: Variant, key: str, ctx: Context) -> list[dict[str, Any]]:
    min_stars = ctx.settings.clinvar_min_stars
    return [
        r
        for r in (v.lookups.clinvar_protein or {}).get(key, [])
        if r.get("significance_class") in ("pathogenic", "likely_pathogenic")
        and (r.get("stars") or 0) >= min_stars
    ]


def ps1(v: Variant, ctx: Context) -> Result:
    if "missense_variant" not in v.consequence:
        return no("PS1", "not a missense change")
    if v.lookups.clinvar_status in (None, "not_looked_up"):
        return unknown("PS1", "ClinVar not given")
    if v.lookups.clinvar_status == NOT_COVERED:
        return unknown("PS1", CLINVAR_NOT_COVERING)
    if v.lookups.clinvar_protein is None:
        return unknown("PS1", NO_PROTEIN_MATCHES)
    if splice_altering(v, ctx):
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


def pm5(v: Variant, ctx: Context, ps1_result: Result) -> Result:
    if "missense_variant" not in v.consequence:
        return no("PM5", "not a missense change")
    if v.lookups.clinvar_status in (None, "not_looked_up"):
        return unknown("PM5", "ClinVar not given")
    if v.lookups.clinvar_status == NOT_COVERED:
        return unknown("PM5", CLINVAR_NOT_COVERING)
    if v.lookups.clinvar_protein is None:
        return unknown("PM5", NO_PROTEIN_MATCHES)
    if ps1_result.status == MET:
        return no("PM5", "PS1 already uses the pathogenic change at this residue")
    hits = _clinvar_matches(v, "other_missense_same_residue", ctx)
    if not hits:
        return no("PM5", "no other pathogenic missense change at this residue in ClinVar")
    pathogenic = [h for h in hits if h["significance_class"] == "pathogenic"]
    na_channel = gene_spec(ctx, "computational").get("pp3_max") == MODERATE
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


def pm1(v: Variant, ctx: Context, pm5_result: Result | None = None) -> Result:
    regions = gene_spec(ctx, "pm1").get("regions")
    if "missense_variant" not in v.consequence:
        return no("PM1", "not a missense change")
    if not regions:
        return unknown("PM1", "no curated hotspot or critical-domain ranges for this gene")
    pos = _protein_start(v)
    if pos is None:
        return unknown("PM1", "protein position unknown")
    spec = gene_spec(ctx, "pm1")
    cited = f" [{spec.get('verification')}: {', '.join(spec.get('sources') or [])}]"
    for a, b in regions:
        if a <= pos <= b:
            if a == b and pm5_result is not None and pm5_result.status == MET:
                # A one-residue hotspot is the other pathogenic changes at this residue, which
                # PM5 already counts: not twice.
                return no(
                    "PM1",
                    f"residue {pos} is a published hotspot residue{cited}, but PM5 already counts "
                    "the pathogenic changes at this residue",
                )
            where = f"the published hotspot residue {a}" if a == b else f"the region {a}-{b}"
            return met("PM1", MODERATE, f"residue {pos} is {where} of the panel{cited}")
    return no("PM1", f"residue {pos} lies outside the gene's curated regions")


def pm2(v: Variant, ctx: Context) -> Result:
    pop = v.lookups.population or {"status": "not_looked_up"}
    status = pop.get("status")
    if status == "not_looked_up":
        return unknown("PM2", "gnomAD not given")
    if status == "not_covered":
        return unknown("PM2", "site not covered by the gnomAD file given")
    s = ctx.settings.pm2
    ceiling = allele_ceiling(ctx)
    # The recessive cut-off is for carriers who stay healthy. A hemizygous male with an
    # X-linked recessive allele is affected (ATP7A: severe, from infancy), so without a curated
    # ceiling such a gene takes the dominant-style count.
    if "AR" in inheritance_modes(ctx) or (is_recessive(ctx) and ceiling):
        faf = pop.get("faf95_max")
        freq = faf if faf is not None else pop.get("af") or 0.0
        limit, how = (
            (ceiling.af, ceiling.how)
            if ceiling
            else (
                s.recessive_max_faf,
                f"{s.recessive_max_faf:g} for a recessive gene; heuristic",
            )
        )
        if status == "absent" or freq < limit:
            what = "absent from gnomAD" if status == "absent" else f"FAF {freq:.2e}"
            return met("PM2", SUPPORTING, f"{what} (< {how})")
        return no("PM2", f"gnomAD FAF {freq:.2e} is not below {how}")
    if status == "absent":
        return met("PM2", SUPPORTING, "absent from gnomAD (no record at this allele)")
    ac, an = pop.get("ac") or 0, pop.get("an") or 0
    if ac <= s.dominant_max_ac and an >= s.dominant_min_an:
        return met(
            "PM2",
            SUPPORTING,
            f"{ac} of {fmt_int(an)} gnomAD alleles (at most "
            f"{s.dominant_max_ac} in >= {fmt_int(s.dominant_min_an)})",
        )
    if an < s.dominant_min_an:
        return unknown(
            "PM2",
            f"only {fmt_int(an)} gnomAD alleles at this site (< {fmt_int(s.dominant_min_an)})",
        )
    return no("PM2", f"{ac} of {fmt_int(an)} gnomAD alleles, more than {s.dominant_max_ac}")


def pm4(v: Variant, ctx: Context) -> Result:
    terms = set(v.consequence)
    if "stop_lost" in terms:
        return met("PM4", MODERATE, "stop codon lost: the protein is lengthened")
    if terms & {"inframe_insertion", "inframe_deletion", "protein_altering_variant"}:
        if (v.annotation.lof_detail or {}).get("in_repeat"):
            return no("PM4", "in-frame change inside a repeat of the protein")
        return met("PM4", MODERATE, "in-frame change of protein length outside a repeat")
    return no("PM4", "no change of protein length")


def pp2(v: Variant, ctx: Context) -> Result:
    if "missense_variant" not in v.consequence:
        return no("PP2", "not a missense change")
    spec = gene_spec(ctx, "pp2")
    if spec.get("applicable"):
        return met(
            "PP2",
            SUPPORTING,
            "missense in a gene where missense variants are the usual "
            f"cause and benign missense is rare ({spec.get('verification', '?')})",
        )
    return no("PP2", "not marked missense-constrained in the panel")
