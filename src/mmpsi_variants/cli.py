"""The ``mmpsi-variants`` command line.

A thin layer: each command parses options, calls the library, and turns a user's mistake
(:class:`MmpsiError`) into one line on standard error and exit code 2.
"""

from __future__ import annotations

import logging

import click

from mmpsi_variants import __version__
from mmpsi_variants.core.errors import MmpsiError

EXIT_USER_ERROR = 2


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except MmpsiError as exc:
            click.echo(f"mmpsi-variants: error: {exc}", err=True)
            ctx.exit(EXIT_USER_ERROR)


class _ClickHandler(logging.Handler):
    """Log lines as 'mmpsi-variants: warning: ...' on whatever stderr is current."""

    def emit(self, record):
        click.echo(f"mmpsi-variants: {record.levelname.lower()}: {record.getMessage()}", err=True)


def _setup_logging(quiet: bool) -> None:
    logger = logging.getLogger("mmpsi_variants")
    if not any(isinstance(h, _ClickHandler) for h in logger.handlers):
        logger.addHandler(_ClickHandler())
    logger.setLevel(logging.ERROR if quiet else logging.INFO)
    logger.propagate = False


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mmpsi-variants")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
def cli(quiet: bool) -> None:
    """Find and explain the genetic cause of EIMFS (MMPSI) in sequencing data.

    For research use only.
    """
    _setup_logging(quiet)


def panel_options(command):
    """--panel and --tier, shared by the commands that work on the panel's genes."""
    command = click.option(
        "--tier",
        "tiers",
        multiple=True,
        type=click.Choice(["core", "extended"]),
        help="Panel tiers to use (repeatable; default: core and extended).",
    )(command)
    return click.option(
        "--panel",
        "panel",
        type=click.Path(dir_okay=False),
        help="Panel YAML (default: the bundled MMPSI/EIMFS panel).",
    )(command)


