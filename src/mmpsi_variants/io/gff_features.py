"""The pieces of a GFF3/GTF gene-model file: feature types, attribute syntax, identifiers, and
the builders that collect a gene's and a transcript's lines before they are frozen.

Ensembl, GENCODE and RefSeq write the same things differently (``gene:ENSG...`` IDs,
``HGNC:HGNC:18865`` cross-references, ``MANE Select`` tags with a space); the helpers here
read all of them into one form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from mmpsi_variants.io.genemodels import Gene, Transcript

GENE_TYPES = {"gene", "ncRNA_gene", "pseudogene", "protein_coding_gene"}


EXON_TYPES = {"exon"}


CDS_TYPES = {"CDS"}


UTR_TYPES = {"five_prime_UTR", "three_prime_UTR", "UTR", "five_prime_utr", "three_prime_utr"}


# Features that hang under a transcript but are not part of its structure.
IGNORED_CHILD_TYPES = {
    "start_codon",
    "stop_codon",
    "Selenocysteine",
    "stop_codon_redefined_as_selenocysteine",
}


# "HGNC:HGNC:18865" (RefSeq Dbxref), "HGNC:18865", and older Ensembl descriptions that give
# "[Source:HGNC Symbol;Acc:20999]" without the prefix.
_HGNC_IN_TEXT = re.compile(r"HGNC:(?:HGNC:)?(\d+)|Source:HGNC Symbol;Acc:(\d+)")


_VERSION_SUFFIX = re.compile(r"^(ENS[A-Z]*[GT]\d+)\.(\d+)$")


def parse_gff3_attributes(text: str) -> dict[str, str]:
    attrs = {}
    for item in text.strip().split(";"):
        if not item:
            continue
        key, sep, value = item.partition("=")
        if sep:
            attrs[key.strip()] = value
    return attrs


def parse_gtf_attributes(text: str) -> dict[str, str]:
    """GTF attributes; repeated keys (``tag``, ``db_xref``) are joined with commas."""
    attrs: dict[str, str] = {}
    for item in text.strip().split(";"):
        item = item.strip()
        if not item:
            continue
        key, _, value = item.partition(" ")
        value = value.strip().strip('"')
        attrs[key] = f"{attrs[key]},{value}" if key in attrs else value
    return attrs


def normalise_tag(tag: str) -> str:
    # RefSeq writes "MANE Select", Ensembl "MANE_Select".
    return unquote(tag).strip().replace(" ", "_")


def split_version(identifier: str, version: str | None) -> tuple[str, str | None]:
    m = _VERSION_SUFFIX.match(identifier)
    if m:
        return m.group(1), version or m.group(2)
    return identifier, version


def strip_prefix(identifier: str) -> str:
    # Ensembl GFF3 writes ID=gene:ENSG..., transcript:ENST...
    for prefix in ("gene:", "transcript:", "gene-", "rna-"):
        if identifier.startswith(prefix):
            return identifier[len(prefix) :]
    return identifier


def _hgnc_from(attrs: dict[str, str]) -> str | None:
    for key in ("hgnc_id", "Dbxref", "db_xref", "description"):
        value = attrs.get(key)
        if value:
            m = _HGNC_IN_TEXT.search(unquote(value))
            if m:
                return f"HGNC:{m.group(1) or m.group(2)}"
    return None


def _ensembl_gene_from(gene_id: str, attrs: dict[str, str]) -> str | None:
    for candidate in (gene_id, attrs.get("gene_id", "")):
        candidate = strip_prefix(candidate)
        if candidate.startswith("ENSG"):
            return candidate.split(".")[0]
    m = re.search(r"Ensembl:(ENSG\d+)", unquote(attrs.get("Dbxref", attrs.get("db_xref", ""))))
    return m.group(1) if m else None


@dataclass
class TxBuilder:
    id: str
    version: str | None
    gene_key: str
    name: str | None
    chrom: str
    start: int
    end: int
    strand: str
    biotype: str | None
    tags: set[str]
    exons: list[tuple[int, int]] = field(default_factory=list)
    cds: list[tuple[int, int, int]] = field(default_factory=list)


@dataclass
class GeneBuilder:
    key: str
    attrs: dict[str, str]
    chrom: str
    start: int
    end: int
    strand: str
    line: int


def gene_from_builder(gb: GeneBuilder, transcripts: list[Transcript]) -> Gene:
    a = gb.attrs
    symbol = a.get("Name") or a.get("gene_name") or a.get("gene") or None
    synonyms = tuple(s for s in unquote(a.get("gene_synonym", "")).split(",") if s)
    start = min([gb.start, *[t.start for t in transcripts]])
    end = max([gb.end, *[t.end for t in transcripts]])
    return Gene(
        id=gb.key,
        symbol=unquote(symbol) if symbol else None,
        hgnc_id=_hgnc_from(a),
        ensembl_id=_ensembl_gene_from(gb.key, a),
        synonyms=synonyms,
        chrom=gb.chrom,
        start=start,
        end=end,
        strand=gb.strand,
        biotype=a.get("biotype") or a.get("gene_biotype") or a.get("gene_type"),
        transcripts=tuple(transcripts),
    )


def is_gene_line(ftype: str, attrs: dict[str, str]) -> bool:
    """Top-level gene features; Ensembl also uses segment types (J_gene_segment) for genes."""
    if "Parent" in attrs:
        return False
    ident = attrs.get("ID", "")
    return (
        ftype in GENE_TYPES
        or ftype.endswith("gene_segment")
        or ident.startswith(("gene:", "gene-"))
    )


def freeze_transcript(tb: TxBuilder) -> Transcript:
    cds = sorted(tb.cds)
    # Some files (bcftools' own test models among them) give CDS lines but no exon lines.
    exons = sorted(tb.exons) or [(s, e) for s, e, _ in cds]
    start = min([tb.start, *[s for s, _ in exons]]) if exons else tb.start
    end = max([tb.end, *[e for _, e in exons]]) if exons else tb.end
    return Transcript(
        id=tb.id,
        version=tb.version,
        gene_id=strip_prefix(tb.gene_key),
        name=tb.name,
        chrom=tb.chrom,
        start=start,
        end=end,
        strand=tb.strand,
        biotype=tb.biotype,
        tags=frozenset(tb.tags),
        exons=tuple(exons),
        cds=tuple(cds),
    )
