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

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote

from mmpsi_variants.core.errors import VcfError
from mmpsi_variants.io.normalize import trim

TOOLS = ("vep", "snpeff", "bcsq")

# snpEff and bcftools words -> Sequence Ontology terms as VEP names them.
_SNPEFF_SO = {
    "intergenic_region": "intergenic_variant",
    "conservative_inframe_insertion": "inframe_insertion",
    "disruptive_inframe_insertion": "inframe_insertion",
    "conservative_inframe_deletion": "inframe_deletion",
    "disruptive_inframe_deletion": "inframe_deletion",
    "non_coding_exon_variant": "non_coding_transcript_exon_variant",
    "5_prime_UTR_premature_start_codon_gain_variant": "5_prime_UTR_variant",
    "start_retained": "start_retained_variant",
    "stop_retained": "stop_retained_variant",
}
_BCSQ_SO = {
    "intergenic": "intergenic_variant",
    "intron": "intron_variant",
    "non_coding": "non_coding_transcript_variant",
    "5_prime_utr": "5_prime_UTR_variant",
    "3_prime_utr": "3_prime_UTR_variant",
    "splice_acceptor": "splice_acceptor_variant",
    "splice_donor": "splice_donor_variant",
    "splice_region": "splice_region_variant",
    "start_lost": "start_lost",
    "start_retained": "start_retained_variant",
    "stop_lost": "stop_lost",
    "stop_gained": "stop_gained",
    "stop_retained": "stop_retained_variant",
    "missense": "missense_variant",
    "synonymous": "synonymous_variant",
    "frameshift": "frameshift_variant",
    "inframe_insertion": "inframe_insertion",
    "inframe_deletion": "inframe_deletion",
    "inframe_altering": "protein_altering_variant",
    "coding_sequence": "coding_sequence_variant",
    "feature_elongation": "feature_elongation",
    "NMD_transcript": "NMD_transcript_variant",
}

# Older VEP and snpEff releases used Sequence Ontology names that have since been replaced.
_LEGACY_SO = {
    "nc_transcript_variant": "non_coding_transcript_variant",
    "non_coding_exon_variant": "non_coding_transcript_exon_variant",
}

# Header field name (as the tool writes it, case-insensitive) -> our attribute.
_VEP_NAMES = {
    "allele": "allele",
    "consequence": "consequence",
    "impact": "impact",
    "symbol": "symbol",
    "gene": "gene",
    "feature_type": "feature_type",
    "feature": "feature",
    "biotype": "biotype",
    "exon": "exon",
    "intron": "intron",
    "hgvsc": "hgvsc",
    "hgvsp": "hgvsp",
    "cdna_position": "cdna_position",
    "cds_position": "cds_position",
    "protein_position": "protein_position",
    "amino_acids": "amino_acids",
    "codons": "codons",
    "strand": "strand",
    "hgnc_id": "hgnc_id",
    "canonical": "canonical",
    "mane_select": "mane_select",
    "mane": "mane_select",
    "mane_plus_clinical": "mane_plus_clinical",
    "allele_num": "allele_num",
    "distance": "distance",
    "flags": "flags",
    "nmd": "nmd",
}
_SNPEFF_NAMES = {
    "allele": "allele",
    "annotation": "consequence",
    "annotation_impact": "impact",
    "gene_name": "symbol",
    "gene_id": "gene",
    "feature_type": "feature_type",
    "feature_id": "feature",
    "transcript_biotype": "biotype",
    "rank": "rank",
    "hgvs.c": "hgvsc",
    "hgvs.p": "hgvsp",
    "cdna.pos/cdna.length": "cdna_position",
    "cds.pos/cds.length": "cds_position",
    "aa.pos/aa.length": "protein_position",
    "distance": "distance",
    "errors/warnings/info": "flags",
}
_BCSQ_NAMES = {
    "consequence": "consequence",
    "gene": "symbol",
    "transcript": "feature",
    "biotype": "biotype",
    "strand": "strand",
    "amino_acid_change": "amino_acid_change",
    "dna_change": "dna_change",
}
_NAME_MAPS = {"vep": _VEP_NAMES, "snpeff": _SNPEFF_NAMES, "bcsq": _BCSQ_NAMES}

_DNA_CHANGE = re.compile(r"^(\d+)([A-Za-z*]+)>([A-Za-z*<>]*)$")
_AA_CHANGE = re.compile(r"^(\d+)([A-Z*]+)(?:>(\d+)([A-Z*]+))?")