def resource_options(command):
    """--gnomad, --clinvar and --scores, shared by filter and annotate."""
    options = [
        click.option(
            "--gnomad",
            type=click.Path(dir_okay=False),
            help="gnomAD sites VCF (v2, v3 or v4 field names), tabix-indexed.",
        ),
        click.option(
            "--clinvar", type=click.Path(dir_okay=False), help="ClinVar VCF, tabix-indexed."
        ),
        click.option(
            "--scores",
            "scores",
            multiple=True,
            metavar="[NAME=]PATH",
            help="In-silico scores: revel= or cadd= (tabix TSV), spliceai= (VCF); a bare path is "
            "REVEL. Repeatable.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@cli.command("filter")
@click.argument("vcf", type=click.Path(dir_okay=False))
@click.option(
    "--genes",
    "genes",
    type=click.Path(dir_okay=False),
    help="Gene models (GFF3 or GTF; Ensembl, GENCODE or RefSeq/MANE style).",
)
@click.option(
    "--reference",
    type=click.Path(dir_okay=False),
    help="Reference FASTA, to left-align indels and check REF alleles.",
)
@panel_options
@click.option(
    "--no-panel",
    is_flag=True,
    help="Keep every variant (exome-wide research mode); --genes becomes optional.",
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
@click.option("--ped", type=click.Path(dir_okay=False), help="PED file (sex, parents, affection).")
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
    type=click.Path(file_okay=False),
    help="Directory for <sample>.variants.json and <sample>.variants.tsv.",
)
@resource_options
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
    type=click.Path(dir_okay=False),
    help="YAML merged over the package defaults (thresholds for de novo, mosaicism, "
    "parentage, ...).",
)
@click.option(
    "--curation",
    type=click.Path(dir_okay=False),
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
def filter_cmd(
    vcf,
    genes,
    reference,
    panel,
    no_panel,
    tiers,
    padding,
    samples,
    ped,
    build,
    include_filtered,
    outdir,
    gnomad,
    clinvar,
    scores,
    use_existing_annotation,
    settings,
    curation,
    phenotypes,
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
            vcf=vcf,
            genes=genes,
            reference=reference,
            panel=panel,
            no_panel=no_panel,
            tiers=tuple(tiers) or ("core", "extended"),
            padding=padding,
            samples=tuple(samples),
            ped=ped,
            build=build,
            include_filtered=include_filtered,
            outdir=outdir,
            gnomad=gnomad,
            clinvar=clinvar,
            scores=parse_score_options(scores),
            use_existing_annotation=use_existing_annotation,
            settings=settings,
            curation=curation,
            phenotypes=dict(_phenotype_option(p) for p in phenotypes),
        )
    )
    log = logging.getLogger("mmpsi_variants")
    log.info(
        "%d sample(s), %d variant call(s) kept from %d record(s) read; results in %s",
        len(result.samples),
        result.counts.get("calls_kept", 0),
        result.counts.get("records", 0),
        outdir,
    )


def _phenotype_option(value: str) -> tuple[str, str]:
    sample, sep, text = value.partition("=")
    return (sample, text) if sep else ("*", value)


@cli.command("annotate")
@click.argument("vcf", type=click.Path(dir_okay=False))
@click.option(
    "--genes",
    required=True,
    type=click.Path(dir_okay=False),
    help="Gene models (GFF3 or GTF; Ensembl, GENCODE or RefSeq/MANE style).",
)
@click.option(
    "--reference",
    required=True,
    type=click.Path(dir_okay=False),
    help="Reference FASTA the VCF was called against.",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
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

    log = logging.getLogger("mmpsi_variants")
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


@cli.command("panel")
@panel_options
@click.option("--bed", is_flag=True, help="Write the panel regions as BED (needs --genes).")
@click.option(
    "--merge",
    is_flag=True,
    help="With --bed: merge overlapping regions (for bcftools mpileup -R and the like).",
)
@click.option("--genes", type=click.Path(dir_okay=False), help="Gene models, for --bed.")
@click.option(
    "--padding",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="Bases added on each side of a gene's span in the BED.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write to this file instead of standard output.",
)
def panel_cmd(panel, tiers, bed, genes, padding, output, merge=False):
    """Show the gene panel as a table, or its regions as BED.

    Examples:

      mmpsi-variants panel

      mmpsi-variants panel --bed --genes genes.gff3 -o panel.bed
    """
    from mmpsi_variants.core.errors import InputFileError
    from mmpsi_variants.io.outputs import AtomicOutputs
    from mmpsi_variants.panel.knowledge import load_panel
    from mmpsi_variants.panel.regions import (
        load_panel_models,
        panel_regions,
        write_bed,
        write_merged_bed,
    )

    p = load_panel(panel).select_tiers(tuple(tiers) or ("core", "extended"))
    if bed:
        if not genes:
            raise InputFileError("--bed needs --genes to place the panel genes", path=p.path)
        import io

        buf = io.StringIO()
        writer = write_merged_bed if merge else write_bed
        writer(panel_regions(p, load_panel_models(genes, p), padding), buf)
        text = buf.getvalue()
    else:
        text = panel_table(p)
    if output:
        from pathlib import Path

        with AtomicOutputs(Path(output).parent or ".") as out:
            out.add(Path(output).name, text)
            out.commit()
    else:
        click.echo(text, nl=False)


def panel_table(p) -> str:
    """The panel as a TSV table, one gene per row."""
    cols = [
        "symbol",
        "hgnc_id",
        "tier",
        "inheritance",
        "mechanism",
        "lof_for_phenotype",
        "mane_select",
        "prognosis",
        "eimfs_evidence",
        "treatment_notes",
    ]
    rows = ["\t".join(cols)]
    for g in p.genes:
        mane = g.mane_select or {}
        rows.append(
            "\t".join(
                [
                    g.symbol,
                    g.hgnc_id,
                    g.tier,
                    ",".join(g.inheritance.value) + f" [{g.inheritance.verification}]",
                    f"{g.mechanism.value} [{g.mechanism.verification}]",
                    str(g.lof_accepted_for_phenotype).lower(),
                    "/".join(x for x in (mane.get("refseq"), mane.get("ensembl")) if x) or "-",
                    f"{g.prognosis.value} [{g.prognosis.verification}]" if g.prognosis else "-",
                    f"{g.eimfs_evidence.value} [{g.eimfs_evidence.verification}]",
                    "; ".join(
                        f"{n.direction} {n.therapy} [{n.verification}]" for n in g.treatment_notes
                    )
                    or "-",
                ]
            )
        )
    return "\n".join(rows) + "\n"


@cli.command("targets")
@click.option("--genes", required=True, type=click.Path(dir_okay=False), help="Gene models.")
@panel_options
@click.option(
    "--splice-margin",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="Bases added on each side of each coding exon.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write to this file instead of standard output.",
)
def targets_cmd(genes, panel, tiers, splice_margin, output):
    """Write the coverage targets as BED: each panel gene's coding exons plus a splice margin.

    The exons are those of the gene's primary transcript (MANE Select when the gene models tag
    it), numbered 5' to 3'. A panel gene missing from the gene models stops with its name.

    Example:

      mmpsi-variants targets --genes genes.gff3 -o targets.bed
    """
    from pathlib import Path

    from mmpsi_variants.io.outputs import AtomicOutputs
    from mmpsi_variants.panel.knowledge import load_panel
    from mmpsi_variants.panel.regions import load_panel_models
    from mmpsi_variants.qc.coverage import panel_targets, targets_bed

    p = load_panel(panel).select_tiers(tuple(tiers) or ("core", "extended"))
    text = targets_bed(panel_targets(p, load_panel_models(genes, p), splice_margin))
    if output:
        with AtomicOutputs(Path(output).parent) as out:
            out.add(Path(output).name, text)
            out.commit()
    else:
        click.echo(text, nl=False)


@cli.command("coverage")
@click.argument("alignments", type=click.Path(dir_okay=False))
@click.option("--sample", help="Sample name for the outputs (default: the file's read group SM).")
@click.option(
    "--targets",
    "targets_path",
    type=click.Path(dir_okay=False),
    help="Targets BED from `mmpsi-variants targets` (or give --genes).",
)
@click.option("--genes", type=click.Path(dir_okay=False), help="Gene models, to build targets.")
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
@click.option("--reference", type=click.Path(dir_okay=False), help="Reference FASTA (for CRAM).")
@click.option(
    "-o",
    "--output-prefix",
    required=True,
    help="Writes PREFIX.tsv (one row per exon) and PREFIX.json.",
)
def coverage_cmd(
    alignments,
    sample,
    targets_path,
    genes,
    panel,
    tiers,
    splice_margin,
    min_depth,
    min_mapq,
    reference,
    output_prefix,
):
    """Per-exon depth of the panel genes in a BAM/CRAM: mean depth, % of bases at --min-depth.

    Example:

      mmpsi-variants coverage S1.bam --genes genes.gff3 --min-depth 20 -o qc/S1.coverage
    """
    from pathlib import Path

    from mmpsi_variants.core.errors import InputFileError
    from mmpsi_variants.io.outputs import AtomicOutputs
    from mmpsi_variants.io.provenance import describe_input
    from mmpsi_variants.panel.knowledge import load_panel
    from mmpsi_variants.panel.regions import load_panel_models
    from mmpsi_variants.qc.coverage import measure, panel_targets, read_targets_bed, report

    if bool(targets_path) == bool(genes):
        raise InputFileError("give either --targets or --genes", path=alignments)
    if targets_path:
        targets = read_targets_bed(targets_path)
    else:
        p = load_panel(panel).select_tiers(tuple(tiers) or ("core", "extended"))
        targets = panel_targets(p, load_panel_models(genes, p), splice_margin)
    if not sample:
        from mmpsi_variants.io.samplesheet import read_group_samples

        names = sorted(read_group_samples(alignments) - {""})
        sample = names[0] if len(names) == 1 else Path(alignments).name.split(".")[0]
    results, warnings = measure(
        alignments, targets, min_depth=min_depth, min_mapq=min_mapq, reference=reference
    )
    log = logging.getLogger("mmpsi_variants")
    for w in warnings:
        log.warning(w)
    settings = {
        "min_depth": min_depth,
        "min_mapq": min_mapq,
        "splice_margin": None if targets_path else splice_margin,
        "targets": "coding exons of each panel gene's primary transcript plus a splice margin",
    }
    inputs = [describe_input("alignments", alignments)]
    inputs.append(describe_input("targets", targets_path) if targets_path else None)
    tsv, doc = report(sample, results, settings, warnings, [i for i in inputs if i])
    prefix = Path(output_prefix)
    with AtomicOutputs(prefix.parent) as out:
        out.add(f"{prefix.name}.tsv", tsv)
        out.add_json(f"{prefix.name}.json", doc)
        out.commit()
    s = doc["summary"]
    log.info(
        "%s: %d exon(s), %d below %dx; mean depth %s",
        sample,
        s["exons"],
        s["exons_below"],
        min_depth,
        s["mean_depth"],
    )


@cli.command("ped")
@click.argument("samples_tsv", type=click.Path(dir_okay=False))
@click.option("--family", help="Only this family (default: every sample).")
@click.option("--schema", type=click.Path(dir_okay=False), help="JSON Schema for the sheet.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write to this file instead of standard output.",
)
def ped_cmd(samples_tsv, family, schema, output):
    """Write a PED (family, sample, father, mother, sex, affected) from a samples.tsv.

    Example:

      mmpsi-variants ped config/samples.tsv --family EIMFS01 -o EIMFS01.ped
    """
    from pathlib import Path

    from mmpsi_variants.core.schemas import load_schema
    from mmpsi_variants.io.outputs import AtomicOutputs
    from mmpsi_variants.io.samplesheet import load_samples, ped_text

    samples = load_samples(samples_tsv, load_schema(schema) if schema else None)
    text = ped_text(samples, family, path=samples_tsv)
    if output:
        with AtomicOutputs(Path(output).parent) as out:
            out.add(Path(output).name, text)
            out.commit()
    else:
        click.echo(text, nl=False)


@cli.command("cohort")
@click.argument("variants", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--samples", "samples_tsv", required=True, type=click.Path(dir_okay=False), help="samples.tsv"
)
@click.option("--schema", type=click.Path(dir_okay=False), help="JSON Schema for samples.tsv.")
@click.option(
    "--coverage",
    "coverage_files",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="A <sample>.coverage.json (repeatable).",
)
@click.option(
    "--targets",
    "targets_path",
    type=click.Path(dir_okay=False),
    help="Targets BED, to rank variants in coding exons first.",
)
@panel_options
@click.option(
    "-o", "--outdir", required=True, type=click.Path(file_okay=False), help="Cohort outputs."
)
@click.option(
    "--reports-dir",
    type=click.Path(file_okay=False),
    help="Also write DIR/<sample>/<sample>.summary.json for each sample.",
)
def cohort_cmd(
    variants, samples_tsv, schema, coverage_files, targets_path, panel, tiers, outdir, reports_dir
):
    """Summarise a cohort: one row per sample with phenotype, coverage and top candidate.

    VARIANTS are the <sample>.variants.json files of `mmpsi-variants filter`. Writes
    DIR/cohort.tsv, DIR/cohort.json and DIR/candidates.tsv. The top candidate follows an
    interim rule (inheritance fit, coding target, rarity in the cohort, gene evidence) that
    every output states; it is not an ACMG classification.

    Example:

      mmpsi-variants cohort reports/*/*.variants.json --samples samples.tsv -o cohort/
    """
    from mmpsi_variants.core.schemas import load_schema
    from mmpsi_variants.io.outputs import AtomicOutputs
    from mmpsi_variants.io.samplesheet import load_samples
    from mmpsi_variants.panel.knowledge import load_panel
    from mmpsi_variants.qc.coverage import read_targets_bed
    from mmpsi_variants.report.cohort import summarise

    samples = load_samples(samples_tsv, load_schema(schema) if schema else None)
    p = load_panel(panel).select_tiers(tuple(tiers) or ("core", "extended"))
    targets = read_targets_bed(targets_path) if targets_path else None
    result = summarise(samples, list(variants), list(coverage_files), p, targets)
    with AtomicOutputs(outdir) as out:
        out.add("cohort.tsv", result.summary_tsv)
        out.add("candidates.tsv", result.candidates_tsv)
        out.add_json("cohort.json", result.cohort)
        if reports_dir:
            with AtomicOutputs(reports_dir) as per:
                for sid, doc in result.per_sample.items():
                    per.add_json(f"{sid}/{sid}.summary.json", doc)
                per.commit()
        out.commit()
    logging.getLogger("mmpsi_variants").info(
        "%d sample(s) summarised in %s", len(result.per_sample), outdir
    )


def main() -> None:
    cli(prog_name="mmpsi-variants")
