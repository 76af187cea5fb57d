"""`filter --use-existing-annotation`: VEP CSQ, snpEff ANN and bcftools BCSQ used as they are."""

import json
import subprocess

from .conftest import DEMO, REAL, needs_tool
from .test_filter_demo import load, truth


def _filter(run, vcf, out, *extra):
    result = run("filter", vcf, "--use-existing-annotation", "--ped", DEMO / "demo.ped",
                 "--build", "none", "-o", out, *extra)  # fmt: skip
    assert result.exit_code == 0, result.output
    return load(out)[0]


def test_our_own_csq_round_trip_needs_no_models_or_reference(run, tmp_path):
    annotated = tmp_path / "demo.ann.vcf.gz"
    run("annotate", DEMO / "demo.vcf.gz", "--genes", DEMO / "genes.gff3",
        "--reference", DEMO / "genome.fa", "-o", annotated)  # fmt: skip
    got = _filter(run, annotated, tmp_path / "out")
    # The panel genes are found by the annotation's gene names. Without a reference nothing
    # is left-aligned, so the PLCB1 deletion keeps the (right-shifted) form of the VCF.
    expected = {("EIMFS02", "chr20", 11384, "AAAA", "A") if k[2] == 11381 else k for k in truth()}
    assert set(got) == expected
    v = got[("EIMFS01", "chr9", 12383, "C", "T")]
    assert (v["gene"], v["hgnc_id"]) == ("KCNT1", "HGNC:18865")
    assert v["hgvs_c"] == "ENST00000371757.7:c.1420C>T" and v["hgvs_p"] == "p.(Arg474Cys)"
    assert v["annotation_source"] == "vep:MMPSI_CSQ"
    assert any(n["kind"] == "treatment" for n in v["notes"])


def test_resources_are_looked_up_with_existing_annotation(run, tmp_path):
    """Regression: with --use-existing-annotation the gnomAD, ClinVar and score files were
    listed among the inputs but never looked up, so PM2, BA1, PS1 and PP3 were silently left
    "not evaluated"."""
    annotated = tmp_path / "demo.ann.vcf.gz"
    run("annotate", DEMO / "demo.vcf.gz", "--genes", DEMO / "genes.gff3",
        "--reference", DEMO / "genome.fa", "-o", annotated)  # fmt: skip
    got = _filter(run, annotated, tmp_path / "out", "--gnomad", DEMO / "gnomad.demo.vcf.gz",
                  "--clinvar", DEMO / "clinvar.demo.vcf.gz",
                  "--scores", DEMO / "revel.demo.tsv.gz")  # fmt: skip
    kcnt1 = got[("EIMFS01", "chr9", 12383, "C", "T")]
    assert kcnt1["population"]["status"] == "absent" and kcnt1["clinvar_status"] != "not_looked_up"
    assert kcnt1["scores"]["status"]["revel"] != "not_looked_up"
    assert "PM2_Supporting" in kcnt1["acmg"]["met"]
    common = got[("EIMFS01", "chr2", 23191, "G", "A")]  # the common SCN2A synonymous variant
    assert common["population"]["status"] == "found" and "BA1" in common["acmg"]["met"]


@needs_tool("bcftools")
def test_bcftools_csq_annotation(run, tmp_path):
    """The demo annotated by bcftools csq itself, then read through its BCSQ field."""
    bcsq = tmp_path / "demo.bcsq.vcf.gz"
    subprocess.run(
        ["bcftools", "csq", "-f", DEMO / "genome.fa", "-g", DEMO / "genes.gff3", "-p", "a",
         "-Oz", "-o", bcsq, DEMO / "demo.vcf.gz"],
        check=True, capture_output=True,
    )  # fmt: skip
    got = _filter(run, bcsq, tmp_path / "out", "--genes", DEMO / "genes.gff3", "--reference",
                  DEMO / "genome.fa")  # fmt: skip
    assert set(got) == set(truth())
    design = {(r["chrom"], int(r["pos"]), r["ref"], r["alt"]): r for r in _truth_variants()}
    for key, v in got.items():
        want = design[key[1:]]
        assert v["consequence"][0] == want["consequence"], key
        assert v["annotation_source"] == "bcsq:BCSQ"


def _truth_variants():
    import csv

    with open(DEMO / "truth_variants.tsv") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_real_vep_and_snpeff_file_exome_wide(run, tmp_path):
    """115 real GRCh37 records (GATK 3.3, 6 samples) with both VEP CSQ and snpEff ANN."""
    out = tmp_path / "out"
    result = run("filter", REAL / "annotated" / "snpeff_and_vep.vcf.gz",
                 "--use-existing-annotation", "--no-panel", "--keep-all", "-o", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    docs = [json.loads(p.read_text()) for p in sorted(out.glob("*.json"))]
    assert len(docs) == 6
    variants = [v for d in docs for v in d["variants"]]
    assert variants and all(v["annotation_source"] == "vep:CSQ" for v in variants)
    assert {"DDX11L1", "WASH7P"} <= {v["gene"] for v in variants}


def test_vep_output_under_another_info_key(run, tmp_path):
    """split-vep.7.vcf is VEP output written under INFO/ANN (VEP's --vcf_info_field)."""
    result = run("filter", REAL / "vep" / "split-vep.7.vcf", "--use-existing-annotation",
                 "--no-panel", "--keep-all", "-o", tmp_path)  # fmt: skip
    assert result.exit_code == 0, result.output
    (doc,) = [json.loads(p.read_text()) for p in tmp_path.glob("*.json")]
    assert {v["annotation_source"] for v in doc["variants"]} == {"vep:ANN"}


@needs_tool("bcftools")
def test_snpeff_ann_alone(run, tmp_path):
    """The real snpEff+VEP file with VEP's CSQ removed: snpEff's ANN is used."""
    ann_only = tmp_path / "ann.vcf.gz"
    subprocess.run(["bcftools", "annotate", "-x", "INFO/CSQ", "-Oz", "-o", ann_only,
                    REAL / "annotated" / "snpeff_and_vep.vcf.gz"], check=True)  # fmt: skip
    result = run("filter", ann_only, "--use-existing-annotation", "--no-panel", "--keep-all", "-o",
                 tmp_path / "out")  # fmt: skip
    assert result.exit_code == 0, result.output
    variants = [v for p in (tmp_path / "out").glob("*.json")
                for v in json.loads(p.read_text())["variants"]]  # fmt: skip
    assert {v["annotation_source"] for v in variants} == {"snpeff:ANN"}
    assert any(v["consequence"] and "intron_variant" in v["consequence"] for v in variants)


def test_a_vcf_without_annotation_is_refused(run, tmp_path):
    result = run("filter", DEMO / "demo.vcf.gz", "--use-existing-annotation", "-o", tmp_path)
    assert result.exit_code == 2
    assert "carries no VEP CSQ, snpEff ANN or bcftools BCSQ" in result.stderr
