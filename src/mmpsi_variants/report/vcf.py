"""The per-sample VCF: the reported variants with a VEP-style CSQ and the interpretation.

One record per reported variant (the sample's column only), sorted as the input VCF's contigs
are, bgzipped and tabix-indexed. ``INFO/CSQ`` carries one entry per transcript with the fields
named in its header's ``Format:`` list, so ``bcftools +split-vep`` and VEP-aware tools read it;
``MMPSI_*`` fields carry the gene, HGVS, both ACMG classes, points, met criteria, the genotype's
class and the inheritance tags. Every value is escaped as VEP escapes CSQ values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from mmpsi_variants import __version__
from mmpsi_variants.annotation.annotator import csq_escape

CSQ_FORMAT = (
    "Allele", "Consequence", "IMPACT", "SYMBOL", "HGNC_ID", "Feature_type", "Feature", "BIOTYPE",
    "EXON", "INTRON", "HGVSc", "HGVSp", "Protein_position", "MANE", "PRIMARY",
)  # fmt: skip
# (ID, Number, Type, Description) of the interpretation fields.
INFO_FIELDS = (
    ("MMPSI_GENE", "1", "String", "Gene symbol (panel)"),
    ("MMPSI_HGVSC", "1", "String", "HGVS c. on the primary transcript"),
    ("MMPSI_HGVSP", "1", "String", "HGVS p. on the primary transcript"),
    ("MMPSI_CLASS", "1", "String", "ACMG/AMP class, points system (Tavtigian 2020)"),
    ("MMPSI_CLASS_RICHARDS2015", "1", "String", "ACMG/AMP class, Richards 2015 Table 5"),
    ("MMPSI_POINTS", "1", "Integer", "ACMG/AMP points"),
    ("MMPSI_CRITERIA", ".", "String", "Met ACMG/AMP criteria with their strengths"),
    ("MMPSI_GENOTYPE_CLASS", "1", "String", "Class of the genotype the variant belongs to"),
    ("MMPSI_INHERITANCE", ".", "String", "Inheritance tags (de_novo, compound_heterozygous...)"),
    ("MMPSI_FLAGS", ".", "String", "Flags beside the class (treatable_cause, ...)"),
    ("MMPSI_RANK", "1", "Integer", "Rank in the sample's report"),
    ("MMPSI_CONFIDENCE", "1", "String", "The panel's confidence in the gene (green/amber/red)"),
)
_SAMPLE_UNSAFE = re.compile(r"\s")


def _value(x: Any) -> str:
    return "." if x is None or x == "" else csq_escape(str(x))


def _csq(v: Mapping[str, Any]) -> str:
    entries = []
    for t in v.get("transcripts") or []:
        primary = bool(t.get("primary"))
        fields = [
            v["alt"], "&".join(t.get("consequence") or []), t.get("impact"), t.get("gene"),
            v.get("hgnc_id") if primary else None, "Transcript", t.get("transcript"),
            t.get("biotype"), v.get("exon") if primary else None,
            v.get("intron") if primary else None, t.get("hgvs_c"), t.get("hgvs_p"),
            v.get("protein_position") if primary else None, t.get("mane"),
            "1" if primary else None,
        ]  # fmt: skip
        entries.append("|".join("" if f is None else csq_escape(str(f)) for f in fields))
    return ",".join(entries)


def vcf_header(sample: str, contigs: Sequence[tuple[str, int | None]], build: str) -> str:
    lines = [
        "##fileformat=VCFv4.2",
        f"##source=mmpsi-variants {__version__}",
        f"##mmpsi_build={build}",
        "##mmpsi_note=For research use only; not a diagnostic report.",
    ]
    for name, length in contigs:
        lines.append(f"##contig=<ID={name}" + (f",length={length}>" if length else ">"))
    lines.append(
        '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from '
        f'mmpsi-variants {__version__}. Format: {"|".join(CSQ_FORMAT)}">'
    )
    for ident, number, kind, text in INFO_FIELDS:
        lines.append(f'##INFO=<ID={ident},Number={number},Type={kind},Description="{text}">')
    lines += [
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
        '##FORMAT=<ID=AF,Number=1,Type=Float,Description="Fraction of the reads with the ALT">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + _SAMPLE_UNSAFE.sub("_", sample),
    ]
    return "\n".join(lines) + "\n"


# The record holds one ALT: its genotype is read from the zygosity (a 1/2 call becomes 0/1 in
# each of its two records, as bcftools norm -m writes them).
_GT = {"heterozygous": "0/1", "homozygous": "1/1", "hemizygous": "1"}


def _gt(v: Mapping[str, Any]) -> str:
    return _GT.get(v.get("zygosity") or "", "./.")


def vcf_line(v: Mapping[str, Any]) -> str:
    acmg = v.get("acmg") or {}
    genotype = acmg.get("genotype") or {}
    info = {
        "CSQ": _csq(v) or None,
        "MMPSI_GENE": v.get("gene"),
        "MMPSI_HGVSC": v.get("hgvs_c"),
        "MMPSI_HGVSP": v.get("hgvs_p"),
        "MMPSI_CLASS": acmg.get("classification"),
        "MMPSI_CLASS_RICHARDS2015": acmg.get("classification_richards2015"),
        "MMPSI_POINTS": acmg.get("points"),
        "MMPSI_CRITERIA": ",".join(acmg.get("met") or []) or None,
        "MMPSI_GENOTYPE_CLASS": genotype.get("classification"),
        "MMPSI_INHERITANCE": ",".join(v.get("inheritance") or []) or None,
        "MMPSI_FLAGS": ",".join(f["flag"] for f in acmg.get("flags") or []) or None,
        "MMPSI_RANK": v.get("rank"),
        "MMPSI_CONFIDENCE": genotype.get("gene_confidence"),
    }
    parts = []
    for key, value in info.items():
        if value is None:
            continue
        if key == "CSQ" or key in ("MMPSI_CRITERIA", "MMPSI_INHERITANCE", "MMPSI_FLAGS"):
            text = str(value) if key == "CSQ" else ",".join(_value(x) for x in value.split(","))
        else:
            text = _value(value)
        parts.append(f"{key}={text}")
    af = v.get("allele_fraction")
    sample = [
        _gt(v),
        "." if v.get("depth") is None else str(v["depth"]),
        "." if af is None else f"{af:.4g}",
    ]
    ident = v.get("id") or "."
    qual = v.get("quality")
    return "\t".join(
        [
            v["chrom"], str(v["pos"]), _value(ident) if ident != "." else ".", v["ref"], v["alt"],
            "." if qual is None else f"{qual:g}", v.get("filter") or "PASS",
            ";".join(parts) or ".", "GT:DP:AF", ":".join(sample),
        ]
    ) + "\n"  # fmt: skip
