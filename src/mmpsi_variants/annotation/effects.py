"""The vocabulary of consequences: Sequence Ontology terms, their severity and impact, and the
records a prediction returns.

Terms are named and ranked as Ensembl VEP names and ranks them, so that our output sorts and
filters like VEP's. :class:`MinimalVariant` is an allele with shared bases trimmed; an
:class:`Effect` is what it does to one transcript.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def sorted_terms(terms: set[str]) -> tuple[str, ...]:
    return tuple(sorted(terms, key=lambda t: RANK.get(t, len(RANK))))
