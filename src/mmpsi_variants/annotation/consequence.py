"""What a variant does to one transcript, as Sequence Ontology terms named the way VEP names them.

The variant is taken in its minimal form (shared bases trimmed) on the genome; location terms
(upstream, UTR, intron, splice sites) come from its genomic span, and coding terms from the
protein translated from the mutated transcript, so that frameshifts, stop gains inside in-frame
indels, stop losses and start losses all fall out of one comparison.
"""

from __future__ import annotations

from mmpsi_variants.annotation.effects import (
    TRUNCATING,
    UPSTREAM_DISTANCE,
    Effect,
    MinimalVariant,
    sorted_terms,
)
from mmpsi_variants.annotation.location import exonic_part, location_terms
from mmpsi_variants.annotation.protein import coding_terms, nmd_prediction, protein_effect
from mmpsi_variants.annotation.transcripts import TranscriptSeq


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
    inside = [p for p in placements if exonic_part(ts, p)[1]]
    if not inside:
        return v
    ordered = inside if ts.strand == "+" else inside[::-1]
    if exonic_part(ts, v)[1]:
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

    terms, intron = location_terms(ts, v)
    cdna, within_exon = exonic_part(ts, v)
    exon = None
    protein = None
    cds = None
    nmd = fraction = None
    if cdna is not None:
        # An insertion at an exon's edge belongs to the exon on its exonic flank.
        e = ts.exon_at(v.start if not v.is_insertion else v.end) or ts.exon_at(
            v.end if not v.is_insertion else v.start
        )
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
                    protein = protein_effect(ts, v, cdna)
                    coding = coding_terms(ts, v, protein)
                    if coding & {"start_lost"} and in_5utr:
                        coding.add("5_prime_UTR_variant")
                    terms |= coding
                    # A lost stop lengthens the protein: no premature stop for NMD to act on.
                    if (
                        coding & TRUNCATING
                        and "stop_lost" not in coding
                        and protein.first is not None
                    ):
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
        sorted_terms(terms),
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
