"""A transcript with its sequence: exons in transcript order, cDNA and CDS coordinates.

Built from a :class:`genemodels.Transcript` and the reference. Everything downstream
(consequences, HGVS) works in transcript orientation through the mappings here:
genomic position <-> cDNA position <-> CDS position, and exon/intron numbers.

Coordinates: genomic positions are 1-based; cDNA and CDS positions are 1-based along the spliced
transcript in its own 5'->3' direction.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from mmpsi_variants.io.genemodels import Transcript

Fetch = Callable[[str, int, int], "str | None"]  # fetch(chrom, start0, end0) -> bases

_COMPLEMENT = str.maketrans("ACGTNacgtn", "TGCANtgcan")

_BASES = "TCAG"
_AMINO = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODON_TABLE = {
    a + b + c: _AMINO[16 * i + 4 * j + k]
    for i, a in enumerate(_BASES)
    for j, b in enumerate(_BASES)
    for k, c in enumerate(_BASES)
}
THREE_LETTER = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu",
    "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe",
    "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "*": "*",
    "X": "Xaa", "U": "Sec",
}  # fmt: skip


def revcomp(seq: str) -> str:
    return seq.translate(_COMPLEMENT)[::-1]


def translate(seq: str, to_stop: bool = False) -> str:
    """Translate in frame from the first base; an incomplete last codon is dropped."""
    out = []
    for i in range(0, len(seq) - 2, 3):
        aa = CODON_TABLE.get(seq[i : i + 3].upper(), "X")
        out.append(aa)
        if to_stop and aa == "*":
            break
    return "".join(out)


class Exon(NamedTuple):
    """One exon (a named tuple: every annotated transcript builds a dozen of them)."""

    number: int  # 1-based, in transcript order
    g_start: int
    g_end: int
    c_start: int  # cDNA position of the exon's 5' end (transcript orientation)
    c_end: int


@dataclass
class TranscriptSeq:
    """A transcript and its spliced sequence, ready for variant effect prediction."""

    tx: Transcript
    exons: list[Exon]
    cds_start: int | None  # cDNA position of the first CDS base
    cds_end_raw: int | None  # cDNA position of the last CDS base as annotated
    start_phase: int = 0  # bases before the first complete codon (5' incomplete CDS)
    start_nf: bool = False  # CDS start not found (incomplete 5' end)
    fetch: Fetch | None = field(default=None, repr=False)  # fetch(chrom, start0, end0)
    _seq: str | None = field(default=None, repr=False)
    _cds_end: int | None = field(default=None, repr=False)
    _protein: str | None = field(default=None, repr=False)
    _starts: list[int] | None = field(default=None, repr=False)  # set by build()
    _by_start: list[Exon] | None = field(default=None, repr=False)

    @property
    def seq(self) -> str:
        """The spliced cDNA sequence, 5'->3', read from the reference on first use: intronic
        and UTR variants never need it, and on a whole genome they are most variants."""
        if self._seq is None:
            ordered = self.exons
            span_start = min(e.g_start for e in ordered)
            # One read of the whole span is far cheaper than one per exon.
            assert self.fetch is not None
            span = self.fetch(self.tx.chrom, span_start - 1, max(e.g_end for e in ordered)) or ""
            pieces = []
            for e in ordered:
                bases = span[e.g_start - span_start : e.g_end - span_start + 1]
                if len(bases) != e.g_end - e.g_start + 1:
                    bases = bases.ljust(e.g_end - e.g_start + 1, "N")
                pieces.append(bases if self.tx.strand == "+" else revcomp(bases))
            self._seq = "".join(pieces).upper()
        return self._seq

    @property
    def cds_end(self) -> int | None:
        """cDNA position of the last CDS base, the stop codon included.

        GTF files leave the stop codon out of the CDS; when the three bases after the annotated
        CDS make a stop, they are taken in, so that both styles give the same model.
        """
        if self._cds_end is None and self.cds_end_raw is not None:
            end = self.cds_end_raw
            assert self.cds_start is not None  # set together with cds_end_raw
            # The last codon and the next three bases decide it: reading the whole transcript
            # here would make every intronic or 3' UTR variant of a coding transcript pay for
            # its sequence.
            n = max(end - (self.cds_start - 1 + self.start_phase), 0)  # complete-codon bases
            if n % 3 == 0:
                last = self.cdna_bases(end - 2, end) if n >= 3 else ""
                following = self.cdna_bases(end + 1, end + 3)
                if translate(last) != "*" and len(following) == 3 and translate(following) == "*":
                    end += 3
            self._cds_end = end
        return self._cds_end

    def cdna_bases(self, c_lo: int, c_hi: int) -> str:
        """cDNA bases c_lo..c_hi (1-based, inclusive, clipped to the transcript), from the
        sequence when it has been read, else from the reference exon by exon."""
        if self._seq is not None:
            return self._seq[max(c_lo, 1) - 1 : c_hi]
        pieces = []
        for e in self.exons:
            lo, hi = max(c_lo, e.c_start), min(c_hi, e.c_end)
            if lo > hi:
                continue
            if self.tx.strand == "+":
                g_lo, g_hi = e.g_start + (lo - e.c_start), e.g_start + (hi - e.c_start)
            else:
                g_lo, g_hi = e.g_end - (hi - e.c_start), e.g_end - (lo - e.c_start)
            assert self.fetch is not None
            bases = (self.fetch(self.tx.chrom, g_lo - 1, g_hi) or "").upper()
            bases = bases.ljust(g_hi - g_lo + 1, "N")
            pieces.append(bases if self.tx.strand == "+" else revcomp(bases))
        return "".join(pieces)

    def in_cds_for_sure(self, c: int) -> bool:
        """Whether a cDNA position is inside the CDS, without reading the sequence when the
        annotated CDS already says so."""
        if not self.coding:
            return False
        assert self.cds_start is not None and self.cds_end_raw is not None
        return self.cds_start <= c <= self.cds_end_raw

    @property
    def protein(self) -> str:
        """Reference protein, stop included when present; translated on first use, since most
        variants (intronic, UTR, near the gene) never need it."""
        if self._protein is None:
            if not self.coding:
                self._protein = ""
            else:
                assert self.cds_start is not None
                cds = self.seq[self.cds_start - 1 + self.start_phase : self.cds_end]
                self._protein = translate(cds, to_stop=True)
        return self._protein

    @property
    def end_nf(self) -> bool:
        """CDS end not found: no stop codon, or tagged so."""
        return self.coding and (not self.protein.endswith("*") or "cds_end_NF" in self.tx.tags)

    @property
    def strand(self) -> str:
        return self.tx.strand

    @property
    def coding(self) -> bool:
        return self.cds_start is not None

    def has_coding_bases(self, e: Exon) -> bool:
        """Whether exon ``e`` holds part of the CDS (every exon of a non-coding transcript
        counts, as coverage and copy number bin its whole exons)."""
        if self.cds_start is None or self.cds_end is None:
            return True
        return e.c_end >= self.cds_start and e.c_start <= self.cds_end

    @property
    def cds_seq(self) -> str:
        if not self.coding:
            return ""
        assert self.cds_start is not None
        return self.seq[self.cds_start - 1 : self.cds_end]

    @property
    def protein_length(self) -> int:
        """Amino acids, the stop not counted."""
        return len(self.protein.rstrip("*"))

    # -- coordinate mappings -------------------------------------------------------------------

    def exon_at(self, gpos: int) -> Exon | None:
        assert self._starts is not None and self._by_start is not None  # set by build()
        i = bisect.bisect_right(self._starts, gpos) - 1
        if i >= 0:
            e = self._by_start[i]
            if gpos <= e.g_end:
                return e
        return None

    def g_to_c(self, gpos: int) -> int | None:
        """cDNA position of an exonic genomic position, else None."""
        e = self.exon_at(gpos)
        if e is None:
            return None
        if self.strand == "+":
            return e.c_start + (gpos - e.g_start)
        return e.c_start + (e.g_end - gpos)

    def c_to_g(self, cpos: int) -> int:
        for e in self.exons:
            if e.c_start <= cpos <= e.c_end:
                off = cpos - e.c_start
                return e.g_start + off if self.strand == "+" else e.g_end - off
        raise ValueError(f"cDNA position {cpos} outside transcript {self.tx.id}")

    def intron_at(self, gpos: int) -> tuple[int, int, int] | None:
        """(intron number, cDNA position of the exon base 5' of it, of the base 3' of it)."""
        ordered = self.exons
        for i in range(len(ordered) - 1):
            a, b = ordered[i], ordered[i + 1]
            lo, hi = (a.g_end, b.g_start) if self.strand == "+" else (b.g_end, a.g_start)
            if lo < gpos < hi:
                return i + 1, a.c_end, b.c_start
        return None

    def intron_offset(self, gpos: int) -> tuple[int, int] | None:
        """(anchor cDNA position, signed offset) for an intronic position, HGVS style.

        The anchor is the nearer exon base; a position equally far from both belongs to the
        upstream one (``+``), as HGVS asks.
        """
        ordered = self.exons
        plus = self.strand == "+"
        for i in range(len(ordered) - 1):
            a, b = ordered[i], ordered[i + 1]
            # a is the exon 5' of the intron in transcript order, b the one 3' of it.
            g5, g3 = (a.g_end, b.g_start) if plus else (a.g_start, b.g_end)
            if min(g5, g3) < gpos < max(g5, g3):
                d5, d3 = abs(gpos - g5), abs(g3 - gpos)
                return (a.c_end, d5) if d5 <= d3 else (b.c_start, -d3)
        return None

    def n_introns(self) -> int:
        return len(self.exons) - 1


def build(tx: Transcript, fetch: Fetch) -> TranscriptSeq:
    """A transcript's coordinates; its sequence is read through ``fetch(chrom, start0, end0)``
    only when a variant needs it."""
    by_start = sorted(tx.exons)
    plus = tx.strand == "+"
    exons, c = [], 1
    for n, (s, e) in enumerate(by_start if plus else reversed(by_start), 1):
        exons.append(Exon(n, s, e, c, c + (e - s)))
        c += e - s + 1
    ts = TranscriptSeq(tx, exons, None, None, fetch=fetch)
    ts._by_start = exons if plus else exons[::-1]
    ts._starts = [e.g_start for e in ts._by_start]
    if not tx.cds:
        return ts
    cds_sorted = sorted(tx.cds)
    first = cds_sorted[0] if plus else cds_sorted[-1]
    g_first = first[0] if plus else first[1]
    g_last = cds_sorted[-1][1] if plus else cds_sorted[0][0]
    c_first, c_last = ts.g_to_c(g_first), ts.g_to_c(g_last)
    if c_first is None or c_last is None:
        return ts  # CDS outside the exons: treated as non-coding rather than guessed
    ts.cds_start, ts.cds_end_raw = c_first, c_last
    ts.start_phase = first[2]
    ts.start_nf = ts.start_phase != 0 or "cds_start_NF" in tx.tags
    return ts
