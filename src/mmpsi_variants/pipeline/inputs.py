"""The filter's inputs, opened and cross-checked once before any record is read.

:meth:`FilterInputs.open` checks the options, then opens the VCF (through an index in a
temporary folder of its own when it needs one), the settings, the panel, the gene models, the
reference, the PED and the resources, and checks them against each other: contigs that must
match, samples that must exist, a PED that must agree with the VCF. Everything a later stage
needs is an attribute; :meth:`FilterInputs.close` (or leaving the ``with`` block) closes the
files and removes the temporary folder.
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from mmpsi_variants.acmg.curation import read_curation
from mmpsi_variants.acmg.settings import AcmgSettings
from mmpsi_variants.annotation.annotator import Annotator
from mmpsi_variants.annotation.existing import ExistingAnnotation
from mmpsi_variants.annotation.sources.lookup import Resources
from mmpsi_variants.core.contigs import Build, ContigMap, detect_build, get_build
from mmpsi_variants.core.errors import ContigError, InputFileError, UsageError
from mmpsi_variants.core.intervals import IntervalIndex, merge_intervals
from mmpsi_variants.core.settings import Settings, load_settings
from mmpsi_variants.core.stops import temporary_folder
from mmpsi_variants.inheritance.analysis import GeneMode, gene_modes_from_panel
from mmpsi_variants.inheritance.families import SampleFamily, build_families
from mmpsi_variants.inheritance.settings import InheritanceSettings
from mmpsi_variants.io.fasta import Reference, check_lengths
from mmpsi_variants.io.gene_cache import load_gene_models
from mmpsi_variants.io.genemodels import GeneModels
from mmpsi_variants.io.genotypes import UNKNOWN_SEX
from mmpsi_variants.io.manifest import Manifest
from mmpsi_variants.io.ped import Pedigree, check_against_vcf, read_ped
from mmpsi_variants.io.provenance import describe_input
from mmpsi_variants.io.vcf import VariantFile
from mmpsi_variants.panel.knowledge import Panel, load_panel
from mmpsi_variants.panel.notes import gene_notes
from mmpsi_variants.panel.regions import (
    DEFAULT_PADDING,
    PanelRegion,
    load_panel_models,
    panel_regions,
)
from mmpsi_variants.pipeline.manifest import (
    KNOWN_BUILDS,
    check_build,
    check_regions,
    with_manifest,
)
from mmpsi_variants.pipeline.patients import patient_phenotypes
from mmpsi_variants.pipeline.research import ResearchFilter

log = logging.getLogger("mmpsi_variants")


@dataclass(frozen=True)
class FilterOptions:
    """What the user asked for; paths as given."""

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
    scores: Mapping[str, str] = field(default_factory=dict)  # revel, cadd, spliceai -> path
    resources: str | None = None  # a folder (or manifest) of `resources fetch`
    gnomad_coverage: str | None = None  # the regions a gnomAD slice covers (from the manifest)
    use_existing_annotation: bool = False
    curation: str | None = None
    phenotypes: Mapping[str, str] = field(default_factory=dict)  # sample (or "*") -> text
    hpo: tuple[str, ...] = ()  # [SAMPLE=]TERMS (see pipeline.patients)
    phenopackets: tuple[str, ...] = ()  # [SAMPLE=]FILE
    onsets: Mapping[str, int] = field(default_factory=dict)  # sample -> age at onset in days
    coverage: Mapping[str, str] = field(default_factory=dict)  # sample (or "*") -> coverage JSON
    cnv: tuple[str, ...] = ()  # copy-number tables of `mmpsi-variants cnv`, [SAMPLE=]FILE
    settings: str | None = None
    keep_all: bool = False  # research mode: every variant, not only rare, not harmless ones
    reads_pages: bool = False  # the report links each candidate to <sample>.reads.html

    def check(self) -> None:
        """Refuse option combinations that cannot work, before any file is opened."""
        if self.keep_all and not self.no_panel:
            raise UsageError(
                "--keep-all goes with --no-panel: in panel mode every variant of the panel "
                "genes is reported anyway"
            )
        if not self.no_panel and not self.genes and not self.use_existing_annotation:
            raise UsageError(
                "--genes is required to find the panel genes; pass gene models (GFF3/GTF), "
                "use --use-existing-annotation on a VEP/snpEff/bcftools-annotated VCF, or use "
                "--no-panel to keep every variant"
            )

    @property
    def reads_through_index(self) -> bool:
        # Without gene models the existing annotation's names find the panel genes: all records.
        return not self.no_panel and bool(self.genes)


_NO_RECORDS = re.compile(r"^(?P<file>.+?): no records on contig (?P<contig>\S+) \(")


class Warnings:
    """Warn once per kind, and keep the text for the JSON.

    A resource that lacks several of the panel's contigs says so once, listing them, rather
    than once per contig.
    """

    def __init__(self) -> None:
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


class FilterInputs:
    """Every input of one filter run, open and checked. Use :meth:`open` in a ``with``."""

    options: FilterOptions
    warn: Warnings
    vcf: VariantFile
    samples: list[str]  # the samples reported, in the VCF's order or as asked
    sample_indices: list[int]
    settings: Settings
    inheritance: InheritanceSettings
    acmg: AcmgSettings
    panel: Panel | None  # the selected tiers; None with --no-panel
    # The panel genes a variant is scored against: the selected tiers, or with --no-panel the
    # whole panel file, so that panel genes keep their modes and ACMG settings.
    known_genes: Panel
    gene_modes: dict[str, GeneMode]
    models: GeneModels | None
    regions: list[PanelRegion]
    vcf_contigs: ContigMap
    reference: Reference | None
    ped: Pedigree | None
    sexes: dict[str, str]
    build: Build
    gene_index: IntervalIndex
    model_contigs: ContigMap
    notes_by_gene: dict[str, tuple[dict, ...]]
    families: dict[str, SampleFamily]
    existing: ExistingAnnotation | None
    annotator: Annotator | None
    resources: Resources
    manifest: Manifest | None  # the resources folder's, with --resources
    curated: Mapping
    research: ResearchFilter | None  # research mode's default filter, None when not applied
    _work: tempfile.TemporaryDirectory[str]  # the VCF's index, when it needs one
    _closers: list[Callable[[], object]]  # run in reverse order by close()

    @classmethod
    def open(cls, options: FilterOptions) -> FilterInputs:
        manifest = Manifest.load(options.resources) if options.resources else None
        if manifest is not None:
            options = with_manifest(options, manifest)
        options.check()
        self = cls()
        self.options = options
        self.manifest = manifest
        self.warn = Warnings()
        self._work = temporary_folder("mmpsi-filter-")
        self._closers = [self._work.cleanup]
        try:
            self._open_all()
        except BaseException:
            self.close()
            raise
        return self

    def __enter__(self) -> FilterInputs:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        while self._closers:
            self._closers.pop()()

    def _open_all(self) -> None:
        opts, warn = self.options, self.warn
        self.vcf = VariantFile(opts.vcf, Path(self._work.name), indexed=opts.reads_through_index)
        self._closers.append(self.vcf.close)
        vf = self.vcf
        if not vf.samples:
            raise InputFileError(
                "the VCF has no sample columns; expected genotypes for at least one sample",
                path=opts.vcf,
            )
        self.sample_indices = vf.sample_indices(list(opts.samples))
        self.samples = [vf.samples[i] for i in self.sample_indices]
        self.settings = load_settings(opts.settings)
        self.inheritance = InheritanceSettings.from_settings(self.settings)
        self.acmg = AcmgSettings.from_settings(self.settings)
        self.research = (
            ResearchFilter.from_settings(self.settings)
            if opts.no_panel and not opts.keep_all
            else None
        )
        self.existing = None
        if opts.use_existing_annotation:
            self.existing = ExistingAnnotation(vf.raw_header, path=opts.vcf, warn=warn)
            if not self.existing:
                raise InputFileError(
                    "the VCF carries no VEP CSQ, snpEff ANN or bcftools BCSQ annotation; drop "
                    "--use-existing-annotation, or annotate it first",
                    path=opts.vcf,
                )
        whole_panel = load_panel(opts.panel)
        self.panel = None if opts.no_panel else whole_panel.select_tiers(opts.tiers)
        self.known_genes = self.panel or whole_panel
        self.gene_modes = gene_modes_from_panel(self.known_genes)
        self.models = self._gene_models()
        self.regions = (
            panel_regions(self.panel, self.models, opts.padding)
            if self.panel and self.models
            else []
        )
        if self.manifest is not None:
            check_regions(self.manifest, self.regions)
        self._check_vcf_contigs()
        self.reference = self._reference()
        self._check_panel_genes_in_reference()
        self._read_ped()
        self.build = self._build()
        self.gene_index = IntervalIndex(
            self.regions if self.regions else (self.models.outlines() if self.models else [])
        )
        self.model_contigs = ContigMap(
            {r.chrom for r in self.regions}
            if self.regions
            else (self.models.contigs if self.models else [])
        )
        self.notes_by_gene = (
            {g.hgnc_id: tuple(gene_notes(self.panel, g)) for g in self.panel.genes}
            if self.panel
            else {}
        )
        if "GT" not in vf.header.format_ids:
            warn("the VCF has no FORMAT/GT: no sample carries a called genotype")
        self.families = build_families(self.ped, list(vf.samples), self.samples)
        self.patients = patient_phenotypes(opts.hpo, opts.phenopackets, vf.samples, self.samples,
                                           self.families, self.known_genes, warn)  # fmt: skip
        self.annotator = None
        if self.existing is None and self.models is not None:
            if self.reference is not None:
                preferred = {r.gene.id: r.panel_gene.preferred_transcripts for r in self.regions}
                self.annotator = Annotator(self.models, self.reference, preferred)
            else:
                warn(
                    "no --reference given: consequences and HGVS names are not computed (left null)"
                )
        self.resources = Resources.open(
            opts.gnomad, opts.clinvar, dict(opts.scores), self.reference, warn,
            gnomad_coverage=opts.gnomad_coverage,
        )  # fmt: skip
        if self.research is not None and self.resources.gnomad is None:
            warn(
                "research mode without --gnomad: common variants cannot be told apart and are "
                "all reported (only those harmless by consequence are left out)"
            )
        self._closers.append(self.resources.close)
        if self.resources.clinvar is not None:
            # PS1/PM5 ask ClinVar by protein change in the panel genes, also in research mode
            # (--no-panel), where the models place the panel file's genes.
            genes = self.regions
            if not genes and self.models is not None and self.annotator is not None:
                genes = panel_regions(self.known_genes, self.models, opts.padding, strict=False)
            spans = [(c, s, e) for c, ivs in merge_intervals(genes).items() for s, e in ivs]
            self.resources.index_clinvar_proteins(spans, self.annotator)
        self.curated = MappingProxyType(read_curation(opts.curation) if opts.curation else {})

    def _gene_models(self) -> GeneModels | None:
        opts = self.options
        if not opts.genes:
            return None
        if self.panel is not None:
            return load_panel_models(opts.genes, self.panel)
        # Without a reference nothing is annotated, and spans are enough to name the gene.
        return load_gene_models(opts.genes, want=None if opts.reference else lambda g: False)

    def _check_vcf_contigs(self) -> None:
        self.vcf_contigs = ContigMap(self.vcf.header.contigs)
        if not self.regions:
            return
        genes = self.options.genes
        assert genes is not None  # the regions come from the gene models
        self.vcf_contigs.require_overlap(
            [r.chrom for r in self.regions],
            what="panel genes'",
            path=genes,
            target=f"the VCF {self.options.vcf}",
        )
        absent = sorted({r.symbol for r in self.regions if self.vcf_contigs.get(r.chrom) is None})
        if absent:
            self.warn(
                f"the VCF has no contig for panel gene(s) {', '.join(absent)}; none can be reported"
            )

    def _reference(self) -> Reference | None:
        if not self.options.reference:
            return None
        reference = Reference(self.options.reference)
        self._closers.append(reference.close)
        contigs = self.vcf.header.contigs
        missing = [c for c in contigs if reference.contigs.get(c) is None]
        if missing and len(missing) == len(contigs):
            raise ContigError(
                f"none of the VCF's contigs ({', '.join(missing[:5])}) is in the reference "
                f"(its contigs: {', '.join(reference.fasta.references[:5])})",
                path=self.options.reference,
            )
        if missing:
            self.warn(
                f"{len(missing)} VCF contig(s) are not in the reference "
                f"({', '.join(missing[:5])}); a record on one of them stops the run"
            )
        check_lengths(reference, contigs, f"the VCF header of {self.options.vcf}")
        return reference

    def _check_panel_genes_in_reference(self) -> None:
        """Every panel gene placed by the gene models lies within the reference's contigs."""
        if self.reference is None:
            return
        for r in self.regions:
            length = self.reference.length(r.chrom)
            if length is None or length < r.gene.end:
                what = f"panel gene {r.symbol} ({r.chrom}:{r.gene.start}-{r.gene.end})"
                self.reference.bases(r.chrom, r.gene.start - 1, r.gene.end, what)

    def _read_ped(self) -> None:
        ped = self.ped = read_ped(self.options.ped) if self.options.ped else None
        self.sexes = {s: (ped.sex_of(s) if ped else UNKNOWN_SEX) for s in self.samples}
        if ped is None:
            return
        for message in [*ped.warnings, *check_against_vcf(ped, self.vcf.samples)]:
            self.warn(message)
        absent = [s for s in self.samples if s not in ped.individuals]
        if absent:
            self.warn(
                "sample(s) not in the PED, treated as unrelated and of unknown sex: "
                + ", ".join(absent)
            )

    def _build(self) -> Build:
        opts, contigs = self.options, self.vcf.header.contigs
        if opts.build != "auto":
            return get_build(opts.build)
        build = detect_build(contigs, self.vcf.header.reference)
        if self.manifest is not None:
            if build.name != "unknown":
                check_build(build.name, f"the VCF is {build.name}", self.manifest)
            elif self.manifest.build in KNOWN_BUILDS:
                return get_build(self.manifest.build)  # the resources say which
        if (
            build.name == "unknown"
            and any(self.vcf_contigs.get(x) for x in ("chrX", "X"))
            and any(s == "male" for s in self.sexes.values())
        ):
            self.warn(
                "genome build not recognised from the VCF header, so no pseudoautosomal region "
                "is assumed on chrX; pass --build GRCh38 or GRCh37 for real human data"
            )
        return build

    def provenance(self) -> list[dict]:
        """The JSON ``inputs``: each input's role, path, size, checksum, version and date."""
        opts, vf = self.options, self.vcf
        inputs = [describe_input("vcf", opts.vcf, vf.header.source, vf.header.file_date)]
        if opts.genes:
            meta = self.models.metadata if self.models else {}
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
        if self.panel:
            inputs.append(
                describe_input("panel", self.panel.path, f"{self.panel.id} {self.panel.version}")
            )
        if opts.ped:
            inputs.append(describe_input("pedigree", opts.ped))
        for role, path, version, date in self.resources.inputs():
            inputs.append(describe_input(role, path, version, date))
        if opts.settings:
            inputs.append(describe_input("settings", opts.settings))
        if self.manifest is not None:
            for item in inputs:
                entry = self.manifest.entry_for(item["path"])
                if entry is not None:
                    item.update(release=entry.release, source=entry.source_url)
        return inputs

    def settings_json(self) -> dict:
        """The JSON ``settings``: what shaped this run's answers."""
        opts, panel = self.options, self.panel
        return {
            "panel": None if opts.no_panel else panel.id if panel else None,
            "tiers": list(opts.tiers) if panel else None,
            "padding": opts.padding if panel else None,
            "build": self.build.name,
            "include_filtered": opts.include_filtered,
            "use_existing_annotation": opts.use_existing_annotation,
            "normalised_against_reference": self.reference is not None,
            "settings_file": opts.settings,
            "inheritance": self.inheritance.raw,
            "research_filter": (
                self.research.to_json()
                if self.research
                else {"applied": False, "reason": "--keep-all"}
                if opts.no_panel
                else None
            ),
        }
