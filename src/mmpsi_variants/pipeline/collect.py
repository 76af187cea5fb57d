"""The filter's record loop: VCF records to each sample's variants, annotated and looked up.

Records come through the index, region by region of the panel (or all of them with
``--no-panel`` or without gene models); each is split into its ALT alleles and normalised, each
allele is assigned to its panel gene, annotated once (our annotator, or the VCF's own
annotation) and looked up once in the resources, and every sample that carries it gets a
:class:`~mmpsi_variants.core.record.Variant`. The parents' evidence at each carried allele is
collected on the way, for the inheritance stage.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from mmpsi_variants.annotation.primary import (
    AnnotatedHit,
    Hit,
    computed_annotation,
    existing_annotation,
    panel_gene_of,
)
from mmpsi_variants.core.contigs import ContigMap
from mmpsi_variants.core.errors import ReferenceGenomeError, VcfError
from mmpsi_variants.core.intervals import merge_intervals
from mmpsi_variants.core.record import Annotation, Call, Lookups, Variant
from mmpsi_variants.core.variant import VariantKey
from mmpsi_variants.inheritance.evidence import EvidenceCollector
from mmpsi_variants.io.genotypes import FormatFields, SampleCall, sample_call
from mmpsi_variants.io.normalize import Allele, allele_problem, split_record
from mmpsi_variants.io.vcf import VariantFile, record_end
from mmpsi_variants.panel.regions import PanelRegion
from mmpsi_variants.pipeline.inputs import FilterInputs


@dataclass
class Collected:
    """Each reported sample's variants in VCF order, the parents' evidence at each, and the
    counts of what was read and dropped."""

    variants: dict[str, list[Variant]]
    evidence: EvidenceCollector
    counts: Counter[str]


def panel_records(vf: VariantFile, regions: list[PanelRegion], vcf_contigs: ContigMap) -> Iterator:
    """Records overlapping the merged panel regions, each once, in the VCF's contig order."""
    merged = merge_intervals(regions)
    order = {name: i for i, name in enumerate(vf.header.contigs)}
    jobs = []
    for chrom, intervals in merged.items():
        name = vcf_contigs.get(chrom)
        if name is not None:
            jobs += [(name, s, e) for s, e in intervals]
    jobs.sort(key=lambda j: (order.get(j[0], len(order)), j[1]))
    for name, start, end in jobs:
        for record in vf.fetch(name, start, end):
            # A record starting before this interval was already read with the previous one
            # when it overlaps both.
            if start > record.POS and _overlaps_previous(jobs, name, start, record):
                continue
            yield record


def _overlaps_previous(jobs, name, start, record) -> bool:
    rec_start = record.POS
    return any(n == name and e >= rec_start and s < start for n, s, e in jobs)


def _distance(item, pos: int) -> int:
    # Inside the gene proper beats inside the padding only.
    gene = getattr(item, "gene", item)
    if gene.start <= pos <= gene.end:
        return 0
    return min(abs(pos - gene.start), abs(pos - gene.end))


def _call_part(call: SampleCall) -> Call:
    return Call(
        genotype=call.genotype,
        zygosity=call.zygosity,
        depth=call.depth,
        allele_fraction=call.allele_fraction,
        alt_depth=call.alt_depth,
        genotype_quality=call.genotype_quality,
        phased=call.phased,
        phase_set=call.phase_set,
    )


def _flags(allele: Allele, record) -> tuple[str, ...]:
    flags = []
    if allele.ref_mismatch:
        flags.append("ref_mismatch")
    if allele.n_alts > 1:
        flags.append("multiallelic_split")
    if allele.changed and (allele.pos != record.POS or allele.ref != record.REF.upper()):
        flags.append("normalised")
    return tuple(flags)


