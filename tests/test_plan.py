"""The workflow configuration: schema validation with defaults, and the plan built from it."""

from __future__ import annotations

import copy
import re

import pytest
import yaml

from mmpsi_variants.core.errors import ConfigError, SampleSheetError
from mmpsi_variants.core.schemas import load_schema, validate_config
from mmpsi_variants.pipeline.plan import load_plan, stage_reference

from .conftest import DEMO, ROOT

SCHEMAS = ROOT / "workflow" / "schemas"
CONFIG = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
MINIMAL = {
    "reference": {"fasta": "ref.fa", "genes": "genes.gff3"},
    "samples": "config/samples.tsv",
    "units": "config/units.tsv",
}


def test_every_config_key_of_the_issue_is_in_the_default_config():
    assert set(CONFIG["reference"]) == {"fasta", "genes", "build"}
    assert set(CONFIG["resources"]) == {"gnomad", "clinvar", "scores"}
    assert {"caller", "regions", "padding"} <= set(CONFIG["calling"])
    assert CONFIG["coverage"]["min_depth"] == 20
    assert {"samples", "units", "panel", "threads"} <= set(CONFIG)


def test_defaults_are_filled():
    cfg = validate_config(copy.deepcopy(MINIMAL), load_schema(SCHEMAS / "config.schema.yaml"))
    assert cfg["calling"] == {"caller": "bcftools", "regions": "panel", "padding": 1000} | {
        "min_qual": 20
    }
    assert cfg["resources"] == {"gnomad": None, "clinvar": None, "scores": None,
                                "manifest": None, "sources": None, "build": None}  # fmt: skip
    assert cfg["coverage"]["min_depth"] == 20
    assert cfg["reference"]["build"] == "auto"
    assert cfg["filter"]["tiers"] == ["core", "extended"]
    assert cfg["panel"] is None


def _set(cfg, dotted, value):
    *head, last = dotted.split(".")
    node = cfg
    for k in head:
        node = node.setdefault(k, {})
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value


_DELETE = object()

CONFIG_CASES = [
    ("reference.fasta", _DELETE, "reference.fasta", "required key is missing"),
    ("calling.caller", "gatk", "calling.caller", "expected one of bcftools, freebayes"),
    ("coverage.min_depth", 0, "coverage.min_depth", "minimum 1"),
    ("calling.regoins", "all", "calling", "unknown key(s) regoins"),
    ("threads.align", "4", "threads.align", "expected integer; found '4'"),
    ("filter.tiers", [], "filter.tiers", "at least 1"),
    ("filter.tiers", ["core", "core"], "filter.tiers", "non-unique"),
    ("reference.build", "hg19", "reference.build", "expected one of GRCh38, GRCh37, none, auto"),
    ("resources.gnomad", 5, "resources.gnomad", "expected string or null"),
]


@pytest.mark.parametrize("key,value,where,words", CONFIG_CASES, ids=[c[0] for c in CONFIG_CASES])
def test_config_errors_name_the_key(key, value, where, words):
    cfg = copy.deepcopy(MINIMAL)
    _set(cfg, key, value)
    with pytest.raises(ConfigError) as exc:
        validate_config(cfg, load_schema(SCHEMAS / "config.schema.yaml"))
    assert exc.value.where == where
    assert words in exc.value.message


def _plan(tmp_path, monkeypatch, **changes):
    """The demo plan with ``changes``, run in a folder that has the repository's config/ and
    resources/ and an empty placeholder for each file a change names (the plan checks that
    the files the configuration names exist)."""
    for name in ("config", "resources"):
        (tmp_path / name).symlink_to(ROOT / name)
    monkeypatch.chdir(tmp_path)
    cfg = copy.deepcopy(CONFIG)
    for k, v in changes.items():
        _set(cfg, k.replace("__", "."), v)
        for value in v.values() if isinstance(v, dict) else [v]:
            if isinstance(value, str) and "." in value:
                (tmp_path / value).touch()
    return load_plan(cfg, SCHEMAS)


