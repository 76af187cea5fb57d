"""What a variant does to one transcript, as Sequence Ontology terms named the way VEP names them.

The variant is taken in its minimal form (shared bases trimmed) on the genome; location terms
(upstream, UTR, intron, splice sites) come from its genomic span, and coding terms from the
protein translated from the mutated transcript, so that frameshifts, stop gains inside in-frame
indels, stop losses and start losses all fall out of one comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

from mmpsi_variants.annotation.transcripts import TranscriptSeq, revcomp, translate

UPSTREAM_DISTANCE = 5000

# Most severe first, as VEP orders them.
SEVERITY = [
    "transcript_ablation",
    "splice_acceptor_variant",
    "splice_donor_variant",
    "stop_gained",
    "frameshift_variant",
    "stop_lost",
    "start_lost",
    "feature_truncation",
    "inframe_insertion",
    "inframe_deletion",
    "missense_variant",
    "protein_altering_variant",
    "splice_donor_5th_base_variant",
    "splice_region_variant",
    "start_retained_variant",
    "stop_retained_variant",
    "synonymous_variant",
    "coding_sequence_variant",
    "5_prime_UTR_variant",
    "3_prime_UTR_variant",
    "non_coding_transcript_exon_variant",
    "intron_variant",
    "upstream_gene_variant",
    "downstream_gene_variant",
]
RANK = {term: i for i, term in enumerate(SEVERITY)}
IMPACT = {
    **dict.fromkeys(
        ["transcript_ablation", "splice_acceptor_variant", "splice_donor_variant", "stop_gained",
         "frameshift_variant", "stop_lost", "start_lost"], "HIGH"),
    **dict.fromkeys(
        ["inframe_insertion", "inframe_deletion", "missense_variant", "protein_altering_variant"],
        "MODERATE"),
    **dict.fromkeys(
        ["splice_donor_5th_base_variant", "splice_region_variant", "start_retained_variant",
         "stop_retained_variant", "synonymous_variant"], "LOW"),
}  # fmt: skip
TRUNCATING = {"stop_gained", "frameshift_variant"}


@dataclass(frozen=True)
class MinimalVariant:
    """A variant with shared bases trimmed: ref occupies start..end (end = start - 1 for an
    insertion, which then lies between end and start)."""

    chrom: str
    start: int
    end: int
    ref: str
    alt: str

    @property
    def is_insertion(self) -> bool:
        return not self.ref

    @property
    def symbolic(self) -> bool:
        """A structural allele (<INS...>, <DEL>) whose sequence is not given."""
        return self.alt.startswith("<") or self.ref.startswith("<")

    @classmethod
    def symbolic_allele(cls, chrom: str, pos: int, alt: str, end: int | None):
        """<INS...> after ``pos``, or <DEL> of pos+1..end, located but not sequence-resolved."""
        if alt.startswith("<DEL") and end is not None and end > pos:
            return cls(chrom, pos + 1, end, "<DEL>", "")
        if alt.startswith("<INS"):
            return cls(chrom, pos + 1, pos, "", alt)
        return None

    @classmethod
    def from_vcf(cls, chrom: str, pos: int, ref: str, alt: str) -> MinimalVariant:
        ref, alt = ref.upper(), alt.upper()
        while ref and alt and ref[0] == alt[0]:
            ref, alt, pos = ref[1:], alt[1:], pos + 1
        while ref and alt and ref[-1] == alt[-1]:
            ref, alt = ref[:-1], alt[:-1]
        return cls(chrom, pos, pos + len(ref) - 1, ref, alt)


@dataclass(frozen=True)
class ProteinEffect:
    """The protein-level comparison behind the coding terms and HGVS p."""

    ref_protein: str
    alt_protein: str
    first: int | None  # 0-based index of the first changed residue, None when unchanged
    ref_pep: str  # changed residues (after trimming what is shared), reference
    alt_pep: str
    frameshift: bool
    start_changed: bool
    stop_changed: bool
    premature_stop: bool  # a stop before the end of the reference protein's frame


@dataclass(slots=True)
class Effect:
    """A variant's effect on one transcript (not frozen, to be cheap to build; never changed
    once made)."""

    terms: tuple[str, ...]
    exon: tuple[int, int] | None  # (number, total)
    intron: tuple[int, int] | None
    cdna: tuple[int, int] | None  # cDNA start/end of the exonic part
    cds: tuple[int, int] | None
    protein: ProteinEffect | None
    coding_change: bool  # fully inside exons, so the protein could be computed
    nmd: str | None  # "NMD_predicted" / "NMD_escaping" for truncating variants
    fraction_removed: float | None
    variant: MinimalVariant | None = None  # the placement assessed (see predict)

    @property
    def impact(self) -> str:
        return IMPACT.get(self.terms[0], "MODIFIER") if self.terms else "MODIFIER"


def _sorted_terms(terms: set[str]) -> tuple[str, ...]:
    return tuple(sorted(terms, key=lambda t: RANK.get(t, len(RANK))))


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


def _location_terms(ts: TranscriptSeq, v: MinimalVariant) -> tuple[set[str], tuple | None]:
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


def _exonic_part(ts: TranscriptSeq, v: MinimalVariant):
    """cDNA interval of the exonic part, and whether the whole variant is inside one exon."""
    if v.is_insertion:
        c1, c2 = ts.g_to_c(v.end), ts.g_to_c(v.start)
        if c1 is None or c2 is None or abs(c1 - c2) != 1:
            return None, False
        lo = min(c1, c2)
        return (lo, lo + 1), True
    cs = [c for g in range(v.start, v.end + 1) if (c := ts.g_to_c(g)) is not None]
    if not cs:
        return None, False
    lo, hi = min(cs), max(cs)
    return (lo, hi), (len(cs) == v.end - v.start + 1 and hi - lo == v.end - v.start)


def _mutate(ts: TranscriptSeq, v: MinimalVariant, cdna: tuple[int, int]) -> str:
    alt = v.alt if ts.strand == "+" else revcomp(v.alt)
    if v.is_insertion:
        return ts.seq[: cdna[0]] + alt + ts.seq[cdna[0] :]
    return ts.seq[: cdna[0] - 1] + alt + ts.seq[cdna[1] :]


def _protein_effect(ts: TranscriptSeq, v: MinimalVariant, cdna: tuple[int, int]) -> ProteinEffect:
    mutated = _mutate(ts, v, cdna)
    delta = len(v.alt) - len(v.ref)
    offset = ts.cds_start - 1 + ts.start_phase
    # A change at or before the start codon's first base moves everything after it by delta;
    # the reading frame is anchored on the unchanged sequence downstream.
    change0 = cdna[0] if v.is_insertion else cdna[0] - 1  # 0-based index where the change begins
    mut_offset = offset + delta if change0 <= offset else offset
    ref_protein = ts.protein
    alt_protein = None
    codon0 = (change0 - offset) // 3 if change0 > offset else 0  # first codon the change touches
    if mut_offset == offset and delta % 3 == 0 and not ts.end_nf:
        # In frame and inside the CDS: only the codons the change spans can differ, unless a
        # stop appears among them or the stop codon itself is hit.
        change_end = change0 + len(v.alt)  # 0-based end (exclusive) in the mutated sequence
        codon1 = (change_end - offset + 2) // 3
        ref_after = codon1 - delta // 3
        if ref_after < len(ref_protein):
            middle = translate(mutated[offset + 3 * codon0 : offset + 3 * codon1])
            if "*" in middle:
                middle = middle[: middle.index("*") + 1]
                alt_protein = ref_protein[:codon0] + middle
            else:
                alt_protein = ref_protein[:codon0] + middle + ref_protein[ref_after:]
    if alt_protein is None:
        start = max(0, mut_offset) + 3 * codon0 if mut_offset == offset else max(0, mut_offset)
        stop = ts.cds_end + delta if ts.end_nf else None
        # Without an annotated stop, read no further than the annotated CDS: the model does
        # not vouch for what follows.
        prefix = ref_protein[:codon0] if mut_offset == offset else ""
        alt_protein = prefix + translate(mutated[start:stop], to_stop=True)
    first = next(
        (i for i, (a, b) in enumerate(zip(ref_protein, alt_protein, strict=False)) if a != b),
        None,
    )
    if first is None and len(ref_protein) != len(alt_protein):
        first = min(len(ref_protein), len(alt_protein))
    expected_len = len(ref_protein) + delta // 3 if delta % 3 == 0 else None
    # A stop where the reference has none yet: earlier than the frame would put it, or in a
    # protein whose annotated CDS has no stop at all (3' incomplete).
    premature = alt_protein.endswith("*") and (
        not ref_protein.endswith("*") or expected_len is None or len(alt_protein) < expected_len
    )
    ref_pep = alt_pep = ""
    if first is not None:
        i, j = len(ref_protein), len(alt_protein)
        if premature and first < len(alt_protein):
            # Residues replaced up to the new stop.
            i = min(i, first + (j - first))
        elif expected_len is not None and j == expected_len:
            # In frame, downstream intact: trim the shared C-terminal part.
            while i > first and j > first and ref_protein[i - 1] == alt_protein[j - 1]:
                i, j = i - 1, j - 1
        ref_pep, alt_pep = ref_protein[first:i], alt_protein[first:j]
    real_start = not ts.start_nf and ref_protein[:1] == "M"
    start_codon = (ts.cds_start + ts.start_phase, ts.cds_start + ts.start_phase + 2)
    stop_codon = (ts.cds_end - 2, ts.cds_end)
    if v.is_insertion:
        # Inserting between two bases of a codon changes it; at its edges it does not.
        start_changed = real_start and start_codon[0] <= cdna[0] < start_codon[1]
        stop_changed = not ts.end_nf and stop_codon[0] <= cdna[0] < stop_codon[1]
    else:
        lo, hi = cdna
        start_changed = real_start and lo <= start_codon[1] and hi >= start_codon[0]
        stop_changed = not ts.end_nf and lo <= stop_codon[1] and hi >= stop_codon[0]
    return ProteinEffect(
        ref_protein,
        alt_protein,
        first,
        ref_pep,
        alt_pep,
        # At or before the start codon's first base, the frame is anchored on what follows.
        delta % 3 != 0 and change0 > offset,
        start_changed,
        stop_changed,
        premature,
    )


def _coding_terms(ts: TranscriptSeq, v: MinimalVariant, pe: ProteinEffect) -> set[str]:
    terms: set[str] = set()
    delta = len(v.alt) - len(v.ref)
    if pe.start_changed:
        if pe.alt_protein[:1] == "M":
            terms.add("start_retained_variant")
        else:
            return {"start_lost"}
    if pe.stop_changed:
        ref_stop = len(pe.ref_protein)
        if (
            pe.alt_protein.endswith("*")
            and len(pe.alt_protein) == ref_stop
            and pe.alt_protein[-1] == "*"
        ):
            terms.add("stop_retained_variant")
        else:
            terms.add("stop_lost")
            if pe.frameshift:
                terms.add("frameshift_variant")
            return terms
    if pe.frameshift:
        terms.add("frameshift_variant")
        return terms
    if pe.first is None:
        if not terms:
            terms.add("synonymous_variant")
        return terms
    new_stop = pe.premature_stop
    if new_stop:
        terms.add("stop_gained")
    if delta > 0:
        terms.add("inframe_insertion")
    elif delta < 0:
        terms.add("inframe_deletion")
    elif not new_stop:
        terms.add("missense_variant")
    if delta and not new_stop and _replaces_residues(pe.ref_pep, pe.alt_pep):
        # Residues lost and others gained in one in-frame change (P>QKK): VEP names this
        # protein_altering_variant rather than an insertion or a deletion.
        terms -= {"inframe_insertion", "inframe_deletion"}
        terms.add("protein_altering_variant")
    return terms


def _replaces_residues(ref_pep: str, alt_pep: str) -> bool:
    if not ref_pep or not alt_pep:
        return False
    short, long = sorted((ref_pep, alt_pep), key=len)
    return not (long.startswith(short) or long.endswith(short))


def nmd_prediction(
    ts: TranscriptSeq, pe: ProteinEffect, change_cdna: int, delta: int
) -> tuple[str | None, float | None]:
    """NMD for a premature stop, and the fraction of the native protein removed.

    NMD is predicted unless the new stop lies in the last exon or in the last 50 nucleotides
    of the penultimate exon. Positions are compared on the mutated transcript, whose exon
    junctions downstream of the change have moved by the indel's length.
    """
    ref_len = ts.protein_length
    removed = (ref_len - pe.first) / ref_len if ref_len and pe.first is not None else None
    if removed is not None:
        removed = round(max(0.0, removed), 4)
    if not pe.alt_protein.endswith("*"):
        return "NMD_escaping", removed  # no stop reached: a non-stop transcript, not NMD
    stop_index = len(pe.alt_protein) - 1  # 0-based residue index of the new stop
    stop_cdna = ts.cds_start + ts.start_phase + 3 * stop_index
    if len(ts.exons) == 1:
        return "NMD_escaping", removed
    last_junction = ts.exons[-2].c_end  # last base before the last exon-exon junction
    if change_cdna <= last_junction:
        last_junction += delta
    if stop_cdna > last_junction - 50:
        return "NMD_escaping", removed
    return "NMD_predicted", removed


def equivalent_placements(v: MinimalVariant, fetch, limit: int = 200) -> list[MinimalVariant]:
    """Every placement of an insertion or deletion that gives the same sequence, 5' to 3' on
    the genome (an indel in a repeat can sit anywhere along it)."""
    if (v.ref and v.alt) or fetch is None:
        return [v]
    chrom, is_del = v.chrom, bool(v.ref)

    def make(start: int, seq: str) -> MinimalVariant:
        if is_del:
            return MinimalVariant(chrom, start, start + len(seq) - 1, seq, "")
        return MinimalVariant(chrom, start, start - 1, "", seq)

    right, cur_start, seq = [], v.start, v.ref or v.alt
    for _ in range(limit):
        # The base just 3' of a deletion, or the right flank of an insertion.
        probe = cur_start + len(seq) - 1 if is_del else cur_start - 1
        nxt = (fetch(chrom, probe, probe + 1) or "").upper()
        if nxt != seq[0]:
            break
        seq, cur_start = seq[1:] + nxt, cur_start + 1
        right.append(make(cur_start, seq))
    left, cur_start, seq = [], v.start, v.ref or v.alt
    for _ in range(limit):
        probe = cur_start - 2  # 0-based index of the base just 5' of the indel
        prv = (fetch(chrom, probe, probe + 1) or "").upper() if probe >= 0 else ""
        if prv != seq[-1]:
            break
        seq, cur_start = prv + seq[:-1], cur_start - 1
        left.append(make(cur_start, seq))
    return [*reversed(left), v, *right]


def _assessed_placement(ts: TranscriptSeq, v: MinimalVariant, placements) -> MinimalVariant:
    """Where to assess an indel that could be written at several places.

    Inside an exon, the most 3' placement in the transcript, as HGVS names it, so that the
    consequence and the c. description agree. An indel at an exon edge that could equally be
    written wholly inside the exon is assessed there: the exon really gains or loses those
    bases, and the splice site next to it is intact in the mutated sequence.
    """
    inside = [p for p in placements if _exonic_part(ts, p)[1]]
    if not inside:
        return v
    ordered = inside if ts.strand == "+" else inside[::-1]
    if _exonic_part(ts, v)[1]:
        exon = ts.exon_at(v.start if v.ref else v.end)
        same = [p for p in ordered if ts.exon_at(p.start if p.ref else p.end) == exon]
        return same[-1] if same else v
    return ordered[-1]


def predict(ts: TranscriptSeq, v: MinimalVariant, fetch=None) -> Effect | None:
    """The effect of ``v`` on ``ts``, or None when it lies beyond the up/downstream window.

    An indel at an exon edge that could equally be written inside the exon (the same mutated
    sequence) is assessed there: the exon really does gain or lose those bases. ``fetch`` reads
    the reference to find such placements.
    """
    if fetch is not None and not (v.ref and v.alt) and not v.symbolic:
        placements = equivalent_placements(v, fetch)
        if len(placements) > 1:
            v = _assessed_placement(ts, v, placements)
    tx = ts.tx
    lo = v.end if v.is_insertion else v.start
    hi = v.start if v.is_insertion else v.end
    if hi < tx.start or lo > tx.end:
        before = hi < tx.start
        dist = tx.start - hi if before else lo - tx.end
        if dist > UPSTREAM_DISTANCE:
            return None
        upstream = before if ts.strand == "+" else not before
        term = "upstream_gene_variant" if upstream else "downstream_gene_variant"
        return Effect((term,), None, None, None, None, None, False, None, None)
    if v.is_insertion and (v.end < tx.start or v.start > tx.end):
        # An insertion right at the transcript's edge is outside it.
        upstream = (v.start <= tx.start) == (ts.strand == "+")
        term = "upstream_gene_variant" if upstream else "downstream_gene_variant"
        return Effect((term,), None, None, None, None, None, False, None, None)

    terms, intron = _location_terms(ts, v)
    cdna, within_exon = _exonic_part(ts, v)
    exon = None
    protein = None
    cds = None
    nmd = fraction = None
    if cdna is not None:
        e = ts.exon_at(v.start if not v.is_insertion else v.end) or ts.exon_at(v.end)
        if e is None:
            e = next(x for x in ts.exons if x.c_start <= cdna[0] <= x.c_end)
        exon = (e.number, len(ts.exons))
        if not ts.coding:
            terms.add("non_coding_transcript_exon_variant")
        else:
            c_lo, c_hi = cdna if not v.is_insertion else (cdna[0], cdna[0] + 1)
            in_5utr = c_lo < ts.cds_start if not v.is_insertion else cdna[1] <= ts.cds_start
            in_3utr = c_hi > ts.cds_end if not v.is_insertion else cdna[0] >= ts.cds_end
            in_cds = c_hi >= ts.cds_start and c_lo <= ts.cds_end
            if v.is_insertion:
                in_cds = ts.cds_start <= cdna[0] and cdna[1] <= ts.cds_end
            if in_5utr and not (v.is_insertion and in_cds):
                terms.add("5_prime_UTR_variant")
            if in_3utr and not (v.is_insertion and in_cds):
                terms.add("3_prime_UTR_variant")
            if in_cds:
                cds = (
                    max(c_lo, ts.cds_start) - ts.cds_start + 1,
                    min(c_hi, ts.cds_end) - ts.cds_start + 1,
                )
                if within_exon and not v.symbolic:
                    protein = _protein_effect(ts, v, cdna)
                    coding = _coding_terms(ts, v, protein)
                    if coding & {"start_lost"} and in_5utr:
                        coding.add("5_prime_UTR_variant")
                    terms |= coding
                    if coding & TRUNCATING and protein.first is not None:
                        delta = len(v.alt) - len(v.ref)
                        nmd, fraction = nmd_prediction(ts, protein, cdna[0], delta)
                else:
                    terms.add("coding_sequence_variant")
    if not terms:
        terms.add("intron_variant")  # inside the transcript span but in no exon
    if v.ref == "<DEL>":
        # A structural deletion is named, as VEP names it, by what it removes of the transcript:
        # all of it (nothing else is left to describe), or a part.
        if v.start <= tx.start and v.end >= tx.end:
            terms = {"transcript_ablation"}
        else:
            terms.add("feature_truncation")
    return Effect(
        _sorted_terms(terms),
        exon,
        intron,
        cdna,
        cds,
        protein,
        within_exon and protein is not None,
        nmd,
        fraction,
        v,
    )


def exon_skip_effect(ts: TranscriptSeq, exon_number: int) -> dict | None:
    """What skipping one exon does to the protein, for PVS1 at canonical splice sites.

    Returns the exon's length, whether the reading frame is kept, NMD for an out-of-frame
    skip (by the same last-exon / 50-nucleotide rule, on the skipped transcript) and the
    fraction of the protein lost.
    """
    if not ts.coding or not (1 <= exon_number <= len(ts.exons)):
        return None
    e = ts.exons[exon_number - 1]
    length = e.c_end - e.c_start + 1
    skipped = ts.seq[: e.c_start - 1] + ts.seq[e.c_end :]
    offset = ts.cds_start - 1 + ts.start_phase
    if e.c_end < ts.cds_start or e.c_start > ts.cds_end:
        return {"exon": exon_number, "exon_length": length, "in_frame": True, "coding": False,
                "nmd": None, "fraction_removed": 0.0}  # fmt: skip
    if e.c_start <= ts.cds_start:
        return {"exon": exon_number, "exon_length": length, "in_frame": False, "coding": True,
                "nmd": None, "fraction_removed": None, "start_codon_lost": True}  # fmt: skip
    protein = translate(skipped[offset:], to_stop=True)
    ref = ts.protein
    first = next((i for i, (a, b) in enumerate(zip(ref, protein, strict=False)) if a != b), None)
    ref_len = ts.protein_length
    in_frame = length % 3 == 0
    out = {"exon": exon_number, "exon_length": length, "in_frame": in_frame, "coding": True}
    if in_frame:
        lost = len(ref) - len(protein)
        out["nmd"] = None
        out["fraction_removed"] = round(max(0, lost) / ref_len, 4) if ref_len else None
        return out
    # Out of frame: where the new stop falls, against the skipped transcript's junctions.
    stop_cdna = offset + 1 + 3 * (len(protein) - 1) if protein.endswith("*") else None
    junctions = [x.c_end for x in ts.exons if x.number != exon_number][:-1]
    shifted = [j - length if j > e.c_end else j for j in junctions]
    if stop_cdna is None or len(shifted) < 1 or stop_cdna > shifted[-1] - 50:
        out["nmd"] = "NMD_escaping"
    else:
        out["nmd"] = "NMD_predicted"
    out["fraction_removed"] = (
        round((ref_len - first) / ref_len, 4) if ref_len and first is not None else None
    )
    return out


def skipped_exon_for(ts: TranscriptSeq, terms: tuple[str, ...], intron: int | None) -> int | None:
    """The exon a canonical splice variant makes the spliceosome skip: the exon 5' of a
    donor, the exon 3' of an acceptor."""
    if intron is None:
        return None
    if "splice_donor_variant" in terms:
        return intron
    if "splice_acceptor_variant" in terms:
        return intron + 1
    return None


def inframe_repeat(ref_protein: str, first: int | None, ref_pep: str, alt_pep: str) -> bool:
    """Whether an in-frame insertion or deletion lies in a repeat of the protein (a run of at
    least three copies of the changed unit), where PM4 does not apply and BP3 may."""
    unit = ref_pep or alt_pep
    if first is None or not unit or (ref_pep and alt_pep):
        return False
    n = len(unit)
    # Count copies of the unit around the change in the reference protein.
    start = first
    while start - n >= 0 and ref_protein[start - n : start] == unit:
        start -= n
    end = first
    while ref_protein[end : end + n] == unit:
        end += n
    copies = (end - start) // n
    return copies + (1 if alt_pep else 0) >= 3


def next_methionine(ref_protein: str) -> int | None:
    """1-based position of the first in-frame Met after the start, for start-loss PVS1."""
    i = ref_protein.find("M", 1)
    return i + 1 if i > 0 else None
