"""Parsing the annotation a VCF already carries: VEP CSQ, snpEff ANN and bcftools BCSQ entries.

Each tool's entries are read by the header's own format line (any field list, any order), and
its consequence names are mapped to the Sequence Ontology terms VEP uses (snpEff and bcftools
name some differently), so that everything downstream reads one vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import unquote

TOOLS = ("vep", "snpeff", "bcsq")

# snpEff and bcftools words -> Sequence Ontology terms as VEP names them.
_SNPEFF_SO = {
    "intergenic_region": "intergenic_variant",
    "conservative_inframe_insertion": "inframe_insertion",
    "disruptive_inframe_insertion": "inframe_insertion",
    "conservative_inframe_deletion": "inframe_deletion",
    "disruptive_inframe_deletion": "inframe_deletion",
    "non_coding_exon_variant": "non_coding_transcript_exon_variant",
    "5_prime_UTR_premature_start_codon_gain_variant": "5_prime_UTR_variant",
    "start_retained": "start_retained_variant",
    "stop_retained": "stop_retained_variant",
}

_BCSQ_SO = {
    "intergenic": "intergenic_variant",
    "intron": "intron_variant",
    "non_coding": "non_coding_transcript_variant",
    "5_prime_utr": "5_prime_UTR_variant",
    "3_prime_utr": "3_prime_UTR_variant",
    "splice_acceptor": "splice_acceptor_variant",
    "splice_donor": "splice_donor_variant",
    "splice_region": "splice_region_variant",
    "start_lost": "start_lost",
    "start_retained": "start_retained_variant",
    "stop_lost": "stop_lost",
    "stop_gained": "stop_gained",
    "stop_retained": "stop_retained_variant",
    "missense": "missense_variant",
    "synonymous": "synonymous_variant",
    "frameshift": "frameshift_variant",
    "inframe_insertion": "inframe_insertion",
    "inframe_deletion": "inframe_deletion",
    "inframe_altering": "protein_altering_variant",
    "coding_sequence": "coding_sequence_variant",
    "feature_elongation": "feature_elongation",
    "NMD_transcript": "NMD_transcript_variant",
}

# Older VEP and snpEff releases used Sequence Ontology names that have since been replaced.
_LEGACY_SO = {
    "nc_transcript_variant": "non_coding_transcript_variant",
    "non_coding_exon_variant": "non_coding_transcript_exon_variant",
}

# Header field name (as the tool writes it, case-insensitive) -> our attribute.
_VEP_NAMES = {
    "allele": "allele",
    "consequence": "consequence",
    "impact": "impact",
    "symbol": "symbol",
    "gene": "gene",
    "feature_type": "feature_type",
    "feature": "feature",
    "biotype": "biotype",
    "exon": "exon",
    "intron": "intron",
    "hgvsc": "hgvsc",
    "hgvsp": "hgvsp",
    "cdna_position": "cdna_position",
    "cds_position": "cds_position",
    "protein_position": "protein_position",
    "amino_acids": "amino_acids",
    "codons": "codons",
    "strand": "strand",
    "hgnc_id": "hgnc_id",
    "canonical": "canonical",
    "mane_select": "mane_select",
    "mane": "mane_select",
    "mane_plus_clinical": "mane_plus_clinical",
    "allele_num": "allele_num",
    "distance": "distance",
    "flags": "flags",
    "nmd": "nmd",
}

_SNPEFF_NAMES = {
    "allele": "allele",
    "annotation": "consequence",
    "annotation_impact": "impact",
    "gene_name": "symbol",
    "gene_id": "gene",
    "feature_type": "feature_type",
    "feature_id": "feature",
    "transcript_biotype": "biotype",
    "rank": "rank",
    "hgvs.c": "hgvsc",
    "hgvs.p": "hgvsp",
    "cdna.pos/cdna.length": "cdna_position",
    "cds.pos/cds.length": "cds_position",
    "aa.pos/aa.length": "protein_position",
    "distance": "distance",
    "errors/warnings/info": "flags",
}

_BCSQ_NAMES = {
    "consequence": "consequence",
    "gene": "symbol",
    "transcript": "feature",
    "biotype": "biotype",
    "strand": "strand",
    "amino_acid_change": "amino_acid_change",
    "dna_change": "dna_change",
}

_NAME_MAPS = {"vep": _VEP_NAMES, "snpeff": _SNPEFF_NAMES, "bcsq": _BCSQ_NAMES}

DNA_CHANGE = re.compile(r"^(\d+)([A-Za-z*]+)>([A-Za-z*<>]*)$")

_AA_CHANGE = re.compile(r"^(\d+)([A-Z*]+)(?:>(\d+)([A-Z*]+))?")


class AnnotationFormatError(ValueError):
    """An entry that does not fit the header's format line (the reader adds file and record)."""


