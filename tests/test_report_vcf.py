"""Issue 13: the per-sample VCF, read by the field's own tools (bcftools +split-vep, pysam)."""

from __future__ import annotations

import subprocess

import pysam
import pytest
from click.testing import CliRunner

from mmpsi_variants.cli import cli
from mmpsi_variants.report.vcf import CSQ_FORMAT

from .conftest import DEMO, needs_tool
from .test_filter_demo import demo_vcf_text
from .test_report_html import RESOURCES


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    out = tmp_path_factory.mktemp("vcf")
    args = ["filter", DEMO / "demo.vcf.gz", *RESOURCES, "-o", out]
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


@needs_tool("bcftools")
def test_split_vep_lists_the_csq_fields_of_a_sample_vcf(out):
    listed = subprocess.run(
        ["bcftools", "+split-vep", "-l", str(out / "EIMFS01.vcf.gz")],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert [f for f in listed if not f.isdigit()] == list(CSQ_FORMAT)
    rows = subprocess.run(
        ["bcftools", "+split-vep", "-f", "%POS\t%SYMBOL\t%HGVSc\t%PRIMARY\n", "-d",
         "-i", 'PRIMARY="1"', str(out / "EIMFS01.vcf.gz")],
        capture_output=True, text=True, check=True,
    ).stdout.splitlines()  # fmt: skip
    assert "12383\tKCNT1\tENST00000371757.7:c.1420C>T\t1" in rows


def test_the_sample_vcf_is_sorted_indexed_and_carries_the_interpretation(out):
    with pysam.VariantFile(str(out / "EIMFS01.vcf.gz")) as vf:
        assert list(vf.header.samples) == ["EIMFS01"]
        records = list(vf.fetch("chr9"))  # the index answers a region query
        kcnt1 = next(r for r in records if r.pos == 12383)
        assert kcnt1.info["MMPSI_GENE"] == "KCNT1"
        assert kcnt1.info["MMPSI_CLASS"] == "Likely_pathogenic"
        assert "PS2_Moderate" in kcnt1.info["MMPSI_CRITERIA"]
        assert kcnt1.info["MMPSI_INHERITANCE"] == ("de_novo",)
        assert kcnt1.samples["EIMFS01"]["GT"] == (0, 1)
        everything = list(vf)
        order = {c: i for i, c in enumerate(vf.header.contigs)}
    keys = [(r.chrom, r.pos) for r in everything]
    assert keys == sorted(keys, key=lambda k: (order[k[0]], k[1]))


def test_a_split_one_two_call_is_written_per_alt(out):
    with pysam.VariantFile(str(out / "EIMFS04.vcf.gz")) as vf:
        pair = [r for r in vf if r.info.get("MMPSI_GENE") == "SLC12A5"]
    assert len(pair) == 2 and {r.alts[0] for r in pair} == {"A", "T"}
    assert all(r.samples[0]["GT"] == (0, 1) for r in pair)  # one ALT per record


def test_strings_in_the_vcf_are_escaped(tmp_path):
    text = demo_vcf_text().replace("\tEIMFS02\t", "\tx y;z=1\t")
    vcf = tmp_path / "odd.vcf"
    vcf.write_text(text)
    out = tmp_path / "out"
    args = ["filter", vcf, *RESOURCES, "-o", out]
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    written = [p for p in out.glob("*.vcf.gz") if "x" in p.name]
    assert written
    with pysam.VariantFile(str(written[0])) as vf:  # htslib reads it: no broken line
        assert list(vf.header.samples) == ["x_y;z=1"]
        assert len(list(vf)) >= 1
