"""Panel regions: each panel gene's span in the user's gene models, plus padding."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mmpsi_variants.core.errors import ConfigError, PanelError
from mmpsi_variants.core.intervals import merge_intervals
from mmpsi_variants.io.gene_cache import load_gene_models
from mmpsi_variants.io.genemodels import Gene, GeneModels
from mmpsi_variants.panel.knowledge import Panel, PanelGene, resolve_gene

DEFAULT_PADDING = 1000


@dataclass(frozen=True)
class PanelRegion:
    """1-based inclusive interval of one panel gene (gene span plus padding)."""

    chrom: str
    start: int
    end: int
    panel_gene: PanelGene
    gene: Gene

    @property
    def symbol(self) -> str:
        return self.panel_gene.symbol


def _wanted(panel: Panel):
    hgnc = {g.hgnc_id for g in panel.genes}
    ensembl = {g.ensembl_gene_id for g in panel.genes if g.ensembl_gene_id}
    names = {n.upper() for g in panel.genes for n in (g.symbol, *g.aliases)}

    def want(gene: Gene) -> bool:
        return (
            gene.hgnc_id in hgnc
            or gene.ensembl_id in ensembl
            or (gene.symbol or "").upper() in names
            or any(s.upper() in names for s in gene.synonyms)
        )

    return want


def load_panel_models(path: str | Path, panel: Panel) -> GeneModels:
    """Read gene models, keeping transcript structure only for genes the panel may need."""
    key = "panel:" + ",".join(
        sorted(
            f"{g.hgnc_id}/{g.ensembl_gene_id}/{g.symbol}/{'/'.join(g.aliases)}" for g in panel.genes
        )
    )
    return load_gene_models(path, want=_wanted(panel), want_key=key)


def panel_regions(
    panel: Panel, models: GeneModels, padding: int = DEFAULT_PADDING, *, strict: bool = True
) -> list[PanelRegion]:
    """Resolve every panel gene in the gene models; a gene that cannot be found is an error.

    We refuse to go on without it because a silently missing gene reads as "no variants found".
    With ``strict`` false (research mode, where the panel only says which genes get the panel's
    rules) the genes the models lack are left out.
    """
    if padding < 0:
        raise ConfigError(f"padding must be 0 or more, got {padding}")
    regions, missing = [], []
    for pg in panel.genes:
        gene = resolve_gene(pg, models)
        if gene is None:
            missing.append(f"{pg.symbol} ({pg.hgnc_id})")
            continue
        regions.append(
            PanelRegion(gene.chrom, max(1, gene.start - padding), gene.end + padding, pg, gene)
        )
    if missing and strict:
        raise PanelError(
            f"panel gene(s) not found in the gene models by HGNC ID, Ensembl ID, symbol or alias: "
            f"{', '.join(missing)}; supply gene models that contain them, or choose tiers/--panel",
            path=models.path,
        )
    return sorted(regions, key=lambda r: (r.chrom, r.start))


def write_bed(regions: list[PanelRegion], out) -> None:
    """BED (0-based, half-open): contig, start, end, symbol, HGNC ID."""
    for r in sorted(regions, key=lambda r: (r.chrom, r.start)):
        out.write(f"{r.chrom}\t{r.start - 1}\t{r.end}\t{r.symbol}\t{r.panel_gene.hgnc_id}\n")


def write_merged_bed(regions: list[PanelRegion], out) -> None:
    """BED of the regions with overlapping or touching ones merged; names joined with commas.

    For callers that read a regions BED through the index (``bcftools mpileup -R``), where
    overlapping regions would report a site twice.
    """
    merged = merge_intervals(regions)
    for chrom in sorted(merged):
        for start, end in merged[chrom]:
            inside = [r for r in regions if r.chrom == chrom and r.start >= start and r.end <= end]
            names = ",".join(sorted({r.symbol for r in inside}))
            out.write(f"{chrom}\t{start - 1}\t{end}\t{names}\n")
