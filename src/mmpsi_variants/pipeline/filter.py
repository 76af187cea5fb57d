"""``mmpsi-variants filter``: the variants of each sample that lie in the panel genes.

Read -> restrict to panel regions through the index -> split and normalise -> per-sample calls
-> gene notes -> JSON and TSV per sample.
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from mmpsi_variants import __version__
from mmpsi_variants.acmg.combining import Thresholds
from mmpsi_variants.acmg.criterion import Context
from mmpsi_variants.acmg.curation import read_curation
from mmpsi_variants.acmg.evaluation import assess
from mmpsi_variants.acmg.phenotype import sample_says_eimfs
from mmpsi_variants.acmg.ranking import rank_key, set_genotype_classes
from mmpsi_variants.annotation.annotator import Annotator
from mmpsi_variants.annotation.existing import ExistingAnnotation, primary_entry
from mmpsi_variants.annotation.haplotypes import mark_shared_codons
from mmpsi_variants.annotation.sources.lookup import Resources
from mmpsi_variants.core.contigs import ContigMap, canonical, detect_build, get_build
from mmpsi_variants.core.errors import ContigError, InputFileError
from mmpsi_variants.core.intervals import IntervalIndex, merge_intervals
from mmpsi_variants.core.settings import load_settings
from mmpsi_variants.inheritance.analysis import analyse_sample, gene_modes_from_panel
from mmpsi_variants.inheritance.evidence import EvidenceCollector
from mmpsi_variants.inheritance.families import build_families
from mmpsi_variants.inheritance.origin import pair_phase
from mmpsi_variants.inheritance.settings import InheritanceSettings
from mmpsi_variants.io.gene_cache import load_gene_models
from mmpsi_variants.io.genemodels import GeneModels
from mmpsi_variants.io.genotypes import UNKNOWN_SEX, FormatFields, sample_call
from mmpsi_variants.io.normalize import Reference, split_record
from mmpsi_variants.io.outputs import AtomicOutputs, unique_filenames
from mmpsi_variants.io.ped import check_against_vcf, read_ped
from mmpsi_variants.io.provenance import describe_input
from mmpsi_variants.io.vcf import VariantFile, existing_index
from mmpsi_variants.panel.knowledge import Panel, load_panel
from mmpsi_variants.panel.notes import gene_notes
from mmpsi_variants.panel.regions import DEFAULT_PADDING, load_panel_models, panel_regions
from mmpsi_variants.qc.sample_checks import run_sample_checks
from mmpsi_variants.report.document import DISCLAIMER
from mmpsi_variants.report.tables import tsv_text

log = logging.getLogger("mmpsi_variants")


@dataclass
class FilterOptions:
    vcf: str
    genes: str | None = None
    reference: str | None = None
    panel: str | None = None
    no_panel: bool = False
    tiers: tuple[str, ...] = ("core", "extended")
    padding: int = DEFAULT_PADDING
    samples: tuple[str, ...] = ()
    ped: str | None = None
    build: str = "auto"
    include_filtered: bool = False
    outdir: str = "."
    gnomad: str | None = None
    clinvar: str | None = None
    scores: dict = field(default_factory=dict)  # name -> path (revel, cadd, spliceai)
    use_existing_annotation: bool = False
    curation: str | None = None
    phenotypes: dict = field(default_factory=dict)  # sample (or "*") -> phenotype text
    settings: str | None = None


@dataclass
class FilterResult:
    outputs: list[Path]
    samples: list[str]
    counts: dict[str, int]
    warnings: list[str] = field(default_factory=list)


_NO_RECORDS = re.compile(r"^(?P<file>.+?): no records on contig (?P<contig>\S+) \(")


class _Warnings:
    """Warn once per kind, and keep the text for the JSON.

    A resource that lacks several of the panel's contigs says so once, listing them, rather
    than once per contig.
    """

    def __init__(self):
        self.messages: list[str] = []
        self._missing_contigs: dict[str, list[str]] = {}

    def __call__(self, message: str) -> None:
        m = _NO_RECORDS.match(message)
        if m:
            self._missing_contigs.setdefault(m["file"], []).append(m["contig"])
            return
        self.messages.append(message)
        log.warning(message)

    def flush(self) -> None:
        for path, contigs in self._missing_contigs.items():
            self(
                f"{path}: no records on contig(s) {', '.join(contigs)}; nothing can match there "
                "(treated as not covered)"
            )
        self._missing_contigs.clear()


def _fetch_panel_records(vf: VariantFile, regions, vcf_contigs: ContigMap):
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


def run_filter(opts: FilterOptions) -> FilterResult:
    warn = _Warnings()
    if not opts.no_panel and not opts.genes and not opts.use_existing_annotation:
        raise InputFileError(
            "--genes is required to find the panel genes; pass gene models (GFF3/GTF), "
            "use --use-existing-annotation on a VEP/snpEff/bcftools-annotated VCF, or use "
            "--no-panel to keep every variant",
            path=opts.vcf,
        )
    # Without gene models the panel genes are found by the names in the existing annotation,
    # which means reading every record.
    indexed = not opts.no_panel and bool(opts.genes)
    with tempfile.TemporaryDirectory(prefix="mmpsi-filter-") as work:
        vf = VariantFile(opts.vcf, Path(work), indexed=indexed)
        try:
            return _run(opts, vf, warn)
        finally:
            vf.close()


def _run(opts: FilterOptions, vf: VariantFile, warn: _Warnings) -> FilterResult:
    if not vf.samples:
        raise InputFileError(
            "the VCF has no sample columns; expected genotypes for at least one sample",
            path=opts.vcf,
        )
    sample_idx = vf.sample_indices(list(opts.samples))
    samples = [vf.samples[i] for i in sample_idx]
    inheritance_settings = InheritanceSettings.from_settings(load_settings(opts.settings))

    panel: Panel | None = None
    models: GeneModels | None = None
    existing = None
    if opts.use_existing_annotation:
        existing = ExistingAnnotation(vf.raw_header, path=opts.vcf)
        if not existing:
            raise InputFileError(
                "the VCF carries no VEP CSQ, snpEff ANN or bcftools BCSQ annotation; drop "
                "--use-existing-annotation, or annotate it first",
                path=opts.vcf,
            )
    if not opts.no_panel:
        panel = load_panel(opts.panel).select_tiers(opts.tiers)
    if panel is not None and opts.genes:
        models = load_panel_models(opts.genes, panel)
    elif opts.genes:
        # Without a reference nothing is annotated, and spans are enough to name the gene.
        models = load_gene_models(opts.genes, want=None if opts.reference else lambda g: False)
    regions = panel_regions(panel, models, opts.padding) if panel and models else []

    vcf_contigs = ContigMap(vf.header.contigs)
    if regions:
        vcf_contigs.require_overlap(
            [r.chrom for r in regions],
            what="panel genes'",
            path=opts.genes,
            target=f"the VCF {opts.vcf}",
        )
        absent = sorted({r.symbol for r in regions if vcf_contigs.get(r.chrom) is None})
        if absent:
            warn(
                f"the VCF has no contig for panel gene(s) {', '.join(absent)}; none can be reported"
            )

    reference = Reference(opts.reference) if opts.reference else None
    if reference is not None:
        missing = [c for c in vf.header.contigs if reference.contigs.get(c) is None]
        if missing and len(missing) == len(vf.header.contigs):
            raise ContigError(
                f"none of the VCF's contigs ({', '.join(missing[:5])}) is in the reference "
                f"(its contigs: {', '.join(reference.fasta.references[:5])})",
                path=opts.reference,
            )
        if missing:
            warn(
                f"{len(missing)} VCF contig(s) are not in the reference "
                f"({', '.join(missing[:5])}); their indels are not left-aligned"
            )

    ped = read_ped(opts.ped) if opts.ped else None
    sexes = {s: (ped.sex_of(s) if ped else UNKNOWN_SEX) for s in samples}
    if ped:
        for message in [*ped.warnings, *check_against_vcf(ped, vf.samples)]:
            warn(message)
        absent = [s for s in samples if s not in ped.individuals]
        if absent:
            warn(
                "sample(s) not in the PED, treated as unrelated and of unknown sex: "
                + ", ".join(absent)
            )
    build = (
        get_build(opts.build)
        if opts.build != "auto"
        else detect_build(vf.header.contigs, vf.header.reference)
    )
    if (
        opts.build == "auto"
        and build.name == "unknown"
        and any(ContigMap(vf.header.contigs).get(x) for x in ("chrX", "X"))
        and any(s == "male" for s in sexes.values())
    ):
        warn(
            "genome build not recognised from the VCF header, so no pseudoautosomal region is "
            "assumed on chrX; pass --build GRCh38 or GRCh37 for real human data"
        )

    gene_index = IntervalIndex(regions if regions else (models.genes if models else []))
    gm_contigs = ContigMap(
        {r.chrom for r in regions} if regions else (models.contigs if models else [])
    )
    notes_by_gene = {g.hgnc_id: gene_notes(panel, g) for g in panel.genes} if panel else {}
    format_ids = vf.header.format_ids
    if "GT" not in format_ids:
        warn("the VCF has no FORMAT/GT: no sample carries a called genotype")
    families = build_families(ped, list(vf.samples), samples)
    evidence = EvidenceCollector(families, build)

    annotator = None
    if existing is not None:
        pass  # the VCF's own annotation is used as it is
    elif models is not None and reference is not None:
        preferred = {r.gene.id: r.panel_gene.preferred_transcripts for r in regions}
        annotator = Annotator(models, reference, preferred)
    elif models is not None:
        warn("no --reference given: consequences and HGVS names are not computed (left null)")

    resources = Resources.open(opts.gnomad, opts.clinvar, opts.scores, reference, warn)
    if resources.clinvar is not None:
        panel_spans = [(c, s, e) for c, ivs in merge_intervals(regions).items() for s, e in ivs]
        resources.index_clinvar_proteins(panel_spans, annotator)

    per_sample: dict[str, list[dict]] = {s: [] for s in samples}
    counts: Counter[str] = Counter()
    first_mismatch = None
    records = _fetch_panel_records(vf, regions, vcf_contigs) if regions else vf.fetch_all()
    bcsq_at: dict[tuple[str, int], str] = {}

    def lookup_bcsq(pos: int, _chrom=None):
        return bcsq_at.get((current[0], pos))

    current = [None]
    for record in records:
        counts["records"] += 1
        current[0] = record.CHROM
        if existing is not None and "BCSQ" in existing.keys:
            value = record.INFO.get("BCSQ")
            if value is not None:
                bcsq_at[(record.CHROM, record.POS)] = value
        filt = record.FILTER
        passed = filt is None or filt == "PASS"
        if not passed and not opts.include_filtered:
            counts["dropped_filter"] += 1
            continue
        alleles = split_record(record.CHROM, record.POS, record.REF, record.ALT, reference)
        if not alleles:
            continue
        if alleles[0].ref_mismatch:
            counts["ref_mismatch"] += 1
            first_mismatch = first_mismatch or alleles[0].original
        ff = None
        for allele in alleles:
            entries = None
            if existing is not None:
                entries = existing.for_allele(
                    record.INFO, record.POS, record.REF, record.ALT, allele.allele_index,
                    lookup_bcsq, record.CHROM,
                )  # fmt: skip
            if panel is not None and not regions:
                # No gene models: the panel gene comes from the annotation's gene names.
                pg = panel_gene_of(panel, entries or [])
                if pg is None:
                    counts["dropped_outside_panel"] += 1
                    continue
                hit = AnnotatedHit(pg)
            else:
                gm_chrom = gm_contigs.get(allele.chrom) or allele.chrom
                end = allele.pos + max(len(allele.ref), 1) - 1
                hits = gene_index.overlapping(gm_chrom, allele.pos, end)
                if regions and not hits:
                    counts["dropped_outside_panel"] += 1
                    continue
                hit = min(hits, key=lambda h: _distance(h, allele.pos)) if hits else None
            if ff is None:
                ff = FormatFields(record, format_ids)
            annotation = None  # computed once per allele, on first use
            for i, sample in zip(sample_idx, samples, strict=True):
                call = sample_call(
                    ff,
                    i,
                    sample,
                    allele.allele_index,
                    allele.chrom,
                    allele.pos,
                    sexes[sample],
                    build,
                )
                if call is None:
                    continue
                counts["calls_kept"] += 1
                if annotation is None and entries is not None:
                    annotation = existing_annotation_fields(entries, hit, existing)
                if annotation is None:
                    annotation = annotation_fields(annotator, allele, hit, record.end)
                    annotation |= resources.lookup(
                        allele.chrom, allele.pos, allele.ref, allele.alt, annotation
                    )
                entry = _variant_entry(allele, call, hit, filt, record, notes_by_gene)
                entry.update(annotation)
                named = entry.pop("annotated_gene", None)
                if entry["gene"] is None and named:
                    # No gene models: name the gene as the VCF's own annotation does.
                    entry["gene"], entry["hgnc_id"] = named
                per_sample[sample].append(entry)
                evidence.add(sample, ff, allele, call)
    if counts["ref_mismatch"]:
        warn(
            f"{counts['ref_mismatch']} record(s) have a REF allele that does not match the "
            f"reference (first: {first_mismatch}); they are flagged 'ref_mismatch' and not shifted"
        )

    checks = None
    if ped:
        checks = run_sample_checks(
            vf.data,
            vf.index or existing_index(vf.data, vf.kind),
            vf.samples,
            ped,
            build,
            inheritance_settings.parentage,
            inheritance_settings.sex_check,
            format_ids,
        )
        for message in checks.warnings:
            warn(message)
    # Modes come from the panel file even with --no-panel, so panel genes get their fit.
    modes = gene_modes_from_panel(panel or load_panel(opts.panel))
    for sample in samples:
        analyse_sample(
            families[sample],
            per_sample[sample],
            evidence.sites[sample],
            modes,
            inheritance_settings,
            checks.parentage.get(sample) if checks else None,
            models is not None,
        )

    for sample in samples:
        sites = evidence.sites[sample]
        parentage = checks.parentage.get(sample) if checks else None

        def phase(i, j, fam=families[sample], sites=sites, parentage=parentage):
            return pair_phase(fam, sites[i], sites[j], inheritance_settings, parentage)

        mark_shared_codons(per_sample[sample], annotator, phase)
    score_variants(opts, panel, per_sample, families, samples)

    inputs = [describe_input("vcf", opts.vcf, vf.header.source, vf.header.file_date)]
    if opts.genes:
        meta = models.metadata if models else {}
        inputs.append(
            describe_input(
                "gene_models",
                opts.genes,
                meta.get("genome-build") or meta.get("genome-version"),
                meta.get("genebuild-last-updated") or meta.get("date"),
            )
        )
    if opts.reference:
        inputs.append(describe_input("reference", opts.reference))
    if panel:
        inputs.append(describe_input("panel", panel.path, f"{panel.id} {panel.version}"))
    if opts.ped:
        inputs.append(describe_input("pedigree", opts.ped))
    for role, path, version, date in resources.inputs():
        inputs.append(describe_input(role, path, version, date))
    resources.close()
    if opts.settings:
        inputs.append(describe_input("settings", opts.settings))
    warn.flush()

    settings = {
        "panel": None if opts.no_panel else panel.id,
        "tiers": list(opts.tiers) if panel else None,
        "padding": opts.padding if panel else None,
        "build": build.name,
        "include_filtered": opts.include_filtered,
        "use_existing_annotation": opts.use_existing_annotation,
        "normalised_against_reference": reference is not None,
        "settings_file": opts.settings,
        "inheritance": inheritance_settings.raw,
    }
    panel_genes = [
        {
            "symbol": r.symbol,
            "hgnc_id": r.panel_gene.hgnc_id,
            "tier": r.panel_gene.tier,
            "model_gene_id": r.gene.id,
            "chrom": r.chrom,
            "start": r.gene.start,
            "end": r.gene.end,
        }
        for r in regions
    ]
    stems = unique_filenames(samples)
    with AtomicOutputs(opts.outdir) as out:
        for sample in samples:
            variants = per_sample[sample]
            doc = {
                "sample": sample,
                "sex": sexes[sample],
                "tool": "mmpsi-variants",
                "tool_version": __version__,
                "disclaimer": DISCLAIMER,
                "inputs": inputs,
                "settings": settings,
                "panel_genes": panel_genes if panel else None,
                "summary": {
                    "records_read": counts["records"],
                    "records_failing_filter": counts["dropped_filter"],
                    "variants": len(variants),
                },
                "warnings": warn.messages,
                "sex_check": checks.sex[sample].to_json() if checks else None,
                "parentage": _parentage_json(checks, sample),
                "variants": variants,
            }
            out.add_json(f"{stems[sample]}.variants.json", doc)
            out.add(f"{stems[sample]}.variants.tsv", tsv_text(sample, variants))
        written = out.commit()
    if reference is not None:
        reference.close()
    return FilterResult(written, samples, dict(counts), warn.messages)


ANNOTATION_FIELDS = (
    "transcript", "consequence", "impact", "hgvs_c", "hgvs_p", "exon", "intron",
    "protein_position", "amino_acids", "nmd", "protein_fraction_removed", "protein_length",
    "lof_detail",
)  # fmt: skip


def annotation_fields(annotator: Annotator | None, allele, hit, end: int | None) -> dict:
    """The primary transcript's annotation of an allele, and every transcript's in short.

    The primary transcript is the one of the gene the variant was assigned to: MANE Select,
    else the panel's named transcript, else the longest CDS. Nothing is computed (the fields
    stay null) without gene models and a reference, or when REF does not match the reference.
    """
    empty = dict.fromkeys(ANNOTATION_FIELDS) | {"transcripts": None, "annotation_source": None}
    if annotator is None or allele.ref_mismatch:
        return empty
    anns = annotator.annotate(allele.chrom, allele.pos, allele.ref, allele.alt, end)
    if not anns:
        return empty | {
            "consequence": ["intergenic_variant"],
            "transcripts": [],
            "annotation_source": "mmpsi-variants",
        }
    gene = getattr(hit, "gene", hit)
    own = [a for a in anns if gene is not None and a.symbol == gene.symbol] or anns
    primary = next((a for a in own if a.primary), own[0])
    return {
        "transcript": primary.transcript,
        "consequence": list(primary.consequence),
        "impact": primary.impact,
        "hgvs_c": primary.hgvs_c,
        "hgvs_p": primary.hgvs_p,
        "exon": primary.exon,
        "intron": primary.intron,
        "protein_position": primary.protein_position,
        "amino_acids": primary.amino_acids,
        "nmd": primary.nmd,
        "protein_fraction_removed": primary.fraction_removed,
        "protein_length": primary.protein_length,
        "lof_detail": primary.detail,
        "annotation_source": "mmpsi-variants",
        "transcripts": [
            {
                "transcript": a.transcript,
                "gene": a.symbol,
                "biotype": a.biotype,
                "consequence": list(a.consequence),
                "impact": a.impact,
                "hgvs_c": a.hgvs_c,
                "hgvs_p": a.hgvs_p,
                "mane": a.mane,
                "primary": a is primary,
            }
            for a in anns
        ],
    }


@dataclass(frozen=True)
class AnnotatedHit:
    """A panel gene named by the VCF's own annotation (no gene models given)."""

    panel_gene: object
    gene: object = None