@dataclass(frozen=True)
class AnnotationField:
    """One annotation INFO field and its format, read from the header."""

    key: str  # the INFO ID (CSQ, ANN, BCSQ, vep, MMPSI_CSQ, ...)
    tool: str  # "vep", "snpeff" or "bcsq"
    names: tuple[str, ...]  # field names in the tool's own spelling and order


@dataclass(frozen=True)
class TranscriptConsequence:
    """One tool's annotation of one allele on one feature, under tool-independent names."""

    tool: str
    key: str
    allele: str  # as the tool wrote it ('' when the format has no allele column)
    consequence: tuple[str, ...]  # Sequence Ontology terms
    raw_consequence: str
    impact: str | None = None
    symbol: str | None = None
    gene: str | None = None
    feature_type: str | None = None
    feature: str | None = None
    biotype: str | None = None
    exon: str | None = None  # "3/5"
    intron: str | None = None
    hgvsc: str | None = None
    hgvsp: str | None = None
    cdna_position: str | None = None
    cds_position: str | None = None
    protein_position: str | None = None
    amino_acids: str | None = None  # "S/G" (VEP style)
    codons: str | None = None
    strand: str | None = None
    hgnc_id: str | None = None
    canonical: bool = False
    mane_select: str | None = None
    mane_plus_clinical: str | None = None
    allele_num: int | None = None
    distance: str | None = None
    flags: str | None = None
    dna_change: str | None = None  # bcftools
    downstream_of_stop: bool = False  # bcftools '*' prefix
    joint_at: int | None = None  # bcftools '@POS': the consequence is written at that record
    nmd: str | None = None  # VEP's NMD plugin (and our MMPSI_CSQ)
    fields: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # every field as written

    def get(self, name: str, default: str | None = None) -> str | None:
        """A field by the tool's own name (for fields without an attribute, e.g. SIFT)."""
        for k, v in self.fields:
            if k == name:
                return v or default
        return default

    @property
    def transcript(self) -> str | None:
        """The feature when it is a transcript."""
        if self.feature_type and self.feature_type.lower() not in ("transcript", ""):
            return None
        return self.feature or None

    @property
    def is_mane_select(self) -> bool:
        return bool(self.mane_select)


def find_annotation_fields(header: str | Iterable[str]) -> list[AnnotationField]:
    """Every VEP/snpEff/bcftools annotation INFO field declared in a VCF header."""
    lines = header.splitlines() if isinstance(header, str) else list(header)
    out = []
    for line in lines:
        if not line.startswith("##INFO=<"):
            continue
        m = re.search(r"ID=([^,>]+)", line)
        d = re.search(r'Description="(.*)"', line)
        if not m or not d:
            continue
        key, desc = m.group(1), d.group(1)
        tool, names = _classify(desc)
        if tool is not None:
            out.append(AnnotationField(key, tool, names))
    return out


def _classify(desc: str) -> tuple[str | None, tuple[str, ...]]:
    if "Format:" in desc:
        spec = desc.split("Format:", 1)[1]
    elif "Functional annotations:" in desc:
        spec = desc.split("Functional annotations:", 1)[1]
    else:
        return None, ()
    names = tuple(n.strip().strip("'\"").strip() for n in spec.strip().strip("'\"").split("|"))
    lowered = {n.lower().replace(" ", "") for n in names}
    bcsq_like = "BCFtools/csq" in desc or {"consequence", "gene", "transcript"} <= lowered
    if bcsq_like and "allele" not in lowered:
        return "bcsq", names
    if {"annotation", "annotation_impact"} <= lowered:
        return "snpeff", names
    if "consequence" in lowered:
        return "vep", names
    return None, ()


