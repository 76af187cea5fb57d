"""The ``resources`` commands: fetch the panel's share of the annotation resources, and show
what a resources folder holds."""

from __future__ import annotations

import shlex
import sys

import click

from mmpsi_variants.cli.base import cli, log, panel_options, text_buffer, write_or_echo


@cli.group("resources")
def resources_group() -> None:
    """Gene models, ClinVar, gnomAD and score tables for the panel, with a manifest.

    Example:

      mmpsi-variants resources fetch --build GRCh38 --dest resources/GRCh38
    """


@resources_group.command("fetch")
@click.option(
    "--build",
    required=True,
    metavar="GRCh38|GRCh37",
    help="Genome build: a section of the sources file (GRCh38 or GRCh37 in the bundled one).",
)
@click.option("--dest", required=True, type=click.Path(), help="Folder to write into.")
@click.option(
    "--sources",
    type=click.Path(),
    help="Sources YAML replacing the bundled data/sources.yaml (same format): a local mirror, "
    "other releases, score tables.",
)
@panel_options
@click.option(
    "--all-genes",
    is_flag=True,
    help="Keep the gene models and ClinVar whole (research mode); gnomAD stays panel-only.",
)
@click.option(
    "--padding",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="Bases kept on each side of a panel gene's span in ClinVar, gnomAD and scores.",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0),
    default=4,
    show_default=True,
    help="Attempts after a cut connection or a server error, waiting 1, 2, 4 ... s between.",
)
def fetch_cmd(build, dest, sources, panel, tiers, all_genes, padding, retries):
    """Download, verify and cut the resources to the panel; write DEST/manifest.json.

    Gene models and ClinVar are downloaded (resumed after a cut, checked against the published
    checksum); gnomAD is read for the panel regions only, through its index over HTTPS. A rerun
    after a failure does only the missing work. Needs the network (or --sources pointing at a
    mirror).

    Example:

      mmpsi-variants resources fetch --build GRCh38 --dest resources/GRCh38
    """
    from mmpsi_variants.cli.base import DEFAULT_TIERS
    from mmpsi_variants.io.download import Fetcher
    from mmpsi_variants.pipeline.fetch import FetchOptions, fetch_resources

    command = shlex.join(["mmpsi-variants", *sys.argv[1:]])
    manifest = fetch_resources(
        FetchOptions(
            build=build,
            dest=dest,
            sources=sources,
            panel=panel,
            tiers=tuple(tiers) or DEFAULT_TIERS,
            all_genes=all_genes,
            padding=padding,
            command=command,
        ),
        Fetcher(retries=retries),
    )
    log.info(f"resources and their manifest in {manifest.parent}")


@resources_group.command("show")
@click.argument("folder", type=click.Path())
@click.option("-o", "--output", type=click.Path(), help="Write to this file.")
def show_cmd(folder, output):
    """List a resources folder's files with their releases (the files are checked first).

    Example:

      mmpsi-variants resources show resources/GRCh38
    """
    from mmpsi_variants.core.text import printable
    from mmpsi_variants.io.manifest import Manifest

    manifest = Manifest.load(folder)
    buf = text_buffer()
    buf.write("role\tfile\trelease\tversion\tdate\tsource\n")
    for e in manifest.entries:
        s = e.summary()
        cells = [s["role"], s["file"], s["release"], s["version"], s["date"], s["source"]]
        buf.write("\t".join(printable(str(c)) if c else "." for c in cells) + "\n")
    write_or_echo(buf.getvalue(), output)
