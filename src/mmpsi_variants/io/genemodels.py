"""Gene and transcript models from GFF3 and GTF files.

Reads the styles users bring: Ensembl and GENCODE GFF3/GTF, and RefSeq/MANE GFF3/GTF. Genes are
identified by HGNC ID, Ensembl gene ID and symbol (plus RefSeq synonyms), whichever the file
carries, so that a panel keyed by HGNC ID finds its genes in any of them.

Coordinates are 1-based and inclusive, as in the files.
"""

from __future__ import annotations

import gzip
import hashlib
import marshal
import os
import re
import tempfile
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote

from mmpsi_variants.core.errors import GeneModelError, InputFileError
from mmpsi_variants.core.recent import RecentCache

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
# Genes built from the cached tuples and kept (see recent.py for why not all of them).
GENE_CACHE = 4096


class Transcript(NamedTuple):
    """One transcript: exons and CDS pieces sorted by genomic position.

    A named tuple rather than a dataclass: a genome holds a quarter of a million of them, and
    tuples are several times cheaper to build.
    """

    id: str  # without version for Ensembl IDs, as written for RefSeq (NM_020822.3)
    version: str | None
    gene_id: str
    name: str | None
    chrom: str
    start: int
    end: int
    strand: str
    biotype: str | None
    tags: frozenset[str]
    exons: tuple[tuple[int, int], ...]
    cds: tuple[tuple[int, int, int], ...]  # (start, end, phase)

    @property
    def versioned_id(self) -> str:
        if self.version and not self.id.endswith(f".{self.version}"):
            return f"{self.id}.{self.version}"
        return self.id

    @property
    def is_coding(self) -> bool:
        return bool(self.cds)

    @property
    def is_mane_select(self) -> bool:
        return "MANE_Select" in self.tags

    @property
    def cds_length(self) -> int:
        return sum(e - s + 1 for s, e, _ in self.cds)


class Gene(NamedTuple):
    """A gene with every identifier the file gives for it (a named tuple, as Transcript)."""

    id: str
    symbol: str | None
    hgnc_id: str | None
    ensembl_id: str | None
    synonyms: tuple[str, ...]
    chrom: str
    start: int
    end: int
    strand: str
    biotype: str | None
    transcripts: tuple[Transcript, ...] = ()

    def mane_select(self) -> Transcript | None:
        return next((t for t in self.transcripts if t.is_mane_select), None)


