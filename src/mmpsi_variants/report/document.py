"""The per-sample document of the filter: the JSON contract's top level, and the notice every
output carries.

The document says what went in (each input's path, size, checksum and version), with which
settings, what was read and dropped, the sample and family checks, and the ranked variants.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mmpsi_variants import __version__
from mmpsi_variants.core.record import Variant
from mmpsi_variants.panel.regions import PanelRegion
from mmpsi_variants.qc.sample_checks import SampleChecks
from mmpsi_variants.report.record import variant_json

# Every output says this.
DISCLAIMER = (
    "For research use only. Not validated for clinical diagnosis; confirm findings in an "
    "accredited laboratory before any clinical decision."
)


def panel_genes_json(regions: list[PanelRegion]) -> list[dict]:
    """The panel genes as placed on the user's gene models."""
    return [
        {
            "symbol": r.symbol,
            "hgnc_id": r.panel_gene.hgnc_id,
            "tier": r.panel_gene.tier,
            "model_gene_id": r.gene.id,
            "chrom": r.chrom,
            "start": r.gene.start,
            "end": r.gene.end,
        }
        for r in regions
    ]


def parentage_json(checks: SampleChecks | None, sample: str) -> dict | None:
    if checks is None:
        return None
    result = checks.parentage.get(sample)
    if result is None:
        return {"status": "no_parents_in_ped", "father": None, "mother": None, "pairs": []}
    return result.to_json()


def sample_document(
    sample: str,
    sex: str,
    variants: list[Variant],
    *,
    inputs: list[dict],
    settings: dict,
    panel_genes: list[dict] | None,
    counts: Mapping[str, int],
    warnings: list[str],
    checks: SampleChecks | None,
) -> dict[str, Any]:
    """``<sample>.variants.json``: the contract's top level with the sample's ranked variants."""
    return {
        "sample": sample,
        "sex": sex,
        "tool": "mmpsi-variants",
        "tool_version": __version__,
        "disclaimer": DISCLAIMER,
        "inputs": inputs,
        "settings": settings,
        "panel_genes": panel_genes,
        "summary": {
            "records_read": counts.get("records", 0),
            "records_failing_filter": counts.get("dropped_filter", 0),
            "variants": len(variants),
        },
        "warnings": warnings,
        "sex_check": checks.sex[sample].to_json() if checks else None,
        "parentage": parentage_json(checks, sample),
        "variants": [variant_json(v) for v in variants],
    }
