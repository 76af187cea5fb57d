"""Issue 13: the per-sample TSV, safe in a spreadsheet and complete."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess

import pandas as pd
import pytest
from click.testing import CliRunner

from mmpsi_variants.cli import cli
from mmpsi_variants.report.tables import TSV_COLUMNS

from .conftest import DEMO
from .test_filter_demo import demo_vcf_text
from .test_report_html import RESOURCES

# What a spreadsheet turns into a date, a fraction or a number.
_DATE_LIKE = re.compile(r"^\d+[/-]\d+([/-]\d+)?$")


def _filter(vcf, out, *extra):
    args = ["filter", vcf, *RESOURCES, "-o", out, *extra]
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def tsvs(tmp_path_factory):
    out = tmp_path_factory.mktemp("tsv")
    _filter(DEMO / "demo.vcf.gz", out)
    return {p.name.removesuffix(".variants.tsv"): p for p in out.glob("*.variants.tsv")}


def test_the_tsv_round_trips_through_pandas_unchanged(tsvs):
    for path in tsvs.values():
        text = path.read_text()
        raw = list(csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))
        df = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, quoting=csv.QUOTE_NONE)
        assert list(df.columns) == raw[0] == TSV_COLUMNS
        assert df.values.tolist() == raw[1:]
        # Read as pandas reads by default, the genotype and HGVS stay text.
        plain = pd.read_csv(path, sep="\t")
        for column in ("genotype", "hgvs_c", "hgvs_p", "zygosity"):
            assert plain[column].dropna().map(type).eq(str).all(), column


def test_no_cell_reads_as_a_date_or_a_formula(tsvs):
    for path in tsvs.values():
        df = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, quoting=csv.QUOTE_NONE)
        for column in df.columns:
            for cell in df[column]:
                assert not _DATE_LIKE.match(cell), (path.name, column, cell)
                assert cell[:1] not in ("=", "@") and not re.match(r"^[+-][^\d.]", cell), cell


def test_a_one_two_call_is_written_with_its_bases(tsvs):
    df = pd.read_csv(tsvs["EIMFS04"], sep="\t", dtype=str, keep_default_na=False)
    pair = df[df.gene == "SLC12A5"]
    assert sorted(pair.genotype) == ["A/T", "T/A"]  # the other ALT where REF would stand


def test_the_tsv_is_complete(tsvs):
    df = pd.read_csv(tsvs["EIMFS01"], sep="\t", dtype=str, keep_default_na=False)
    kcnt1 = df[df.hgvs_p == "p.(Arg474Cys)"].iloc[0]
    assert kcnt1.hgvs_c_refseq == "NM_020822.3(KCNT1):c.1420C>T"
    assert kcnt1.hgvs_c == "ENST00000371757.7:c.1420C>T"
    assert kcnt1.origin == "de novo (confirmed)" and kcnt1.build
    assert (
        kcnt1.revel == "0.85" and "PS2_Moderate: confirmed de novo" in kcnt1.acmg_criteria_reasons
    )
    donor = df[df.hgvs_c.str.endswith("c.657+1G>A")].iloc[0]
    assert "chr5:16273:C:G (trans)" in donor.compound_het_partner
    common = df[df.hgvs_p == "p.(Leu1000=)"].iloc[0]
    assert (common.gnomad_ac, common.gnomad_an, common.gnomad_homozygotes) == (
        "434012", "1400032", "67281",
    )  # fmt: skip


def test_a_hostile_sample_name_cannot_become_a_formula(tmp_path):
    vcf = tmp_path / "evil.vcf"
    vcf.write_text(demo_vcf_text().replace("\tEIMFS02\t", '\t=HYPERLINK("http://x")\t'))
    out = tmp_path / "out"
    _filter(vcf, out)
    path = next(p for p in out.glob("*.variants.tsv") if "HYPERLINK" in p.read_text())
    df = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, quoting=csv.QUOTE_NONE)
    assert set(df["sample"]) == {'\'=HYPERLINK("http://x")'}


def _soffice(src, outdir):
    # Special-number detection on (as a user's spreadsheet guesses types); comma-separated out.
    subprocess.run(
        ["soffice", "--headless", "--infilter=CSV:9,34,76,1,,0,false,true",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(outdir),
         str(src)],
        check=True, capture_output=True, timeout=180,
        env={"HOME": str(outdir), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    return list(csv.DictReader((outdir / f"{src.stem}.csv").open()))


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_reads_the_genotypes_and_hgvs_as_text(tsvs, tmp_path):
    # The check can fail: an allele-number genotype does turn into a date.
    probe = tmp_path / "probe.tsv"
    probe.write_text("genotype\n1/2\n")
    assert _soffice(probe, tmp_path)[0]["genotype"] != "1/2"
    src = tmp_path / "EIMFS04.tsv"
    src.write_text(tsvs["EIMFS04"].read_text())
    converted = _soffice(src, tmp_path)
    original = list(csv.DictReader(src.open(), delimiter="\t", quoting=csv.QUOTE_NONE))
    for column in ("genotype", "hgvs_c", "hgvs_p", "hgvs_c_refseq", "zygosity"):
        assert [r[column] for r in converted] == [r[column] for r in original], column
