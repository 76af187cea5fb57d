"""Annotating alleles against every overlapping transcript: consequence, HGVS, NMD.

One :class:`Annotator` holds the gene models and the reference; transcript sequences are built
on first use and kept, so a panel's worth of variants costs a handful of FASTA reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from mmpsi_variants.annotation.consequence import predict
from mmpsi_variants.annotation.effects import RANK, UPSTREAM_DISTANCE, Effect, MinimalVariant
from mmpsi_variants.annotation.hgvs import hgvs_c, hgvs_p
from mmpsi_variants.annotation.protein import (
    exon_skip_effect,
    inframe_repeat,
    next_methionine,
    skipped_exon_for,
)
from mmpsi_variants.annotation.transcripts import TranscriptSeq, build, revcomp
from mmpsi_variants.core.contigs import ContigMap
from mmpsi_variants.core.intervals import IntervalIndex
from mmpsi_variants.core.recent import RecentCache
from mmpsi_variants.io.fasta import Reference
from mmpsi_variants.io.genemodels import Gene, GeneModels, Transcript
from mmpsi_variants.io.normalize import is_breakend, left_align

CSQ_FIELDS = [
    "Allele", "Consequence", "IMPACT", "SYMBOL", "HGNC_ID", "Gene", "Feature", "BIOTYPE",
    "EXON", "INTRON", "HGVSc", "HGVSp", "cDNA_position", "CDS_position", "Protein_position",
    "Amino_acids", "Codons", "MANE", "NMD", "PROTEIN_FRACTION_REMOVED", "PRIMARY",
]  # fmt: skip
# Transcripts whose sequence and coordinates are kept: enough for the genes around a region of
# a sorted VCF, and for a whole panel; memory then stays flat on a genome.
TRANSCRIPT_CACHE = 4096


@dataclass(slots=True)
class TranscriptAnnotation:
    """One allele on one transcript, with the fields of a VEP CSQ entry.

    Not frozen: a genome's run builds one per transcript a variant meets, and frozen
    dataclasses take four times as long to build. Nothing changes one after it is made.
    """

    allele: str
    consequence: tuple[str, ...]
    impact: str
    symbol: str | None
    hgnc_id: str | None
    gene_id: str
    transcript: str  # versioned ID
    biotype: str | None
    exon: str | None  # "5/26"
    intron: str | None
    hgvs_c: str | None
    hgvs_p: str | None
    cdna_position: str | None
    cds_position: str | None
    protein_position: str | None
    amino_acids: str | None
    codons: str | None
    mane: str | None
    nmd: str | None
    fraction_removed: float | None
    primary: bool
    protein_length: int | None = None
    detail: dict | None = None  # what PVS1/PM4/BP3 need: exon skipping, next Met, repeats

    def csq_values(self) -> list[str]:
        values = [
            self.allele, "&".join(self.consequence), self.impact, self.symbol, self.hgnc_id,
            self.gene_id, self.transcript, self.biotype, self.exon, self.intron, self.hgvs_c,
            self.hgvs_p, self.cdna_position, self.cds_position, self.protein_position,
            self.amino_acids, self.codons, self.mane, self.nmd,
            None if self.fraction_removed is None else f"{self.fraction_removed:.4f}",
            "1" if self.primary else None,
        ]  # fmt: skip
        texts = ["" if x is None else str(x) for x in values]
        # Nearly always nothing needs escaping: one look at the joined text says so.
        joined = "|".join(texts)
        if joined.count("|") == len(texts) - 1 and _CSQ_SPECIAL_BUT_BAR.isdisjoint(joined):
            return texts
        return [csq_escape(t) for t in texts]


_CSQ_SPECIAL = frozenset(",|;= %")
_CSQ_SPECIAL_BUT_BAR = _CSQ_SPECIAL - {"|"}


def csq_escape(text: str) -> str:
    # VCF INFO values cannot hold these; VEP writes the same substitutions.
    if _CSQ_SPECIAL.isdisjoint(text):
        return text
    return (
        text.replace("%", "%25")
        .replace(",", "&")
        .replace("|", "&")
        .replace(";", "%3B")
        .replace("=", "%3D")
        .replace(" ", "_")
    )


class _TxSpan(NamedTuple):
    """A transcript's span plus the up/downstream window, pointing into the gene models."""

    chrom: str
    start: int
    end: int
    tx_start: int
    tx_end: int
    strand: str
    gene_index: int
    tx_index: int


