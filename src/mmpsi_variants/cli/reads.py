"""The reads command: the offline igv.js page of the reads behind a sample's candidates."""

from __future__ import annotations

import logging

import click

from mmpsi_variants.cli.base import cli

log = logging.getLogger("mmpsi_variants")


@cli.command("reads")
@click.argument("variants_json", type=click.Path())
@click.option("--bam", "bams", multiple=True, metavar="NAME=PATH",
              help="A BAM to show, indexed, under NAME: the sample's first, then its "
              "relatives'. Repeatable.")  # fmt: skip
@click.option("--vcf", type=click.Path(), help="The family's VCF (bgzipped, indexed).")
@click.option("--reference", required=True, type=click.Path(), help="Reference FASTA (.fai).")
@click.option("--genes", type=click.Path(), help="Gene models (GFF3/GTF): the transcripts.")
@click.option(
    "--report",
    metavar="FILE",
    help="The sample's report page, linked from each locus (a relative link).",
)
@click.option(
    "--igv-js",
    type=click.Path(),
    metavar="FILE",
    help="igv.min.js to inline (default: the copy make setup installed).",
)
@click.option("-o", "--output", required=True, type=click.Path(), help="The page to write.")
def reads_cmd(variants_json, bams, vcf, reference, genes, report, igv_js, output):
    """Write a self-contained page of the reads at each candidate of a sample's report.

    Each locus carries slices of the BAMs, the VCF and the transcripts, drawn by igv.js inlined
    into the page, so it opens offline. The candidates are the report's (P, LP and VUS).

    Example: mmpsi-variants reads out/KID.variants.json --bam KID=kid.bam --bam FATHER=dad.bam
    --vcf family.vcf.gz --reference ref.fa --genes genes.gff3 --report KID.report.html
    -o out/KID.reads.html
    """
    from mmpsi_variants.pipeline.reads import write_reads_page

    shown = write_reads_page(variants_json, list(bams), vcf, reference, genes, output, report,
                             igv_js)  # fmt: skip
    log.info("%d candidate locus/loci in %s", shown, output)
