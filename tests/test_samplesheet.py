"""samples.tsv / units.tsv: schema checks and cross-table checks, each error naming its place.

Table-driven: each case edits the demo sheets (config/) and names the line/column and the words
the one-line error must contain.
"""

from __future__ import annotations

import pysam
import pytest

from mmpsi_variants.core.errors import SampleSheetError
from mmpsi_variants.core.schemas import load_schema
from mmpsi_variants.io.ped import read_ped
from mmpsi_variants.io.samplesheet import READS, VCF, ped_text, read_tsv
from mmpsi_variants.io.sheet_files import load_sheet

from .conftest import DEMO, ROOT

SCHEMAS = ROOT / "workflow" / "schemas"
SAMPLES = (ROOT / "config" / "samples.tsv").read_text()
UNITS = (ROOT / "config" / "units.tsv").read_text()
# The demo sheet's own header, so that its rows (which carry hpo and phenopacket) fit.
HEADER_S = SAMPLES.splitlines()[1] + "\n"
HEADER_U = "sample\tunit\tfq1\tfq2\tbam\tvcf\n"


def load(tmp_path, samples=SAMPLES, units=UNITS, **kw):
    s, u = tmp_path / "samples.tsv", tmp_path / "units.tsv"
    s.write_text(samples)
    u.write_text(units)
    return load_sheet(
        s,
        u,
        samples_schema=load_schema(SCHEMAS / "samples.schema.yaml"),
        units_schema=load_schema(SCHEMAS / "units.schema.yaml"),
        **kw,
    )


def test_demo_sheets_load(tmp_path):
    sheet = load(tmp_path)
    assert list(sheet.samples)[:3] == ["EIMFS01", "EIMFS01_FA", "EIMFS01_MO"]
    assert sheet.families["EIMFS01"].samples == ("EIMFS01", "EIMFS01_FA", "EIMFS01_MO")
    assert {f.source for f in sheet.families.values()} == {READS}
    assert [u.unit for u in sheet.units_of("EIMFS01")] == ["L001", "L002"]
    assert sheet.samples["EIMFS02"].phenotype["eeg"] == "migrating_focal_seizures;burst_suppression"
    assert sheet.samples["EIMFS01_FA"].father is None


def test_derived_ped_matches_demo_ped(tmp_path):
    """The PED derived from config/samples.tsv equals the demo's own PED, read by our parser."""
    sheet = load(tmp_path)
    for family in sheet.families:
        out = tmp_path / f"{family}.ped"
        out.write_text(ped_text(sheet.samples, family))
        derived = read_ped(out).individuals
        demo = read_ped(DEMO / "demo.ped").individuals
        for sid, ind in derived.items():
            ref = demo[sid]
            assert (ind.family, ind.father, ind.mother, ind.sex, ind.phenotype) == (
                ref.family,
                ref.father,
                ref.mother,
                ref.sex,
                ref.phenotype,
            )


def _sub(text, old, new):
    assert old in text, old
    return text.replace(old, new, 1)