class AnnotationFormatError(ValueError):
    """An entry that does not fit the header's format line (the reader adds file and record)."""


@dataclass(frozen=True)
class AnnotationField:
    """One annotation INFO field and its format, read from the header."""

    key: str  # the INFO ID (CSQ, ANN, BCSQ, vep, MMPSI_CSQ, ...)
    tool: str  # "vep", "snpeff" or "bcsq"
    names: tuple[str, ...]  # field names in the tool's own spelling and order


@dataclass(frozen=True)
class TranscriptConsequence:
    """One tool's annotation of one allele on one feature, under tool-independent names."""

    tool: str
    key: str
    allele: str  # as the tool wrote it ('' when the format has no allele column)
    consequence: tuple[str, ...]  # Sequence Ontology terms
    raw_consequence: str
    impact: str | None = None
    symbol: str | None = None
    gene: str | None = None
    feature_type: str | None = None
    feature: str | None = None
    biotype: str | None = None
    exon: str | None = None  # "3/5"
    intron: str | None = None
    hgvsc: str | None = None
    hgvsp: str | None = None
    cdna_position: str | None = None
    cds_position: str | None = None
    protein_position: str | None = None
    amino_acids: str | None = None  # "S/G" (VEP style)
    codons: str | None = None
    strand: str | None = None
    hgnc_id: str | None = None
    canonical: bool = False
    mane_select: str | None = None
    mane_plus_clinical: str | None = None
    allele_num: int | None = None
    distance: str | None = None
    flags: str | None = None
    dna_change: str | None = None  # bcftools
    downstream_of_stop: bool = False  # bcftools '*' prefix
    joint_at: int | None = None  # bcftools '@POS': the consequence is written at that record
    nmd: str | None = None  # VEP's NMD plugin (and our MMPSI_CSQ)
    fields: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # every field as written

    def get(self, name: str, default: str | None = None) -> str | None:
        """A field by the tool's own name (for fields without an attribute, e.g. SIFT)."""
        for k, v in self.fields:
            if k == name:
                return v or default
        return default

    @property
    def transcript(self) -> str | None:
        """The feature when it is a transcript."""
        if self.feature_type and self.feature_type.lower() not in ("transcript", ""):
            return None
        return self.feature or None

    @property
    def is_mane_select(self) -> bool:
        return bool(self.mane_select)


def find_annotation_fields(header: str | Iterable[str]) -> list[AnnotationField]:
    """Every VEP/snpEff/bcftools annotation INFO field declared in a VCF header."""
    lines = header.splitlines() if isinstance(header, str) else list(header)
    out = []
    for line in lines:
        if not line.startswith("##INFO=<"):
            continue
        m = re.search(r"ID=([^,>]+)", line)
        d = re.search(r'Description="(.*)"', line)
        if not m or not d:
            continue
        key, desc = m.group(1), d.group(1)
        tool, names = _classify(desc)
        if tool is not None:
            out.append(AnnotationField(key, tool, names))
    return out


def _classify(desc: str) -> tuple[str | None, tuple[str, ...]]:
    if "Format:" in desc:
        spec = desc.split("Format:", 1)[1]
    elif "Functional annotations:" in desc:
        spec = desc.split("Functional annotations:", 1)[1]
    else:
        return None, ()
    names = tuple(n.strip().strip("'\"").strip() for n in spec.strip().strip("'\"").split("|"))
    lowered = {n.lower().replace(" ", "") for n in names}
    bcsq_like = "BCFtools/csq" in desc or {"consequence", "gene", "transcript"} <= lowered
    if bcsq_like and "allele" not in lowered:
        return "bcsq", names
    if {"annotation", "annotation_impact"} <= lowered:
        return "snpeff", names
    if "consequence" in lowered:
        return "vep", names
    return None, ()


def _so_terms(tool: str, raw: str) -> tuple[str, ...]:
    terms = [_LEGACY_SO.get(t, t) for t in raw.split("&") if t]
    if tool == "snpeff":
        return tuple(dict.fromkeys(_SNPEFF_SO.get(t, t) for t in terms))
    if tool == "bcsq":
        return tuple(dict.fromkeys(_BCSQ_SO.get(t, t) for t in terms))
    return tuple(terms)