class _Collector:
    """The record loop's state: one instance per run."""

    def __init__(self, inputs: FilterInputs):
        self.inputs = inputs
        self.variants: dict[str, list[Variant]] = {s: [] for s in inputs.samples}
        self.counts: Counter[str] = Counter()
        self.evidence = EvidenceCollector(inputs.families, inputs.build)
        self.first_mismatch: str | None = None
        # BCSQ writes a haplotype's joint consequence once, at the first variant's position;
        # the others point there with '@POS'.
        self.bcsq_at: dict[tuple[str, int], str] = {}
        self.chrom: str | None = None
        self._lengths: dict[str, int | None] = {}

    def _bcsq(self, pos: int, _chrom=None):
        assert self.chrom is not None  # called while a record is read
        return self.bcsq_at.get((self.chrom, pos))

    def run(self) -> Collected:
        inp = self.inputs
        records = (
            panel_records(inp.vcf, inp.regions, inp.vcf_contigs)
            if inp.regions
            else inp.vcf.fetch_all()
        )
        for record in records:
            self.record(record)
        if self.counts["ref_mismatch"]:
            inp.warn(
                f"{self.counts['ref_mismatch']} record(s) have a REF allele that does not match "
                f"the reference (first: {self.first_mismatch}); they are flagged 'ref_mismatch' "
                "and not shifted"
            )
        return Collected(self.variants, self.evidence, self.counts)

    def record(self, record) -> None:
        inp, counts = self.inputs, self.counts
        counts["records"] += 1
        self.chrom = record.CHROM
        existing = inp.existing
        if existing is not None and "BCSQ" in existing.keys:
            value = record.INFO.get("BCSQ")
            if value is not None:
                self.bcsq_at[(record.CHROM, record.POS)] = value
        problem = allele_problem(record.REF, record.ALT)
        if problem:
            raise VcfError(
                problem, path=inp.options.vcf, where=f"record {record.CHROM}:{record.POS}"
            )
        if inp.reference is not None:
            self._check_on_reference(record)
        filt = record.FILTER
        if not (filt is None or filt == "PASS") and not inp.options.include_filtered:
            counts["dropped_filter"] += 1
            return
        alleles = split_record(record.CHROM, record.POS, record.REF, record.ALT, inp.reference)
        if not alleles:
            return
        if alleles[0].ref_mismatch:
            counts["ref_mismatch"] += 1
            self.first_mismatch = self.first_mismatch or alleles[0].original
        ff = None
        for allele in alleles:
            entries = None
            if existing is not None:
                entries = existing.for_allele(
                    record.INFO, record.POS, record.REF, record.ALT, allele.allele_index,
                    self._bcsq, record.CHROM,
                )  # fmt: skip
            hit = self._assign(allele, entries)
            if hit is False:
                counts["dropped_outside_panel"] += 1
                continue
            if ff is None:
                ff = FormatFields(record, inp.vcf.header.format_ids)
            self._allele(record, allele, entries, hit, ff, "PASS" if filt is None else filt)

    def _check_on_reference(self, record: Any) -> None:
        """A record must lie on a contig of the reference, within its length: its REF is read
        from there, and a variant off the reference cannot be normalised or annotated."""
        ref = self.inputs.reference
        assert ref is not None
        chrom, pos = record.CHROM, record.POS
        if chrom not in self._lengths:
            self._lengths[chrom] = ref.length(chrom)
        length = self._lengths[chrom]
        end = pos + len(record.REF) - 1
        if length is None or end > length:
            where = "not in" if length is None else f"{length:,} bases long in"
            raise ReferenceGenomeError(
                f"contig {chrom} is {where} the reference {ref.path}, but the record reaches "
                f"{end:,}; expected the FASTA the calls were made against",
                path=self.inputs.options.vcf,
                where=f"record {chrom}:{pos}",
            )

    def _assign(self, allele: Allele, entries) -> Hit | Literal[False]:
        """The panel region or gene the allele belongs to, None for none, False to drop it."""
        inp = self.inputs
        if inp.panel is not None and not inp.regions:
            # No gene models: the panel gene comes from the annotation's gene names.
            pg = panel_gene_of(inp.panel, entries or [])
            return False if pg is None else AnnotatedHit(pg)
        gm_chrom = inp.model_contigs.get(allele.chrom) or allele.chrom
        end = allele.pos + max(len(allele.ref), 1) - 1
        hits = inp.gene_index.overlapping(gm_chrom, allele.pos, end)
        if inp.regions and not hits:
            return False
        return min(hits, key=lambda h: _distance(h, allele.pos)) if hits else None

    def _allele(self, record, allele: Allele, entries, hit: Hit, ff, filt: str) -> None:
        inp = self.inputs
        annotated: tuple[Annotation, Lookups, tuple | None] | None = None  # on first use
        pg = getattr(hit, "panel_gene", None)
        gene: Any = getattr(hit, "gene", hit)  # a region or an annotated hit names its gene
        for i, sample in zip(inp.sample_indices, inp.samples, strict=True):
            call = sample_call(
                ff, i, sample, allele.allele_index, allele.chrom, allele.pos,
                inp.sexes[sample], inp.build,
            )  # fmt: skip
            if call is None:
                continue
            if annotated is None:
                annotated = self._annotate(record, allele, entries, hit)
                left_out = inp.research and inp.research.why_left_out(*annotated[:2])
                if left_out:
                    self.counts[f"left_out_{left_out}"] += 1
                    return  # for every sample: the allele is what is common or harmless
            self.counts["calls_kept"] += 1
            annotation, lookups, named = annotated
            symbol = pg.symbol if pg else (gene.symbol if gene else None)
            hgnc_id = pg.hgnc_id if pg else (gene.hgnc_id if gene else None)
            if symbol is None and named:
                # No gene models: name the gene as the VCF's own annotation does.
                symbol, hgnc_id = named
            self.variants[sample].append(
                Variant(
                    key=VariantKey(allele.chrom, allele.pos, allele.ref, allele.alt),
                    id=record.ID,
                    gene=symbol,
                    hgnc_id=hgnc_id,
                    call=_call_part(call),
                    quality=None if record.QUAL is None else round(float(record.QUAL), 2),
                    filter=filt,
                    flags=_flags(allele, record),
                    original=allele.original if allele.changed else None,
                    notes=inp.notes_by_gene.get(pg.hgnc_id, ()) if pg else (),
                    annotation=annotation,
                    lookups=lookups,
                )
            )
            self.evidence.add(sample, ff, allele, call)

    def _annotate(self, record, allele: Allele, entries, hit: Hit):
        inp = self.inputs
        named = None
        if entries is not None:
            annotation, named = existing_annotation(entries, hit)
        else:
            annotation = computed_annotation(inp.annotator, allele, hit, record_end(record))
        lookups = inp.resources.lookup(allele.chrom, allele.pos, allele.ref, allele.alt, annotation)
        return annotation, lookups, named


def collect(inputs: FilterInputs) -> Collected:
    """Read the records and build each sample's variants (see the module's docstring)."""
    return _Collector(inputs).run()
