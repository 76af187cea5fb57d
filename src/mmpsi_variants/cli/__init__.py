"""The ``mmpsi-variants`` command line.

A thin layer on top of the stages: each command parses its options, calls the library, and
turns a user's mistake (:class:`~mmpsi_variants.core.errors.MmpsiError`) into one line on
standard error and exit code 2. ``base`` holds the group and the shared options; ``variants``
the filter, annotate and classify commands; ``panel`` the panel, targets, coverage, ped and
cohort commands; ``phenotype`` the gene ranking by HPO terms; ``reads`` the reads page.
"""

from __future__ import annotations

from mmpsi_variants.cli import panel, phenotype, reads, resources, variants
from mmpsi_variants.cli.base import cli

__all__ = ["cli", "main", "panel", "phenotype", "reads", "resources", "variants"]


def main() -> None:
    cli(prog_name="mmpsi-variants")
