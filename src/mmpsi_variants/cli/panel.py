"""The commands on the panel, the samples and the cohort: ``panel``, ``targets``, ``coverage``,
``coverage-mqc``, ``ped`` and ``cohort``."""

from __future__ import annotations

from pathlib import Path

import click

from mmpsi_variants.cli.base import (
    cli,
    gene_models_from,
    log,
    output_option,
    panel_options,
    resources_option,
    selected_panel,
    text_buffer,
    write_or_echo,
)
from mmpsi_variants.core.errors import UsageError
from mmpsi_variants.io.commit import AtomicOutputs


@cli.command("panel")
@panel_options
@click.option("--bed", is_flag=True, help="Write the panel regions as BED (needs --genes).")
@click.option(
    "--merge",
    is_flag=True,
    help="With --bed: merge overlapping regions (for bcftools mpileup -R and the like).",
)
@click.option("--genes", type=click.Path(), help="Gene models, for --bed.")
@resources_option
@click.option(
    "--padding",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="Bases added on each side of a gene's span in the BED.",
)
@output_option
def panel_cmd(panel, tiers, bed, genes, resources, padding, output, merge=False):
    """Show the gene panel as a table, or its regions as BED.

    Examples:

      mmpsi-variants panel

      mmpsi-variants panel --bed --genes genes.gff3 -o panel.bed
    """
    from mmpsi_variants.panel.regions import (
        load_panel_models,
        panel_regions,
        write_bed,
        write_merged_bed,
    )
    from mmpsi_variants.report.tables import panel_table

    p = selected_panel(panel, tiers)
    if not bed:
        write_or_echo(panel_table(p), output)
        return
    genes = gene_models_from(genes, resources)
    if not genes:
        raise UsageError("--bed needs --genes (or --resources) to place the panel genes")
    buf = text_buffer()
    writer = write_merged_bed if merge else write_bed
    writer(panel_regions(p, load_panel_models(genes, p), padding), buf)
    write_or_echo(buf.getvalue(), output)


@cli.command("targets")
@click.option("--genes", type=click.Path(), help="Gene models.")
@resources_option
@panel_options
@click.option(
    "--splice-margin",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="Bases added on each side of each coding exon.",
)
@output_option
def targets_cmd(genes, resources, panel, tiers, splice_margin, output):
    """Write the coverage targets as BED: each panel gene's coding exons plus a splice margin.

    The exons are those of the gene's primary transcript (MANE Select when the gene models tag
    it), numbered 5' to 3'. A panel gene missing from the gene models stops with its name.

    Example:

      mmpsi-variants targets --genes genes.gff3 -o targets.bed
    """
    from mmpsi_variants.panel.regions import load_panel_models
    from mmpsi_variants.qc.coverage import panel_targets, targets_bed

    genes = gene_models_from(genes, resources)
    if not genes:
        raise UsageError("targets needs --genes or --resources")
    p = selected_panel(panel, tiers)
    write_or_echo(targets_bed(panel_targets(p, load_panel_models(genes, p), splice_margin)), output)


@cli.command("coverage")
@click.argument("alignments", type=click.Path())
@click.option("--sample", help="Sample name for the outputs (default: the file's read group SM).")
@click.option(
    "--targets",
    "targets_path",
    type=click.Path(),
    help="Targets BED from `mmpsi-variants targets` (or give --genes).",
)
@click.option("--genes", type=click.Path(), help="Gene models, to build targets.")
@panel_options
@click.option("--splice-margin", type=click.IntRange(min=0), default=10, show_default=True)
@click.option(
    "--min-depth",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="Depth a base needs; exons with any base below it are listed.",
)
@click.option(
    "--min-mapq",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="Reads with a lower mapping quality are not counted.",
)
@click.option("--reference", type=click.Path(), help="Reference FASTA (for CRAM).")
@click.option(
    "-o",
    "--output-prefix",
    required=True,
    help="Writes PREFIX.tsv (one row per exon) and PREFIX.json.",
)
def coverage_cmd(alignments, sample, targets_path, genes, panel, tiers, splice_margin,
                 min_depth, min_mapq, reference, output_prefix):  # fmt: skip
    """Per-exon depth of the panel genes in a BAM/CRAM: mean depth, % of bases at --min-depth.

    Example:

      mmpsi-variants coverage S1.bam --genes genes.gff3 --min-depth 20 -o qc/S1.coverage
    """
    from mmpsi_variants.pipeline.coverage import CoverageOptions, run_coverage

    opts = CoverageOptions(alignments, output_prefix, sample, targets_path, genes, splice_margin,
                           min_depth, min_mapq, reference)  # fmt: skip
    # A targets BED needs no panel: a --panel given beside it is not even read.
    run_coverage(opts, None if targets_path else selected_panel(panel, tiers))


@cli.command("cnv")
@click.argument("bins_files", nargs=-1, required=True, type=click.Path())
@click.option("--samples", "samples_tsv", required=True, type=click.Path(),
              help="The run's samples.tsv (for each sample's sex).")  # fmt: skip
