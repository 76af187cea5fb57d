"""The per-sample TSV: one row per variant, for people and spreadsheets.

The columns are a flat view of the JSON contract (the JSON is the reference); lists are joined
with '&', and tabs or newlines that a VCF field may carry are replaced so that a row stays a
row. Also the panel as a table, one gene per row (``mmpsi-variants panel``).

Spreadsheet-safe: a spreadsheet turns ``1/2`` into a date and ``=...`` into a formula. So the
genotype is written with its bases (``C/T``, ``T/A`` for a 1/2 call, ``T`` hemizygous), never as
allele numbers; no column holds an ``n/m`` fraction (exon numbers are left to the JSON); and a
text cell that starts with ``=``, ``+``, ``-``, ``@`` (and is not a number) gets a leading
apostrophe, the CSV-injection rule of OWASP, so a hostile sample name or INFO value cannot run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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
    "build",
    "transcript",
    "consequence",
    "hgvs_c",
    "hgvs_c_refseq",
    "hgvs_p",
    "genotype",
    "zygosity",
    "depth",
    "allele_fraction",
    "genotype_quality",
    "filter",
    "origin",
    "compound_het_partner",
    "inheritance",
    "inheritance_fit",
    "gnomad_af",
    "gnomad_ac",
    "gnomad_an",
    "gnomad_homozygotes",
    "gnomad_faf95",
    "clinvar",
    "clinvar_stars",
    "revel",
    "cadd",
    "spliceai",
    "phenotype_rank",
    "phenotype_score",
    "phenotype_matched_terms",
    "acmg_classification",
    "acmg_genotype_classification",
    "acmg_points",
    "acmg_classification_richards2015",
    "acmg_criteria",
    "acmg_criteria_reasons",
    "flags_acmg",
    "treatment_notes",
    "original",
]


_FORMULA_START = frozenset("=+-@")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in _FORMULA_START and not _NUMBER.match(value):
        value = "'" + value
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


def refseq_hgvs(v: Mapping[str, Any], mane: Mapping[str, Mapping[str, str]]) -> str | None:
    """The c. on the RefSeq MANE transcript, where the variant's transcript is the Ensembl MANE
    Select of the panel (MANE pairs are identical in sequence, so the description carries over).
    """
    hgvs = v.get("hgvs_c") or ""
    tx, _, c = hgvs.partition(":")
    pair = mane.get(v.get("gene") or "")
    if not c or not pair or pair.get("ensembl") != tx or not pair.get("refseq"):
        return None
    return f"{pair['refseq']}({v.get('gene')}):{c}"


def genotype_bases(v: Mapping[str, Any]) -> str | None:
    """The genotype written with its bases (REF/ALT), which no spreadsheet reads as a date."""
    ref, alt, zyg = v.get("ref"), v.get("alt"), v.get("zygosity")
    gt = v.get("genotype") or ""
    if zyg == "hemizygous":
        return alt
    if zyg == "homozygous":
        return f"{alt}/{alt}"
    if zyg == "heterozygous":
        # A 1/2 call: the other ALT stands where REF would, as the record as written says.
        other = (v.get("original") or "").split(":")[-1].split(",") if "2" in gt else []
        partner = next((a for a in other if a != alt), None)
        return f"{partner or ref}/{alt}"
    return None


def origin_words(v: Mapping[str, Any]) -> str | None:
    """De novo (confirmed) against de novo (assumed), inherited from whom, in words."""
    out = []
    for tag in v.get("inheritance") or []:
        if tag == "de_novo":
            confidence = (v.get("de_novo") or {}).get("confidence")
            out.append(f"de novo ({confidence})" if confidence else "de novo")
        elif tag == "inherited_paternal":
            out.append("inherited from the father")
        elif tag == "inherited_maternal":
            out.append("inherited from the mother")
        elif tag in ("mosaic", "parental_mosaic"):
            out.append(tag.replace("_", " "))
    return "; ".join(out) or None


def tsv_row(
    sample: str, v: dict[str, Any], mane: Mapping[str, Mapping[str, str]] | None = None,
    build: str | None = None,
) -> str:  # fmt: skip
    """One variant's row, from its contract entry, with its line end."""
    acmg = v.get("acmg") or {}
    clinvar = v.get("clinvar") or {}
    pop = v.get("population") or {}
    scores = v.get("scores") or {}
    partners = (v.get("compound_het") or {}).get("partners") or []
    pheno = v.get("phenotype") or {}
    row = {
        **v,
        "sample": sample,
        "build": build,
        "hgvs_c_refseq": refseq_hgvs(v, mane or {}),
        "genotype": genotype_bases(v),
        "origin": origin_words(v),
        "compound_het_partner": ",".join(f"{p.get('variant')} ({p.get('phase')})" for p in partners)
        or None,
        "gnomad_ac": pop.get("ac"),
        "gnomad_an": pop.get("an"),
        "gnomad_homozygotes": pop.get("nhomalt"),
        "gnomad_faf95": pop.get("faf95_max"),
        "clinvar_stars": clinvar.get("stars") if isinstance(clinvar, dict) else None,
        "revel": scores.get("revel"),
        "cadd": scores.get("cadd"),
        "spliceai": scores.get("spliceai"),
        "phenotype_rank": pheno.get("rank_among_genes"),
        "phenotype_score": pheno.get("score"),
        "phenotype_matched_terms": ",".join(pheno.get("matched_terms") or []) or None,
        "acmg_criteria_reasons": " | ".join(
            f"{c['code']}: {c['reason']}"
            for c in acmg.get("criteria") or []
            if c.get("status") == "met"
        )
        or None,
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
