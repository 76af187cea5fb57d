"""HGVS names of a variant on a transcript, following the HGVS recommendations.

c. (or n. for non-coding transcripts) with intronic offsets and UTR positions, indels shifted to
their most 3' position in the transcript's direction, insertions of a copy of the preceding
bases written as dup; p. in three-letter code in parentheses because it is predicted.
"""

from __future__ import annotations

from mmpsi_variants.annotation.effects import Effect, MinimalVariant
from mmpsi_variants.annotation.transcripts import THREE_LETTER, TranscriptSeq, revcomp


def aa3(residues: str) -> str:
    return "".join(THREE_LETTER.get(a, "Xaa") for a in residues)


# -- c. -------------------------------------------------------------------------------------------


def _region_key(ts: TranscriptSeq, gpos: int):
    e = ts.exon_at(gpos)
    if e is not None:
        return ("exon", e.number)
    hit = ts.intron_at(gpos)
    return ("intron", hit[0]) if hit else ("outside", 0)


def shift_3prime(ts: TranscriptSeq, v: MinimalVariant, fetch) -> MinimalVariant:
    """Move an indel to its most 3' position in the transcript's direction, within the exon or
    intron where it lies (HGVS does not shift across an exon-intron border)."""
    if v.ref and v.alt:
        return v
    seq = v.ref or v.alt
    n = len(seq)
    chrom = v.chrom
    region = _region_key(ts, v.start if v.ref else v.end)
    if ts.strand == "+":
        start = v.start
        while True:
            nxt = (
                fetch(chrom, start - 1 + n, start + n) if v.ref else fetch(chrom, start - 1, start)
            )
            if not nxt or nxt != seq[0]:
                break
            new_start = start + 1
            probe = new_start + n - 1 if v.ref else new_start
            if _region_key(ts, probe) != region:
                break
            seq, start = seq[1:] + nxt, new_start
        end = start + n - 1 if v.ref else start - 1
    else:
        end = v.end
        while True:
            prv = fetch(chrom, end - n - 1, end - n) if v.ref else fetch(chrom, end - 1, end)
            if not prv or prv != seq[-1]:
                break
            new_end = end - 1
            probe = new_end - n + 1 if v.ref else new_end
            if _region_key(ts, probe) != region:
                break
            seq, end = prv + seq[:-1], new_end
        start = end - n + 1 if v.ref else end + 1
    if v.ref:
        return MinimalVariant(chrom, start, end, seq, "")
    return MinimalVariant(chrom, start, end, "", seq)


def c_position(ts: TranscriptSeq, gpos: int) -> str:
    """HGVS position of a genomic base: 123, -12, *5, 123+1, 124-2, -15+1, *37-2."""
    c = ts.g_to_c(gpos)
    if c is not None:
        return _c_from_cdna(ts, c)
    off = ts.intron_offset(gpos)
    if off is not None:
        anchor, k = off
        return f"{_c_from_cdna(ts, anchor)}{'+' if k > 0 else '-'}{abs(k)}"
    # Outside the transcript: relative to its first or last base.
    first_g = ts.c_to_g(1)
    before = (gpos < first_g) if ts.strand == "+" else (gpos > first_g)
    if before:
        dist = abs(gpos - first_g)
        return _c_from_cdna(ts, 1 - dist) if ts.coding else f"-{dist}"
    last_c = ts.exons[-1].c_end
    dist = abs(gpos - ts.c_to_g(last_c))
    return _c_from_cdna(ts, last_c + dist) if ts.coding else f"*{dist}"


def _c_from_cdna(ts: TranscriptSeq, c: int) -> str:
    if not ts.coding:
        return str(c)
    assert ts.cds_start is not None
    if c < ts.cds_start:
        return f"-{ts.cds_start - c}"
    if ts.in_cds_for_sure(c):
        return str(c - ts.cds_start + 1)
    assert ts.cds_end is not None
    if c > ts.cds_end:
        return f"*{c - ts.cds_end}"
    return str(c - ts.cds_start + 1)


def hgvs_c(ts: TranscriptSeq, v: MinimalVariant, fetch) -> str:
    """The c. (or n.) description, with the versioned transcript ID in front."""
    prefix = f"{ts.tx.versioned_id}:{'c' if ts.coding else 'n'}."
    v = shift_3prime(ts, v, fetch)
    plus = ts.strand == "+"
    ref_t = v.ref if plus else revcomp(v.ref)
    alt_t = v.alt if plus else revcomp(v.alt)
    if v.is_insertion:
        a, b = (v.end, v.start) if plus else (v.start, v.end)
        n = len(alt_t)
        # A copy of the bases just 5' of the insertion point (in transcript order) is a dup.
        if plus:
            before = fetch(v.chrom, v.start - 1 - n, v.start - 1)
        else:
            before = fetch(v.chrom, v.end, v.end + n)
            before = revcomp(before) if before else before
        if before and before.upper() == alt_t:
            if plus:
                d1, d2 = v.start - n, v.start - 1
            else:
                d1, d2 = v.end + n, v.end + 1
            return prefix + _range(ts, d1, d2) + "dup"
        return f"{prefix}{c_position(ts, a)}_{c_position(ts, b)}ins{alt_t}"
    first, last = (v.start, v.end) if plus else (v.end, v.start)
    where = _range(ts, first, last)
    if not v.alt:
        return f"{prefix}{where}del"
    if len(v.ref) == 1 and len(v.alt) == 1:
        return f"{prefix}{where}{ref_t}>{alt_t}"
    return f"{prefix}{where}delins{alt_t}"


