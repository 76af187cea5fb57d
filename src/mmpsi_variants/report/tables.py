"""The per-sample TSV: one row per variant, for people and spreadsheets.

The columns are a flat view of the JSON contract (the JSON is the reference); lists are joined
with '&', and tabs or newlines that a VCF field may carry are replaced so that a row stays a
row. Also the panel as a table, one gene per row (``mmpsi-variants panel``).
"""

from __future__ import annotations

from typing import Any

from mmpsi_variants.core.text import has_control, printable
from mmpsi_variants.panel.knowledge import Panel
from mmpsi_variants.panel.notes import notes_summary

TSV_COLUMNS = [
    "rank",
    "sample",
    "chrom",
    "pos",
    "ref",
    "alt",
    "gene",
    "hgnc_id",
    "panel_confidence",
    "transcript",
    "consequence",
    "hgvs_c",
    "hgvs_p",
    "genotype",
    "zygosity",
    "depth",
    "allele_fraction",
    "genotype_quality",
    "filter",
    "gnomad_af",
    "clinvar",
    "inheritance",
    "inheritance_fit",
    "acmg_classification",
    "acmg_genotype_classification",
    "acmg_points",
    "acmg_classification_richards2015",
    "acmg_criteria",
    "flags_acmg",
    "treatment_notes",
    "original",
]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str) and not has_control(value):
        return value
    if isinstance(value, float):
        return f"{value:.4g}"
    text = "&".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value)
    # Tabs and newlines from a VCF field must not break the table, nor other control
    # characters (a sample name with an escape sequence) drive the terminal it is shown in.
    return printable(text.replace("\t", " ").replace("\n", " ").replace("\r", " "))


def _fit_cell(fit: dict | None) -> str | None:
    return f"{fit['fit']}: {fit['reason']}" if fit else None


TSV_HEADER = "\t".join(TSV_COLUMNS) + "\n"


def tsv_text(sample: str, variants: list[dict[str, Any]]) -> str:
    """The TSV of a sample's variants (their contract entries)."""
    return TSV_HEADER + "".join(tsv_row(sample, v) for v in variants)


def tsv_row(sample: str, v: dict[str, Any]) -> str:
    """One variant's row, from its contract entry, with its line end."""
    acmg = v.get("acmg") or {}
    clinvar = v.get("clinvar") or {}
    row = {
        **v,
        "sample": sample,
        "filter": v.get("filter"),
        "clinvar": clinvar.get("significance") if isinstance(clinvar, dict) else clinvar,
        "inheritance": ",".join(v["inheritance"]) if v.get("inheritance") else None,
        "inheritance_fit": _fit_cell(v.get("inheritance_fit")),
        "acmg_classification": acmg.get("classification"),
        "acmg_genotype_classification": (acmg.get("genotype") or {}).get("classification"),
        "panel_confidence": (acmg.get("genotype") or {}).get("gene_confidence"),
        "acmg_points": acmg.get("points"),
        "acmg_classification_richards2015": acmg.get("classification_richards2015"),
        "acmg_criteria": ",".join(acmg.get("met") or []) or None,
        "flags_acmg": ",".join(f["flag"] for f in acmg.get("flags") or []) or None,
        "treatment_notes": notes_summary(v.get("notes") or []),
    }
    return "\t".join(_cell(row.get(c)) for c in TSV_COLUMNS) + "\n"


def panel_table(p: Panel) -> str:
    """The panel as a TSV table, one gene per row."""
    cols = [
        "symbol",
        "hgnc_id",
        "tier",
        "confidence",
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
                    g.confidence,
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