# (case id, samples text, units text, expected "where" part, words in the message)
SAMPLE_CASES = [
    (
        "bad sex",
        _sub(SAMPLES, "EIMFS02\tEIMFS02\tmale", "EIMFS02\tEIMFS02\tM"),
        UNITS,
        "line 6 (sample EIMFS02), column sex",
        "expected one of male, female, unknown; found 'M'",
    ),
    (
        "unsafe name",
        _sub(SAMPLES, "EIMFS03\tEIMFS03", "EIMFS 03\tEIMFS03"),
        UNITS,
        "line 7 (sample EIMFS 03), column sample",
        "letters, digits",
    ),
    (
        "missing affected",
        _sub(SAMPLES, "EIMFS04\tEIMFS04\tfemale\t0\t0\tyes", "EIMFS04\tEIMFS04\tfemale\t0\t0\t"),
        UNITS,
        "line 8 (sample EIMFS04), column affected",
        "a value is required",
    ),
    (
        "bad eeg term",
        _sub(SAMPLES, "hypsarrhythmia\tabnormal", "hypsarythmia\tabnormal"),
        UNITS,
        "line 8 (sample EIMFS04), column eeg",
        "burst_suppression",
    ),
    (
        "onset not days",
        _sub(SAMPLES, "\t120\t", "\t4 months\t"),
        UNITS,
        "line 11 (sample EIMFS07), column onset_age_days",
        "whole days",
    ),
    (
        "duplicate sample ignoring case",
        SAMPLES + "eimfs02\tX\tmale\t0\t0\tyes\t\t\t\t\t\t\n",
        UNITS,
        "line 12, column sample",
        "listed twice (first on line 6",
    ),
    (
        "unknown parent",
        _sub(SAMPLES, "EIMFS01_FA\tEIMFS01_MO\tyes", "EIMFS01_DAD\tEIMFS01_MO\tyes"),
        UNITS,
        "line 3 (sample EIMFS01), column father",
        "'EIMFS01_DAD' is not a sample",
    ),
    (
        "mother is male",
        _sub(SAMPLES, "EIMFS01_MO\tEIMFS01\tfemale", "EIMFS01_MO\tEIMFS01\tmale"),
        UNITS,
        "line 3 (sample EIMFS01), column mother",
        "listed as male on line 5",
    ),
    (
        # Regression: passed the sheet checks and failed only at the filter, after alignment
        # and calling; the filter's pedigree checks now run on the sheet at parse time.
        "ancestry cycle",
        _sub(SAMPLES, "EIMFS01_FA\tEIMFS01\tmale\t0\t0", "EIMFS01_FA\tEIMFS01\tmale\t0\tEIMFS01"),
        UNITS,
        "line 3 (sample EIMFS01), column father",
        "EIMFS01 is their own ancestor (EIMFS01 -> parent EIMFS01_FA -> parent EIMFS01)",
    ),
    (
        "father of one and mother of another",
        _sub(
            _sub(SAMPLES, "EIMFS01_MO\tEIMFS01\tfemale", "EIMFS01_MO\tEIMFS01\tunknown"),
            "EIMFS01_FA\tEIMFS01\tmale\t0\t0",
            "EIMFS01_FA\tEIMFS01\tmale\tEIMFS01_MO\t0",
        ),
        UNITS,
        "line 4 (sample EIMFS01_FA), column father",
        "EIMFS01_MO is the father of EIMFS01_FA but the mother of EIMFS01 (line 3)",
    ),
    (
        "parent in another family",
        _sub(SAMPLES, "EIMFS01_FA\tEIMFS01\tmale", "EIMFS01_FA\tOTHER\tmale"),
        UNITS,
        "line 3 (sample EIMFS01), column father",
        "belongs to family 'OTHER'",
    ),
]

UNIT_CASES = [
    (
        "unit of unknown sample",
        SAMPLES,
        UNITS + "EIMFS99\tL001\tx_R1.fastq.gz\t\t\t\n",
        "line 12 (sample EIMFS99), column sample",
        "not in the samples sheet",
    ),
    (
        "two entry points in one row",
        SAMPLES,
        _sub(UNITS, "EIMFS02_L001_R2.fastq.gz\t\t", "EIMFS02_L001_R2.fastq.gz\tx.bam\t"),
        "line 6 (sample EIMFS02), column bam",
        "exactly one of fq1",
    ),
    (
        "no data in a row",
        SAMPLES,
        UNITS + "EIMFS02\tL009\t\t\t\t\n",
        "line 12 (sample EIMFS02), column fq1",
        "found none of them",
    ),
    (
        "duplicate unit",
        SAMPLES,
        UNITS + "EIMFS02\tL001\ty_R1.fq.gz\t\t\t\n",
        "line 12 (sample EIMFS02), column unit",
        "listed twice (first on line 6)",
    ),
    (
        "not a fastq",
        SAMPLES,
        _sub(UNITS, "EIMFS03_L001_R1.fastq.gz", "EIMFS03_L001_R1.txt"),
        "line 7 (sample EIMFS03), column fq1",
        "expected a FASTQ path",
    ),
    (
        "family mixes reads and a VCF",
        SAMPLES,
        _sub(
            UNITS,
            "EIMFS01_MO\tL001\tresources/demo/reads/EIMFS01_MO_L001_R1.fastq.gz\t"
            "resources/demo/reads/EIMFS01_MO_L001_R2.fastq.gz\t\t",
            "EIMFS01_MO\tL001\t\t\t\tfam.vcf.gz",
        ),
        "line 5 (sample EIMFS01_MO), column vcf",
        "mixes reads (sample EIMFS01, line 2) and a VCF",
    ),
    (
        "BAM beside other units",
        SAMPLES,
        UNITS + "EIMFS01\tL003\t\t\tx.bam\t\n",
        "line 12 (sample EIMFS01), column bam",
        "must be the sample's only unit",
    ),
]