@click.option("--reference", type=click.Path(), help="Genome FASTA, for GC correction.")
@click.option("--outdir", required=True, type=click.Path(), help="Folder for the calls and plots.")
def cnv_cmd(bins_files, samples_tsv, reference, outdir):
    """Exon-level deletions and duplications of the panel genes from read depth (CNVkit).

    Each sample is compared with a reference pooled from the run's other samples (at least 3;
    chrX from those of the same sex). BINS_FILES are the <sample>.coverage.bins.tsv tables of
    `mmpsi-variants coverage`, one per sample, all over the same targets.

    Example: mmpsi-variants cnv results/qc/*.coverage.bins.tsv --samples config/samples.tsv
    --reference genome.fa --outdir results/cnv
    """
    from mmpsi_variants.pipeline.cnv import run_cnv

    run_cnv(list(bins_files), samples_tsv, reference, outdir)


@cli.command("coverage-mqc")
@click.argument("coverage_files", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(), help="The *_mqc.tsv to write.")
def coverage_mqc_cmd(coverage_files, output):
    """Every sample's panel coverage as one MultiQC custom-content table.

    Example: mmpsi-variants coverage-mqc results/qc/*.coverage.json -o panel_coverage_mqc.tsv
    """
    from mmpsi_variants.qc.multiqc import coverage_mqc

    text = coverage_mqc(coverage_files)
    out = Path(output)
    with AtomicOutputs(out.parent) as files:
        files.add(out.name, text)
        files.commit()


@cli.command("ped")
@click.argument("samples_tsv", type=click.Path())
@click.option("--family", help="Only this family (default: every sample).")
@click.option("--schema", type=click.Path(), help="JSON Schema for the sheet.")
@output_option
def ped_cmd(samples_tsv, family, schema, output):
    """Write a PED (family, sample, father, mother, sex, affected) from a samples.tsv.

    Example:

      mmpsi-variants ped config/samples.tsv --family EIMFS01 -o EIMFS01.ped
    """
    from mmpsi_variants.core.schemas import load_schema
    from mmpsi_variants.io.samplesheet import load_samples, ped_text

    samples = load_samples(samples_tsv, load_schema(schema) if schema else None)
    write_or_echo(ped_text(samples, family, path=samples_tsv), output)


@cli.command("cohort")
@click.argument("variants", nargs=-1, required=True, type=click.Path())
@click.option("--samples", "samples_tsv", required=True, type=click.Path(), help="samples.tsv")
@click.option("--schema", type=click.Path(), help="JSON Schema for samples.tsv.")
@click.option(
    "--coverage",
    "coverage_files",
    multiple=True,
    type=click.Path(),
    help="A <sample>.coverage.json (repeatable).",
)
@click.option(
    "--targets",
    "targets_path",
    type=click.Path(),
    help="Targets BED, to rank variants in coding exons first.",
)
@panel_options
@click.option("-o", "--outdir", required=True, type=click.Path(), help="Cohort outputs.")
@click.option(
    "--reports-dir",
    type=click.Path(),
    help="Also write DIR/<sample>/<sample>.summary.json for each sample.",
)
def cohort_cmd(variants, samples_tsv, schema, coverage_files, targets_path, panel, tiers, outdir,
               reports_dir):  # fmt: skip
    """Summarise a cohort: one row per sample with phenotype, coverage and top candidate.

    VARIANTS are the <sample>.variants.json files of `mmpsi-variants filter`. Writes
    DIR/cohort.tsv, DIR/cohort.json, DIR/candidates.tsv, and DIR/summary.html and .tsv (yield,
    genes, every affected sample's candidates, the seed's tables when outcomes are given).
    Candidates follow the filter's ACMG ranking, which every output states.

    Example:

      mmpsi-variants cohort reports/*/*.variants.json --samples samples.tsv -o cohort/
    """
    from mmpsi_variants.core.schemas import load_schema
    from mmpsi_variants.io.samplesheet import load_samples
    from mmpsi_variants.qc.coverage import read_targets_bed
    from mmpsi_variants.report.cohort import summarise
    from mmpsi_variants.report.cohort_summary import summary_html, summary_tsv, tables

    samples = load_samples(samples_tsv, load_schema(schema) if schema else None)
    targets = read_targets_bed(targets_path) if targets_path else None
    result = summarise(
        samples, list(variants), list(coverage_files), selected_panel(panel, tiers), targets
    )
    with AtomicOutputs(outdir) as out:
        out.add("cohort.tsv", result.summary_tsv)
        out.add("candidates.tsv", result.candidates_tsv)
        out.add_json("cohort.json", result.cohort)
        t = tables(result.cohort, selected_panel(panel, tiers).disease_notes)
        out.add("summary.tsv", summary_tsv(t))
        out.add("summary.html", summary_html(t, result.cohort))
        if reports_dir:
            with AtomicOutputs(reports_dir) as per:
                for sid, doc in result.per_sample.items():
                    per.add_json(f"{sid}/{sid}.summary.json", doc)
                per.commit()
        out.commit()
    log.info("%d sample(s) summarised in %s", len(result.per_sample), outdir)
