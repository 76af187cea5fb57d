"""Dry runs of the workflow for each entry point and option; its rules' declared shape.

No tool runs here: Snakemake only plans the jobs, so input files may be empty placeholders.
"""

from __future__ import annotations

import re

import pysam
import pytest
import yaml

from .conftest import DEMO, ROOT
from .workflow_runner import SAMPLES_TSV, UNITS_HEADER, job_counts, setup_workdir, snakemake

SAMPLES = list(
    dict.fromkeys(ln.split("\t")[0] for ln in SAMPLES_TSV.splitlines()[2:] if ln.strip())
)
FAMILIES = 7
# The sheet's affected samples: each with reads gets a reads page.
AFFECTED = [ln.split("\t")[0] for ln in SAMPLES_TSV.splitlines()[2:] if "\tyes\t" in ln]


def _placeholder_fastqs(tmp_path) -> str:
    rows = []
    for s in SAMPLES:
        for mate in ("R1", "R2"):
            (tmp_path / f"{s}_{mate}.fastq.gz").write_bytes(b"")
        rows.append(
            f"{s}\tL001\t{tmp_path / (s + '_R1.fastq.gz')}\t{tmp_path / (s + '_R2.fastq.gz')}\t\t\n"
        )
    return UNITS_HEADER + "".join(rows)


def _bams(tmp_path) -> str:
    rows = []
    for s in SAMPLES:
        path = tmp_path / f"{s}.bam"
        header = {
            "HD": {"VN": "1.6", "SO": "coordinate"},
            "SQ": [{"SN": "chr1", "LN": 100}],
            "RG": [{"ID": "1", "SM": s}],
        }
        with pysam.AlignmentFile(str(path), "wb", header=header):
            pass
        pysam.index(str(path))
        rows.append(f"{s}\taln\t\t\t{path}\t\n")
    return UNITS_HEADER + "".join(rows)


def _vcf_units() -> str:
    return UNITS_HEADER + "".join(f"{s}\tvcf\t\t\t\t{DEMO / 'demo.vcf.gz'}\n" for s in SAMPLES)


def _dry_run(workdir):
    result = snakemake(workdir, "--dry-run")
    assert result.returncode == 0, result.stderr[-3000:]
    return job_counts(result.stdout + result.stderr)


COMMON = {
    "derive_pedigree": FAMILIES,
    "normalize_calls": FAMILIES,
    "filter_variants": len(SAMPLES),
    "summarise_cohort": 1,
    "summarise_family_calls": FAMILIES,
    "report_run_qc": 1,
    "link_reference": 1,
    "index_reference_fasta": 1,
    "all": 1,
}


def test_fastq_entry(tmp_path):
    counts = _dry_run(setup_workdir(tmp_path, _placeholder_fastqs(tmp_path)))
    assert counts == COMMON | {
        "index_reference_bwa": 1,
        "define_calling_regions": 1,
        "define_coverage_targets": 1,
        "align_reads": len(SAMPLES),
        "mark_duplicates": len(SAMPLES),
        "collect_alignment_stats": len(SAMPLES),
        "measure_panel_coverage": len(SAMPLES),
        "tabulate_panel_coverage": 1,
        "call_copy_number": 1,
        "call_variants_bcftools": FAMILIES,
        "reads_page": len(AFFECTED),
    }


def test_minimap2_aligns_with_the_same_read_groups_and_pipeline(tmp_path):
    workdir = setup_workdir(tmp_path, _placeholder_fastqs(tmp_path), align__aligner="minimap2")
    result = snakemake(workdir, "--dry-run", "--printshellcmds")
    assert result.returncode == 0, result.stderr[-3000:]
    counts = job_counts(result.stdout)
    assert counts["index_reference_minimap2"] == 1 and "index_reference_bwa" not in counts
    assert counts["align_reads"] == len(SAMPLES)
    line = next(ln for ln in result.stdout.splitlines() if "minimap2 -ax sr" in ln)
    assert "-R '@RG\\tID:" in line and "results/reference/genome.fa.sr.mmi" in line
    assert "| samtools fixmate -m -u - - | samtools sort" in line


