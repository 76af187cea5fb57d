"""Annotations a VCF already carries: Ensembl VEP (CSQ), snpEff (ANN) and bcftools csq (BCSQ).

Each is read by the header's own format line, so that any field list and field order works:

- VEP: ``##INFO=<ID=CSQ,...,Description="Consequence annotations from Ensembl VEP. Format:
  Allele|Consequence|IMPACT|...">`` (any INFO key: VEP's ``--vcf_info_field`` can rename it, and
  our own ``MMPSI_CSQ`` uses the same layout);
- snpEff: ``Description="Functional annotations: 'Allele | Annotation | Annotation_Impact | ...'"``;
- bcftools csq: ``Description="... BCFtools/csq ... Format: Consequence|gene|transcript|biotype|
  strand|amino_acid_change|dna_change"``.

Every entry becomes a :class:`TranscriptConsequence` with the same attribute names whatever the
tool, and consequences as Sequence Ontology terms (snpEff's and bcftools' own names are mapped;
the tool's words stay in ``raw_consequence``).

Picking the entries of one ALT allele needs each tool's convention:

- VEP writes indel alleles without the first base when REF and every ALT share it ('-' for a
  deletion), ignoring '*'; ``--minimal`` trims each allele on its own; ``ALLELE_NUM``, when
  present, settles it;
- snpEff writes the ALT as in the VCF;
- bcftools writes the change as ``POSREF>ALT`` (``+`` joining the variants of a compound
  haplotype), and a record whose consequence was written at another record of the same
  haplotype carries only ``@POS``; give ``lookup_bcsq`` to follow it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from mmpsi_variants.annotation.existing_parse import (
    DNA_CHANGE,
    TOOLS,
    AnnotationField,
    AnnotationFormatError,
    TranscriptConsequence,
    find_annotation_fields,
    parse_entries,
)
from mmpsi_variants.core.errors import VcfError
from mmpsi_variants.io.normalize import trim


def vep_allele_strings(ref: str, alts: list[str]) -> list[str]:
    """How VEP writes each ALT of a record in CSQ's Allele field (its default mode)."""
    usable = [a for a in alts if a != "*" and not a.startswith("<")]
    firsts = {ref[:1].upper()} | {a[:1].upper() for a in usable}
    if len(firsts) == 1 and usable:
        return [a if a == "*" or a.startswith("<") else (a[1:] or "-") for a in alts]
    return list(alts)


def vep_minimal_allele(ref: str, alt: str) -> str:
    """VEP's ``--minimal`` allele: the ALT with the bases it shares with REF trimmed."""
    while ref and alt and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while ref and alt and ref[0] == alt[0]:
        ref, alt = ref[1:], alt[1:]
    return alt or "-"


def select_for_allele(
    spec: AnnotationField,
    entries: list[TranscriptConsequence],
    pos: int,
    ref: str,
    alts: list[str],
    alt_index: int,
) -> list[TranscriptConsequence]:
    """The entries that describe ALT number ``alt_index`` (1-based) of a record.

    bcftools ``@POS`` placeholders are returned as they are (``joint_at`` set); resolve them
    with :func:`resolve_bcsq`.
    """
    alt = alts[alt_index - 1]
    if spec.tool == "vep":
        if any(e.allele_num is not None for e in entries):
            return [e for e in entries if e.allele_num == alt_index]
        if not _has_allele_column(spec):
            return list(entries)  # no allele column: every entry is about the record
        written = vep_allele_strings(ref, alts)[alt_index - 1]
        chosen = [e for e in entries if e.allele == written]
        if not chosen:
            chosen = [e for e in entries if e.allele == vep_minimal_allele(ref, alt)]
        if not chosen and len(alts) == 1:
            chosen = list(entries)
        return chosen
    if spec.tool == "snpeff":
        chosen = [e for e in entries if e.allele == alt]
        if not chosen:
            # cancer mode writes 'ALT-REFERENCE_ALT'; some versions trim shared bases
            chosen = [e for e in entries if e.allele.split("-")[0] == alt]
        return chosen
    return [e for e in entries if _bcsq_matches(e, pos, ref, alt)]


