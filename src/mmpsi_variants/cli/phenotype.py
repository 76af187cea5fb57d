"""The phenotype command: genes ranked by the patient's HPO terms."""

from __future__ import annotations

import click

from mmpsi_variants.cli.base import cli, write_or_echo


@cli.command("phenotype")
@click.option("--hpo", "hpo", multiple=True, metavar="[-]HP:NNNNNNN",
              help="An HPO term of the patient; -HP:... for one they do not have. "
              "Repeatable, or several separated by ';'.")  # fmt: skip
@click.option("--phenopacket", type=click.Path(), metavar="FILE",
              help="The patient's GA4GH Phenopacket (v2 JSON) instead of --hpo.")  # fmt: skip
@click.option("--top", type=click.IntRange(min=1), help="Only the best N genes.")
@click.option("--genes", "genes", multiple=True, metavar="SYMBOL",
              help="Only these genes, at their rank among all. Repeatable.")  # fmt: skip
@click.option("-o", "--output", type=click.Path(), help="Write the TSV here (default: stdout).")
def phenotype_cmd(hpo, phenopacket, top, genes, output):
    """Rank every gene with HPO annotations by how well they match the patient's terms.

    The HPO and its gene annotations ship with hpo3 (offline). The header names the method
    and the release.

    Example: mmpsi-variants phenotype --hpo HP:0200134 --hpo HP:0001250 --top 20
    """
    from mmpsi_variants.pipeline.phenotype import phenotype_table

    write_or_echo(phenotype_table(list(hpo), top, tuple(genes), phenopacket), output)
