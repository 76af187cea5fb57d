"""Allele normalisation: split multi-allelic records, trim, and left-align indels.

The algorithm is the one of Tan, Abecasis and Kang (Bioinformatics 2015), which bcftools norm and
vt also follow: drop common trailing bases, extending to the left with reference bases whenever
an allele runs empty, then drop common leading bases while both alleles are longer than one.
Without a reference, alleles are only trimmed, never shifted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from mmpsi_variants.io.fasta import Reference

# Alleles that carry no sequence of their own.
SKIP_ALTS = {"*", "<*>", "<NON_REF>", "."}


@dataclass(frozen=True)
class Allele:
    """One alternate allele of a record, in normalised form."""

    chrom: str
    pos: int
    ref: str
    alt: str
    allele_index: int  # index of this ALT in the original record, 1-based like in GT
    n_alts: int
    original: str  # chrom:pos:REF:ALT1,ALT2 as written in the input
    changed: bool  # whether position or alleles differ from the input
    ref_mismatch: bool = False


def is_symbolic(allele: str) -> bool:
    return allele.startswith("<") or is_breakend(allele)


def is_breakend(allele: str) -> bool:
    """A VCF breakend: ``C[chr2:321682[``, ``]chr2:321682]C``, or a single breakend ``C.``."""
    return (
        "[" in allele
        or "]" in allele
        or (len(allele) > 1 and (allele[0] == "." or allele[-1] == "."))
    )


_BASES = re.compile(r"^[ACGTNacgtn]+$")
_BREAKEND = re.compile(
    r"^(?:[ACGTNacgtn]+[\[\]][^\[\]:]+:\d+[\[\]]|[\[\]][^\[\]:]+:\d+[\[\]][ACGTNacgtn]+"
    r"|\.[ACGTNacgtn]+|[ACGTNacgtn]+\.)$"
)


def allele_problem(ref: str, alts: list[str]) -> str | None:
    """What makes a record's alleles unusable, in words, or None: REF must be bases, each ALT
    bases, ``*``, a symbolic allele (``<DEL>``) or a breakend, and no ALT may equal REF."""
    if not _BASES.match(ref):
        return f"REF {ref!r} is not a sequence of A, C, G, T or N"
    for alt in alts:
        if alt in SKIP_ALTS or (alt.startswith("<") and alt.endswith(">")):
            continue
        if is_breakend(alt):
            if not _BREAKEND.match(alt):
                return f"ALT {alt!r} is not a valid breakend; expected for example C[chr2:321682["
            continue
        if not _BASES.match(alt):
            return (
                f"ALT {alt!r} is not a sequence of A, C, G, T or N; expected bases, *, a "
                "symbolic allele such as <DEL>, or a breakend"
            )
        if alt.upper() == ref.upper():
            return f"ALT {alt!r} equals REF; a record must change something"
    return None


def left_align(
    pos: int, ref: str, alt: str, fetch: Callable[[int, int], str | None]
) -> tuple[int, str, str]:
    """Normalise one biallelic pair; ``fetch(start0, end0)`` returns reference bases.

    >>> seq = "GCAAAAT"  # a deletion of one A written at the right end of the run
    >>> left_align(6, "AT", "T", lambda s, e: seq[s:e])
    (2, 'CA', 'C')
    """
    while True:
        if ref and alt and ref[-1] == alt[-1] and len(ref) + len(alt) > 2:
            ref, alt = ref[:-1], alt[:-1]
        elif (not ref or not alt) and pos > 1:
            chunk = min(pos - 1, 64)
            bases = fetch(pos - 1 - chunk, pos - 1)
            if not bases:
                break
            base = bases[-1]
            pos -= 1
            ref, alt = base + ref, base + alt
        else:
            break
    while len(ref) > 1 and len(alt) > 1 and ref[0] == alt[0]:
        ref, alt = ref[1:], alt[1:]
        pos += 1
    return pos, ref, alt


def trim(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Remove shared trailing then leading bases, keeping one base in each allele."""
    while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while len(ref) > 1 and len(alt) > 1 and ref[0] == alt[0]:
        ref, alt = ref[1:], alt[1:]
        pos += 1
    return pos, ref, alt


def split_record(
    chrom: str, pos: int, ref: str, alts: list[str], reference: Reference | None
) -> list[Allele]:
    """One normalised :class:`Allele` per usable ALT of a record."""
    original = f"{chrom}:{pos}:{ref}:{','.join(alts)}"
    ref = ref.upper()
    mismatch = False
    if reference is not None:
        actual = reference.fetch(chrom, pos - 1, pos - 1 + len(ref))
        # An N in the reference matches anything (the genome does not know the base); an N
        # in REF where the reference has a base does not: the caller saw another sequence.
        mismatch = actual is not None and any(
            a != b and a != "N" for a, b in zip(actual, ref, strict=False)
        )
    out = []
    for i, alt in enumerate(alts, 1):
        if alt in SKIP_ALTS:
            continue
        alt_u = alt.upper()
        if is_symbolic(alt_u):
            npos, nref, nalt = pos, ref, alt
        elif reference is not None and not mismatch:

            def fetch(s: int, e: int) -> str | None:
                return reference.fetch(chrom, s, e)

            npos, nref, nalt = left_align(pos, ref, alt_u, fetch)
        else:
            npos, nref, nalt = trim(pos, ref, alt_u)
        changed = (npos, nref, nalt) != (pos, ref, alt) or len(alts) > 1
        out.append(Allele(chrom, npos, nref, nalt, i, len(alts), original, changed, mismatch))
    return out