def parse_entries(spec: AnnotationField, value: str) -> list[TranscriptConsequence]:
    """All entries of one record's INFO value (comma-separated, '|'-separated fields)."""
    if not value or value == ".":
        return []
    names = spec.names
    mapping = _NAME_MAPS[spec.tool]
    out = []
    for raw_entry in value.split(","):
        if spec.tool == "bcsq" and raw_entry.startswith("@"):
            if not raw_entry[1:].isdigit():
                raise AnnotationFormatError(f"{spec.key} entry {raw_entry!r}: expected '@POSITION'")
            out.append(
                TranscriptConsequence(
                    spec.tool, spec.key, "", (), raw_entry, joint_at=int(raw_entry[1:])
                )
            )
            continue
        parts = raw_entry.split("|")
        if len(parts) > len(names):
            raise AnnotationFormatError(
                f"{spec.key} entry has {len(parts)} fields but the header's format names "
                f"{len(names)}: {raw_entry[:80]!r}"
            )
        # bcftools omits empty trailing fields; VEP and snpEff write them all.
        parts += [""] * (len(names) - len(parts))
        kv = tuple(zip(names, parts, strict=True))
        attrs: dict[str, object] = {}
        for name, val in kv:
            attr = mapping.get(name.lower().replace(" ", ""))
            if attr and val != "" and attr not in attrs:
                attrs[attr] = val
        out.append(_entry(spec, attrs, kv))
    return out


def _entry(spec: AnnotationField, attrs: dict, kv) -> TranscriptConsequence:
    raw_csq = str(attrs.pop("consequence", ""))
    downstream = spec.tool == "bcsq" and raw_csq.startswith("*")
    if downstream:
        raw_csq = raw_csq[1:]
    consequence = _so_terms(spec.tool, raw_csq)
    if spec.tool == "snpeff":
        rank = attrs.pop("rank", None)
        if rank:
            exonic = not any(t in ("intron_variant",) for t in consequence)
            attrs["exon" if exonic else "intron"] = rank
        if attrs.get("protein_position"):
            attrs["protein_position"] = str(attrs["protein_position"]).split("/")[0]
    if spec.tool == "bcsq":
        aa = attrs.pop("amino_acid_change", None)
        if aa:
            m = _AA_CHANGE.match(str(aa))
            if m:
                attrs["protein_position"] = m.group(1)
                attrs["amino_acids"] = f"{m.group(2)}/{m.group(4)}" if m.group(4) else m.group(2)
        attrs.setdefault("feature_type", "Transcript" if attrs.get("feature") else None)
    for name in ("hgvsc", "hgvsp"):
        if attrs.get(name):
            attrs[name] = unquote(str(attrs[name]))  # VEP escapes '=' as %3D
    canonical = str(attrs.pop("canonical", "")).upper() in ("YES", "1", "TRUE")
    allele_num = attrs.pop("allele_num", None)
    return TranscriptConsequence(
        spec.tool,
        spec.key,
        str(attrs.pop("allele", "")),
        consequence,
        raw_csq,
        canonical=canonical,
        allele_num=int(allele_num) if allele_num and str(allele_num).isdigit() else None,
        downstream_of_stop=downstream,
        fields=kv,
        **{k: (None if v == "" else str(v)) for k, v in attrs.items()},
    )


# ------------------------------------------------------------------------------ allele choice


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
        m = _DNA_CHANGE.match(part)
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
            m = _DNA_CHANGE.match(part)
            if m and trim(int(m.group(1)), m.group(2).upper(), m.group(3).upper()) == want:
                out.append(e)
                break
    return out


# ------------------------------------------------------------------------------ the reader

InfoGetter = Mapping[str, object]


class ExistingAnnotation:
    """Reads the annotation fields a VCF header declares and picks entries per allele.

    ``prefer`` orders the tools when a record carries several (default VEP, snpEff, bcftools).
    """

    def __init__(
        self, header: str | Iterable[str], prefer: Iterable[str] = TOOLS, path: str | None = None
    ):
        self.path = path
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
        try:
            return self._for_allele(info, pos, ref, alts, alt_index, lookup_bcsq)
        except AnnotationFormatError as exc:
            raise VcfError(
                f"{exc}; expected entries in the layout of the header's format line",
                path=self.path,
                where=f"record {chrom}:{pos}" if chrom else f"record at {pos}",
            ) from None

    def _for_allele(self, info, pos, ref, alts, alt_index, lookup_bcsq):
        ambiguous: list[TranscriptConsequence] = []
        for spec in self.fields:
            value = info.get(spec.key)
            if value is None:
                continue
            if isinstance(value, tuple | list):
                value = ",".join(map(str, value))
            entries = parse_entries(spec, str(value))
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


# ------------------------------------------------------------------------------ primary entry

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
