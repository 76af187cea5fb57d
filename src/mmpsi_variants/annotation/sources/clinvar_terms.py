"""ClinVar's vocabulary: review stars, significance classes, and amino-acid codes.

A :class:`ClinVarRecord` is one ClinVar variant as the outputs show it; a :class:`ProteinChange`
is one single-residue change on one transcript, the unit PS1 and PM5 compare.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mmpsi_variants.core.contigs import canonical

REVIEW_STARS = {
    "practice_guideline": 4,
    "reviewed_by_expert_panel": 3,
    "criteria_provided,_multiple_submitters,_no_conflicts": 2,
    "criteria_provided,_single_submitter": 1,
    "criteria_provided,_conflicting_classifications": 1,
    "criteria_provided,_conflicting_interpretations": 1,
}

_ZERO_STAR_PREFIXES = ("no_assertion", "no_classification", "no_interpretation")

# CLNSIG (its first, main term) -> our class
SIGNIFICANCE_CLASSES = {
    "pathogenic": "pathogenic",
    "likely_pathogenic": "likely_pathogenic",
    "pathogenic/likely_pathogenic": "pathogenic_or_likely_pathogenic",
    "uncertain_significance": "uncertain",
    "likely_benign": "likely_benign",
    "benign": "benign",
    "benign/likely_benign": "benign_or_likely_benign",
    "conflicting_interpretations_of_pathogenicity": "conflicting",
    "conflicting_classifications_of_pathogenicity": "conflicting",
}

PATHOGENIC_CLASSES = frozenset(
    {"pathogenic", "likely_pathogenic", "pathogenic_or_likely_pathogenic"}
)

BENIGN_CLASSES = frozenset({"benign", "likely_benign", "benign_or_likely_benign"})

AA3 = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu",
    "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe",
    "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "U": "Sec",
    "O": "Pyl", "*": "Ter", "X": "Ter",
}  # fmt: skip

_AA3_SET = frozenset(AA3.values())


def amino_acid(code: str) -> str:
    """Three-letter amino acid ('Arg', 'Ter') from a one- or three-letter code."""
    if len(code) == 1:
        return AA3.get(code.upper(), code)
    if code.lower() in ("stop", "ter", "*"):
        return "Ter"
    return code[:1].upper() + code[1:].lower()


def review_stars(status: str) -> int | None:
    """Stars for a CLNREVSTAT value; None when the status is not one we know."""
    if status in REVIEW_STARS:
        return REVIEW_STARS[status]
    if status.startswith(_ZERO_STAR_PREFIXES):
        return 0
    return None


def significance_class(clnsig: str) -> str:
    """Our class for a CLNSIG value; modifiers such as '|risk_factor' or ',_low_penetrance'
    after the main term do not change it."""
    main = clnsig.split("|")[0].split(",_")[0].strip().lower()
    return SIGNIFICANCE_CLASSES.get(main, main or "not_provided")


def transcript_key(transcript: str) -> str:
    """Transcript IDs compare without their version (ENST...1 and ENST...2 are one residue map
    only when the protein is unchanged, which the caller's annotator guarantees)."""
    return transcript.split(".")[0] if transcript.startswith(("ENST", "NM_", "XM_")) else transcript


@dataclass(frozen=True)
class ProteinChange:
    """A single-residue protein change on one transcript (three-letter codes, 'Ter' = stop)."""

    gene: str
    transcript: str
    position: int
    ref_aa: str
    alt_aa: str
    hgvs_p: str
    consequence: tuple[str, ...]

    @property
    def transcript_key(self) -> str:
        return transcript_key(self.transcript)

    @property
    def is_missense(self) -> bool:
        if "missense_variant" in self.consequence:
            return True
        return (
            not self.consequence
            and self.ref_aa != self.alt_aa
            and self.ref_aa in _AA3_SET
            and self.alt_aa in _AA3_SET
            and "Ter" not in (self.ref_aa, self.alt_aa)
        )


@dataclass(frozen=True)
class ClinVarRecord:
    """One ClinVar variant, with its allele in normalised form."""

    chrom: str
    pos: int
    ref: str
    alt: str
    variation_id: str
    allele_id: str | None
    significance: str  # CLNSIG as written, e.g. "Pathogenic/Likely_pathogenic"
    significance_class: str  # see SIGNIFICANCE_CLASSES
    conflicts: tuple[tuple[str, int], ...]  # CLNSIGCONF: (significance, submissions)
    review_status: str
    stars: int
    diseases: tuple[str, ...]
    genes: tuple[tuple[str, str], ...]  # GENEINFO: (symbol, NCBI Gene ID)
    molecular_consequences: tuple[str, ...]  # MC: SO terms
    hgvs: tuple[str, ...]  # CLNHGVS
    rs: tuple[str, ...]
    record: str  # as written: chrom:pos:REF:ALT
    protein: ProteinChange | None = None  # set on the results of protein queries

    @property
    def key(self) -> tuple[str, int, str, str]:
        return (canonical(self.chrom), self.pos, self.ref, self.alt)

    @property
    def is_pathogenic_or_likely(self) -> bool:
        return self.significance_class in PATHOGENIC_CLASSES

    @property
    def is_benign_or_likely(self) -> bool:
        return self.significance_class in BENIGN_CLASSES

    @property
    def url(self) -> str:
        return f"https://www.ncbi.nlm.nih.gov/clinvar/variation/{self.variation_id}/"

    def to_json(self) -> dict:
        out: dict[str, Any] = {
            "variation_id": self.variation_id,
            "allele_id": self.allele_id,
            "significance": self.significance,
            "significance_class": self.significance_class,
            "review_status": self.review_status,
            "stars": self.stars,
            "conflicts": [list(c) for c in self.conflicts],
            "diseases": list(self.diseases),
            "genes": [g for g, _ in self.genes],
            "molecular_consequences": list(self.molecular_consequences),
            "hgvs": list(self.hgvs),
            "record": self.record,
        }
        if self.protein is not None:
            out["protein"] = {
                "transcript": self.protein.transcript,
                "hgvs_p": self.protein.hgvs_p,
            }
        return out