def test_bam_entry_skips_alignment(tmp_path):
    counts = _dry_run(setup_workdir(tmp_path, _bams(tmp_path)))
    assert counts == COMMON | {
        "define_calling_regions": 1,
        "define_coverage_targets": 1,
        "collect_alignment_stats": len(SAMPLES),
        "measure_panel_coverage": len(SAMPLES),
        "tabulate_panel_coverage": 1,
        "call_copy_number": 1,
        "call_variants_bcftools": FAMILIES,
        "reads_page": len(AFFECTED),
    }


def test_vcf_entry_skips_alignment_and_calling(tmp_path):
    counts = _dry_run(setup_workdir(tmp_path, _vcf_units()))
    assert counts == COMMON | {"define_coverage_targets": 1}


def test_families_may_differ_in_entry_point(tmp_path):
    from_vcf = {"EIMFS02", "EIMFS03"}
    vcf_rows = {ln.split("\t")[0]: ln for ln in _vcf_units().splitlines(keepends=True)[1:]}
    rows = _placeholder_fastqs(tmp_path).splitlines(keepends=True)
    units = [vcf_rows.get(r.split("\t")[0], r) if r.split("\t")[0] in from_vcf else r for r in rows]
    counts = _dry_run(setup_workdir(tmp_path, "".join(units)))
    assert counts["align_reads"] == len(SAMPLES) - 2
    assert counts["call_variants_bcftools"] == FAMILIES - 2
    assert counts["normalize_calls"] == FAMILIES


def test_a_missing_resources_manifest_is_fetched_first_and_feeds_the_rules(tmp_path):
    manifest = tmp_path / "resources dir" / "manifest.json"
    workdir = setup_workdir(
        tmp_path, _vcf_units(), reference__genes=None, reference__build="GRCh38",
        resources__manifest=str(manifest), resources__gnomad=None, resources__clinvar=None,
    )  # fmt: skip
    result = snakemake(workdir, "--dry-run", "--printshellcmds")
    assert result.returncode == 0, result.stderr[-3000:]
    counts = job_counts(result.stdout)
    assert counts == COMMON | {"define_coverage_targets": 1, "fetch_resources": 1}
    folder = f"'{manifest.parent}'"
    fetch = f"mmpsi-variants resources fetch --build GRCh38 --dest {folder} --padding 1000"
    assert f"{fetch} --tier core --tier extended" in result.stdout
    assert f"mmpsi-variants targets --resources {folder}" in result.stdout
    filters = [ln for ln in result.stdout.splitlines() if "mmpsi-variants filter" in ln]
    assert filters and all(f"--resources {folder}" in ln and "--genes" not in ln for ln in filters)


def test_freebayes_and_whole_genome_calling(tmp_path):
    workdir = setup_workdir(
        tmp_path, _bams(tmp_path), calling__caller="freebayes", calling__regions="all"
    )
    result = snakemake(workdir, "--dry-run", "--printshellcmds")
    assert result.returncode == 0, result.stderr[-3000:]
    counts = job_counts(result.stdout)
    assert counts["call_variants_freebayes"] == FAMILIES
    assert "call_variants_bcftools" not in counts and "define_calling_regions" not in counts
    assert "freebayes -f results/reference/genome.fa  " in result.stdout  # no -t regions


def test_user_bed_regions(tmp_path):
    bed = tmp_path / "my_regions.bed"
    bed.write_text("chr9\t0\t26996\n")
    workdir = setup_workdir(tmp_path, _bams(tmp_path), calling__regions=str(bed))
    result = snakemake(workdir, "--dry-run", "--printshellcmds")
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"-R {bed}" in result.stdout
    assert "define_calling_regions" not in job_counts(result.stdout)


