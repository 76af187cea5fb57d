"""What a coding variant does to the protein, from the mutated transcript translated anew.

Translating the changed CDS (rather than reading codons one by one) gets frameshifts, stops
gained inside in-frame indels, stop losses and start losses right. Also here: the NMD
prediction (the 50-nucleotide rule), exon-skipping effects of splice variants, in-frame repeats
and the next methionine after a lost start.
"""

from __future__ import annotations

from typing import Any

from mmpsi_variants.annotation.effects import MinimalVariant, ProteinEffect
from mmpsi_variants.annotation.transcripts import TranscriptSeq, revcomp, translate


def _mutate(ts: TranscriptSeq, v: MinimalVariant, cdna: tuple[int, int]) -> str:
    alt = v.alt if ts.strand == "+" else revcomp(v.alt)
    if v.is_insertion:
        return ts.seq[: cdna[0]] + alt + ts.seq[cdna[0] :]
    return ts.seq[: cdna[0] - 1] + alt + ts.seq[cdna[1] :]


def protein_effect(ts: TranscriptSeq, v: MinimalVariant, cdna: tuple[int, int]) -> ProteinEffect:
    mutated = _mutate(ts, v, cdna)
    delta = len(v.alt) - len(v.ref)
    assert ts.cds_start is not None  # a coding transcript
    offset = ts.cds_start - 1 + ts.start_phase
    # A change at or before the start codon's first base moves everything after it by delta;
    # the reading frame is anchored on the unchanged sequence downstream.
    change0 = cdna[0] if v.is_insertion else cdna[0] - 1  # 0-based index where the change begins
    mut_offset = offset + delta if change0 <= offset else offset
    ref_protein = ts.protein
    assert ts.cds_end is not None  # computed by ts.protein already
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


def coding_terms(ts: TranscriptSeq, v: MinimalVariant, pe: ProteinEffect) -> set[str]:
    terms: set[str] = set()
    delta = len(v.alt) - len(v.ref)
    if pe.start_changed:
        if pe.alt_protein[:1] == "M":
            terms.add("start_retained_variant")
        else:
            # Without its start codon the frame downstream is not read: start_lost alone, as
            # bcftools csq has it, so that PVS1 takes the initiation-codon rule.
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
            return terms | _frame_term(delta, pe)
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


def _frame_term(delta: int, pe: ProteinEffect) -> set[str]:
    """The indel's frame term beside a lost start or stop codon: frameshift, or in frame."""
    if pe.frameshift:
        return {"frameshift_variant"}
    if delta > 0:
        return {"inframe_insertion"}
    if delta < 0:
        return {"inframe_deletion"}
    return set()


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
    assert ts.cds_start is not None
    stop_cdna = ts.cds_start + ts.start_phase + 3 * stop_index
    if len(ts.exons) == 1:
        return "NMD_escaping", removed
    last_junction = ts.exons[-2].c_end  # last base before the last exon-exon junction
    if change_cdna <= last_junction:
        last_junction += delta
    if stop_cdna > last_junction - 50:
        return "NMD_escaping", removed
    return "NMD_predicted", removed


def exon_skip_effect(ts: TranscriptSeq, exon_number: int) -> dict | None:
    """What skipping one exon does to the protein, for PVS1 at canonical splice sites.

    Returns the exon's length, whether the reading frame is kept, NMD for an out-of-frame
    skip (by the same last-exon / 50-nucleotide rule, on the skipped transcript) and the
    fraction of the protein lost.
    """
    out = exons_change_effect(ts, exon_number, exon_number)
    if out is None:
        return None
    out["exon"] = out.pop("exons")[0]
    out["exon_length"] = out.pop("length")
    for key in ("whole_transcript", "change", "stop_codon_lost", "exon_count"):
        out.pop(key, None)
    if not out["start_codon_lost"]:
        del out["start_codon_lost"]
    return out


def exons_change_effect(
    ts: TranscriptSeq, first: int, last: int, duplicated: bool = False
) -> dict | None:
    """What losing exons ``first``..``last`` (transcript numbers), or duplicating them in tandem,
    does to the protein: for PVS1 at exon deletions and duplications (and single-exon skips).

    The changed transcript is the spliced sequence without those exons, or with a second copy
    of them right after the first: an exon-level event read from depth has its breakpoints in
    the flanking introns. Gives the bases changed, whether the frame is kept, NMD for an
    out-of-frame change (the last-exon / 50-nucleotide rule on the changed transcript) and the
    fraction of the protein lost.
    """
    n = len(ts.exons)
    if not ts.coding or not (1 <= first <= last <= n):
        return None
    block = ts.exons[first - 1 : last]
    lo, hi = block[0].c_start, block[-1].c_end
    length = hi - lo + 1
    out: dict[str, Any] = {
        "exons": [first, last],
        "change": "duplication" if duplicated else "deletion",
        "length": length,
        "whole_transcript": first == 1 and last == n,
        "exon_count": n,
        "start_codon_lost": False,
        "stop_codon_lost": False,
    }
    assert ts.cds_start is not None and ts.cds_end is not None  # a coding transcript
    if hi < ts.cds_start or lo > ts.cds_end:
        return {**out, "in_frame": True, "coding": False, "nmd": None, "fraction_removed": 0.0}
    if not duplicated and lo <= ts.cds_start:
        return {**out, "in_frame": False, "coding": True, "nmd": None, "fraction_removed": None,
                "start_codon_lost": True}  # fmt: skip
    out["coding"] = True
    if not duplicated and hi >= ts.cds_end:
        out["stop_codon_lost"] = True
    seq = ts.seq
    changed = seq[:hi] + seq[lo - 1 : hi] + seq[hi:] if duplicated else seq[: lo - 1] + seq[hi:]
    offset = ts.cds_start - 1 + ts.start_phase
    protein = translate(changed[offset:], to_stop=True)
    ref = ts.protein
    ref_len = ts.protein_length
    first_diff = next(
        (i for i, (a, b) in enumerate(zip(ref, protein, strict=False)) if a != b), None
    )
    if first_diff is None and len(protein) < len(ref):
        first_diff = len(protein.rstrip("*"))  # the protein ends early, unchanged before
    if out["stop_codon_lost"]:
        # The 3' end of the coding sequence is gone: a truncation, whatever the length lost.
        out.update(
            in_frame=None,
            nmd="NMD_escaping",
            fraction_removed=round((ref_len - first_diff) / ref_len, 4)
            if ref_len and first_diff is not None
            else None,
        )
        return out
    out["in_frame"] = length % 3 == 0
    if out["in_frame"]:
        lost = len(ref) - len(protein) if not duplicated else 0
        out["nmd"] = None
        out["fraction_removed"] = round(max(0, lost) / ref_len, 4) if ref_len else None
        return out
    # Out of frame: where the new stop falls, against the changed transcript's junctions.
    stop_cdna = offset + 1 + 3 * (len(protein) - 1) if protein.endswith("*") else None
    if duplicated:
        ends = [e.c_end for e in ts.exons]
        ends = ends[:last] + [e.c_end + length for e in block] + [x + length for x in ends[last:]]
    else:
        ends = [e.c_end if e.c_end < lo else e.c_end - length
                for e in ts.exons if not first <= e.number <= last]  # fmt: skip
    junctions = ends[:-1]
    if stop_cdna is None or not junctions or stop_cdna > junctions[-1] - 50:
        out["nmd"] = "NMD_escaping"
    else:
        out["nmd"] = "NMD_predicted"
    out["fraction_removed"] = (
        round((ref_len - first_diff) / ref_len, 4) if ref_len and first_diff is not None else None
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
