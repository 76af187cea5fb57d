"""What the Snakemake workflow will do with a configuration: entry points, paths, targets.

``workflow/rules/common.smk`` calls :func:`load_plan` once, at parse time. It validates
``config/config.yaml``, ``samples.tsv`` and ``units.tsv`` against the JSON Schemas in
``workflow/schemas/`` (errors name the key, or the line and column), decides each family's entry
point (reads or an existing VCF), where the reference indexes come from, and answers the rules'
questions about input paths. Keeping this here rather than in the Snakefile keeps it testable.

Output layout (see the Snakefile's header):

    results/reference/         staged reference FASTA and the indexes that were missing
    results/panel/             calling regions and coverage targets (BED)
    results/bam/{sample}.bam   aligned, duplicate-marked reads (FASTQ entry only)
    results/qc/{sample}.*      samtools stats, panel coverage (TSV, JSON)
    results/calls/{family}.vcf.gz   normalised joint calls (+ .tbi)
    results/ped/{family}.ped   the family's PED, derived from samples.tsv
    results/reports/{sample}/  the filter's outputs and the sample's summary
    results/cohort/            cohort summary
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from mmpsi_variants.core.schemas import load_schema, validate_config
from mmpsi_variants.io.samplesheet import OUTCOME_COLUMNS, TERM_COLUMNS, VCF, SampleSheet
from mmpsi_variants.io.sheet_files import index_of, load_sheet
from mmpsi_variants.pipeline.config_checks import (
    check_config_files,
    check_resources,
    check_sheet_phenotypes,
    with_absolute_paths,
)

__all__ = ["Plan", "Reference", "load_plan", "stage_reference", "with_absolute_paths"]

BWA_SUFFIXES = (".amb", ".ann", ".bwt", ".pac", ".sa")


@dataclass(frozen=True)
class Reference:
    source: str  # the user's FASTA
    fasta: str  # the staged FASTA every rule reads (a link to the user's)
    bwa_prefix: str
    build_bwa_index: bool  # False when a complete bwa index lies beside the user's FASTA

    @property
    def fai(self) -> str:
        return self.fasta + ".fai"

    @property
    def bwa_files(self) -> list[str]:
        return [self.bwa_prefix + s for s in BWA_SUFFIXES]

    @property
    def minimap2_index(self) -> str:
        """minimap2's short-read index, built once (indexing a human genome on every job would
        cost each of them minutes)."""
        return self.fasta + ".sr.mmi"

    @property
    def index_files(self) -> list[str]:
        out = [self.fai]
        if self.fasta.endswith(".gz"):
            out.append(self.fasta + ".gzi")
        return out


def stage_reference(fasta: str) -> Reference:
    staged = "results/reference/genome.fa" + (".gz" if fasta.endswith(".gz") else "")
    existing = all(Path(fasta + s).exists() for s in BWA_SUFFIXES)
    return Reference(fasta, staged, fasta if existing else staged, not existing)


@dataclass(frozen=True)
class Plan:
    config: dict
    sheet: SampleSheet
    reference: Reference

    # -- who comes from where
    @property
    def samples(self) -> list[str]:
        return list(self.sheet.samples)

    @property
    def families(self) -> list[str]:
        return list(self.sheet.families)

    @property
    def fastq_samples(self) -> list[str]:
        return self.sheet.samples_by_kind("fastq")

    @property
    def aligned_samples(self) -> list[str]:
        """Samples with reads (FASTQ or BAM/CRAM): they get stats and coverage."""
        return [s for s in self.samples if self.sheet.units_of(s)[0].kind != "vcf"]

    def units(self, sample: str) -> list[str]:
        return [u.unit for u in self.sheet.units_of(sample)]

    def family_samples(self, family: str) -> list[str]:
        return list(self.sheet.families[family].samples)

    def family_of(self, sample: str) -> str:
        return self.sheet.samples[sample].family

    # -- inputs of the rules
    def unit_fastqs(self, sample: str, unit: str) -> list[str]:
        u = next(u for u in self.sheet.units_of(sample) if u.unit == unit)
        assert u.fq1 is not None  # asked for FASTQ units only
        return [u.fq1, u.fq2] if u.fq2 else [u.fq1]

    @property
    def aligner(self) -> str:
        return self.config["align"]["aligner"]

    @property
    def aligner_index(self) -> list[str]:
        """The index files the aligner reads."""
        if self.aligner == "minimap2":
            return [self.reference.minimap2_index]
        return self.reference.bwa_files

    def align_command(self, sample: str, unit: str, threads: int) -> str:
        """The aligner's command for one unit, shell-quoted, writing SAM to standard output:
        ``bwa mem`` or ``minimap2 -ax sr``, with the same read group either way."""
        rg = shlex.quote(self.read_group(sample, unit))
        reads = " ".join(shlex.quote(f) for f in self.unit_fastqs(sample, unit))
        if self.aligner == "minimap2":
            index = shlex.quote(self.reference.minimap2_index)
            return f"minimap2 -ax sr -t {threads} -R {rg} {index} {reads}"
        return f"bwa mem -t {threads} -R {rg} {shlex.quote(self.reference.bwa_prefix)} {reads}"

    def read_group(self, sample: str, unit: str) -> str:
        """The @RG line the aligner writes, tab-escaped as bwa and minimap2 -R expect."""
        return f"@RG\\tID:{sample}.{unit}\\tSM:{sample}\\tLB:{sample}\\tPL:ILLUMINA\\tPU:{unit}"

    def unit_bams(self, sample: str) -> list[str]:
        return [f"results/bam/units/{sample}.{u}.bam" for u in self.units(sample)]

    def markdup_merge(self, sample: str, threads: int) -> str:
        """The command piping a sample's units, merged, into ``samtools markdup``, or "" for a
        single unit: merging one BAM only adds a decode and re-encode (a second of a 2M-pair
        exome's 6 s)."""
        bams = [shlex.quote(b) for b in self.unit_bams(sample)]
        return f"samtools merge -u -@ {threads} -o - {' '.join(bams)} |" if len(bams) > 1 else ""

    def markdup_source(self, sample: str) -> str:
        """markdup's input argument: the single unit's BAM, or ``-`` for the merged stream."""
        bams = self.unit_bams(sample)
        return shlex.quote(bams[0]) if len(bams) == 1 else "-"

    def alignment(self, sample: str) -> str:
        u = self.sheet.units_of(sample)[0]
        if u.kind == "bam":
            assert u.bam is not None  # a BAM unit names its file
            return u.bam
        return f"results/bam/{sample}.bam"

    def alignment_index(self, sample: str) -> str:
        u = self.sheet.units_of(sample)[0]
        if u.kind != "bam":
            return f"results/bam/{sample}.bam.bai"
        assert u.bam is not None  # a BAM unit names its file
        found = index_of(Path(u.bam))
        if found is not None:
            return str(found)
        return u.bam + (".crai" if u.bam.endswith(".cram") else ".bai")

    def family_alignments(self, family: str) -> list[str]:
        return [self.alignment(s) for s in self.family_samples(family)]

    def family_alignment_indexes(self, family: str) -> list[str]:
        return [self.alignment_index(s) for s in self.family_samples(family)]

    def read_group_map(self, family: str) -> str:
        """bcftools mpileup -G lines, shell-quoted: every read of a file is the sheet's sample.

        Renaming by file makes the calls carry the sheet's names whatever SM the BAM has.
        """
        lines = [f"* {self.alignment(s)} {s}" for s in self.family_samples(family)]
        return " ".join(shlex.quote(line) for line in lines)

    def calling_inputs(self, family: str) -> dict[str, object]:
        """Named inputs of the calling rules for a family."""
        inputs: dict[str, object] = {
            "bams": self.family_alignments(family),
            "bais": self.family_alignment_indexes(family),
            "fasta": self.reference.fasta,
            "fai": self.reference.fai,
        }
        if self.calling_regions:
            inputs["regions"] = self.calling_regions
        return inputs

    def family_source(self, family: str) -> str:
        return self.sheet.families[family].source

    def raw_calls(self, family: str) -> str:
        fam = self.sheet.families[family]
        if fam.source == VCF:
            assert fam.vcf is not None  # a VCF family names its file
            return fam.vcf
        return f"results/calls/{family}.{self.config['calling']['caller']}.vcf.gz"

    def subset_options(self, family: str) -> str:
        """bcftools view options taking the family's samples from the calls or the user's VCF."""
        opts = "-s " + shlex.quote(",".join(self.family_samples(family)))
        if self.family_source(family) == VCF:
            # A cohort VCF holds other families' alleles and sites; keep the family's own.
            opts += " --trim-alt-alleles --min-ac 1"
        return opts

    def quality_filter(self, family: str) -> str:
        """A pipe stage marking our own calls below calling.min_qual as LowQual."""
        if self.family_source(family) == VCF:
            return ""
        q = self.config["calling"]["min_qual"]
        return f"| bcftools filter -s LowQual -e 'QUAL<{q}' -Ou"

    def norm_reference(self, family: str) -> str:
        """bcftools norm's reference option, shell-quoted (a path is the user's to choose)."""
        if self.family_source(family) == VCF:
            return ""
        return f"-f {shlex.quote(str(self.reference.fasta))}"

    # -- the resources folder of `mmpsi-variants resources fetch`, when the config names one
    @property
    def manifest(self) -> str | None:
        return self.config["resources"].get("manifest")

    @property
    def gene_models(self) -> str:
        """The gene models the rules read: the config's, else the manifest (whose fetch rule
        makes the gene models beside it)."""
        genes = self.config["reference"].get("genes")
        if genes:
            return genes
        assert self.manifest  # load_plan refuses a config with neither
        return self.manifest

    @property
    def gene_models_option(self) -> str:
        """``--genes PATH``, or ``--resources DIR`` when the gene models come from the manifest."""
        genes = self.config["reference"].get("genes")
        if genes:
            return f"--genes {shlex.quote(genes)}"
        return f"--resources {shlex.quote(str(Path(self.gene_models).parent))}"

    @property
    def filter_gene_models_option(self) -> str:
        """The filter's ``--genes``; none when the manifest (``--resources``) has them."""
        genes = self.config["reference"].get("genes")
        return f"--genes {shlex.quote(genes)}" if genes else ""

    @property
    def fetch_sources(self) -> list[str]:
        """The fetch rule's input: the site's sources file, when it has one."""
        sources = self.config["resources"].get("sources")
        return [sources] if sources else []

    def fetch_options(self) -> str:
        """``resources fetch`` options from the config: the build, the sources file, the tiers
        and panel (so the folder holds the genes the reports need)."""
        res = self.config["resources"]
        build = res.get("build") or self.config["reference"]["build"]
        opts = ["--build", build, "--dest", str(Path(self.manifest or ".").parent)]
        # The folder must hold every region a rule reads: the filter's and the caller's.
        padding = max(self.config["filter"]["padding"], self.config["calling"]["padding"])
        opts += ["--padding", str(padding)]
        if res.get("sources"):
            opts += ["--sources", res["sources"]]
        if self.config.get("panel"):
            opts += ["--panel", self.config["panel"]]
        for tier in self.config["filter"]["tiers"]:
            opts += ["--tier", tier]
        return " ".join(shlex.quote(o) for o in opts)

    # -- the filter's evidence: annotation resources, thresholds, the patient's phenotype
    @property
    def filter_resources(self) -> dict[str, str]:
        """Named files the filter reads besides the calls; inputs, so a change re-runs it."""
        res = self.config["resources"]
        files = {k: res[k] for k in ("gnomad", "clinvar") if res.get(k)}
        if self.manifest:
            files["resources"] = self.manifest
        files.update({f"score_{k}": v for k, v in (res.get("scores") or {}).items()})
        if self.config.get("settings"):
            files["settings"] = self.config["settings"]
        return files

    def filter_options(self, sample: str) -> str:
        """The filter's options for the resources, settings and the sample's phenotype."""
        opts = []
        for name, path in self.filter_resources.items():
            if name.startswith("score_"):
                opts += ["--scores", f"{name[len('score_') :]}={path}"]
            elif name == "resources":
                opts += ["--resources", str(Path(path).parent)]
            else:
                opts += [f"--{name}", path]
        phenotype = self.phenotype_text(sample)
        if phenotype:
            opts += ["--phenotype", f"{sample}={phenotype}"]
        terms = self.sheet.samples[sample].phenotype.get("hpo")
        if terms:
            opts += ["--hpo", f"{sample}={terms}"]
        for path in self.phenopacket_of(sample):
            opts += ["--phenopacket", f"{sample}={path}"]
        onset = self.sheet.samples[sample].phenotype.get("onset_age_days")
        if onset not in (None, ""):
            opts += ["--onset", f"{sample}={onset}"]
        for path in self.coverage_of(sample):
            opts += ["--coverage", f"{sample}={path}"]
        for path in self.cnv_of(sample):
            opts += ["--cnv", path]
        opts += ["--reads-pages"] if sample in self.reads_samples else []
        return " ".join(shlex.quote(o) for o in opts)

    # -- the reads pages: one per affected sample with reads
    @property
    def reads_samples(self) -> list[str]:
        if not self.config.get("reads", {}).get("enabled", True):
            return []
        return [s for s in self.aligned_samples if self.sheet.samples[s].is_affected]

    def reads_members(self, sample: str) -> list[str]:
        """The sample, its parents, then its other relatives with reads: the page's tracks."""
        me = self.sheet.samples[sample]
        kin = [s for s in self.family_samples(me.family) if s in self.aligned_samples]
        parents = [p for p in (me.father, me.mother) if p in kin]
        return [sample, *parents, *(s for s in kin if s not in parents and s != sample)]

    def reads_options(self, sample: str) -> str:
        """``--bam 'NAME (role)=PATH'`` per member, the transcripts and igv.js, quoted."""
        me, people = self.sheet.samples[sample], self.sheet.samples
        roles = {sample: "proband", me.father: "father", me.mother: "mother"}
        for s in self.reads_members(sample)[1:]:
            kin = people[s]
            if s not in roles and {kin.father, kin.mother} & {me.father, me.mother} - {None}:
                roles[s] = "sibling, " + ("affected" if kin.is_affected else "unaffected")
        opts = [f"--bam={s} ({roles.get(s, 'relative')})={self.alignment(s)}"
                for s in self.reads_members(sample)]  # fmt: skip
        genes = self.config["reference"].get("genes")
        opts += [f"--genes={genes}"] if genes else []
        igv_js = self.config.get("reads", {}).get("igv_js")
        opts += [f"--igv-js={igv_js}"] if igv_js else []
        return " ".join(shlex.quote(o) for o in opts)

    @property
    def copy_number(self) -> bool:
        return bool(self.config.get("copy_number", {}).get("enabled", True))

    def cnv_of(self, sample: str) -> list[str]:
        """The copy-number tables the sample's filter reads: its own and its family's (the
        parents' give its calls' origin); none for a sample that starts from a VCF."""
        if not self.copy_number or sample not in self.aligned_samples:
            return []
        family = self.family_samples(self.family_of(sample))
        return [f"results/cnv/{s}.cnv.tsv" for s in family if s in self.aligned_samples]

    def phenopacket_of(self, sample: str) -> list[str]:
        """The sample's Phenopacket from the sheet, an input of its filter job."""
        path = self.sheet.samples[sample].phenotype.get("phenopacket")
        return [path] if path else []

    def coverage_of(self, sample: str) -> list[str]:
        """The sample's coverage JSON, for its report (none for a sample that starts from a
        VCF: it has no reads)."""
        return [f"results/qc/{sample}.coverage.json"] if sample in self.aligned_samples else []

    def phenotype_text(self, sample: str) -> str:
        """The sheet's phenotype columns of an affected sample as one line (PP4 reads it)."""
        s = self.sheet.samples[sample]
        if s.affected != "yes":
            return ""
        # The outcome columns (seizure control, development) are not phenotype: PP4 skips them.
        # HPO terms and Phenopackets go to the filter as such, not as text.
        return "; ".join(
            f"{k}: {v}"
            for k, v in s.phenotype.items()
            if v and k not in OUTCOME_COLUMNS and k not in TERM_COLUMNS
        )

    @property
    def calling_regions(self) -> str | None:
        regions = self.config["calling"]["regions"]
        if regions == "all":
            return None
        return "results/panel/calling_regions.bed" if regions == "panel" else regions

    @property
    def targets(self) -> str:
        return "results/panel/targets.bed"

    # -- what `rule all` asks for
    def final_outputs(self) -> list[str]:
        out = []
        for s in self.samples:
            out += [
                f"results/reports/{s}/{s}.variants.json",
                f"results/reports/{s}/{s}.variants.tsv",
                f"results/reports/{s}/{s}.report.html",
                f"results/reports/{s}/{s}.vcf.gz",
                f"results/reports/{s}/{s}.summary.json",
            ]
        out += [f"results/reports/{s}/{s}.reads.html" for s in self.reads_samples]
        for s in self.aligned_samples:
            out += [
                f"results/qc/{s}.stats.txt",
                f"results/qc/{s}.coverage.tsv",
                f"results/qc/{s}.coverage.json",
            ]
            out += [f"results/cnv/{s}.cnv.tsv"] if self.copy_number else []
        for f in self.families:
            out += [f"results/calls/{f}.vcf.gz", f"results/calls/{f}.vcf.gz.tbi"]
        out += ["results/cohort/cohort.tsv", "results/cohort/cohort.json"]
        out += ["results/cohort/candidates.tsv", "results/cohort/summary.html"]
        out += ["results/qc/multiqc.html"]
        return out

    @property
    def coverage_table(self) -> list[str]:
        """The MultiQC table of panel coverage, when some sample has reads to measure."""
        return ["results/qc/multiqc/panel_coverage_mqc.tsv"] if self.aligned_samples else []


def load_plan(config: dict, schema_dir: str | Path) -> Plan:
    """Validate the configuration and the sheets; raises an :class:`MmpsiError` subclass."""
    schema_dir = Path(schema_dir)
    validate_config(config, load_schema(schema_dir / "config.schema.yaml"))
    check_config_files(config)
    check_resources(config)
    sheet = load_sheet(
        config["samples"],
        config["units"],
        samples_schema=load_schema(schema_dir / "samples.schema.yaml"),
        units_schema=load_schema(schema_dir / "units.schema.yaml"),
        check_read_groups=config["calling"]["caller"] == "freebayes",
    )
    check_sheet_phenotypes(sheet)
    return Plan(config, sheet, stage_reference(config["reference"]["fasta"]))
