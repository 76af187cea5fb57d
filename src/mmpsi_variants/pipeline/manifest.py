"""The filter's options filled from a resources folder's manifest (``filter --resources``)."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from mmpsi_variants.annotation.sources.lookup import SCORE_KINDS
from mmpsi_variants.core.contigs import get_build
from mmpsi_variants.core.errors import UsageError
from mmpsi_variants.io.manifest import Manifest

# The filter's options (pipeline.inputs.FilterOptions, which imports this module).
Options = TypeVar("Options", bound=Any)


def with_manifest(opts: Options, manifest: Manifest) -> Options:
    """The options with the manifest's files where the user gave none (explicit options win)."""
    if opts.no_panel and not manifest.all_genes:
        raise UsageError(
            "research mode (--no-panel) needs every gene, and these resources were cut to the "
            "panel; fetch them with --all-genes",
            path=str(manifest.path),
        )
    build = opts.build
    if manifest.build in ("GRCh38", "GRCh37"):
        if build == "auto":
            build = manifest.build
        elif get_build(build).name != manifest.build:
            raise UsageError(f"--build {build}, but the resources are for {manifest.build}",
                             path=str(manifest.path))  # fmt: skip

    def path(role: str) -> str | None:
        entry = manifest.get(role)
        return str(entry.path) if entry else None

    gnomad = opts.gnomad or path("gnomad")
    coverage = opts.gnomad_coverage
    entry = manifest.get("gnomad")
    if coverage is None and not opts.gnomad and entry and entry.data.get("covered_regions"):
        coverage = str(manifest.path.parent / entry.data["covered_regions"])
    scores = {e.role: str(e.path) for e in manifest.entries if e.role in SCORE_KINDS}
    return dataclasses.replace(
        opts,
        genes=opts.genes or path("gene_models"),
        gnomad=gnomad,
        gnomad_coverage=coverage,
        clinvar=opts.clinvar or path("clinvar"),
        scores={**scores, **opts.scores},
        build=build,
    )
