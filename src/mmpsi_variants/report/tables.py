"""The per-sample TSV: one row per variant, for people and spreadsheets.

The columns are a flat view of the JSON contract (the JSON is the reference); lists are joined
with '&', and tabs or newlines that a VCF field may carry are replaced so that a row stays a
row.
"""

from __future__ import annotations

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
    if isinstance(value, list | tuple):
        return "&".join(str(v) for v in value) if value else ""
    if isinstance(value, float):
        return f"{value:.4g}"
    text = str(value)
    # Tabs and newlines from a VCF field must not break the table.
    return text.replace("\t", " ").replace("\n", " ").replace("\r", " ")


def _fit_cell(fit: dict | None) -> str | None:
    return f"{fit['fit']}: {fit['reason']}" if fit else None


def tsv_text(sample: str, variants: list[dict]) -> str:
    lines = ["\t".join(TSV_COLUMNS)]
    for v in variants:
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
            "acmg_points": acmg.get("points"),
            "acmg_classification_richards2015": acmg.get("classification_richards2015"),
            "acmg_criteria": ",".join(acmg.get("met") or []) or None,
            "flags_acmg": ",".join(f["flag"] for f in acmg.get("flags") or []) or None,
            "treatment_notes": notes_summary(v.get("notes") or []),
        }
        lines.append("\t".join(_cell(row.get(c)) for c in TSV_COLUMNS))
    return "\n".join(lines) + "\n"