@pytest.mark.parametrize(
    "case,samples,units,where,words", SAMPLE_CASES + UNIT_CASES, ids=lambda x: str(x)[:30]
)
def test_bad_sheets_name_line_and_column(tmp_path, case, samples, units, where, words):
    with pytest.raises(SampleSheetError) as exc:
        load(tmp_path, samples, units)
    assert exc.value.where == where, str(exc.value)
    assert words in exc.value.message
    # One line, starting with the file.
    assert "\n" not in str(exc.value)
    assert str(exc.value).startswith(str(tmp_path))


def test_sample_without_units(tmp_path):
    units = "".join(ln + "\n" for ln in UNITS.splitlines() if not ln.startswith("EIMFS05\t"))
    with pytest.raises(SampleSheetError, match=r"'EIMFS05' \(samples sheet line 9\) has no row"):
        load(tmp_path, SAMPLES, units)


def test_vcf_entry_family_and_missing_sample(tmp_path):
    units = HEADER_U + "".join(
        f"{s}\tvcf\t\t\t\t{DEMO / 'demo.vcf.gz'}\n" for s in ("EIMFS01", "EIMFS01_FA", "EIMFS01_MO")
    )
    samples = HEADER_S + "".join(ln + "\n" for ln in SAMPLES.splitlines()[2:5])
    sheet = load(tmp_path, samples, units)
    assert sheet.families["EIMFS01"].source == VCF
    assert sheet.families["EIMFS01"].vcf == str(DEMO / "demo.vcf.gz")
    bad = samples + "NOT_IN_VCF\tEIMFS01\tmale\t0\t0\tno\t\t\t\t\t\t\n"
    units += f"NOT_IN_VCF\tvcf\t\t\t\t{DEMO / 'demo.vcf.gz'}\n"
    with pytest.raises(SampleSheetError) as exc:
        load(tmp_path, bad, units)
    assert exc.value.where == "line 5 (sample NOT_IN_VCF), column vcf"
    assert "'NOT_IN_VCF' is not in" in exc.value.message


def test_family_with_two_vcfs(tmp_path):
    samples = HEADER_S + "".join(ln + "\n" for ln in SAMPLES.splitlines()[2:5])
    units = HEADER_U + "".join(
        f"{s}\tv\t\t\t\t{v}.vcf.gz\n"
        for s, v in (("EIMFS01", "a"), ("EIMFS01_FA", "a"), ("EIMFS01_MO", "b"))
    )
    with pytest.raises(SampleSheetError, match="name different VCFs"):
        load(tmp_path, samples, units)


def _bam(path, sm="S1", index=True):
    header = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": "chr1", "LN": 1000}]}
    header["RG"] = [{"ID": "rg1", "SM": sm}]
    with pysam.AlignmentFile(str(path), "wb", header=header):
        pass
    if index:
        pysam.index(str(path))


def test_bam_entry_needs_index_and_read_groups_for_freebayes(tmp_path):
    samples = HEADER_S + "S1\tF1\tfemale\t0\t0\tyes\t\t\t\n"
    bam = tmp_path / "s1.bam"
    _bam(bam, sm="other", index=False)
    units = HEADER_U + f"S1\tbam\t\t\t{bam}\t\n"
    with pytest.raises(SampleSheetError) as exc:
        load(tmp_path, samples, units)
    assert exc.value.where == "line 2 (sample S1), column bam"
    assert "no index beside" in exc.value.message
    pysam.index(str(bam))
    assert load(tmp_path, samples, units).samples_by_kind("bam") == ["S1"]
    with pytest.raises(SampleSheetError, match="name sample.s. other; freebayes needs @RG SM:S1"):
        load(tmp_path, samples, units, check_read_groups=True)


def test_read_tsv_rejects_extra_cells_and_duplicate_columns(tmp_path):
    p = tmp_path / "x.tsv"
    p.write_text("a\tb\n1\t2\t3\n")
    with pytest.raises(SampleSheetError, match="line 2: expected at most 2"):
        read_tsv(p)
    p.write_text("a\ta\n")
    with pytest.raises(SampleSheetError, match="line 1: column.s. a appear twice"):
        read_tsv(p)
    p.write_text("# comment only\n\n")
    with pytest.raises(SampleSheetError, match="empty"):
        read_tsv(p)


def test_ped_command(tmp_path, run):
    sheet = ROOT / "config" / "samples.tsv"
    result = run("ped", sheet, "--family", "EIMFS05")
    assert result.exit_code == 0 and result.stdout == "EIMFS05\tEIMFS05\t0\t0\t1\t2\n"
    result = run("ped", sheet, "--family", "NOPE", "-o", tmp_path / "x.ped")
    assert result.exit_code == 2
    assert f"{sheet}: no sample of family 'NOPE'" in result.stderr
    assert not (tmp_path / "x.ped").exists()