class GeneModels:
    """All genes read from one file, with look-ups by identifier.

    Gene models read from the cache stay as plain tuples until a gene is asked for: a
    genome's 250,000 transcripts cost seconds to turn into objects, and a panel or a VCF
    touches only some of them.
    """

    def __init__(
        self,
        path: str,
        genes: list[Gene] | None,
        metadata: dict[str, str] | None = None,
        primitives: tuple | None = None,
    ):
        self.path = path
        self.metadata = metadata or {}
        self._genes = genes
        self._prims = primitives  # gene tuples, as in the cache
        self._built: RecentCache[int, Gene] = RecentCache(GENE_CACHE)
        self._lookups: tuple | None = None

    @property
    def genes(self) -> list[Gene]:
        if self._genes is None:
            self._genes = [self.gene_at(i) for i in range(len(self._prims))]
        return self._genes

    def __len__(self) -> int:
        return len(self._genes) if self._genes is not None else len(self._prims)

    def gene_at(self, i: int) -> Gene:
        """The i-th gene, built from the cached tuples on first use."""
        if self._genes is not None:
            return self._genes[i]
        gene = self._built.get(i)
        if gene is None:
            gene = self._built.put(i, _gene_from_tuple(self._prims[i]))
        return gene

    def transcript_spans(self):
        """(chrom, start, end, strand, gene index, transcript index) of every transcript,
        without building a single object when the models come from the cache."""
        if self._genes is not None:
            for gi, g in enumerate(self._genes):
                for ti, t in enumerate(g.transcripts):
                    yield t.chrom, t.start, t.end, t.strand, gi, ti
            return
        for gi, g in enumerate(self._prims):
            for ti, t in enumerate(g[10]):
                yield t[4], t[5], t[6], t[7], gi, ti

    def _is_built(self, i: int) -> bool:
        return self._genes is not None or i in self._built

    def outline(self, gi: int, ti: int) -> tuple[Gene, Transcript]:
        """The i-th gene without its transcripts, and its transcript ti without exons or CDS:
        all that an annotation near a transcript, not in it, names. From the cache this costs
        a fraction of building the gene."""
        if self._is_built(gi):
            gene = self.gene_at(gi)
            return gene._replace(transcripts=()), gene.transcripts[ti]
        gid, symbol, hgnc, ens, syn, chrom, start, end, strand, biotype, txs = self._prims[gi]
        tid, ver, tg, name, tchrom, ts, te, tstrand, tbio, tags, _, _ = txs[ti]
        return (
            Gene(gid, symbol, hgnc, ens, tuple(syn), chrom, start, end, strand, biotype),
            Transcript(tid, ver, tg, name, tchrom, ts, te, tstrand, tbio, frozenset(tags), (), ()),
        )

    def primary_index(self, gi: int, preferred: Iterable[str] = ()) -> int | None:
        """Index of the i-th gene's primary transcript (see :func:`primary_transcript`)."""
        if self._is_built(gi):
            return _primary_index(_primary_facts(self.gene_at(gi).transcripts), preferred)
        facts = []
        for tid, _, _, _, _, ts, te, _, _, tags, _, cds in self._prims[gi][10]:
            c = _unpack(cds)
            cds_length = sum(c[1::3]) - sum(c[0::3]) + len(c) // 3
            facts.append((tid, "MANE_Select" in tags, cds_length, te - ts))
        return _primary_index(facts, preferred)

    def _index(self) -> tuple:
        if self._lookups is None:
            by_hgnc, by_ensembl, by_symbol, by_synonym = (defaultdict(list) for _ in range(4))
            for gene in self.genes:
                if gene.hgnc_id:
                    by_hgnc[gene.hgnc_id].append(gene)
                if gene.ensembl_id:
                    by_ensembl[gene.ensembl_id].append(gene)
                if gene.symbol:
                    by_symbol[gene.symbol.upper()].append(gene)
                for syn in gene.synonyms:
                    by_synonym[syn.upper()].append(gene)
            self._lookups = (by_hgnc, by_ensembl, by_symbol, by_synonym)
        return self._lookups

    @property
    def by_hgnc(self) -> dict[str, list[Gene]]:
        return self._index()[0]

    @property
    def by_ensembl(self) -> dict[str, list[Gene]]:
        return self._index()[1]

    @property
    def by_symbol(self) -> dict[str, list[Gene]]:
        return self._index()[2]

    @property
    def by_synonym(self) -> dict[str, list[Gene]]:
        return self._index()[3]

    @property
    def contigs(self) -> list[str]:
        if self._genes is None:
            return sorted({g[5] for g in self._prims})
        return sorted({g.chrom for g in self._genes})


def _open_text(path: Path):
    with open(path, "rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")


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
    with _open_text(path) as fh:
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


# Bump when the parsed form changes, so that old cache files are not read.
CACHE_FORMAT = 3


def cache_dir() -> Path | None:
    """Where parsed gene models are kept: $MMPSI_CACHE_DIR, else ~/.cache/mmpsi-variants.

    MMPSI_CACHE_DIR=off turns the cache off.
    """
    env = os.environ.get("MMPSI_CACHE_DIR")
    if env and env.lower() in ("off", "none", "0"):
        return None
    return Path(env) if env else Path.home() / ".cache" / "mmpsi-variants" / "genemodels"


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
    cache = cache_dir() if (want is None or want_key) else None
    cached = None
    if cache is not None:
        from mmpsi_variants.io.provenance import sha256sum

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
    models = _parse(path, want)
    if cached is not None:
        try:
            cache.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=cache, suffix=".part")
            with os.fdopen(fd, "wb") as fh:
                marshal.dump(_to_primitives(models), fh)
            os.replace(tmp, cached)
        except OSError:
            pass  # a read-only home is no reason to fail
    return models