def test_demo_plan(tmp_path, monkeypatch):
    plan = _plan(tmp_path, monkeypatch)
    assert plan.fastq_samples == plan.samples == plan.aligned_samples
    assert plan.reference.fasta == "results/reference/genome.fa"
    assert plan.reference.build_bwa_index  # the demo genome ships without a bwa index
    assert plan.unit_bams("EIMFS01") == [
        "results/bam/units/EIMFS01.L001.bam",
        "results/bam/units/EIMFS01.L002.bam",
    ]
    # Two units are merged into markdup's standard input; a single unit is read directly.
    assert plan.markdup_merge("EIMFS01", 2) == (
        "samtools merge -u -@ 2 -o - results/bam/units/EIMFS01.L001.bam"
        " results/bam/units/EIMFS01.L002.bam |"
    )
    assert plan.markdup_source("EIMFS01") == "-"
    assert plan.markdup_merge("EIMFS02", 2) == ""
    assert plan.markdup_source("EIMFS02") == "results/bam/units/EIMFS02.L001.bam"
    assert plan.read_group("EIMFS02", "L001") == (
        "@RG\\tID:EIMFS02.L001\\tSM:EIMFS02\\tLB:EIMFS02\\tPL:ILLUMINA\\tPU:L001"
    )
    assert plan.raw_calls("EIMFS01") == "results/calls/EIMFS01.bcftools.vcf.gz"
    assert plan.calling_regions == "results/panel/calling_regions.bed"
    assert plan.subset_options("EIMFS01") == "-s EIMFS01,EIMFS01_FA,EIMFS01_MO"
    assert "QUAL<20" in plan.quality_filter("EIMFS01")
    assert plan.read_group_map("EIMFS02") == "'* results/bam/EIMFS02.bam EIMFS02'"
    assert plan.filter_resources == {
        "gnomad": "resources/demo/gnomad.demo.vcf.gz",
        "clinvar": "resources/demo/clinvar.demo.vcf.gz",
        "score_revel": "resources/demo/revel.demo.tsv.gz",
        "score_spliceai": "resources/demo/spliceai.demo.vcf.gz",
    }
    assert plan.filter_options("EIMFS01_FA").split() == [
        "--gnomad",
        "resources/demo/gnomad.demo.vcf.gz",
        "--clinvar",
        "resources/demo/clinvar.demo.vcf.gz",
        "--scores",
        "revel=resources/demo/revel.demo.tsv.gz",
        "--scores",
        "spliceai=resources/demo/spliceai.demo.vcf.gz",
        "--coverage",
        "EIMFS01_FA=results/qc/EIMFS01_FA.coverage.json",
        # The family's tables: a parent's are read for the origin of the child's calls.
        "--cnv",
        "results/cnv/EIMFS01.cnv.tsv",
        "--cnv",
        "results/cnv/EIMFS01_FA.cnv.tsv",
        "--cnv",
        "results/cnv/EIMFS01_MO.cnv.tsv",
    ]
    assert plan.cnv_of("EIMFS02") == ["results/cnv/EIMFS02.cnv.tsv"]
    outs = plan.final_outputs()
    assert "results/reports/EIMFS07/EIMFS07.summary.json" in outs
    assert "results/qc/EIMFS07.coverage.json" in outs
    assert "results/calls/EIMFS01.vcf.gz.tbi" in outs


@pytest.mark.parametrize(
    "regions,expected",
    [("all", None), ("panel", "results/panel/calling_regions.bed"), ("my.bed", "my.bed")],
)
def test_calling_regions(tmp_path, monkeypatch, regions, expected):
    plan = _plan(tmp_path, monkeypatch, calling__regions=regions)
    assert plan.calling_regions == expected
    assert ("regions" in plan.calling_inputs("EIMFS02")) == (expected is not None)


