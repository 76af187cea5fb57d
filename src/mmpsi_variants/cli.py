"""The ``mmpsi-variants`` command line.

A thin layer: each command parses options, calls the library, and turns a user's mistake
(:class:`MmpsiError`) into one line on standard error and exit code 2.
"""

from __future__ import annotations

import logging
import sys

import click

from . import __version__
from .errors import MmpsiError

EXIT_USER_ERROR = 2


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except MmpsiError as exc:
            click.echo(f"mmpsi-variants: error: {exc}", err=True)
            ctx.exit(EXIT_USER_ERROR)


class _Formatter(logging.Formatter):
    def format(self, record):
        return f"mmpsi-variants: {record.levelname.lower()}: {record.getMessage()}"


def _setup_logging(quiet: bool) -> None:
    logger = logging.getLogger("mmpsi_variants")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_Formatter())
        logger.addHandler(handler)
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
@click.option(
    "--panel",
    "panel",
    type=click.Path(dir_okay=False),
    help="Panel YAML (default: the bundled MMPSI/EIMFS panel).",
)
@click.option(
    "--no-panel",
    is_flag=True,
    help="Keep every variant (exome-wide research mode); --genes becomes optional.",
)
@click.option(
    "--tier",
    "tiers",
    multiple=True,
    type=click.Choice(["core", "extended"]),
    help="Panel tiers to use (repeatable; default: core and extended).",
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
@click.option(
    "--settings",
    "settings",
    type=click.Path(dir_okay=False),
    help="YAML merged over the package defaults (thresholds for de novo, mosaicism, "
    "parentage, ...).",
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
    settings,
):
    """Keep the variants in the panel genes, per sample, from any VCF or BCF.

    Writes DIR/<sample>.variants.json (the documented contract) and DIR/<sample>.variants.tsv.

    Example:

      mmpsi-variants filter family.vcf.gz --genes genes.gff3 --reference ref.fa \
          --ped family.ped -o out/
    """
    from .filtering import FilterOptions, run_filter

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
            settings=settings,
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


@cli.command("panel")
@click.option(
    "--panel",
    "panel",
    type=click.Path(dir_okay=False),
    help="Panel YAML (default: the bundled MMPSI/EIMFS panel).",
)
@click.option(
    "--tier",
    "tiers",
    multiple=True,
    type=click.Choice(["core", "extended"]),
    help="Panel tiers to show (repeatable; default: both).",
)
@click.option("--bed", is_flag=True, help="Write the panel regions as BED (needs --genes).")
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
def panel_cmd(panel, tiers, bed, genes, padding, output):
    """Show the gene panel as a table, or its regions as BED.

    Examples:

      mmpsi-variants panel

      mmpsi-variants panel --bed --genes genes.gff3 -o panel.bed
    """
    from .errors import InputFileError
    from .outputs import AtomicOutputs
    from .panel import load_panel
    from .regions import load_panel_models, panel_regions, write_bed

    p = load_panel(panel).select_tiers(tuple(tiers) or ("core", "extended"))
    if bed:
        if not genes:
            raise InputFileError("--bed needs --genes to place the panel genes", path=p.path)
        import io

        buf = io.StringIO()
        write_bed(panel_regions(p, load_panel_models(genes, p), padding), buf)
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


def main() -> None:
    cli(prog_name="mmpsi-variants")
