"""The filter's options filled from a resources folder's manifest (``filter --resources``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any, TypeVar

from mmpsi_variants.annotation.sources.lookup import SCORE_KINDS
from mmpsi_variants.core.contigs import canonical, get_build
from mmpsi_variants.core.errors import UsageError
from mmpsi_variants.io.manifest import Manifest

# The filter's options (pipeline.inputs.FilterOptions, which imports this module).
Options = TypeVar("Options", bound=Any)
KNOWN_BUILDS = ("GRCh38", "GRCh37")  # the builds whose contigs and PARs we know


def with_manifest(opts: Options, manifest: Manifest) -> Options:
    """The options with the manifest's files where the user gave none (explicit options win)."""
    if opts.no_panel and not manifest.all_genes:
        raise UsageError(
            "research mode (--no-panel) needs every gene, and these resources were cut to the "
            "panel; fetch them with --all-genes",
            path=str(manifest.path),
        )
    if manifest.build in KNOWN_BUILDS and opts.build != "auto":
        check_build(get_build(opts.build).name, f"--build {opts.build}", manifest)

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
    )


def check_build(build: str, said: str, manifest: Manifest) -> None:
    """The run's build must be the resources' (a GRCh37 VCF against GRCh38 resources would
    place every panel gene elsewhere)."""
    if manifest.build in KNOWN_BUILDS and build != manifest.build:
        raise UsageError(f"{said}, but the resources are for {manifest.build}",
                         path=str(manifest.path))  # fmt: skip


def check_regions(manifest: Manifest, regions: Iterable[Any]) -> None:
    """Every panel region the filter reads lies inside what the resources were cut to: outside,
    ClinVar would say "absent" where it was never read (a larger --padding, or wider gene
    models than the fetched ones)."""
    if manifest.all_genes:
        return
    for entry in manifest.entries:
        subset = entry.data.get("subset")
        if not isinstance(subset, dict) or "regions" not in subset:
            continue
        spans: dict[str, list[tuple[int, int]]] = {}
        for text in subset["regions"]:
            chrom, _, rest = str(text).rpartition(":")
            start, _, end = rest.partition("-")
            spans.setdefault(canonical(chrom), []).append((int(start), int(end)))
        for r in regions:
            inside = any(s <= r.start and r.end <= e for s, e in spans.get(canonical(r.chrom), []))
            if not inside:
                raise UsageError(
                    f"{r.symbol} ({r.chrom}:{r.start}-{r.end}) reaches beyond the regions the "
                    f"{entry.role} file was cut to; use the --padding and gene models of the "
                    "fetch, or fetch again with a larger --padding",
                    path=str(manifest.path),
                )