def _range(ts: TranscriptSeq, g1: int, g2: int) -> str:
    if g1 == g2:
        return c_position(ts, g1)
    p1, p2 = c_position(ts, g1), c_position(ts, g2)
    return p1 if p1 == p2 else f"{p1}_{p2}"


# -- p. -------------------------------------------------------------------------------------------


def hgvs_p(ts: TranscriptSeq, effect: Effect) -> str | None:
    """Predicted protein change, for example p.(Arg474Cys); None when the variant does not
    reach the coding sequence; p.? when its effect on the protein cannot be predicted."""
    terms = set(effect.terms)
    if terms & {"splice_donor_variant", "splice_acceptor_variant"} and not effect.coding_change:
        return "p.?"
    pe = effect.protein
    if pe is None:
        return "p.?" if "coding_sequence_variant" in terms else None
    ref, alt = pe.ref_protein, pe.alt_protein
    if "start_lost" in terms:
        return "p.(Met1?)"
    if pe.first is None:
        if "stop_retained_variant" in terms:
            return f"p.(*{len(ref)}=)"
        # Synonymous: name the residue whose codon changed.
        pos = (effect.cds[0] - 1 - ts.start_phase) // 3 + 1 if effect.cds else None
        if pos and 1 <= pos <= len(ref):
            return f"p.({aa3(ref[pos - 1])}{pos}=)"
        return "p.(=)"
    i = pe.first
    pos = i + 1
    if i >= len(ref):
        return "p.?"  # change beyond an incomplete reference protein
    if "stop_lost" in terms and i == len(ref) - 1:
        new_aa = aa3(alt[i]) if i < len(alt) else "?"
        tail = f"*{len(alt) - len(ref)}" if alt.endswith("*") else "*?"
        return f"p.(*{pos}{new_aa}ext{tail})"
    if i < len(alt) and alt[i] == "*":
        # Any change whose first altered residue is a stop reads as a nonsense variant.
        return f"p.({aa3(ref[i])}{pos}*)"
    if pe.frameshift:
        if i >= len(alt):
            return f"p.({aa3(ref[i])}{pos}fs)"
        tail = f"*{len(alt) - i}" if alt.endswith("*") else "*?"
        return f"p.({aa3(ref[i])}{pos}{aa3(alt[i])}fs{tail})"
    return _inframe(ref, pe.first, pe.ref_pep, pe.alt_pep)


def _inframe(ref: str, first: int, ref_pep: str, alt_pep: str) -> str:
    if len(ref_pep) == 1 and len(alt_pep) == 1:
        return f"p.({aa3(ref_pep)}{first + 1}{aa3(alt_pep)})"
    if ref_pep and not alt_pep:
        a, b = first, first + len(ref_pep)
        while b < len(ref) and ref[b] == ref[a] and ref[b] != "*":  # 3' rule
            a, b = a + 1, b + 1
        return f"p.({_aa_range(ref, a, b - 1)}del)"
    if alt_pep and not ref_pep:
        a, ins = first, alt_pep
        while a < len(ref) and ref[a] == ins[0] and ref[a] != "*":
            ins, a = ins[1:] + ref[a], a + 1
        n = len(ins)
        if a - n >= 0 and ref[a - n : a] == ins:
            return f"p.({_aa_range(ref, a - n, a - 1)}dup)"
        if a == 0:
            return "p.?"
        return f"p.({aa3(ref[a - 1])}{a}_{aa3(ref[a])}{a + 1}ins{aa3(ins)})"
    return f"p.({_aa_range(ref, first, first + len(ref_pep) - 1)}delins{aa3(alt_pep)})"


def _aa_range(ref: str, a: int, b: int) -> str:
    if a == b:
        return f"{aa3(ref[a])}{a + 1}"
    return f"{aa3(ref[a])}{a + 1}_{aa3(ref[b])}{b + 1}"


def exon_event_hgvs(ts: TranscriptSeq, first: int, last: int, duplicated: bool) -> str:
    """HGVS c. of a deletion or duplication of exons ``first``..``last`` whose breakpoints lie
    somewhere in the flanking introns: ``c.(1028+1_1029-1)_(1377+1_1378-1)del``; ``?`` where
    the event may reach beyond the transcript."""
    exons = ts.exons
    start, end = exons[first - 1], exons[last - 1]
    x, z = _c_from_cdna(ts, start.c_start), _c_from_cdna(ts, end.c_end)

    # Depth is read over coding exons only: an untranslated neighbour bounds nothing.
    assayed = ts.has_coding_bases
    before = exons[first - 2] if first > 1 else None
    after = exons[last] if last < len(exons) else None
    left = f"({_c_from_cdna(ts, before.c_end)}+1_{x}-1)" if before and assayed(before) else (
        f"(?_{x}-1)" if before else f"(?_{x})")  # fmt: skip
    right = f"({z}+1_{_c_from_cdna(ts, after.c_start)}-1)" if after and assayed(after) else (
        f"({z}+1_?)" if after else f"({z}_?)")  # fmt: skip
    return f"{ts.tx.versioned_id}:c.{left}_{right}{'dup' if duplicated else 'del'}"