def _so_terms(tool: str, raw: str) -> tuple[str, ...]:
    terms = [_LEGACY_SO.get(t, t) for t in raw.split("&") if t]
    if tool == "snpeff":
        return tuple(dict.fromkeys(_SNPEFF_SO.get(t, t) for t in terms))
    if tool == "bcsq":
        return tuple(dict.fromkeys(_BCSQ_SO.get(t, t) for t in terms))
    return tuple(terms)


def parse_entries(
    spec: AnnotationField, value: str, short: Callable[[int, str], None] | None = None
) -> list[TranscriptConsequence]:
    """All entries of one record's INFO value (comma-separated, '|'-separated fields).

    ``short(n_fields, entry)`` hears of a VEP or snpEff entry with fewer fields than the
    format names (they write every field; bcftools leaves empty trailing ones out)."""
    if not value or value == ".":
        return []
    names = spec.names
    mapping = _NAME_MAPS[spec.tool]
    out = []
    for raw_entry in value.split(","):
        if spec.tool == "bcsq" and raw_entry.startswith("@"):
            if not raw_entry[1:].isdigit():
                raise AnnotationFormatError(f"{spec.key} entry {raw_entry!r}: expected '@POSITION'")
            out.append(
                TranscriptConsequence(
                    spec.tool, spec.key, "", (), raw_entry, joint_at=int(raw_entry[1:])
                )
            )
            continue
        parts = raw_entry.split("|")
        if len(parts) > len(names):
            raise AnnotationFormatError(
                f"{spec.key} entry has {len(parts)} fields but the header's format names "
                f"{len(names)}: {raw_entry[:80]!r}"
            )
        # bcftools omits empty trailing fields; VEP and snpEff write them all.
        if len(parts) < len(names) and spec.tool != "bcsq" and short is not None:
            short(len(parts), raw_entry)
        parts += [""] * (len(names) - len(parts))
        kv = tuple(zip(names, parts, strict=True))
        attrs: dict[str, object] = {}
        for name, val in kv:
            attr = mapping.get(name.lower().replace(" ", ""))
            if attr and val != "" and attr not in attrs:
                attrs[attr] = val
        out.append(_entry(spec, attrs, kv))
    return out


def _entry(spec: AnnotationField, attrs: dict, kv) -> TranscriptConsequence:
    raw_csq = str(attrs.pop("consequence", ""))
    downstream = spec.tool == "bcsq" and raw_csq.startswith("*")
    if downstream:
        raw_csq = raw_csq[1:]
    consequence = _so_terms(spec.tool, raw_csq)
    if spec.tool == "snpeff":
        rank = attrs.pop("rank", None)
        if rank:
            exonic = not any(t in ("intron_variant",) for t in consequence)
            attrs["exon" if exonic else "intron"] = rank
        if attrs.get("protein_position"):
            attrs["protein_position"] = str(attrs["protein_position"]).split("/")[0]
    if spec.tool == "bcsq":
        aa = attrs.pop("amino_acid_change", None)
        if aa:
            m = _AA_CHANGE.match(str(aa))
            if m:
                attrs["protein_position"] = m.group(1)
                attrs["amino_acids"] = f"{m.group(2)}/{m.group(4)}" if m.group(4) else m.group(2)
        attrs.setdefault("feature_type", "Transcript" if attrs.get("feature") else None)
    for name in ("hgvsc", "hgvsp"):
        if attrs.get(name):
            attrs[name] = unquote(str(attrs[name]))  # VEP escapes '=' as %3D
    canonical = str(attrs.pop("canonical", "")).upper() in ("YES", "1", "TRUE")
    allele_num = attrs.pop("allele_num", None)
    return TranscriptConsequence(
        spec.tool,
        spec.key,
        str(attrs.pop("allele", "")),
        consequence,
        raw_csq,
        canonical=canonical,
        allele_num=int(allele_num) if allele_num and str(allele_num).isdigit() else None,
        downstream_of_stop=downstream,
        fields=kv,
        # The remaining attributes are the optional text fields, by name.
        **cast(dict[str, Any], {k: (None if v == "" else str(v)) for k, v in attrs.items()}),
    )
