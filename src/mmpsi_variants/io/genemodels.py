"""Gene and transcript models as the rest of the package sees them.

:class:`Gene` and :class:`Transcript` are named tuples (a genome holds a quarter of a million
transcripts); :class:`GeneModels` holds all genes of one file with look-ups by HGNC ID, Ensembl ID,
symbol and synonym, building genes from the cache's packed tuples only when asked.
:func:`primary_transcript` picks MANE Select, else a preferred transcript, else the longest CDS.

Coordinates are 1-based and inclusive, as in the files.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Final, NamedTuple, TypeAlias

from mmpsi_variants.core.recent import RecentCache

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


# A transcript and a gene as the cache holds them (see below): the fields of Transcript, with tags
# sorted and exons and CDS as packed coordinates, and of Gene, with its transcripts' tuples.
TranscriptTuple: TypeAlias = tuple[
    str, str | None, str, str | None, str, int, int, str, str | None, tuple[str, ...], bytes, bytes
]
GeneTuple: TypeAlias = tuple[
    str,
    str | None,
    str | None,
    str | None,
    tuple[str, ...],
    str,
    int,
    int,
    str,
    str | None,
    tuple[TranscriptTuple, ...],
]
_ByKey: TypeAlias = Mapping[str, list[Gene]]


class _GenesBy(Mapping[str, list[Gene]]):
    """Genes by one identifier, built (with their transcripts) only when looked up."""

    def __init__(self, models: GeneModels, index: dict[str, list[int]]):
        self._models = models
        self._index = index

    def __getitem__(self, key: str) -> list[Gene]:
        return [self._models.gene_at(i) for i in self._index[key]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


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
        primitives: tuple[GeneTuple, ...] | None = None,
    ) -> None:
        self.path = path
        self.metadata = metadata or {}
        self._genes = genes
        self._prims = primitives  # gene tuples, as in the cache
        self._built: RecentCache[int, Gene] = RecentCache(GENE_CACHE)
        self._lookups: tuple[_ByKey, _ByKey, _ByKey, _ByKey] | None = None
        self._outlines: list[Gene] | None = None

    @property
    def genes(self) -> list[Gene]:
        if self._genes is None:
            assert self._prims is not None
            self._genes = [self.gene_at(i) for i in range(len(self._prims))]
        return self._genes

    def __len__(self) -> int:
        if self._genes is not None:
            return len(self._genes)
        assert self._prims is not None
        return len(self._prims)

    def gene_at(self, i: int) -> Gene:
        """The i-th gene, built from the cached tuples on first use."""
        if self._genes is not None:
            return self._genes[i]
        gene = self._built.get(i)
        if gene is None:
            assert self._prims is not None
            gene = self._built.put(i, _gene_from_tuple(self._prims[i]))
        return gene

    def transcript_spans(self) -> Iterator[tuple[str, int, int, str, int, int]]:
        """(chrom, start, end, strand, gene index, transcript index) of every transcript,
        without building a single object when the models come from the cache."""
        if self._genes is not None:
            for gi, g in enumerate(self._genes):
                for ti, t in enumerate(g.transcripts):
                    yield t.chrom, t.start, t.end, t.strand, gi, ti
            return
        assert self._prims is not None
        for gi, gt in enumerate(self._prims):
            for ti, tt in enumerate(gt[10]):
                yield tt[4], tt[5], tt[6], tt[7], gi, ti

    def _is_built(self, i: int) -> bool:
        return self._genes is not None or i in self._built

    def outline(self, gi: int, ti: int) -> tuple[Gene, Transcript]:
        """The i-th gene without its transcripts, and its transcript ti without exons or CDS:
        all that an annotation near a transcript, not in it, names. From the cache this costs
        a fraction of building the gene."""
        if self._is_built(gi):
            gene = self.gene_at(gi)
            return gene._replace(transcripts=()), gene.transcripts[ti]
        assert self._prims is not None
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
        facts: list[tuple[str, bool, int, int]] = []
        assert self._prims is not None
        for tid, _, _, _, _, ts, te, _, _, tags, _, cds in self._prims[gi][10]:
            c = unpack_coords(cds)
            cds_length = sum(c[1::3]) - sum(c[0::3]) + len(c) // 3
            facts.append((tid, "MANE_Select" in tags, cds_length, te - ts))
        return _primary_index(facts, preferred)

    def outlines(self) -> list[Gene]:
        """Every gene without its transcripts: what placing a variant in a gene needs. From the
        cache no gene is built (a genome's 20,000 genes with their transcripts cost seconds and
        hundreds of megabytes that a research-mode run would hold to the end)."""
        if self._outlines is None:
            if self._genes is not None:
                self._outlines = [g._replace(transcripts=()) for g in self._genes]
            else:
                assert self._prims is not None
                self._outlines = [
                    Gene(gid, symbol, hgnc, ens, tuple(syn), chrom, start, end, strand, biotype)
                    for gid, symbol, hgnc, ens, syn, chrom, start, end, strand, biotype, _ in (
                        self._prims
                    )
                ]
        return self._outlines

    def _index(self) -> tuple[_ByKey, _ByKey, _ByKey, _ByKey]:
        if self._lookups is None:
            by_hgnc, by_ensembl, by_symbol, by_synonym = (defaultdict(list) for _ in range(4))
            for i, gene in enumerate(self.outlines()):
                if gene.hgnc_id:
                    by_hgnc[gene.hgnc_id].append(i)
                if gene.ensembl_id:
                    by_ensembl[gene.ensembl_id].append(i)
                if gene.symbol:
                    by_symbol[gene.symbol.upper()].append(i)
                for syn in gene.synonyms:
                    by_synonym[syn.upper()].append(i)
            self._lookups = (
                _GenesBy(self, by_hgnc),
                _GenesBy(self, by_ensembl),
                _GenesBy(self, by_symbol),
                _GenesBy(self, by_synonym),
            )
        return self._lookups

    @property
    def by_hgnc(self) -> _ByKey:
        return self._index()[0]

    @property
    def by_ensembl(self) -> _ByKey:
        return self._index()[1]

    @property
    def by_symbol(self) -> _ByKey:
        return self._index()[2]

    @property
    def by_synonym(self) -> _ByKey:
        return self._index()[3]

    @property
    def contigs(self) -> list[str]:
        if self._genes is None:
            assert self._prims is not None
            return sorted({g[5] for g in self._prims})
        return sorted({g.chrom for g in self._genes})


# The cache holds plain tuples (marshal reads them several times faster than pickled objects),
# and each transcript's exon and CDS coordinates as packed 64-bit integers: a genome has millions
# of them, and marshal makes one object per integer but copies bytes in one go.
_COORD: Final = "q"


def pack_coords(numbers: Iterable[int]) -> bytes:
    return array(_COORD, numbers).tobytes()


def unpack_coords(packed: bytes) -> array[int]:
    a = array(_COORD)
    a.frombytes(packed)
    return a


def _gene_from_tuple(g: GeneTuple) -> Gene:
    gid, symbol, hgnc, ens, syn, chrom, start, end, strand, biotype, txs = g
    transcripts = []
    for tid, ver, tg, name, tchrom, ts, te, tstrand, tbio, tags, ex_packed, cds_packed in txs:
        ex, cds = unpack_coords(ex_packed), unpack_coords(cds_packed)
        transcripts.append(
            Transcript(tid, ver, tg, name, tchrom, ts, te, tstrand, tbio, frozenset(tags),
                       tuple(zip(ex[0::2], ex[1::2], strict=True)),
                       tuple(zip(cds[0::3], cds[1::3], cds[2::3], strict=True)))
        )  # fmt: skip
    return Gene(gid, symbol, hgnc, ens, tuple(syn), chrom, start, end, strand, biotype,
                tuple(transcripts))  # fmt: skip


def primary_transcript(gene: Gene, preferred: Iterable[str] = ()) -> Transcript | None:
    """MANE Select when tagged, else a named preferred transcript, else the longest CDS."""
    i = _primary_index(_primary_facts(gene.transcripts), preferred)
    return None if i is None else gene.transcripts[i]


def _primary_facts(transcripts: Iterable[Transcript]) -> list[tuple[str, bool, int, int]]:
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