@pytest.mark.parametrize(
    "edit,message",
    [
        (
            ("samples", "EIMFS01\tEIMFS01\tfemale", "EIMFS01\tEIMFS01\tgirl"),
            "samples.tsv: line 3 (sample EIMFS01), column sex: expected one of male, female, "
            "unknown; found 'girl'",
        ),
        (
            ("config", "caller: bcftools", "caller: gatk"),
            "config: calling.caller: expected one of bcftools, freebayes; found 'gatk'",
        ),
        # Regressions (issue 11): each passed the dry run and failed only at a late rule.
        (
            ("samples", "EIMFS01_FA\tEIMFS01\tmale\t0\t0", "EIMFS01_FA\tEIMFS01\tmale\t0\tEIMFS01"),
            "samples.tsv: line 3 (sample EIMFS01), column father: EIMFS01 is their own ancestor",
        ),
        (
            ("config", f"fasta: {DEMO / 'genome.fa'}", "fasta: {tmp}"),
            "config: reference.fasta: {tmp}: is a folder; expected a FASTA file",
        ),
        (
            ("config", f"genes: {DEMO / 'genes.gff3'}", "genes: {tmp}/missing.gff3"),
            "config: reference.genes: {tmp}/missing.gff3: no such file; expected gene models",
        ),
    ],
)
def test_bad_input_stops_at_parse_time_naming_the_place(tmp_path, edit, message):
    workdir = setup_workdir(tmp_path, _placeholder_fastqs(tmp_path))
    which, old, new = edit
    new, message = new.format(tmp=tmp_path), message.format(tmp=tmp_path)
    path = workdir / "config" / ("samples.tsv" if which == "samples" else "config.yaml")
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new))
    result = snakemake(workdir, "--dry-run")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert message in output
    assert "Traceback" not in output


# -- the declared shape of every rule ---------------------------------------------------------


def _rules():
    """(name, body) of every rule in workflow/rules/*.smk, read as text."""
    for smk in sorted((ROOT / "workflow" / "rules").glob("*.smk")):
        text = smk.read_text()
        for m in re.finditer(r"^( *)rule (\w+):\n((?:\1    .*\n|\n)+)", text, re.M):
            yield m.group(2), m.group(3)


RULES = list(_rules())


@pytest.mark.parametrize("name,body", RULES, ids=[r[0] for r in RULES])
def test_every_rule_declares_log_benchmark_threads_resources_and_conda(name, body):
    for directive in ("input:", "output:", "log:", "benchmark:", "threads:", "conda:"):
        assert directive in body, f"{name} lacks {directive}"
    assert re.search(r"resources:\n\s+mem_mb=.*\n\s+runtime=", body), name
    assert f'"logs/{name}/' in body and f'"benchmarks/{name}/' in body
    env = re.search(r'conda:\n\s+"\.\./envs/([\w.]+)"', body).group(1)
    pinned = yaml.safe_load((ROOT / "workflow" / "envs" / env).read_text())["dependencies"]
    assert all(re.search(r"=\d", d) for d in pinned if isinstance(d, str) and d != "pip"), env


def test_rule_names_are_verb_object_and_unique():
    names = [n for n, _ in RULES]
    assert len(names) == len(set(names)) >= 14
    assert all("_" in n for n in names)


def test_slurm_profile_names_existing_rules():
    profile = yaml.safe_load((ROOT / "workflow" / "profiles" / "slurm" / "config.yaml").read_text())
    assert profile["executor"] == "slurm"
    assert set(profile["set-resources"]) <= {n for n, _ in RULES}
    default = yaml.safe_load(
        (ROOT / "workflow" / "profiles" / "default" / "config.yaml").read_text()
    )
    assert "executor" not in default


def test_threads_come_from_config(tmp_path):
    workdir = setup_workdir(tmp_path, _placeholder_fastqs(tmp_path), threads__align=3)
    result = snakemake(workdir, "--dry-run", "--printshellcmds", cores=8)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "bwa mem -t 3 " in result.stdout
    result = snakemake(workdir, "--dry-run", "--printshellcmds", cores=2)
    assert "bwa mem -t 2 " in result.stdout  # --cores caps the configured threads


def test_paths_with_spaces_reach_the_tools_whole(tmp_path):
    """Input paths from the config are shell-quoted in every rule: run the reference jobs
    (link, index, panel regions) on a genome and gene models in a folder with a space."""
    import shutil

    inputs = tmp_path / "my inputs"
    inputs.mkdir()
    for name in ("genome.fa", "genes.gff3"):
        shutil.copy(DEMO / name, inputs / name)
    workdir = setup_workdir(tmp_path / "work dir", _vcf_units(),
                            reference__fasta=str(inputs / "genome.fa"),
                            reference__genes=str(inputs / "genes.gff3"))  # fmt: skip
    result = snakemake(workdir, "results/panel/calling_regions.bed")
    assert result.returncode == 0, result.stderr[-3000:]
    lines = (workdir / "results" / "panel" / "calling_regions.bed").read_text().splitlines()
    assert lines and all(len(ln.split("\t")) >= 3 for ln in lines)
