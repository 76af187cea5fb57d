"""Parsing gene models from GFF3 and GTF files.

Reads the styles users bring: Ensembl and GENCODE GFF3/GTF, and RefSeq/MANE GFF3/GTF. Genes are
identified by HGNC ID, Ensembl gene ID and symbol (plus RefSeq synonyms), whichever the file
carries, so that a panel keyed by HGNC ID finds its genes in any of them. Malformed lines raise
:class:`~mmpsi_variants.core.errors.GeneModelError` naming the line.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from mmpsi_variants.core.errors import GeneModelError
from mmpsi_variants.io.genemodels import Gene, GeneModels, Transcript
from mmpsi_variants.io.htslib import open_text

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


def _parse_gff3_attributes(text: str) -> dict[str, str]:
    attrs = {}
    for item in text.strip().split(";"):
        if not item:
            continue
        key, sep, value = item.partition("=")
        if sep:
            attrs[key.strip()] = value
    return attrs


def _parse_gtf_attributes(text: str) -> dict[str, str]:
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


def _normalise_tag(tag: str) -> str:
    # RefSeq writes "MANE Select", Ensembl "MANE_Select".
    return unquote(tag).strip().replace(" ", "_")


def _split_version(identifier: str, version: str | None) -> tuple[str, str | None]:
    m = _VERSION_SUFFIX.match(identifier)
    if m:
        return m.group(1), version or m.group(2)
    return identifier, version


def _strip_prefix(identifier: str) -> str:
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
        candidate = _strip_prefix(candidate)
        if candidate.startswith("ENSG"):
            return candidate.split(".")[0]
    m = re.search(r"Ensembl:(ENSG\d+)", unquote(attrs.get("Dbxref", attrs.get("db_xref", ""))))
    return m.group(1) if m else None


@dataclass
class _TxBuilder:
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
class _GeneBuilder:
    key: str
    attrs: dict[str, str]
    chrom: str
    start: int
    end: int
    strand: str
    line: int


def _gene_from_builder(gb: _GeneBuilder, transcripts: list[Transcript]) -> Gene:
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


def _is_gene_line(ftype: str, attrs: dict[str, str]) -> bool:
    """Top-level gene features; Ensembl also uses segment types (J_gene_segment) for genes."""
    if "Parent" in attrs:
        return False
    ident = attrs.get("ID", "")
    return (
        ftype in GENE_TYPES
        or ftype.endswith("gene_segment")
        or ident.startswith(("gene:", "gene-"))
    )


def _freeze_transcript(tb: _TxBuilder) -> Transcript:
    cds = sorted(tb.cds)
    # Some files (bcftools' own test models among them) give CDS lines but no exon lines.
    exons = sorted(tb.exons) or [(s, e) for s, e, _ in cds]
    start = min([tb.start, *[s for s, _ in exons]]) if exons else tb.start
    end = max([tb.end, *[e for _, e in exons]]) if exons else tb.end
    return Transcript(
        id=tb.id,
        version=tb.version,
        gene_id=_strip_prefix(tb.gene_key),
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


def detect_format(path: Path) -> str:
    """'gff3' or 'gtf', from the header or the attribute syntax of the first feature."""
    with open_text(path, "gene models in GFF3 or GTF") as fh:
        for line in fh:
            if line.startswith("##gff-version"):
                return "gff3" if "3" in line else "gtf"
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 9:
                raise GeneModelError(
                    f"expected 9 tab-separated columns of GFF3/GTF, found {len(cols)}",
                    path=str(path),
                    where="first feature line",
                )
            return "gtf" if re.search(r'^\s*\w+ "', " ".join(cols[8:])) else "gff3"
    raise GeneModelError("no features found; expected a GFF3 or GTF file", path=str(path))


def parse_gene_models(path: Path, want: Callable[[Gene], bool] | None) -> GeneModels:
    fmt = detect_format(path)
    parse_attrs = _parse_gff3_attributes if fmt == "gff3" else _parse_gtf_attributes

    genes: dict[str, _GeneBuilder] = {}
    tx: dict[str, _TxBuilder] = {}
    tx_gene: dict[str, str] = {}
    # Children whose parent has not been seen yet (files need not list parents first).
    pending: list[tuple[int, str, list[str], dict[str, str]]] = []
    metadata: dict[str, str] = {}
    wanted_cache: dict[str, bool] = {}

    def is_wanted(gene_key: str) -> bool:
        if want is None:
            return True
        if gene_key not in wanted_cache:
            gb = genes.get(gene_key)
            wanted_cache[gene_key] = gb is not None and want(_gene_from_builder(gb, []))
        return wanted_cache[gene_key]

    def add_child(lineno: int, ftype: str, cols: list[str], attrs: dict[str, str]) -> bool:
        parents = attrs.get("Parent") or attrs.get("transcript_id")
        if not parents:
            return True  # nothing to attach to (for example a region line)
        attached = False
        for parent in parents.split(","):
            tb = tx.get(parent)
            if tb is None:
                continue
            attached = True
            if not is_wanted(tb.gene_key):
                continue
            start, end = int(cols[3]), int(cols[4])
            if ftype in EXON_TYPES:
                tb.exons.append((start, end))
            elif ftype in CDS_TYPES:
                phase = cols[7]
                if phase not in ("0", "1", "2"):
                    raise GeneModelError(
                        f"CDS phase {phase!r} is impossible; expected 0, 1 or 2",
                        path=str(path),
                        where=f"line {lineno}",
                    )
                tb.cds.append((start, end, int(phase)))
        return attached

    with open_text(path, "gene models in GFF3 or GTF") as fh:
        for lineno, line in enumerate(fh, 1):
            if line.startswith("#"):
                if line.startswith("#!") or line.startswith("##date"):
                    key, _, value = line[2:].strip().partition(" ")
                    metadata[key.lstrip("!")] = value.strip()
                elif line.startswith("##FASTA"):
                    break
                continue
            if not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) > 9:
                # Tabs inside the attribute column (seen in edited files): keep them as spaces.
                cols = [*cols[:8], " ".join(cols[8:])]
            if len(cols) != 9:
                raise GeneModelError(
                    f"expected 9 tab-separated columns, found {len(cols)}",
                    path=str(path),
                    where=f"line {lineno}",
                )
            chrom, _, ftype, s, e, _, strand, phase, attr_text = cols
            try:
                start, end = int(s), int(e)
            except ValueError:
                raise GeneModelError(
                    f"start and end must be integers, found {s!r} and {e!r}",
                    path=str(path),
                    where=f"line {lineno}",
                ) from None
            if start > end or (start < 1 and (ftype in EXON_TYPES or ftype in CDS_TYPES)):
                # Gene or chromosome lines reaching before position 1 are tolerated (bcftools
                # does too, and sliced models have them); exons and CDS are not.
                raise GeneModelError(
                    f"impossible interval {start}-{end}; expected 1 <= start <= end",
                    path=str(path),
                    where=f"line {lineno}",
                )
            if ftype in IGNORED_CHILD_TYPES or ftype in UTR_TYPES:
                continue
            attrs = parse_attrs(attr_text)
            if fmt == "gtf":
                _gtf_line(path, lineno, cols, attrs, genes, tx, tx_gene)
                continue
            if _is_gene_line(ftype, attrs):
                # Files are indexed by their raw IDs (gene:X and transcript:X may share X);
                # the prefix-free ID is what users see.
                raw = attrs.get("ID", f"line{lineno}")
                genes[raw] = _GeneBuilder(
                    _strip_prefix(raw), attrs, chrom, start, end, strand, lineno
                )
                continue
            if ftype in EXON_TYPES or ftype in CDS_TYPES:
                if not add_child(lineno, ftype, cols, attrs):
                    pending.append((lineno, ftype, cols, attrs))
                continue
            parent = attrs.get("Parent")
            ident = attrs.get("ID")
            if parent and ident:
                # Anything that has a gene as parent and an ID is a transcript (mRNA,
                # transcript, lnc_RNA, miRNA ...).
                tid, version = _split_version(
                    attrs.get("transcript_id", _strip_prefix(ident)), attrs.get("version")
                )
                gene_key = parent.split(",")[0]
                tags = {_normalise_tag(t) for t in attrs.get("tag", "").split(",") if t}
                tx[ident] = _TxBuilder(
                    id=tid,
                    version=version,
                    gene_key=gene_key,
                    name=attrs.get("Name"),
                    chrom=chrom,
                    start=start,
                    end=end,
                    strand=strand,
                    biotype=attrs.get("biotype") or attrs.get("transcript_type") or ftype,
                    tags=tags,
                )
                tx_gene[ident] = gene_key

    for lineno, ftype, cols, attrs in pending:
        if not add_child(lineno, ftype, cols, attrs):
            raise GeneModelError(
                f"Parent {attrs.get('Parent') or attrs.get('transcript_id')!r} is not defined "
                f"anywhere in the file; expected a transcript with that ID",
                path=str(path),
                where=f"line {lineno}",
            )
    # Sub-transcript features with IDs (a miRNA under its primary transcript) are not genes'
    # transcripts; they are dropped rather than misread.
    for ident in [i for i, tb in tx.items() if tb.gene_key in tx]:
        del tx[ident]
    for ident, tb in tx.items():
        if tb.gene_key not in genes:
            # GFF3 transcripts must hang under a gene; GTF genes are synthesised.
            raise GeneModelError(
                f"transcript {ident!r} names Parent {tb.gene_key!r}, which is not defined; "
                f"expected a gene with that ID",
                path=str(path),
            )

    by_gene: dict[str, list[Transcript]] = defaultdict(list)
    for tb in tx.values():
        if is_wanted(tb.gene_key):
            _check_cds(tb, path)
            by_gene[tb.gene_key].append(_freeze_transcript(tb))
    out = []
    for key, gb in genes.items():
        transcripts = sorted(by_gene.get(key, []), key=lambda t: (t.start, t.id))
        out.append(_gene_from_builder(gb, transcripts))
    return GeneModels(str(path), out, metadata)


def _gtf_line(
    path: Path,
    lineno: int,
    cols: list[str],
    attrs: dict[str, str],
    genes: dict[str, _GeneBuilder],
    tx: dict[str, _TxBuilder],
    tx_gene: dict[str, str],
) -> None:
    """Fold one GTF line into the builders; GTF links by gene_id/transcript_id attributes."""
    chrom, _, ftype, s, e, _, strand, phase, _ = cols
    start, end = int(s), int(e)
    gene_id = attrs.get("gene_id")
    if not gene_id:
        raise GeneModelError(
            "missing gene_id attribute; every GTF line needs one",
            path=str(path),
            where=f"line {lineno}",
        )
    gb = genes.get(gene_id)
    if gb is None:
        gb = genes[gene_id] = _GeneBuilder(gene_id, dict(attrs), chrom, start, end, strand, lineno)
    else:
        gb.start, gb.end = min(gb.start, start), max(gb.end, end)
        if ftype == "gene":
            gb.attrs.update(attrs)
    if ftype == "gene":
        return
    tid = attrs.get("transcript_id")
    if not tid:
        return
    tb = tx.get(tid)
    if tb is None:
        ident, version = _split_version(tid, attrs.get("transcript_version"))
        tb = tx[tid] = _TxBuilder(
            id=ident,
            version=version,
            gene_key=gene_id,
            name=attrs.get("transcript_name"),
            chrom=chrom,
            start=start,
            end=end,
            strand=strand,
            biotype=attrs.get("transcript_biotype") or attrs.get("transcript_type"),
            tags=set(),
        )
        tx_gene[tid] = gene_id
    tb.start, tb.end = min(tb.start, start), max(tb.end, end)
    tb.tags.update(_normalise_tag(t) for t in attrs.get("tag", "").split(",") if t)
    if ftype in EXON_TYPES:
        tb.exons.append((start, end))
    elif ftype in CDS_TYPES:
        if phase not in ("0", "1", "2"):
            raise GeneModelError(
                f"CDS phase {phase!r} is impossible; expected 0, 1 or 2",
                path=str(path),
                where=f"line {lineno}",
            )
        tb.cds.append((start, end, int(phase)))


def _check_cds(tb: _TxBuilder, path: Path) -> None:
    """A CDS piece must lie inside the transcript's exons."""
    if not tb.exons or not tb.cds:
        return
    for s, e, _ in tb.cds:
        if not any(a <= s and e <= b for a, b in tb.exons):
            raise GeneModelError(
                f"CDS {s}-{e} of transcript {tb.id} lies outside its exons",
                path=str(path),
            )