# The cache holds plain tuples (marshal reads them several times faster than pickled objects),
# and each transcript's exon and CDS coordinates as packed 64-bit integers: a genome has millions
# of them, and marshal makes one object per integer but copies bytes in one go.
_COORD = "q"


def _pack(numbers) -> bytes:
    return array(_COORD, numbers).tobytes()


def _unpack(packed: bytes) -> array:
    a = array(_COORD)
    a.frombytes(packed)
    return a


def _to_primitives(models: GeneModels) -> tuple:
    genes = []
    for g in models.genes:
        txs = tuple(
            (t.id, t.version, t.gene_id, t.name, t.chrom, t.start, t.end, t.strand, t.biotype,
             tuple(sorted(t.tags)), _pack(x for e in t.exons for x in e),
             _pack(x for c in t.cds for x in c))
            for t in g.transcripts
        )  # fmt: skip
        genes.append((g.id, g.symbol, g.hgnc_id, g.ensembl_id, g.synonyms, g.chrom, g.start,
                      g.end, g.strand, g.biotype, txs))  # fmt: skip
    return (CACHE_FORMAT, dict(models.metadata), tuple(genes))


def _from_primitives(path: str, data: tuple) -> GeneModels:
    version, metadata, genes = data
    if version != CACHE_FORMAT:
        raise ValueError("cache format")
    return GeneModels(path, None, metadata, genes)


def _gene_from_tuple(g: tuple) -> Gene:
    gid, symbol, hgnc, ens, syn, chrom, start, end, strand, biotype, txs = g
    transcripts = []
    for tid, ver, tg, name, tchrom, ts, te, tstrand, tbio, tags, ex, cds in txs:
        ex, cds = _unpack(ex), _unpack(cds)
        transcripts.append(
            Transcript(tid, ver, tg, name, tchrom, ts, te, tstrand, tbio, frozenset(tags),
                       tuple(zip(ex[0::2], ex[1::2], strict=True)),
                       tuple(zip(cds[0::3], cds[1::3], cds[2::3], strict=True)))
        )  # fmt: skip
    return Gene(gid, symbol, hgnc, ens, tuple(syn), chrom, start, end, strand, biotype,
                tuple(transcripts))  # fmt: skip


def _parse(path: Path, want: Callable[[Gene], bool] | None) -> GeneModels:
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

    with _open_text(path) as fh:
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


def _gtf_line(path, lineno, cols, attrs, genes, tx, tx_gene) -> None:
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


def primary_transcript(gene: Gene, preferred: Iterable[str] = ()) -> Transcript | None:
    """MANE Select when tagged, else a named preferred transcript, else the longest CDS."""
    i = _primary_index(_primary_facts(gene.transcripts), preferred)
    return None if i is None else gene.transcripts[i]


def _primary_facts(transcripts) -> list[tuple[str, bool, int, int]]:
    return [(t.id, t.is_mane_select, t.cds_length, t.end - t.start) for t in transcripts]


def _primary_index(facts: list[tuple[str, bool, int, int]], preferred: Iterable[str]) -> int | None:
    """facts: (ID, MANE Select?, CDS length, span) per transcript."""
    if not facts:
        return None
    for i, f in enumerate(facts):
        if f[1]:
            return i
    wanted = {p.split(".")[0] for p in preferred if p}
    for i, f in enumerate(facts):
        if f[0].split(".")[0] in wanted:
            return i
    return max(range(len(facts)), key=lambda i: (facts[i][2], facts[i][3], facts[i][0]))