def _bcsq_matches(e: TranscriptConsequence, pos: int, ref: str, alt: str) -> bool:
    if e.joint_at is not None:
        return True  # which allele it concerns is written at the other record
    if not e.dna_change:
        # Non-coding and intronic entries carry no change: they are about every ALT.
        return True
    want = trim(pos, ref.upper(), alt.upper())
    for part in e.dna_change.split("+"):
        m = DNA_CHANGE.match(part)
        if m and trim(int(m.group(1)), m.group(2).upper(), m.group(3).upper()) == want:
            return True
    return False


def resolve_bcsq(
    spec: AnnotationField,
    placeholder: TranscriptConsequence,
    value_at: str | None,
    pos: int,
    ref: str,
    alt: str,
) -> list[TranscriptConsequence]:
    """The entries at the record a bcftools ``@POS`` placeholder points to that include this
    allele's change (``value_at`` is that record's BCSQ value)."""
    if placeholder.joint_at is None or not value_at:
        return []
    want = trim(pos, ref.upper(), alt.upper())
    out = []
    for e in parse_entries(spec, value_at):
        if e.joint_at is not None or not e.dna_change:
            continue
        for part in e.dna_change.split("+"):
            m = DNA_CHANGE.match(part)
            if m and trim(int(m.group(1)), m.group(2).upper(), m.group(3).upper()) == want:
                out.append(e)
                break
    return out


InfoGetter = Mapping[str, object]


class ExistingAnnotation:
    """Reads the annotation fields a VCF header declares and picks entries per allele.

    ``prefer`` orders the tools when a record carries several (default VEP, snpEff, bcftools).
    """

    def __init__(
        self,
        header: str | Iterable[str],
        prefer: Iterable[str] = TOOLS,
        path: str | None = None,
        warn: Callable[[str], None] | None = None,
    ):
        self.path = path
        self._warn = warn
        self._short_warned: set[str] = set()
        self.fields = find_annotation_fields(header)
        order = {t: i for i, t in enumerate(prefer)}
        self.fields.sort(key=lambda f: (order.get(f.tool, len(order)), f.key != "CSQ"))

    def __bool__(self) -> bool:
        return bool(self.fields)

    @property
    def keys(self) -> list[str]:
        return [f.key for f in self.fields]

    def for_allele(
        self,
        info: InfoGetter,
        pos: int,
        ref: str,
        alts: list[str],
        alt_index: int,
        lookup_bcsq: Callable[[int], str | None] | None = None,
        chrom: str | None = None,
    ) -> list[TranscriptConsequence]:
        """The entries of ALT ``alt_index`` (1-based) from the first annotation field this
        record carries; ``info`` is anything with ``.get(key)`` (cyvcf2's ``record.INFO``).

        ``lookup_bcsq(pos)`` returns the BCSQ value of the record at ``pos`` on the same contig;
        without it, ``@POS`` placeholders are returned unresolved. ``chrom`` only names the
        record in an error message.
        """
        self._where = f"record {chrom}:{pos}" if chrom else f"record at {pos}"
        try:
            return self._for_allele(info, pos, ref, alts, alt_index, lookup_bcsq)
        except AnnotationFormatError as exc:
            raise VcfError(
                f"{exc}; expected entries in the layout of the header's format line",
                path=self.path,
                where=f"record {chrom}:{pos}" if chrom else f"record at {pos}",
            ) from None

    def _short(self, spec: AnnotationField) -> Callable[[int, str], None]:
        def told(n: int, entry: str) -> None:
            # Once per INFO key: a file written so usually is so throughout.
            if self._warn is None or spec.key in self._short_warned:
                return
            self._short_warned.add(spec.key)
            self._warn(
                f"{self.path}: {self._where}: a {spec.key} entry has {n} of the "
                f"{len(spec.names)} fields its header's format names ({entry[:60]!r}); the "
                "missing ones are read as empty (other records may be so too)"
            )

        return told

    def _for_allele(
        self,
        info: InfoGetter,
        pos: int,
        ref: str,
        alts: list[str],
        alt_index: int,
        lookup_bcsq: Callable[[int], str | None] | None,
    ) -> list[TranscriptConsequence]:
        ambiguous: list[TranscriptConsequence] = []
        for spec in self.fields:
            value = info.get(spec.key)
            if value is None:
                continue
            if isinstance(value, tuple | list):
                value = ",".join(map(str, value))
            entries = parse_entries(spec, str(value), self._short(spec))
            if len(alts) > 1 and not _has_allele_column(spec):
                # Cannot tell this record's ALTs apart: keep only if nothing better follows.
                ambiguous = ambiguous or entries
                continue
            chosen = select_for_allele(spec, entries, pos, ref, alts, alt_index)
            if spec.tool == "bcsq" and lookup_bcsq is not None:
                resolved: list[TranscriptConsequence] = []
                for e in chosen:
                    if e.joint_at is None:
                        resolved.append(e)
                    else:
                        at = lookup_bcsq(e.joint_at)
                        resolved += resolve_bcsq(spec, e, at, pos, ref, alts[alt_index - 1])
                chosen = resolved
            if chosen:
                return chosen
        return ambiguous


