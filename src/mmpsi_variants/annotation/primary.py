"""The annotation a report shows for an allele: its gene's primary transcript, and every
transcript in short.

The primary transcript is the one of the gene the variant was assigned to: MANE Select, else
the panel's named transcript, else the longest CDS. It comes either from our own annotator or
from the VEP/snpEff/bcftools annotation the VCF already carries; both end as one
:class:`~mmpsi_variants.core.record.Annotation`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from mmpsi_variants.annotation.annotator import Annotator
from mmpsi_variants.annotation.existing import primary_entry
from mmpsi_variants.annotation.existing_parse import TranscriptConsequence
from mmpsi_variants.core.record import NOT_ANNOTATED, Annotation
from mmpsi_variants.io.genemodels import Gene
from mmpsi_variants.io.normalize import Allele
from mmpsi_variants.panel.knowledge import Panel, PanelGene
from mmpsi_variants.panel.regions import PanelRegion

OURS = "mmpsi-variants"
INTERGENIC = Annotation(consequence=("intergenic_variant",), source=OURS, transcripts=())


@dataclass(frozen=True)
class AnnotatedHit:
    """A panel gene named by the VCF's own annotation (no gene models given)."""

    panel_gene: PanelGene
    gene: Any = None


# What a variant was assigned to: a panel region, a gene of the models, or a panel gene named
# by the VCF's own annotation.
Hit = PanelRegion | Gene | AnnotatedHit | None


def computed_annotation(
    annotator: Annotator | None, allele: Allele, hit: Hit, end: int | None
) -> Annotation:
    """Our own annotation of an allele. Nothing is computed without gene models and a
    reference, or when REF does not match the reference."""
    if annotator is None or allele.ref_mismatch or not annotator.can_annotate(allele.alt):
        return NOT_ANNOTATED
    anns = annotator.annotate(allele.chrom, allele.pos, allele.ref, allele.alt, end)
    if not anns:
        return INTERGENIC
    gene: Any = getattr(hit, "gene", hit)  # a region or an annotated hit names its gene
    own = [a for a in anns if gene is not None and a.symbol == gene.symbol] or anns
    primary = next((a for a in own if a.primary), own[0])
    return Annotation(
        transcript=primary.transcript,
        consequence=tuple(primary.consequence),
        impact=primary.impact,
        hgvs_c=primary.hgvs_c,
        hgvs_p=primary.hgvs_p,
        exon=primary.exon,
        intron=primary.intron,
        protein_position=primary.protein_position,
        amino_acids=primary.amino_acids,
        nmd=primary.nmd,
        protein_fraction_removed=primary.fraction_removed,
        protein_length=primary.protein_length,
        lof_detail=primary.detail,
        source=OURS,
        transcripts=tuple(
            {
                "transcript": a.transcript,
                "gene": a.symbol,
                "biotype": a.biotype,
                "consequence": list(a.consequence),
                "impact": a.impact,
                "hgvs_c": a.hgvs_c,
                "hgvs_p": a.hgvs_p,
                "mane": a.mane,
                "primary": a is primary,
            }
            for a in anns
        ),
    )


def panel_gene_of(panel: Panel, entries: list[TranscriptConsequence]) -> PanelGene | None:
    """The panel gene an annotated allele falls in, by HGNC ID, Ensembl gene ID or symbol."""
    for e in entries:
        if e.joint_at is not None or set(e.consequence) <= {
            "upstream_gene_variant", "downstream_gene_variant", "intergenic_variant"
        }:  # fmt: skip
            continue
        for key in (e.hgnc_id, e.symbol):
            pg = panel.gene(key) if key else None
            if pg is not None:
                return pg
        gene_id = (e.gene or "").split(".")[0]
        pg = next((g for g in panel.genes if gene_id and g.ensembl_gene_id == gene_id), None)
        if pg is not None:
            return pg
    return None


def _hgvs_p_form(hgvsp: str | None) -> str | None:
    """VEP writes 'ENSP...:p.Ser398Gly' (percent-encoded); the JSON uses 'p.(Ser398Gly)'."""
    if not hgvsp:
        return None
    text = unquote(hgvsp).split(":", 1)[-1]
    if text.startswith("p.") and not text.startswith("p.(") and text not in ("p.?", "p.="):
        text = f"p.({text[2:]})"
    return text


def existing_annotation(
    entries: list[TranscriptConsequence], hit: Hit
) -> tuple[Annotation, tuple[str | None, str | None] | None]:
    """The annotation from a VCF's own CSQ/ANN/BCSQ entries, and the gene (symbol, HGNC ID)
    its primary entry names."""
    pg = getattr(hit, "panel_gene", None)
    genes = [pg.symbol, *pg.aliases, pg.ensembl_gene_id or ""] if pg else None
    preferred = pg.preferred_transcripts if pg else ()
    primary = primary_entry(entries, preferred=preferred, gene=genes)
    if primary is None:
        return Annotation(transcripts=()), None
    annotation = Annotation(
        transcript=primary.feature,
        consequence=tuple(primary.consequence),
        impact=primary.impact,
        hgvs_c=unquote(primary.hgvsc) if primary.hgvsc else None,
        hgvs_p=_hgvs_p_form(primary.hgvsp),
        exon=primary.exon,
        intron=primary.intron,
        protein_position=primary.protein_position,
        amino_acids=primary.amino_acids,
        nmd=primary.nmd,
        source=f"{primary.tool}:{primary.key}",
        transcripts=tuple(
            {
                "transcript": e.feature,
                "gene": e.symbol,
                "biotype": e.biotype,
                "consequence": list(e.consequence),
                "impact": e.impact,
                "hgvs_c": unquote(e.hgvsc) if e.hgvsc else None,
                "hgvs_p": _hgvs_p_form(e.hgvsp),
                "mane": "MANE_Select" if e.is_mane_select else None,
                "primary": e is primary,
            }
            for e in entries
            if e.joint_at is None
        ),
    )
    return annotation, (primary.symbol, primary.hgnc_id)
