"""The command group, its error handling, and the options several commands share."""

from __future__ import annotations

import errno
import io
import logging
from pathlib import Path

import click

from mmpsi_variants import __version__
from mmpsi_variants.core.errors import MmpsiError, UsageError
from mmpsi_variants.core.stops import Stopped, stoppable
from mmpsi_variants.core.text import printable
from mmpsi_variants.io.commit import AtomicOutputs
from mmpsi_variants.io.htslib import write_stderr
from mmpsi_variants.panel.knowledge import Panel, load_panel

EXIT_USER_ERROR = 2


def say(kind: str, message: str) -> None:
    """One line on standard error, its control characters escaped (a sample name or path
    from a user's file must not drive the terminal)."""
    write_stderr(f"mmpsi-variants: {kind}: {printable(message)}\n")


# What the machine or the user's files can do to a run, as opposed to our bugs: one line each.
_ENVIRONMENT = {
    errno.ENOENT: "no such file or folder",
    errno.EISDIR: "is a folder; expected a file",
    errno.ENOTDIR: "a part of this path is a file, not a folder",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted (an immutable or protected file or folder?)",
    errno.EROFS: "read-only file system",
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EEXIST: "already exists",
}


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            with stoppable():
                return super().invoke(ctx)
        except Stopped as exc:
            say("stopped", f"by {exc.name}; unfinished outputs and temporary files removed")
            ctx.exit(128 + exc.signum)
        except MmpsiError as exc:
            say("error", str(exc))
            ctx.exit(EXIT_USER_ERROR)
        except OSError as exc:
            if exc.errno not in _ENVIRONMENT:
                raise
            where = exc.filename or ""
            say(
                "error", f"{where}: {_ENVIRONMENT[exc.errno]}" if where else _ENVIRONMENT[exc.errno]
            )
            ctx.exit(EXIT_USER_ERROR)


class _ClickHandler(logging.Handler):
    """Log lines as 'mmpsi-variants: warning: ...' on whatever stderr is current."""

    def emit(self, record):
        say(record.levelname.lower(), record.getMessage())


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
        type=click.Path(),
        help="Panel YAML (default: the bundled MMPSI/EIMFS panel).",
    )(command)


def resource_options(command):
    """--gnomad, --clinvar and --scores, shared by filter and annotate."""
    options = [
        click.option(
            "--gnomad",
            type=click.Path(),
            help="gnomAD sites VCF (v2, v3 or v4 field names), tabix-indexed.",
        ),
        click.option("--clinvar", type=click.Path(), help="ClinVar VCF, tabix-indexed."),
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


def resources_option(command):
    """--resources DIR: the gene models of a `resources fetch` folder, unless --genes."""
    return click.option(
        "--resources",
        type=click.Path(),
        metavar="DIR",
        help="A folder of `mmpsi-variants resources fetch`: its gene models, unless --genes.",
    )(command)


def gene_models_from(genes: str | None, resources: str | None) -> str | None:
    """--genes, else the gene models of the --resources folder's manifest."""
    if genes or not resources:
        return genes
    from mmpsi_variants.io.manifest import Manifest

    manifest = Manifest.load(resources)
    entry = manifest.get("gene_models")
    if entry is None:
        raise UsageError("the manifest lists no gene models", path=str(manifest.path))
    return str(entry.path)


DEFAULT_TIERS = ("core", "extended")
log = logging.getLogger("mmpsi_variants")


def output_option(command):
    """-o/--output: a file to write, else standard output (see :func:`write_or_echo`)."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(),
        help="Write to this file instead of standard output.",
    )(command)


def write_or_echo(text: str, output: str | None) -> None:
    """Write ``text`` to ``output`` whole (never half-written), or echo it."""
    if not output:
        click.echo(text, nl=False)
        return
    path = Path(output)
    with AtomicOutputs(path.parent) as out:
        out.add(path.name, text)
        out.commit()


def selected_panel(panel: str | None, tiers: tuple[str, ...]) -> Panel:
    """The panel file (the bundled one by default) restricted to the tiers asked for."""
    return load_panel(panel).select_tiers(tuple(tiers) or DEFAULT_TIERS)


def text_buffer() -> io.StringIO:
    return io.StringIO()