def panel_gene_of(panel: Panel, entries) -> object | None:
    """The panel gene an annotated allele falls in, by HGNC ID, Ensembl gene ID or symbol."""
    for e in entries:
        if e.joint_at is not None or set(e.consequence) <= {
            "upstream_gene_variant", "downstream_gene_variant", "intergenic_variant"
        }:  # fmt: skip
            continue
        for key in (e.hgnc_id, e.symbol):
            pg = panel.gene(key) if key else None
            if pg is not None:
                return pg
        gene_id = (e.gene or "").split(".")[0]
        pg = next((g for g in panel.genes if gene_id and g.ensembl_gene_id == gene_id), None)
        if pg is not None:
            return pg
    return None


def _hgvs_p_form(hgvsp: str | None) -> str | None:
    """VEP writes 'ENSP...:p.Ser398Gly' (percent-encoded); the JSON uses 'p.(Ser398Gly)'."""
    if not hgvsp:
        return None
    text = unquote(hgvsp).split(":", 1)[-1]
    if text.startswith("p.") and not text.startswith("p.(") and text not in ("p.?", "p.="):
        text = f"p.({text[2:]})"
    return text


def existing_annotation_fields(entries, hit, existing) -> dict:
    """The JSON annotation fields from a VCF's own CSQ/ANN/BCSQ entries."""
    pg = getattr(hit, "panel_gene", None)
    genes = [pg.symbol, *pg.aliases, pg.ensembl_gene_id or ""] if pg else None
    preferred = pg.preferred_transcripts if pg else ()
    primary = primary_entry(entries, preferred=preferred, gene=genes)
    if primary is None:
        return dict.fromkeys(ANNOTATION_FIELDS) | {"transcripts": [], "annotation_source": None}
    return {
        "transcript": primary.feature,
        "consequence": list(primary.consequence),
        "impact": primary.impact,
        "hgvs_c": unquote(primary.hgvsc) if primary.hgvsc else None,
        "hgvs_p": _hgvs_p_form(primary.hgvsp),
        "exon": primary.exon,
        "intron": primary.intron,
        "protein_position": primary.protein_position,
        "amino_acids": primary.amino_acids,
        "nmd": primary.nmd,
        "protein_fraction_removed": None,
        "protein_length": None,
        "annotation_source": f"{primary.tool}:{primary.key}",
        "annotated_gene": (primary.symbol, primary.hgnc_id),
        "transcripts": [
            {
                "transcript": e.feature,
                "gene": e.symbol,
                "biotype": e.biotype,
                "consequence": list(e.consequence),
                "impact": e.impact,
                "hgvs_c": unquote(e.hgvsc) if e.hgvsc else None,
                "hgvs_p": _hgvs_p_form(e.hgvsp),
                "mane": "MANE_Select" if e.is_mane_select else None,
                "primary": e is primary,
            }
            for e in entries
            if e.joint_at is None
        ],
    }


