"""One reported variant of one sample, built up stage by stage.

The filter's stages each add their part and hand the record on: the record loop gives the
allele, the sample's call, the annotation and the resource look-ups; inheritance adds where the
allele came from and whether the genotype fits its gene; two variants in one codon may add how
they read together; ACMG scoring adds the assessment; ranking adds the rank. Records are frozen:
a stage returns new records (``dataclasses.replace``) rather than changing the ones it got.

Each part mirrors fields of the JSON contract (``schemas/variants.schema.json``); the nested
pieces that come whole from one source (gnomAD's answer, a ClinVar record, the score table
answers, the parents' evidence, the ACMG criteria) stay as that source wrote them. The record
turns into the contract's JSON in one place, :mod:`mmpsi_variants.report.record`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mmpsi_variants.core.variant import VariantKey

JsonDict = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Call:
    """The sample's genotype at the allele, as the caller wrote it."""

    genotype: str
    zygosity: str  # heterozygous / homozygous / hemizygous
    depth: int | None
    allele_fraction: float | None
    alt_depth: int | None
    genotype_quality: float | None
    phased: bool
    phase_set: int | None


@dataclass(frozen=True, slots=True)
class Annotation:
    """What the allele does to its gene's primary transcript, and to every transcript in short.

    ``source`` is ``mmpsi-variants`` when computed here, ``<tool>:<INFO key>`` when read from
    the VCF's own annotation, and None when nothing was computed (no gene models or reference,
    or REF does not match the reference).
    """

    transcript: str | None = None
    consequence: tuple[str, ...] | None = None
    impact: str | None = None
    hgvs_c: str | None = None
    hgvs_p: str | None = None
    exon: str | None = None
    intron: str | None = None
    protein_position: str | None = None
    amino_acids: str | None = None
    nmd: str | None = None
    protein_fraction_removed: float | None = None
    protein_length: int | None = None
    lof_detail: JsonDict | None = None
    source: str | None = None
    transcripts: tuple[JsonDict, ...] | None = None


NOT_ANNOTATED = Annotation()

NOT_LOOKED_UP = "not_looked_up"
# The resource was given but holds no records where the allele lies (another contig).
NOT_COVERED = "not_covered"


@dataclass(frozen=True, slots=True)
class Lookups:
    """What gnomAD, ClinVar and the score tables say about the allele.

    "absent" (the source covers the site and lacks the allele) is evidence; "not_looked_up"
    (no such resource was given) and "not_covered" (given, but without records on the
    allele's contig) are not, and the ACMG rules tell them apart.
    """

    gnomad_af: float | None = None
    population: JsonDict = field(default_factory=lambda: {"status": NOT_LOOKED_UP})
    clinvar: JsonDict | None = None
    clinvar_status: str = NOT_LOOKED_UP
    clinvar_protein: JsonDict | None = None
    scores: JsonDict = field(
        default_factory=lambda: {
            "revel": None,
            "cadd": None,
            "spliceai": None,
            "status": {"revel": NOT_LOOKED_UP, "cadd": NOT_LOOKED_UP, "spliceai": NOT_LOOKED_UP},
        }
    )


@dataclass(frozen=True, slots=True)
class Inheritance:
    """Where the allele came from and whether the genotype fits the gene's inheritance."""

    analysed: bool = True  # False until the inheritance stage has run
    tags: tuple[str, ...] = ()  # the contract's "inheritance" list
    fit: JsonDict | None = None  # {"fit", "reason", "modes"}
    reason: str | None = None  # the contract's "origin": the decision written out
    de_novo: JsonDict | None = None  # status and the parents' evidence
    compound_het: JsonDict | None = None  # partners and their phase


NOT_ANALYSED = Inheritance(analysed=False)


@dataclass(frozen=True, slots=True)
class Variant:
    """One allele carried by one sample, with everything the stages found out about it."""

    key: VariantKey
    id: str | None
    gene: str | None
    hgnc_id: str | None
    call: Call
    quality: float | None
    filter: str
    flags: tuple[str, ...]
    original: str | None  # the record as written, when splitting or normalising changed it
    notes: tuple[JsonDict, ...] = ()
    annotation: Annotation = NOT_ANNOTATED
    lookups: Lookups = field(default_factory=Lookups)
    inheritance: Inheritance = field(default_factory=lambda: NOT_ANALYSED)
    together: JsonDict | None = None  # how it reads with others of its codon, when it differs
    acmg: JsonDict | None = None  # None until scored
    rank: int | None = None
    # How the gene matches the patient's HPO terms ({score, rank_among_genes, matched_terms});
    # None when the sample has no terms.
    phenotype: JsonDict | None = None

    @property
    def chrom(self) -> str:
        return self.key.chrom

    @property
    def pos(self) -> int:
        return self.key.pos

    @property
    def ref(self) -> str:
        return self.key.ref

    @property
    def alt(self) -> str:
        return self.key.alt

    @property
    def label(self) -> str:
        return self.key.label

    @property
    def consequence(self) -> tuple[str, ...]:
        """The primary transcript's terms (empty when nothing was annotated)."""
        return self.annotation.consequence or ()

    @property
    def fit(self) -> str | None:
        """yes / partly / no / unknown, or None when no fit was judged."""
        return (self.inheritance.fit or {}).get("fit")
