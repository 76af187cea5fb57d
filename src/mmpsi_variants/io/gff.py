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
from pathlib import Path

from mmpsi_variants.core.errors import GeneModelError
from mmpsi_variants.io.genemodels import Gene, GeneModels, Transcript
from mmpsi_variants.io.gff_features import (
    CDS_TYPES,
    EXON_TYPES,
    IGNORED_CHILD_TYPES,
    UTR_TYPES,
    GeneBuilder,
    TxBuilder,
    freeze_transcript,
    gene_from_builder,
    is_gene_line,
    normalise_tag,
    parse_gff3_attributes,
    parse_gtf_attributes,
    split_version,
    strip_prefix,
)
from mmpsi_variants.io.htslib import open_text


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
    parse_attrs = parse_gff3_attributes if fmt == "gff3" else parse_gtf_attributes

    genes: dict[str, GeneBuilder] = {}
    tx: dict[str, TxBuilder] = {}
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
            wanted_cache[gene_key] = gb is not None and want(gene_from_builder(gb, []))
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
            if is_gene_line(ftype, attrs):
                # Files are indexed by their raw IDs (gene:X and transcript:X may share X);
                # the prefix-free ID is what users see.
                raw = attrs.get("ID", f"line{lineno}")
                genes[raw] = GeneBuilder(
                    strip_prefix(raw), attrs, chrom, start, end, strand, lineno
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
                tid, version = split_version(
                    attrs.get("transcript_id", strip_prefix(ident)), attrs.get("version")
                )
                gene_key = parent.split(",")[0]
                tags = {normalise_tag(t) for t in attrs.get("tag", "").split(",") if t}
                tx[ident] = TxBuilder(
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
    _check_parent_cycles(tx, path)
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
            by_gene[tb.gene_key].append(freeze_transcript(tb))
    out = []
    for key, gb in genes.items():
        transcripts = sorted(by_gene.get(key, []), key=lambda t: (t.start, t.id))
        out.append(gene_from_builder(gb, transcripts))
    return GeneModels(str(path), out, metadata)


def _gtf_line(
    path: Path,
    lineno: int,
    cols: list[str],
    attrs: dict[str, str],
    genes: dict[str, GeneBuilder],
    tx: dict[str, TxBuilder],
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
        gb = genes[gene_id] = GeneBuilder(gene_id, dict(attrs), chrom, start, end, strand, lineno)
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
        ident, version = split_version(tid, attrs.get("transcript_version"))
        tb = tx[tid] = TxBuilder(
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
    tb.tags.update(normalise_tag(t) for t in attrs.get("tag", "").split(",") if t)
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


def _check_cds(tb: TxBuilder, path: Path) -> None:
    """A CDS piece must lie inside the transcript's exons."""
    if not tb.exons or not tb.cds:
        return
    for s, e, _ in tb.cds:
        if not any(a <= s and e <= b for a, b in tb.exons):
            raise GeneModelError(
                f"CDS {s}-{e} of transcript {tb.id} lies outside its exons",
                path=str(path),
            )


def _check_parent_cycles(tx: dict[str, TxBuilder], path: Path) -> None:
    """Features that are each other's Parent (directly or round a longer loop) belong to no
    gene: an error naming the loop, not a silent loss of the transcripts in it."""
    for start in tx:
        seen = [start]
        node = tx[start].gene_key
        while node in tx:
            if node in seen:
                loop = seen[seen.index(node) :] + [node]
                raise GeneModelError(
                    f"Parent links form a cycle ({' -> '.join(loop)}); expected every "
                    "transcript to lead up to a gene",
                    path=str(path),
                )
            seen.append(node)
            node = tx[node].gene_key
