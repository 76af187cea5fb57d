"""Variants of one sample that change the same codon, read together.

A multi-nucleotide change is often called as separate SNVs: c.49C>T alone reads p.(Gln17*),
but with c.50A>C on the same chromosome the codon becomes TCG, p.(Gln17Ser). VEP and the filter
annotate each record alone; bcftools csq reads whole haplotypes. Here, when two variants of a
sample share a codon of the transcript they are annotated on, and their phase allows them to be
on one chromosome, the pair is annotated together and each variant whose own protein change
differs is told so (``together``, and an ACMG flag). The ACMG evidence stays the variant's own.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from .annotator import Annotator


def _codons(protein_position: str | None) -> tuple[int, int] | None:
    if not protein_position:
        return None
    first, _, last = protein_position.partition("-")
    try:
        lo, hi = int(first), int(last or first)
    except ValueError:
        return None
    return (lo, hi) if lo <= hi else (hi, lo)


def _haplotype(v: dict) -> int | None:
    """Index of the one GT slot carrying an alternate allele in a phased call, else None."""
    alleles = v["genotype"].split("|")
    carrying = [i for i, a in enumerate(alleles) if a not in ("0", ".")]
    return carrying[0] if v.get("phased") and len(carrying) == 1 else None


def phase_of_pair(a: dict, b: dict) -> str:
    """'cis' (on one chromosome), 'trans', or 'unknown', from the two calls' genotypes."""
    if {a["zygosity"], b["zygosity"]} & {"homozygous", "hemizygous"}:
        return "cis"  # every copy carries one of them, so some copy carries both
    ha, hb = _haplotype(a), _haplotype(b)
    if ha is None or hb is None or a.get("phase_set") != b.get("phase_set"):
        return "unknown"
    return "cis" if ha == hb else "trans"


def mark_shared_codons(variants: list[dict], annotator: Annotator | None) -> None:
    """Add ``together`` to each variant of one sample whose protein change reads differently
    with another variant in the same codon, unless the two are known to be in trans."""
    if annotator is None:
        return
    by_transcript = defaultdict(list)
    for v in variants:
        codons = _codons(v.get("protein_position"))
        if codons and v.get("transcript") and v["zygosity"] != "reference":
            by_transcript[v["transcript"]].append((codons, v))
    for transcript, items in by_transcript.items():
        for (ca, a), (cb, b) in combinations(items, 2):
            if ca[1] < cb[0] or cb[1] < ca[0] or (a["chrom"], a["pos"]) == (b["chrom"], b["pos"]):
                continue
            phase = phase_of_pair(a, b)
            if phase == "trans":
                continue
            pair = [(a["pos"], a["ref"], a["alt"]), (b["pos"], b["ref"], b["alt"])]
            hit = [t for t in annotator.annotate_together(a["chrom"], pair)
                   if t.transcript == transcript]  # fmt: skip
            if not hit:
                continue  # overlapping alleles: they cannot sit on one chromosome
            t = hit[0]
            for v, other in ((a, b), (b, a)):
                if v.get("hgvs_p") != t.hgvs_p:
                    v["together"] = {
                        "with": f"{other['chrom']}:{other['pos']}:{other['ref']}:{other['alt']}",
                        "phase": phase,
                        "transcript": transcript,
                        "consequence": list(t.consequence),
                        "hgvs_c": t.hgvs_c,
                        "hgvs_p": t.hgvs_p,
                    }