def _has_allele_column(spec: AnnotationField) -> bool:
    if spec.tool == "bcsq":
        return True  # the change is in dna_change
    return "allele" in {n.lower() for n in spec.names}


# VEP's consequence terms from most to least severe (its documented order).
SEVERITY = (
    "transcript_ablation", "splice_acceptor_variant", "splice_donor_variant", "stop_gained",
    "frameshift_variant", "stop_lost", "start_lost", "transcript_amplification",
    "feature_elongation", "feature_truncation", "inframe_insertion", "inframe_deletion",
    "missense_variant", "protein_altering_variant", "splice_donor_5th_base_variant",
    "splice_region_variant", "splice_donor_region_variant", "splice_polypyrimidine_tract_variant",
    "incomplete_terminal_codon_variant", "start_retained_variant", "stop_retained_variant",
    "synonymous_variant", "coding_sequence_variant", "mature_miRNA_variant",
    "5_prime_UTR_variant", "3_prime_UTR_variant", "non_coding_transcript_exon_variant",
    "intron_variant", "NMD_transcript_variant", "non_coding_transcript_variant",
    "coding_transcript_variant", "upstream_gene_variant", "downstream_gene_variant",
    "TFBS_ablation", "TFBS_amplification", "TF_binding_site_variant",
    "regulatory_region_ablation", "regulatory_region_amplification", "regulatory_region_variant",
    "intergenic_variant", "sequence_variant",
)  # fmt: skip

_RANK = {t: i for i, t in enumerate(SEVERITY)}


def severity_rank(consequence: Iterable[str]) -> int:
    """Rank of the most severe term (0 = most severe); unknown terms rank last."""
    return min((_RANK.get(t, len(_RANK)) for t in consequence), default=len(_RANK))


_OUTSIDE = frozenset(
    {
        "upstream_gene_variant",
        "downstream_gene_variant",
        "intergenic_variant",
        "regulatory_region_variant",
        "TF_binding_site_variant",
    }
)


def primary_entry(
    entries: Iterable[TranscriptConsequence],
    preferred: Iterable[str] = (),
    gene: str | Iterable[str] | None = None,
) -> TranscriptConsequence | None:
    """The entry to report.

    Within ``gene`` (a symbol or gene ID, or several) when any entry names it, and among
    transcripts the variant lies in before up/downstream ones: MANE Select, else a preferred
    transcript (the panel's), else the tool's canonical one, else the most severe
    protein-coding one, else the most severe.
    """
    entries = [e for e in entries if e.joint_at is None]
    if gene:
        names = {gene} if isinstance(gene, str) else set(gene)
        in_gene = [e for e in entries if e.symbol in names or (e.gene or "") in names]
        entries = in_gene or entries
    if not entries:
        return None
    wanted = {p.split(".")[0] for p in preferred if p}

    def key(e: TranscriptConsequence):
        tx = (e.feature or "").split(".")[0]
        return (
            bool(e.consequence) and set(e.consequence) <= _OUTSIDE,
            e.transcript is None,
            not e.is_mane_select,
            tx not in wanted,
            not e.canonical,
            e.biotype != "protein_coding",
            severity_rank(e.consequence),
        )

    return min(entries, key=key)
