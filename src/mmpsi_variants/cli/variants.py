"""The commands on variants: ``filter``, ``annotate`` and the ``classify`` calculator."""

from __future__ import annotations

import click

from mmpsi_variants import __version__
from mmpsi_variants.cli.base import DEFAULT_TIERS, cli, log, panel_options, resource_options
from mmpsi_variants.core.errors import UsageError


@cli.command("filter")
@click.argument("vcf", type=click.Path())
@click.option(
    "--genes",
    "genes",
    type=click.Path(),
    help="Gene models (GFF3 or GTF; Ensembl, GENCODE or RefSeq/MANE style).",
)
@click.option(
    "--reference",
    type=click.Path(),
    help="Reference FASTA, to left-align indels and check REF alleles.",
)
@panel_options
@click.option(
    "--no-panel",
    is_flag=True,
    help="Research mode: every gene, not only the panel's (--genes becomes optional); by "
    "default only rare variants not harmless by consequence are reported.",
)
@click.option(
    "--keep-all",
    is_flag=True,
    help="With --no-panel: report every variant, common and harmless ones too.",
)
@click.option(
    "--reads-pages",
    is_flag=True,
    help="Link each candidate of the HTML report to <sample>.reads.html beside it (the page "
    "`mmpsi-variants reads` writes).",
)
@click.option(
    "--padding",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="Bases added on each side of a panel gene's span.",
)
@click.option(
    "--sample",
    "samples",
    multiple=True,
    help="Sample to report (repeatable; default: every sample in the VCF).",
)
@click.option("--ped", type=click.Path(), help="PED file (sex, parents, affection).")
@click.option(
    "--build",
    default="auto",
    show_default=True,
    help="Genome build for the pseudoautosomal regions: GRCh38, GRCh37, none, or auto "
    "(from the VCF header).",
)
@click.option(
    "--include-filtered",
    is_flag=True,
    help="Keep records whose FILTER is not PASS (they are marked).",
)
@click.option(
    "-o",
    "--outdir",
    default=".",
    show_default=True,
    type=click.Path(),
    help="Directory for <sample>.variants.json and <sample>.variants.tsv.",
)
@resource_options
@click.option(
    "--resources",
    type=click.Path(),
    metavar="DIR",
    help="A folder written by `mmpsi-variants resources fetch`: gene models, gnomAD, ClinVar and "
    "scores from its manifest (options given here win); the reports list its releases.",
)
@click.option(
    "--use-existing-annotation",
    is_flag=True,
    help="Use the VCF's own VEP CSQ, snpEff ANN or bcftools BCSQ instead of recomputing; "
    "then neither --reference nor --genes is needed (panel genes are found by the "
    "annotation's gene names, reading every record).",
)
@click.option(
    "--settings",
    "settings",
    type=click.Path(),
    help="YAML merged over the package defaults (thresholds for de novo, mosaicism, "
    "parentage, ...).",
)
@click.option(
    "--curation",
    type=click.Path(),
    help="Curator evidence TSV (chrom, pos, ref, alt, code, strength, comment), merged into the "
    "ACMG criteria and marked curator-supplied.",
)
@click.option(
    "--phenotype",
    "phenotypes",
    multiple=True,
    metavar="[SAMPLE=]TEXT",
    help="The patient's phenotype (e.g. EIMFS) for PP4: SAMPLE=TEXT for one sample, or TEXT "
    "for every affected sample. Repeatable.",
)
@click.option(
    "--hpo",
    "hpo",
    multiple=True,
    metavar="[SAMPLE=]TERMS",
    help="The patient's HPO terms (HP:0001250; -HP:... for one they do not have; several "
    "separated by ';'): SAMPLE=TERMS for one sample, TERMS for every sample not unaffected. "
    "Ranks the genes for each variant, PP4 reads them, research mode orders by them. "
    "Repeatable.",
)
@click.option(
    "--phenopacket",
    "phenopackets",
    multiple=True,
    metavar="[SAMPLE=]FILE",
    help="A GA4GH Phenopacket (v2 JSON) of a sample: its features, excluded ones and onset. "
    "Without SAMPLE= its subject ID names the sample. Repeatable.",
)
@click.option(
    "--onset",
    "onsets",
    multiple=True,
    metavar="SAMPLE=DAYS",
    help="Age at seizure onset in days (0 = at birth), for the notes that depend on it (SCN2A: "
    "sodium-channel blockers help with onset before 3 months). Repeatable.",
)
@click.option(
    "--coverage",
    "coverage",
    multiple=True,
    metavar="[SAMPLE=]JSON",
    help="The sample's panel coverage (the JSON of `mmpsi-variants coverage`), for the HTML "
    "report's coverage section. Repeatable.",
)
@click.option(
    "--cnv",
    "cnv",
    multiple=True,
    metavar="[SAMPLE=]TSV",
    help="A sample's copy-number table (the <sample>.cnv.tsv of `mmpsi-variants cnv`); its "
    "calls in the panel genes become candidates, and the parents' tables give their origin. "
    "Repeatable: pass the sample's and its parents' tables.",
)
def filter_cmd(
    tiers, samples, scores, phenotypes, hpo, phenopackets, onsets, coverage, cnv, **options
):
    """Keep the variants in the panel genes, per sample, from any VCF or BCF.

    Writes DIR/<sample>.variants.json (the documented contract) and DIR/<sample>.variants.tsv.

    Example:

      mmpsi-variants filter family.vcf.gz --genes genes.gff3 --reference ref.fa \
          --ped family.ped -o out/
    """
    from mmpsi_variants.annotation.sources.lookup import parse_score_options
    from mmpsi_variants.pipeline.filter import FilterOptions, run_filter

    result = run_filter(
        FilterOptions(
            tiers=tuple(tiers) or DEFAULT_TIERS,
            samples=tuple(samples),
            scores=parse_score_options(scores),
            phenotypes=dict(_phenotype_option(p) for p in phenotypes),
            onsets=dict(_onset_option(o) for o in onsets),
            coverage=dict(_phenotype_option(c) for c in coverage),
            cnv=tuple(cnv),
            hpo=tuple(hpo),
            phenopackets=tuple(phenopackets),
            **options,
        )
    )
    log.info(
        "%d sample(s), %d variant call(s) kept from %d record(s) read; results in %s",
        len(result.samples),
        result.counts.get("calls_kept", 0),
        result.counts.get("records", 0),
        options["outdir"],
    )
    if result.research is not None:
        log.info(
            "research filter: %d allele(s) left out as common (gnomAD above %g), %d as harmless "
            "by consequence alone; --keep-all reports every variant",
            result.counts.get("left_out_common", 0),
            result.research.max_population_af,
            result.counts.get("left_out_consequence", 0),
        )


