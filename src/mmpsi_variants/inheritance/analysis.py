"""One sample's variants analysed together: origin, compound heterozygotes, fit to the gene.

:func:`analyse_sample` fills each variant's ``inheritance``, ``origin``, ``de_novo``,
``compound_het`` and ``inheritance_fit`` fields from the family's genotypes, pairs heterozygous
variants of one gene, and judges the genotype against the gene's modes in the panel: yes / partly
/ no / unknown, with the reason (a non-mosaic hemizygous boy with a PCDH19 variant is "no" and
tagged ``not_expected_affected``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from mmpsi_variants.core.contigs import CHR_X, CHR_Y, MITO
from mmpsi_variants.core.record import Inheritance, Variant
from mmpsi_variants.inheritance.evidence import SiteEvidence, mosaic_evidence
from mmpsi_variants.inheritance.families import SampleFamily
from mmpsi_variants.inheritance.origin import Origin, classify_origin, effective_sex, phase_between
from mmpsi_variants.inheritance.settings import (
    COMPOUND_HET,
    DE_NOVO,
    FIT_RANK,
    HEMIZYGOUS,
    HOMOZYGOUS,
    INHERITED_MATERNAL,
    INHERITED_PATERNAL,
    MENDELIAN_ERROR,
    NOT_EXPECTED_AFFECTED,
    POSSIBLE_COMPOUND_HET,
    POSSIBLE_DE_NOVO,
    POSSIBLE_MOSAIC,
    TAG_ORDER,
    X_LINKED,
    CompoundHetPolicy,
    InheritanceSettings,
)
from mmpsi_variants.io.genotypes import (
    FEMALE,
    MALE,
    UNKNOWN_SEX,
)
from mmpsi_variants.qc.parentage import Parentage


@dataclass(frozen=True)
class GeneMode:
    symbol: str
    modes: tuple[str, ...]
    detail: dict
    verification: str | None = None


@dataclass
class _VariantView:
    site: SiteEvidence
    variant: Variant
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
    "genotype": "the genotype (two ALTs at one site, one per haplotype)",
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
            if not v.variant.gene
            else f"{v.variant.gene} has no inheritance mode in the panel"
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


def _recessive_modes(gm: GeneMode | None, sex: str) -> bool:
    if gm is None:
        return True  # no mode known (--no-panel): pair in every gene
    return "AR" in gm.modes or ("XLR" in gm.modes and sex == FEMALE)


def analyse_sample(
    fam: SampleFamily,
    variants: list[Variant],
    sites: list[SiteEvidence],
    modes: dict[str, GeneMode],
    st: InheritanceSettings,
    parentage: Parentage | None,
    have_gene_models: bool,
) -> list[Variant]:
    """The sample's variants with their inheritance part (tags, fit, origin, de novo status,
    compound-heterozygote partners).

    ``sites`` are the variants' evidence, in the same order. ``modes`` maps an HGNC ID or symbol
    to the gene's modes from the panel.
    """
    views = []
    for variant, site in zip(variants, sites, strict=True):
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
        views.append(_VariantView(site, variant, sex, origin, mosaic, tags, None))

    _pair_compound_hets(views, modes, st.compound_het, have_gene_models)

    out = []
    for v in views:
        gm = _gene_mode(v.variant, modes)
        fit = inheritance_fit(v, fam, gm)
        if _not_expected_affected(v, gm):
            v.tags.append(NOT_EXPECTED_AFFECTED)
        part = Inheritance(
            tags=tuple(sorted(set(v.tags), key=TAG_ORDER.index)),
            fit=fit,
            reason=v.origin.reason,
            de_novo=v.origin.de_novo,
            compound_het=v.compound,
        )
        out.append(replace(v.variant, inheritance=part))
    return out


def _not_expected_affected(v: _VariantView, gm: GeneMode | None) -> bool:
    """A non-mosaic hemizygous male in a gene whose hemizygous males are usually unaffected."""
    if gm is None or v.sex != MALE or v.site.region != CHR_X or v.mosaic:
        return False
    call = v.site.child
    hemizygous = call.alt_copies == call.ploidy
    return hemizygous and gm.detail.get("hemizygous_males_affected") is False


def _gene_mode(variant: Variant, modes: dict[str, GeneMode]) -> GeneMode | None:
    return modes.get(variant.hgnc_id or "") or modes.get(variant.gene or "")


def _pair_compound_hets(views, modes, policy: CompoundHetPolicy, have_gene_models) -> None:
    by_gene: dict[str, list[_VariantView]] = {}
    for v in views:
        call = v.site.child
        het = 0 < call.alt_copies < call.ploidy
        if not het or v.site.alt in ("*", "<*>") or v.site.region in (CHR_Y, MITO):
            continue
        if v.site.region == CHR_X and v.sex != FEMALE:
            continue
        gene = v.variant.hgnc_id or v.variant.gene
        if not gene:
            reason = (
                "not evaluated: no gene models (compound heterozygosity needs a gene)"
                if not have_gene_models
                else "not evaluated: the variant lies in no gene"
            )
            v.compound = {"status": "not_evaluated", "reason": reason, "partners": []}
            continue
        if not _recessive_modes(_gene_mode(v.variant, modes), v.sex):
            continue
        by_gene.setdefault(gene, []).append(v)
    for gene_views in by_gene.values():
        for v in gene_views:
            partners = []
            for w in gene_views:
                if w is v:
                    continue
                phase, by = phase_between(v.site, v.origin, w.site, w.origin, policy)
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
    out: dict[str, GeneMode] = {}
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