@pytest.mark.parametrize(
    "changes,sample,expected",
    [
        ({}, "EIMFS01_MO", ""),  # unaffected: her phenotype columns are never passed
        ({"resources__gnomad": "g.vcf.gz"}, "EIMFS01_FA", "--gnomad g.vcf.gz"),
        ({"resources__clinvar": "c.vcf.gz"}, "EIMFS01_FA", "--clinvar c.vcf.gz"),
        (
            {"resources__scores": {"revel": "r.tsv.gz", "spliceai": "s.vcf.gz"}},
            "EIMFS01_FA",
            "--scores revel=r.tsv.gz --scores spliceai=s.vcf.gz",
        ),
        ({"settings": "my settings.yaml"}, "EIMFS01_FA", "--settings 'my settings.yaml'"),
        (
            {},
            "EIMFS02",
            "--phenotype 'EIMFS02=eeg: migrating_focal_seizures;burst_suppression; "
            "mri: abnormal; onset_age_days: 3' "
            "--phenopacket EIMFS02=resources/demo/EIMFS02.phenopacket.json --onset EIMFS02=3",
        ),
        (
            {},
            "EIMFS04",
            "--phenotype 'EIMFS04=eeg: migrating_focal_seizures;hypsarrhythmia; mri: abnormal; "
            "onset_age_days: 45' "
            "--hpo 'EIMFS04=HP:0007359;HP:0002521;HP:0200134;HP:0001263;HP:0003593' "
            "--onset EIMFS04=45",
        ),
    ],
)
def test_filter_options(tmp_path, monkeypatch, changes, sample, expected):
    no_resources = {"gnomad": None, "clinvar": None, "scores": None}
    plan = _plan(tmp_path, monkeypatch, resources=no_resources, **changes)
    # Every demo sample has reads, so its report gets its coverage and its family's copy number.
    coverage = f"--coverage {sample}=results/qc/{sample}.coverage.json"
    cnv = " ".join(f"--cnv {p}" for p in plan.cnv_of(sample))
    # An affected sample with reads gets a reads page, which its report links to.
    reads = "--reads-pages" if sample in ("EIMFS02", "EIMFS04") else ""
    assert plan.filter_options(sample) == f"{expected} {coverage} {cnv} {reads}".strip()


def test_reads_pages_show_the_sample_then_its_parents(tmp_path, monkeypatch):
    plan = _plan(tmp_path, monkeypatch)
    assert "EIMFS01_FA" not in plan.reads_samples and "EIMFS01" in plan.reads_samples
    assert plan.reads_members("EIMFS01") == ["EIMFS01", "EIMFS01_FA", "EIMFS01_MO"]
    opts = plan.reads_options("EIMFS01")
    assert opts.startswith(
        "'--bam=EIMFS01 (proband)=results/bam/EIMFS01.bam' "
        "'--bam=EIMFS01_FA (father)=results/bam/EIMFS01_FA.bam' "
        "'--bam=EIMFS01_MO (mother)=results/bam/EIMFS01_MO.bam' --genes=resources/demo/genes.gff3"
    ), opts
    assert "results/reports/EIMFS01/EIMFS01.reads.html" in plan.final_outputs()
    (tmp_path / "off").mkdir()
    off = _plan(tmp_path / "off", monkeypatch, reads__enabled=False)
    assert off.reads_samples == [] and "--reads-pages" not in off.filter_options("EIMFS01")


def test_the_demo_phenopacket_is_an_input_of_its_filter_job(tmp_path, monkeypatch):
    plan = _plan(tmp_path, monkeypatch)
    assert plan.phenopacket_of("EIMFS02") == ["resources/demo/EIMFS02.phenopacket.json"]
    assert plan.phenopacket_of("EIMFS01") == []


@pytest.mark.parametrize(
    ("hpo", "packet", "message"),
    [
        ("HP:9999999", "", "line 3 (sample EIMFS01): column hpo: HP:9999999 is not in the HPO"),
        ("HP:0000057", "", "HP:0000057 (obsolete Clitoromegaly) is obsolete"),
        ("-HP:0001250", "", "no observed HPO term"),
        ("HP:0001250", "p.json", "both an hpo and a phenopacket column"),
        ("", "missing.json", "missing.json: no such file"),
    ],
)
def test_the_sheets_terms_are_checked_before_any_job(tmp_path, monkeypatch, hpo, packet,
                                                      message):  # fmt: skip
    sheet = (ROOT / "config" / "samples.tsv").read_text().splitlines()
    header = sheet[1].split("\t")
    i, j = header.index("hpo"), header.index("phenopacket")
    row = sheet[2].split("\t")
    row[i], row[j] = hpo, packet
    sheet[2] = "\t".join(row)
    (tmp_path / "samples.tsv").write_text("\n".join(sheet) + "\n")
    with pytest.raises(SampleSheetError, match=re.escape(message)):
        _plan(tmp_path, monkeypatch, samples=str(tmp_path / "samples.tsv"))