def _onset_option(value: str) -> tuple[str, int]:
    sample, sep, days = value.partition("=")
    if not sep or not sample or not days.strip().isdigit():
        raise UsageError(
            f"--onset {value}: expected SAMPLE=DAYS, the age at seizure onset in whole days "
            "(for example --onset EIMFS01=21)"
        )
    return sample, int(days)


def _phenotype_option(value: str) -> tuple[str, str]:
    sample, sep, text = value.partition("=")
    return (sample, text) if sep else ("*", value)


@cli.command("annotate")
@click.argument("vcf", type=click.Path())
@click.option(
    "--genes",
    required=True,
    type=click.Path(),
    help="Gene models (GFF3 or GTF; Ensembl, GENCODE or RefSeq/MANE style).",
)
@click.option(
    "--reference",
    required=True,
    type=click.Path(),
    help="Reference FASTA the VCF was called against.",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(),
    help="Output VCF; bgzipped and indexed when it ends in .gz.",
)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes; contigs are annotated in parallel.",
)
@resource_options
def annotate_cmd(vcf, genes, reference, output, threads, gnomad, clinvar, scores):
    """Annotate every record with consequences and HGVS, as INFO/MMPSI_CSQ.

    One entry per transcript and allele, in VEP's CSQ layout (the header's Format: line names
    the fields), readable with `bcftools +split-vep -a MMPSI_CSQ`.

    Example:

      mmpsi-variants annotate calls.vcf.gz --genes genes.gff3 --reference ref.fa -o out.vcf.gz
    """
    from mmpsi_variants.annotation.sources.lookup import parse_score_options
    from mmpsi_variants.pipeline.annotate import annotate_vcf

    result = annotate_vcf(vcf, genes, reference, output, __version__, threads, gnomad, clinvar,
                          parse_score_options(scores), log.warning)  # fmt: skip
    if result.ref_mismatches:
        log.warning(
            "%d record(s) in or near a transcript have a REF that does not match the "
            "reference; they are written without annotation",
            result.ref_mismatches,
        )
    log.info(
        "%d of %d record(s) annotated; written to %s",
        result.annotated,
        result.records,
        result.output,
    )


@cli.command("classify")
@click.argument("codes", nargs=-1, required=True)
@click.option(
    "--system",
    type=click.Choice(["points", "richards2015"]),
    default="points",
    show_default=True,
    help="Combining rules: the Tavtigian 2020 points, or Richards 2015 Table 5.",
)
def classify_cmd(codes, system):
    """An ACMG/AMP calculator: the class of a set of criteria.

    Strengths other than the default are written as suffixes (PM2_Supporting, PVS1_Strong,
    PP3_Moderate). Prints the class, the points and the system; when the other system gives
    another class, a second line says so.

    Example:

      mmpsi-variants classify PVS1 PM2_Supporting PS2_Moderate
    """
    from mmpsi_variants.acmg.combining import classify

    result = classify(codes, system)
    click.echo(f"{result.classification}\t{result.points} points\t{result.system}")
    other = classify(codes, "richards2015" if system == "points" else "points")
    if other.classification != result.classification:
        why = "" if other.system == "points" else f"; {other.reason}"
        click.echo(f"{other.system}: {other.classification} ({other.points} points{why})")