def score_variants(opts: FilterOptions, panel, per_sample, families, samples) -> None:
    """ACMG/AMP evidence for every kept variant, then each sample's list ranked by it."""
    settings = load_settings(opts.settings).section("acmg")
    t = settings["thresholds"]
    thresholds = Thresholds(
        t["pathogenic"], t["likely_pathogenic"], t["likely_benign"], t["benign"]
    )
    curated = read_curation(opts.curation) if opts.curation else {}
    genes = panel or load_panel(opts.panel)
    for sample in samples:
        phenotype = families[sample].phenotype
        affected = None if phenotype == "unknown" else phenotype == "affected"
        for v in per_sample[sample]:
            pg = genes.gene(v["hgnc_id"]) if v.get("hgnc_id") else None
            key = (canonical(v["chrom"]), v["pos"], v["ref"], v["alt"])
            ctx = Context(
                settings=settings,
                panel_gene=pg,
                sample_variants=per_sample[sample],
                affected=affected,
                phenotype_eimfs=sample_says_eimfs(sample, affected, opts.phenotypes),
                curator=curated.get(key, []),
            )
            v["acmg"] = assess(v, ctx, thresholds).to_json()
        set_genotype_classes(per_sample[sample], _evidence_lookup(genes))
        per_sample[sample].sort(key=rank_key)
        for rank, v in enumerate(per_sample[sample], 1):
            v["rank"] = rank


