"""Gene models cut down to some genes: their lines, as the file has them, and its header.

The genes are chosen by the parser (the panel's genes, found by HGNC ID, Ensembl ID, symbol or
alias), so the subset holds exactly what the filter would have read from the whole file. In
GFF3 a feature is kept when it is a chosen gene or a descendant of one (through ``Parent``, in
any order: a coordinate-sorted file lists an exon before its transcript); in GTF, when its
``gene_id`` is a chosen gene's. Two passes: the first finds the kept IDs (only IDs and parents
are held, not lines), the second writes. The caller reads the subset back to check that every
transcript came through with all its exons and CDS.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from pathlib import Path
from typing import TextIO

from mmpsi_variants.io.gff import detect_format
from mmpsi_variants.io.gff_features import (
    is_gene_line,
    parse_gff3_attributes,
    parse_gtf_attributes,
    strip_prefix,
)
from mmpsi_variants.io.htslib import open_text


def subset_gene_models(src: Path, gene_ids: Collection[str], out: TextIO) -> int:
    """Write the lines of ``gene_ids`` (as :class:`~mmpsi_variants.io.genemodels.Gene` ``id``)
    from ``src`` to ``out``; returns the number of feature lines written."""
    fmt = detect_format(src)
    wanted = set(gene_ids)
    kept = _kept_ids(src, wanted) if fmt == "gff3" else set()
    written = 0
    for line, cols in _features(src, header=out):
        if cols is None:
            continue
        attr_text = " ".join(cols[8:])
        if fmt == "gtf":
            keep = parse_gtf_attributes(attr_text).get("gene_id") in wanted
        else:
            attrs = parse_gff3_attributes(attr_text)
            ident = attrs.get("ID")
            if ident is not None and ident in kept:
                keep = True
            else:
                parents = attrs.get("Parent", "")
                keep = bool(parents) and any(p in kept for p in parents.split(","))
        if keep:
            out.write(line if line.endswith("\n") else f"{line}\n")
            written += 1
    return written


def _kept_ids(src: Path, wanted: set[str]) -> set[str]:
    """The IDs of the chosen genes and of every feature below them, whatever the order."""
    parent_of: dict[str, list[str]] = {}
    kept: set[str] = set()
    for _, cols in _features(src):
        if cols is None:
            continue
        attrs = parse_gff3_attributes(" ".join(cols[8:]))
        ident = attrs.get("ID")
        if ident is None:
            continue
        if is_gene_line(cols[2], attrs):
            if strip_prefix(ident) in wanted:
                kept.add(ident)
        elif attrs.get("Parent"):
            parent_of[ident] = attrs["Parent"].split(",")
    # Walk up from every ID to a kept ancestor (files nest a few levels: gene, mRNA, exon).
    changed = True
    while changed:
        changed = False
        for ident, parents in parent_of.items():
            if ident not in kept and any(p in kept for p in parents):
                kept.add(ident)
                changed = True
    return kept


def _features(src: Path, header: TextIO | None = None) -> Iterator[tuple[str, list[str] | None]]:
    """(line, columns) of each feature line; header lines go to ``header`` (the file's format,
    build and dates describe the subset too; comments between features may not)."""
    in_header = True
    with open_text(src, "gene models in GFF3 or GTF") as fh:
        for line in fh:
            if line.startswith("#"):
                if line.startswith("##FASTA"):
                    break
                if header is not None and in_header and not line.startswith("###"):
                    header.write(line)
                continue
            if not line.strip():
                continue
            in_header = False
            cols = line.rstrip("\n").split("\t")
            # The parser, which read the whole file first, accepted any line it could not split.
            yield line, (cols if len(cols) >= 9 else None)