def _span(lo: int | None, hi: int | None) -> str | None:
    if lo is None:
        return None
    return str(lo) if lo == hi or hi is None else f"{lo}-{hi}"


class Annotator:
    """Consequences of alleles on the transcripts of ``models``, against ``reference``."""

    def __init__(
        self,
        models: GeneModels,
        reference: Reference,
        preferred: dict[str, tuple[str, ...]] | None = None,
    ):
        self.models = models
        self.reference = reference
        self._contigs = ContigMap(models.contigs)
        self._preferred = preferred or {}
        self._primary: dict[int, int | None] = {}  # gene index -> its primary transcript's
        # Only spans are indexed; gene and transcript objects are built when a variant hits.
        self._index = IntervalIndex(
            _TxSpan(chrom, max(1, start - UPSTREAM_DISTANCE), end + UPSTREAM_DISTANCE, start, end,
                    strand, gi, ti)
            for chrom, start, end, strand, gi, ti in models.transcript_spans()
        )  # fmt: skip
        self._seqs: RecentCache[tuple[str, str], TranscriptSeq] = RecentCache(TRANSCRIPT_CACHE)

    def _resolve(self, span: _TxSpan) -> tuple[Gene, Transcript]:
        gene = self.models.gene_at(span.gene_index)
        return gene, gene.transcripts[span.tx_index]

    def transcript_seq(self, tx: Transcript) -> TranscriptSeq:
        key = (tx.chrom, tx.versioned_id)
        ts = self._seqs.get(key)
        if ts is None:
            # A transcript's bases must all be there: a contig the FASTA lacks, or has
            # shorter, would turn a missense change into "p.(Xaa474=)".
            what = f"transcript {tx.versioned_id} ({tx.chrom}:{tx.start}-{tx.end})"

            def fetch(chrom: str, start0: int, end0: int) -> str:
                return self.reference.bases(chrom, start0, end0, what)

            ts = self._seqs.put(key, build(tx, fetch))
        return ts

    def is_primary(self, span: _TxSpan, gene_id: str) -> bool:
        gi = span.gene_index
        if gi not in self._primary:
            self._primary[gi] = self.models.primary_index(gi, self._preferred.get(gene_id, ()))
        return self._primary[gi] == span.tx_index

    @staticmethod
    def can_annotate(alt: str) -> bool:
        """Whether the allele has consequences we can compute: sequence alleles, and the
        symbolic deletions and insertions. A breakend or another symbolic allele (<DUP>,
        <INV>, <CNV>) is not annotated at all, never read as a sequence change."""
        if alt in ("*", ".", "<*>", "<NON_REF>") or is_breakend(alt):
            return False
        return not alt.startswith("<") or alt.startswith(("<DEL", "<INS"))

    def annotate(
        self, chrom: str, pos: int, ref: str, alt: str, end: int | None = None
    ) -> list[TranscriptAnnotation]:
        """Every transcript the allele falls in or near (5 kb), most severe first.

        Indels are left-aligned first, as bcftools csq and VEP expect their input; symbolic
        <INS> and <DEL> alleles (``end`` from INFO/END) get location terms only.
        """
        gm_chrom = self._contigs.get(chrom)
        if gm_chrom is None or not self.can_annotate(alt) or ref.upper() == alt.upper():
            return []
        if alt.startswith("<"):
            v = MinimalVariant.symbolic_allele(gm_chrom, pos, alt, end)
            if v is None:
                return []
        else:
            if len(ref) != len(alt):

                def fetch(s, e):
                    return self.reference.fetch(gm_chrom, s, e)

                pos, ref, alt = left_align(pos, ref.upper(), alt.upper(), fetch)
            v = MinimalVariant.from_vcf(gm_chrom, pos, ref, alt)
        lo, hi = (v.end, v.start) if v.is_insertion else (v.start, v.end)
        out = []
        for span in self._index.overlapping(gm_chrom, lo, hi):
            start, end = span.tx_start, span.tx_end
            if hi < start or lo > end or (v.is_insertion and (hi == start or lo == end)):
                # Up- or downstream: neither sequence nor exons needed, which is most of a
                # dense genome's work.
                before = hi <= start
                upstream = before == (span.strand == "+")
                term = "upstream_gene_variant" if upstream else "downstream_gene_variant"
                gene, tx = self.models.outline(span.gene_index, span.tx_index)
                out.append(self._flank_annotation(gene, tx, alt, term, span))
                continue
            gene, tx = self._resolve(span)
            ts = self.transcript_seq(tx)
            effect = predict(ts, v, self.reference.fetch)
            if effect is None:
                continue
            primary = self.is_primary(span, gene.id)
            out.append(self._annotation(gene, tx, ts, v, alt, effect, primary))
        out.sort(key=lambda a: (not a.primary, _severity_key(a), a.transcript))
        return out

    def annotate_together(
        self, chrom: str, alleles: list[tuple[int, str, str]]
    ) -> list[TranscriptAnnotation]:
        """The effect of several changes on one haplotype taken together, as one allele.

        Two changes in one codon, or an indel and the indel that restores its frame, mean
        something else together than apart: bcftools csq reports such haplotypes as one
        change, VEP annotates each record alone (as :meth:`annotate` does). ``alleles`` are
        (pos, ref, alt) in VCF style and must not overlap; the bases between them are the
        reference's, so this is for changes close together in one exon (an MNV called as
        SNVs, an indel and its frame-restoring partner): across an intron the one allele would
        take the splice sites with it. Returns [] when they overlap or the contig is unknown.
        """
        gm_chrom = self._contigs.get(chrom)
        if gm_chrom is None:
            return []
        combined = combine_alleles(alleles, lambda s, e: self.reference.fetch(gm_chrom, s, e))
        return self.annotate(chrom, *combined) if combined else []

    def _flank_annotation(self, gene, tx, alt: str, term: str, span) -> TranscriptAnnotation:
        return TranscriptAnnotation(
            allele=alt,
            consequence=(term,),
            impact="MODIFIER",
            symbol=gene.symbol,
            hgnc_id=gene.hgnc_id,
            gene_id=gene.ensembl_id or gene.id,
            transcript=tx.versioned_id,
            biotype=tx.biotype,
            exon=None,
            intron=None,
            hgvs_c=None,
            hgvs_p=None,
            cdna_position=None,
            cds_position=None,
            protein_position=None,
            amino_acids=None,
            codons=None,
            mane=_mane(tx),
            nmd=None,
            fraction_removed=None,
            primary=self.is_primary(span, gene.id),
        )

    def _annotation(
        self, gene, tx, ts, v, alt, effect: Effect, primary: bool
    ) -> TranscriptAnnotation:
        located = bool(effect.exon or effect.intron) and not v.symbolic
        # The placement the consequence was assessed at (an edge indel that can be written
        # inside the exon is written there), so that both strands read alike.
        c = hgvs_c(ts, effect.variant or v, self.reference.fetch) if located else None
        p = hgvs_p(ts, effect) if located else None
        prot_pos = aas = codons = None
        if effect.cds and ts.coding:
            first_aa = (effect.cds[0] - 1 - ts.start_phase) // 3 + 1
            last_aa = (effect.cds[1] - 1 - ts.start_phase) // 3 + 1
            prot_pos = _span(max(first_aa, 1), last_aa)
            aas, codons = _aa_and_codons(ts, effect.variant or v, effect)
        mane = _mane(tx)
        detail = _detail(ts, effect)
        return TranscriptAnnotation(
            allele=alt,
            consequence=effect.terms,
            impact=effect.impact,
            symbol=gene.symbol,
            hgnc_id=gene.hgnc_id,
            gene_id=gene.ensembl_id or gene.id,
            transcript=tx.versioned_id,
            biotype=tx.biotype,
            exon=f"{effect.exon[0]}/{effect.exon[1]}" if effect.exon else None,
            intron=f"{effect.intron[0]}/{effect.intron[1]}" if effect.intron else None,
            hgvs_c=c,
            hgvs_p=p,
            cdna_position=_span(*effect.cdna) if effect.cdna else None,
            cds_position=_span(*effect.cds) if effect.cds else None,
            protein_position=prot_pos,
            amino_acids=aas,
            codons=codons,
            mane=mane,
            nmd=effect.nmd,
            fraction_removed=effect.fraction_removed,
            primary=primary,
            # Only where the protein was needed anyway: translating every transcript a
            # variant lies in would double the cost of intronic variants.
            protein_length=ts.protein_length if effect.protein is not None else None,
            detail=detail,
        )