def _evidence_lookup(panel):
    def evidence_of(hgnc_id):
        pg = panel.gene(hgnc_id) if hgnc_id else None
        return pg.eimfs_evidence.value if pg else None

    return evidence_of


def _parentage_json(checks, sample: str) -> dict | None:
    if checks is None:
        return None
    result = checks.parentage.get(sample)
    if result is None:
        return {"status": "no_parents_in_ped", "father": None, "mother": None, "pairs": []}
    return result.to_json()


def _distance(item, pos: int) -> int:
    # Inside the gene proper beats inside the padding only.
    gene = getattr(item, "gene", item)
    if gene.start <= pos <= gene.end:
        return 0
    return min(abs(pos - gene.start), abs(pos - gene.end))


def _variant_entry(allele, call, hit, filt, record, notes_by_gene) -> dict:
    pg = getattr(hit, "panel_gene", None)
    gene = getattr(hit, "gene", hit)
    flags = []
    if allele.ref_mismatch:
        flags.append("ref_mismatch")
    if allele.n_alts > 1:
        flags.append("multiallelic_split")
    if allele.changed and (allele.pos != record.POS or allele.ref != record.REF.upper()):
        flags.append("normalised")
    return {
        "chrom": allele.chrom,
        "pos": allele.pos,
        "ref": allele.ref,
        "alt": allele.alt,
        "id": record.ID,
        "gene": pg.symbol if pg else (gene.symbol if gene else None),
        "hgnc_id": pg.hgnc_id if pg else (gene.hgnc_id if gene else None),
        "transcript": None,
        "consequence": None,
        "hgvs_c": None,
        "hgvs_p": None,
        "genotype": call.genotype,
        "zygosity": call.zygosity,
        "depth": call.depth,
        "allele_fraction": call.allele_fraction,
        "alt_depth": call.alt_depth,
        "genotype_quality": call.genotype_quality,
        "phased": call.phased,
        "phase_set": call.phase_set,
        "quality": None if record.QUAL is None else round(float(record.QUAL), 2),
        "filter": "PASS" if filt is None else filt,
        "flags": flags,
        "original": allele.original if allele.changed else None,
        "gnomad_af": None,
        "clinvar": None,
        "inheritance": None,
        "inheritance_fit": None,
        "origin": None,
        "de_novo": None,
        "compound_het": None,
        "together": None,
        "acmg": None,
        "notes": notes_by_gene.get(pg.hgnc_id, []) if pg else [],
    }
