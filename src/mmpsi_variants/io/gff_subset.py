"""Gene models cut down to some genes: their lines, as the file has them, and its header.

The genes are chosen by the parser (the panel's genes, found by HGNC ID, Ensembl ID, symbol or
alias), so the subset holds exactly what the filter would have read from the whole file. In
GFF3 a feature is kept when it is a chosen gene or a descendant of a kept feature (``Parent``),
which needs parents before children, as Ensembl, GENCODE, RefSeq and MANE write them; in GTF,
when its ``gene_id`` is a chosen gene's. The caller reads the subset back to check that every
gene came through whole.
"""

from __future__ import annotations

from collections.abc import Collection
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
    kept_ids: set[str] = set()
    written = 0
    in_header = True
    with open_text(src, "gene models in GFF3 or GTF") as fh:
        for line in fh:
            if line.startswith("#"):
                if line.startswith("##FASTA"):
                    break
                # The header (format, build, dates) describes the subset too; comments between
                # features describe features that may be gone.
                if in_header and not line.startswith("###"):
                    out.write(line)
                continue
            if not line.strip():
                continue
            in_header = False
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 9:
                continue  # the parser, which read the whole file first, accepted it
            attr_text = " ".join(cols[8:])
            if fmt == "gtf":
                keep = parse_gtf_attributes(attr_text).get("gene_id") in wanted
            else:
                attrs = parse_gff3_attributes(attr_text)
                ident = attrs.get("ID")
                if is_gene_line(cols[2], attrs):
                    keep = ident is not None and strip_prefix(ident) in wanted
                else:
                    parents = attrs.get("Parent", "")
                    keep = bool(parents) and any(p in kept_ids for p in parents.split(","))
                if keep and ident:
                    kept_ids.add(ident)
            if keep:
                out.write(line if line.endswith("\n") else f"{line}\n")
                written += 1
    return written