def combine_alleles(alleles, fetch) -> tuple[int, str, str] | None:
    """One (pos, ref, alt) for several non-overlapping VCF-style changes of one haplotype, the
    reference's bases between them included; ``fetch(start0, end0)`` reads the reference.
    None when they overlap or the reference cannot be read."""
    if not alleles:
        return None
    alleles = sorted(alleles)
    start = alleles[0][0]
    end = max(pos + len(ref) - 1 for pos, ref, _ in alleles)
    reference = fetch(start - 1, end)
    if not reference or len(reference) != end - start + 1:
        return None
    pieces, at = [], start
    for pos, ref, alt in alleles:
        if pos < at:
            return None  # overlapping changes cannot be put on one haplotype
        pieces += [reference[at - start : pos - start], alt.upper()]
        at = pos + len(ref)
    pieces.append(reference[at - start :])
    return start, reference, "".join(pieces)


def _detail(ts: TranscriptSeq, effect: Effect) -> dict | None:
    terms = set(effect.terms)
    if terms & {"splice_donor_variant", "splice_acceptor_variant"} and ts.coding:
        exon = skipped_exon_for(ts, effect.terms, effect.intron[0] if effect.intron else None)
        skip = exon_skip_effect(ts, exon) if exon else None
        return {"exon_skipping": skip} if skip else None
    if "start_lost" in terms:
        return {"next_methionine": next_methionine(ts.protein)}
    pe = effect.protein
    if pe is not None and terms & {"inframe_insertion", "inframe_deletion"}:
        return {"in_repeat": inframe_repeat(pe.ref_protein, pe.first, pe.ref_pep, pe.alt_pep)}
    return None


