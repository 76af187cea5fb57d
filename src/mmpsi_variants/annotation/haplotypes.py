"""Variants of one sample that change the same codon, read together.

A multi-nucleotide change is often called as separate SNVs: c.49C>T alone reads p.(Gln17*),
but with c.50A>C on the same chromosome the codon becomes TCG, p.(Gln17Ser). VEP and the filter
annotate each record alone; bcftools csq reads whole haplotypes. Here, when variants of a sample
share a codon of the transcript they are annotated on, within one exon, and their phase allows
them to be on one chromosome, they are annotated together, and each variant whose own protein
change reads differently is told so (``together``, and an ACMG flag). The ACMG evidence stays
the variant's own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace

from mmpsi_variants.annotation.annotator import Annotator
from mmpsi_variants.core.record import Variant

# phase(i, j) for two variants of the sample's list: "cis", "trans" or "unknown".
Phase = Callable[[int, int], str]


def _codons(protein_position: str | None) -> tuple[int, int] | None:
    if not protein_position:
        return None
    first, _, last = protein_position.partition("-")
    try:
        lo, hi = int(first), int(last or first)
    except ValueError:
        return None
    return (lo, hi) if lo <= hi else (hi, lo)


def _clusters(items: list[tuple[tuple[int, int], int]]) -> list[list[int]]:
    """Indices whose codon ranges overlap, directly or through one another."""
    out: list[list[int]] = []
    reach = None
    for (lo, hi), i in sorted(items):
        if reach is not None and lo <= reach:
            out[-1].append(i)
            reach = max(reach, hi)
        else:
            out.append([i])
            reach = hi
    return [c for c in out if len(c) > 1]


def mark_shared_codons(
    variants: list[Variant], annotator: Annotator | None, phase: Phase
) -> list[Variant]:
    """The sample's variants, with ``together`` for each whose protein change reads differently
    with the other variants of its codon that may share its chromosome.

    A codon split by an intron is left alone (joining the changes would take the intron with
    them), and so is a variant whose possible partners cannot all be on one chromosome.
    """
    if annotator is None:
        return variants
    out = list(variants)
    by_exon = defaultdict(list)
    for i, v in enumerate(variants):
        a = v.annotation
        codons = _codons(a.protein_position)
        if codons and a.transcript and a.exon and not a.intron:
            by_exon[(a.transcript, a.exon)].append((codons, i))

    def relation(i: int, j: int) -> str:
        a, b = variants[i], variants[j]
        if (a.chrom, a.pos) == (b.chrom, b.pos):
            return "trans"  # two alleles of one site: one on each chromosome, or the same one
        if {a.call.zygosity, b.call.zygosity} & {"homozygous", "hemizygous"}:
            return "cis"  # every copy carries one of them, so some copy carries both
        return phase(i, j)

    for (transcript, _), items in by_exon.items():
        for cluster in _clusters(items):
            for i in cluster:
                partners = [j for j in cluster if j != i and relation(i, j) != "trans"]
                if not partners or any(
                    relation(j, k) == "trans" for j in partners for k in partners if j < k
                ):
                    continue
                group = [i, *partners]
                alleles = [(variants[j].pos, variants[j].ref, variants[j].alt) for j in group]
                hit = [t for t in annotator.annotate_together(variants[i].chrom, alleles)
                       if t.transcript == transcript]  # fmt: skip
                if not hit or hit[0].hgvs_p == variants[i].annotation.hgvs_p:
                    continue
                known = all(relation(j, k) == "cis" for j in group for k in group if j < k)
                out[i] = replace(
                    variants[i],
                    together={
                        "with": [variants[j].label for j in partners],
                        "phase": "cis" if known else "unknown",
                        "transcript": transcript,
                        "consequence": list(hit[0].consequence),
                        "hgvs_c": hit[0].hgvs_c,
                        "hgvs_p": hit[0].hgvs_p,
                    },
                )
    return out
