"""The per-sample document of the filter: the JSON contract's top level, and the notice every
output carries.

The document says what went in (each input's path, size, checksum and version), with which
settings, what was read and dropped, the sample and family checks, and the ranked variants.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from mmpsi_variants import __version__
from mmpsi_variants.core.record import Variant
from mmpsi_variants.io.bgzf import write_indexed_vcf
from mmpsi_variants.io.commit import AtomicOutputs
from mmpsi_variants.io.outputs import Items, json_chunks
from mmpsi_variants.panel.regions import PanelRegion
from mmpsi_variants.qc.sample_checks import SampleChecks
from mmpsi_variants.report.record import entry_text, variant_json
from mmpsi_variants.report.tables import TSV_HEADER, tsv_row
from mmpsi_variants.report.vcf import vcf_header, vcf_line

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
            "confidence": r.panel_gene.confidence,
            "model_gene_id": r.gene.id,
            "chrom": r.chrom,
            "start": r.gene.start,
            "end": r.gene.end,
        }
        for r in regions
    ]


def summary_json(counts: Mapping[str, int], variants: int, research: bool) -> dict[str, int]:
    """What was read and left out; research mode also counts the alleles its filter left out
    (each once, however many samples carry it)."""
    out = {
        "records_read": counts.get("records", 0),
        "records_failing_filter": counts.get("dropped_filter", 0),
        "variants": variants,
    }
    if research:
        out["alleles_left_out_as_common"] = counts.get("left_out_common", 0)
        out["alleles_left_out_by_consequence"] = counts.get("left_out_consequence", 0)
    return out


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
    n_variants: int,
    *,
    inputs: list[dict],
    settings: dict,
    panel_genes: list[dict] | None,
    counts: Mapping[str, int],
    warnings: list[str],
    checks: SampleChecks | None,
    research: bool = False,
    copy_number: dict[str, Any] | None = None,
    ranking_rule: str | None = None,
    phenotype: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``<sample>.variants.json`` without its variants: the contract's top level."""
    return {
        "sample": sample,
        "sex": sex,
        "tool": "mmpsi-variants",
        "tool_version": __version__,
        "disclaimer": DISCLAIMER,
        "inputs": inputs,
        "settings": settings,
        "panel_genes": panel_genes,
        "summary": summary_json(counts, n_variants, research),
        "warnings": warnings,
        "sex_check": checks.sex[sample].to_json() if checks else None,
        "parentage": parentage_json(checks, sample),
        "copy_number": copy_number,
        "phenotype": phenotype,
        "ranking_rule": ranking_rule,
    }


# The HTML report lists at most this many variants (best first): research mode's exome-wide
# lists stay in the JSON and TSV, and the page stays readable and small.
HTML_MAX_VARIANTS = 300


def write_sample(
    out: AtomicOutputs,
    stem: str,
    head: dict[str, Any],
    variants: Iterable[Variant],
    html: Callable[[dict[str, Any], list[dict[str, Any]]], str] | None = None,
    contigs: Sequence[tuple[str, int | None]] | None = None,
    mane: Mapping[str, Mapping[str, str]] | None = None,
) -> None:
    """``<stem>.variants.json`` and ``<stem>.variants.tsv`` in one pass over the variants, each
    turned into its contract entry, written, and let go: an exome's document is never held
    whole. ``html`` renders ``<stem>.report.html`` from the head and the best-ranked entries;
    with ``contigs`` (the input's, in order) ``<stem>.vcf.gz`` and its index are written too,
    from one line per variant kept for sorting."""
    sample = head["sample"]
    build = head["settings"].get("build")
    kept: list[dict[str, Any]] = []
    order = {name: i for i, (name, _) in enumerate(contigs or ())}
    lines: list[tuple[int, str, int, str]] = []
    with out.writer(f"{stem}.variants.json") as js, out.writer(f"{stem}.variants.tsv") as ts:
        ts.write(TSV_HEADER)

        def entries() -> Iterator[str]:
            for v in variants:
                entry = variant_json(v)
                ts.write(tsv_row(sample, entry, mane, build))
                if html is not None and len(kept) < HTML_MAX_VARIANTS:
                    kept.append(entry)
                if contigs is not None:
                    chrom = entry["chrom"]
                    lines.append((order.get(chrom, len(order)), chrom, entry["pos"],
                                  vcf_line(entry)))  # fmt: skip
                yield entry_text(entry)

        for chunk in json_chunks({**head, "variants": Items(entries(), encoded=True)}):
            js.write(chunk)
    if html is not None:
        with out.writer(f"{stem}.report.html") as page:
            page.write(html(head, kept))
    if contigs is not None:
        lines.sort(key=lambda x: x[:3])
        # Contigs the input's header did not declare are declared after its own.
        extra = sorted({c for _, c, _, _ in lines if c not in order})
        declared = [*contigs, *((c, None) for c in extra)]
        text = vcf_header(sample, declared, head["settings"].get("build", "unknown"))
        write_indexed_vcf(out, f"{stem}.vcf.gz", text, (line for *_, line in lines))