def _mane(tx: Transcript) -> str | None:
    if tx.is_mane_select:
        return "MANE_Select"
    if "MANE_Plus_Clinical" in tx.tags:
        return "MANE_Plus_Clinical"
    return None


def _severity_key(a: TranscriptAnnotation) -> int:
    return min((RANK.get(t, 99) for t in a.consequence), default=99)


def _aa_and_codons(ts: TranscriptSeq, v: MinimalVariant, effect: Effect):
    """VEP-style Amino_acids ("R/C") and Codons ("Cgc/Tgc", changed bases upper case)."""
    pe = effect.protein
    if pe is None or not effect.cds:
        return None, None
    phase = ts.start_phase
    c_lo, c_hi = effect.cds
    if v.is_insertion:
        c_hi = c_lo  # the codon holding the base before the insertion point
    f = (c_lo - 1 - phase) // 3 * 3 + phase  # 0-based CDS offset of the first codon touched
    t = (c_hi - 1 - phase) // 3 * 3 + phase + 3
    cds = ts.cds_seq
    ref_codons = cds[f:t]
    delta = len(v.alt) - len(v.ref)
    alt_t = v.alt if ts.strand == "+" else revcomp(v.alt)
    rel_lo = c_lo - 1 - f
    if v.is_insertion:
        alt_codons = ref_codons[: rel_lo + 1] + alt_t + ref_codons[rel_lo + 1 :]
        changed = set(range(rel_lo + 1, rel_lo + 1 + len(alt_t)))
        ref_marked = ref_codons.lower()
    else:
        n_ref = len(v.ref)
        alt_codons = ref_codons[:rel_lo] + alt_t + ref_codons[rel_lo + n_ref :]
        changed = set(range(rel_lo, rel_lo + len(alt_t)))
        ref_marked = "".join(
            b.upper() if rel_lo <= i < rel_lo + n_ref else b.lower()
            for i, b in enumerate(ref_codons)
        )
    alt_marked = "".join(b.upper() if i in changed else b.lower() for i, b in enumerate(alt_codons))
    codons = f"{ref_marked}/{alt_marked or '-'}"
    if pe.first is None:
        aa = pe.ref_protein[f // 3 : t // 3] if delta == 0 else None
        return aa, codons
    ref_aa = pe.ref_pep or "-"
    alt_aa = pe.alt_pep or "-"
    if pe.frameshift:
        alt_aa = "X"
    return f"{ref_aa}/{alt_aa}", codons