def test_gene_models_come_from_the_config_or_a_resources_manifest(tmp_path, monkeypatch):
    for name in ("config", "resources"):
        (tmp_path / name).symlink_to(ROOT / name)
    (tmp_path / "mirror.yaml").touch()
    monkeypatch.chdir(tmp_path)

    def plan(**changes):
        cfg = copy.deepcopy(CONFIG)
        for k, v in changes.items():
            _set(cfg, k.replace("__", "."), v)
        return load_plan(cfg, SCHEMAS)

    with pytest.raises(ConfigError, match="reference.genes: give gene models, or resources.manif"):
        plan(reference__genes=None)
    with pytest.raises(ConfigError, match="fetching it needs a build"):
        plan(reference__genes=None, resources__manifest="res/manifest.json")
    with pytest.raises(ConfigError, match="ending in manifest.json"):
        plan(resources__manifest="res/resources.json")
    p = plan(reference__genes=None, reference__build="GRCh38",
             resources__manifest="res/manifest.json", resources__sources="mirror.yaml")  # fmt: skip
    assert p.gene_models == "res/manifest.json"
    assert p.gene_models_option == "--resources res"
    assert p.filter_gene_models_option == ""
    assert "--resources res" in p.filter_options("EIMFS01")
    assert p.fetch_options().startswith(
        "--build GRCh38 --dest res --padding 1000 --sources mirror.yaml"
    )
    assert p.fetch_sources == ["mirror.yaml"]


def test_unknown_score_name_is_a_config_error(tmp_path, monkeypatch):
    with pytest.raises(ConfigError, match="resources.scores"):
        _plan(tmp_path, monkeypatch, resources__scores={"polyphen": "p.tsv.gz"})


def test_existing_bwa_index_is_used_in_place(tmp_path):
    fasta = tmp_path / "ref.fa"
    fasta.write_text(">c\nACGT\n")
    assert stage_reference(str(fasta)).build_bwa_index
    for suffix in (".amb", ".ann", ".bwt", ".pac", ".sa"):
        (tmp_path / f"ref.fa{suffix}").write_text("")
    ref = stage_reference(str(fasta))
    assert not ref.build_bwa_index
    assert ref.bwa_prefix == str(fasta)
    assert ref.fasta == "results/reference/genome.fa"
    gz = stage_reference(str(DEMO / "genome.fa") + ".gz")
    assert gz.index_files == [
        "results/reference/genome.fa.gz.fai",
        "results/reference/genome.fa.gz.gzi",
    ]


def test_with_absolute_paths_leaves_unset_and_absolute_paths_alone():
    from mmpsi_variants.pipeline.plan import with_absolute_paths

    cfg = copy.deepcopy(CONFIG) | {"settings": None, "panel": "/abs/panel.yaml"}
    out = with_absolute_paths(cfg, "/base")
    assert out["reference"]["fasta"] == "/base/resources/demo/genome.fa"
    assert out["resources"]["scores"]["revel"] == "/base/resources/demo/revel.demo.tsv.gz"
    assert out["settings"] is None and out["panel"] == "/abs/panel.yaml"
    assert cfg["reference"]["fasta"] == "resources/demo/genome.fa"  # the input is untouched


@pytest.mark.parametrize(
    "key,words",
    [
        ("reference__fasta", "reference.fasta: {tmp}: is a folder; expected a FASTA file"),
        ("calling__regions", "calling.regions: {tmp}: is a folder; expected panel, all or a BED"),
        ("settings", "settings: {tmp}: is a folder; expected a settings YAML"),
    ],
)
def test_a_folder_named_as_a_file_stops_the_plan(tmp_path, monkeypatch, key, words):
    folder = tmp_path / "a_folder"
    folder.mkdir()
    with pytest.raises(ConfigError) as exc:
        _plan(tmp_path, monkeypatch, **{key: str(folder)})
    assert words.format(tmp=folder) in str(exc.value)


def test_copy_number_can_be_switched_off(tmp_path, monkeypatch):
    plan = _plan(tmp_path, monkeypatch, copy_number={"enabled": False})
    assert plan.cnv_of("EIMFS01") == []
    assert "--cnv" not in plan.filter_options("EIMFS01")
    assert not [o for o in plan.final_outputs() if o.startswith("results/cnv/")]
