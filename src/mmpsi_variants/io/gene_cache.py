"""Loading gene models, from the cache when the same file was read before.

The cache holds each file's parsed models as plain tuples keyed by the file's SHA-256 (an edited
file is parsed again); marshal reads them several times faster than pickled objects. A damaged
or unwritable cache is rebuilt or skipped, never an error.
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Callable
from pathlib import Path
from typing import TypeAlias

from mmpsi_variants.core.cache import cache_dir, write_cache_file
from mmpsi_variants.core.errors import InputFileError
from mmpsi_variants.io.genemodels import Gene, GeneModels, GeneTuple, pack_coords
from mmpsi_variants.io.gff import parse_gene_models
from mmpsi_variants.io.provenance import sha256sum

# Bump when the parsed form changes, so that old cache files are not read.
CACHE_FORMAT = 3


def load_gene_models(
    path: str | Path,
    want: Callable[[Gene], bool] | None = None,
    want_key: str | None = None,
) -> GeneModels:
    """Read a GFF3 or GTF file, from the cache when the same file was read before.

    ``want`` receives each gene (without transcripts) and decides whether its transcripts are
    kept; genes not wanted are still listed, so that look-ups by identifier work, but their
    exons are not held in memory. ``want_key`` names that choice for the cache (a ``want``
    without a key is not cached). The cache is keyed by the file's SHA-256, so an edited file
    is parsed again. Malformed lines raise :class:`GeneModelError` naming the line.
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError("file not found; expected gene models in GFF3 or GTF", path=str(path))
    cache = cache_dir("genemodels") if (want is None or want_key) else None
    cached = None
    if cache is not None:
        key = hashlib.sha256(
            f"{CACHE_FORMAT}:{sha256sum(path)}:{want_key or 'all'}".encode()
        ).hexdigest()
        cached = cache / f"{key}.marshal"
        if cached.exists():
            try:
                with open(cached, "rb") as fh:
                    return _from_primitives(str(path), marshal.loads(fh.read()))
            except (OSError, ValueError, EOFError, TypeError, IndexError):
                pass  # a damaged cache file is simply rebuilt
    models = parse_gene_models(path, want)
    if cached is not None:
        assert cache is not None
        write_cache_file(cached, lambda fh: marshal.dump(_to_primitives(models), fh))
    return models


# What the cache file holds: its format, the file's metadata and the genes' tuples.
_Primitives: TypeAlias = tuple[int, dict[str, str], tuple[GeneTuple, ...]]


def _to_primitives(models: GeneModels) -> _Primitives:
    genes: list[GeneTuple] = []
    for g in models.genes:
        txs = tuple(
            (t.id, t.version, t.gene_id, t.name, t.chrom, t.start, t.end, t.strand, t.biotype,
             tuple(sorted(t.tags)), pack_coords(x for e in t.exons for x in e),
             pack_coords(x for c in t.cds for x in c))
            for t in g.transcripts
        )  # fmt: skip
        genes.append((g.id, g.symbol, g.hgnc_id, g.ensembl_id, g.synonyms, g.chrom, g.start,
                      g.end, g.strand, g.biotype, txs))  # fmt: skip
    return (CACHE_FORMAT, dict(models.metadata), tuple(genes))


def _from_primitives(path: str, data: _Primitives) -> GeneModels:
    version, metadata, genes = data
    if version != CACHE_FORMAT:
        raise ValueError("cache format")
    return GeneModels(path, None, metadata, genes)
