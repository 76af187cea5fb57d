"""Where a variant lies on a transcript: upstream, UTR, intron, splice sites, exon.

Location terms come from the variant's genomic span against the transcript's exons: splice
donor and acceptor (an intron's first and last two bases), the donor's fifth base, and the
splice region (1-3 exonic and 3-8 intronic bases from each end), as VEP defines them.
"""

from __future__ import annotations

from dataclasses import dataclass

from mmpsi_variants.annotation.effects import MinimalVariant
from mmpsi_variants.annotation.transcripts import TranscriptSeq


def _intron_bounds(ts: TranscriptSeq):
    """Per intron, in transcript order: (number, genomic first base, genomic last base), where
    'first' is the 5' end in transcript orientation."""
    exons = ts.exons
    if ts.tx.strand == "+":
        return [
            (i + 1, exons[i].g_end + 1, exons[i + 1].g_start - 1) for i in range(len(exons) - 1)
        ]
    return [(i + 1, exons[i].g_start - 1, exons[i + 1].g_end + 1) for i in range(len(exons) - 1)]


def _intron_offset_positions(ts: TranscriptSeq, first: int, last: int, k: int) -> int:
    """Genomic position of intron base +k (k > 0, from the 5' end) or -k (k < 0, from 3')."""
    step = 1 if ts.strand == "+" else -1
    return first + step * (k - 1) if k > 0 else last - step * (-k - 1)


@dataclass(frozen=True)
class _IntronSites:
    """Genomic intervals (inclusive) of one intron's splice sites."""

    number: int
    lo: int
    hi: int
    donor: tuple[int, int]
    acceptor: tuple[int, int]
    fifth: tuple[int, int]
    region: tuple[tuple[int, int], ...]  # exonic 1-3 and intronic 3-8 bases from each end

    @property
    def canonical(self) -> set[int]:
        return set(range(self.donor[0], self.donor[1] + 1)) | set(
            range(self.acceptor[0], self.acceptor[1] + 1)
        )


def _span(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a <= b else (b, a)


def _sites(ts: TranscriptSeq, number: int, first: int, last: int) -> _IntronSites:
    """Splice-site intervals of one intron (``first``/``last`` in transcript orientation)."""
    step = 1 if ts.strand == "+" else -1
    lo, hi = min(first, last), max(first, last)

    def clip(a: int, b: int) -> tuple[int, int] | None:
        a, b = _span(a, b)
        a, b = max(a, lo), min(b, hi)
        return (a, b) if a <= b else None

    intronic = [clip(first + 2 * step, first + 7 * step), clip(last - 2 * step, last - 7 * step)]
    exonic = [_span(first - step, first - 3 * step), _span(last + step, last + 3 * step)]
    return _IntronSites(
        number,
        lo,
        hi,
        _span(first, first + step),
        _span(last, last - step),
        (first + 4 * step, first + 4 * step),
        tuple(r for r in (*intronic, *exonic) if r is not None),
    )


def location_terms(ts: TranscriptSeq, v: MinimalVariant) -> tuple[set[str], tuple | None]:
    """Splice and intron terms from the variant's genomic span."""
    terms: set[str] = set()
    intron_hit = None
    insertion = v.is_insertion
    # An insertion hits a site only when both of its flanking bases lie in it.
    vlo, vhi = (v.end, v.start) if insertion else (v.start, v.end)

    def hits(site: tuple[int, int]) -> bool:
        a, b = site
        if insertion:
            return a <= vlo and vhi <= b
        return vlo <= b and a <= vhi

    def touches(sites) -> bool:
        for a, b in sites:
            if insertion:
                if a <= vlo <= b or a <= vhi <= b:
                    return True
            elif vlo <= b and a <= vhi:
                return True
        return False

    for number, first, last in _intron_bounds(ts):
        if vhi < min(first, last) - 3 or vlo > max(first, last) + 3:
            continue  # nowhere near this intron or its splice region
        if (first <= last) != (ts.strand == "+") and first != last:
            continue  # an empty intron (touching exons)
        ilo, ihi = (first, last) if first <= last else (last, first)
        if ilo + 8 <= vlo and vhi <= ihi - 8:
            # Deep in the intron, beyond every splice interval (the outermost is the region,
            # 3-8 bases in): the common case on a genome, settled without building the sites.
            return {"intron_variant"}, (number, ts.n_introns())
        site = _sites(ts, number, first, last)
        donor, acceptor = hits(site.donor), hits(site.acceptor)
        if donor:
            terms.add("splice_donor_variant")
        if acceptor:
            terms.add("splice_acceptor_variant")
        if not donor and hits(site.fifth):
            terms.add("splice_donor_5th_base_variant")
        if not (donor or acceptor) and touches(site.region):
            terms.add("splice_region_variant")
        if insertion:
            inside = site.lo <= vlo and vhi <= site.hi
            canon = site.canonical
            beyond_canonical = inside and not (vlo in canon and vhi in canon)
        else:
            a, b = max(vlo, site.lo), min(vhi, site.hi)
            inside = a <= b
            beyond_canonical = inside and (b - a + 1) > sum(a <= p <= b for p in site.canonical)
        if inside:
            intron_hit = (site.number, ts.n_introns())
            if beyond_canonical:
                terms.add("intron_variant")
    return terms, intron_hit


def _exon_edge_insertion(ts: TranscriptSeq, v: MinimalVariant, c1, c2):
    """The cDNA pair an insertion at an exon-intron border falls between, or None.

    Inserted between an exon's last base and the intron's first (or the intron's last and the
    exon's first), the bases leave the splice dinucleotide as it was, right beside them: the
    intron still starts GT and ends AG. So they extend the exon, and change its coding sequence
    (bcftools csq reads them so on one strand; a donor or acceptor hit is only where the
    dinucleotide itself changes).
    """
    exonic = c1 if c1 is not None else c2
    if exonic is None:
        return None
    # The exonic flank, 5' or 3' of the insertion point in the transcript's direction.
    five_prime_flank = (c1 is not None) == (ts.strand == "+")
    e = next((x for x in ts.exons if x.c_start <= exonic <= x.c_end), None)
    if e is None:
        return None
    if five_prime_flank and exonic == e.c_end and e is not ts.exons[-1]:
        return (exonic, exonic + 1)
    if not five_prime_flank and exonic == e.c_start and e is not ts.exons[0]:
        return (exonic - 1, exonic)
    return None


def exonic_part(ts: TranscriptSeq, v: MinimalVariant):
    """cDNA interval of the exonic part, and whether the whole variant is inside one exon."""
    if v.is_insertion:
        c1, c2 = ts.g_to_c(v.end), ts.g_to_c(v.start)
        if c1 is not None and c2 is not None:
            if abs(c1 - c2) != 1:
                return None, False
            lo = min(c1, c2)
            return (lo, lo + 1), True
        edge = _exon_edge_insertion(ts, v, c1, c2)
        return (edge, True) if edge else (None, False)
    cs = [c for g in range(v.start, v.end + 1) if (c := ts.g_to_c(g)) is not None]
    if not cs:
        return None, False
    lo, hi = min(cs), max(cs)
    return (lo, hi), (len(cs) == v.end - v.start + 1 and hi - lo == v.end - v.start)
