"""Bad input: one line naming the file, the record and what was expected; exit 2; no output."""

import gzip
import shutil

import pytest
import yaml

from mmpsi_variants.cnv.results import TSV_COLUMNS
from mmpsi_variants.panel.knowledge import default_panel_path

from .conftest import DEMO, demo_vcf_text

VCF = DEMO / "demo.vcf.gz"


def _missing(tmp):
    return [tmp / "nope.vcf.gz"], "file not found"


def _not_a_vcf(tmp):
    return [DEMO / "genes.gff3"], "not a VCF"


def _empty(tmp):
    p = tmp / "empty.vcf"
    p.write_text("")
    return [p], "file is empty"


def _truncated_bgzf(tmp):
    p = tmp / "cut.vcf.gz"
    p.write_bytes(VCF.read_bytes()[:-100])
    return [p], "truncated"


def _truncated_gzip(tmp):
    p = tmp / "cut.vcf.gz"
    data = gzip.compress(demo_vcf_text().encode())
    p.write_bytes(data[: len(data) // 2])
    return [p], "truncated"


def _contigs_do_not_match(tmp):
    text = demo_vcf_text().replace("ID=chr", "ID=scaffold_").replace("\nchr", "\nscaffold_")
    p = tmp / "scaffolds.vcf"
    p.write_text(text)
    return [p], "none of the panel genes' contigs"


def _sample_not_in_vcf(tmp):
    return [VCF, "--sample", "EIMFS99"], "sample(s) EIMFS99 not in the VCF"


def _gene_absent_from_models(tmp):
    lines = (DEMO / "genes.gff3").read_text().splitlines(keepends=True)
    gff = tmp / "no_kcnt1.gff3"
    kcnt1_ids = ("ENSG00000107147", "ENST00000371757", "ENST00000487664")
    gff.write_text("".join(ln for ln in lines if not any(i in ln for i in kcnt1_ids)))
    return [
        VCF,
        "--genes",
        gff,
    ], "not found in the gene models by HGNC ID, Ensembl ID, symbol or alias: KCNT1 (HGNC:18865)"


def _malformed_panel(tmp):
    p = tmp / "panel.yaml"
    p.write_text("schema_version: 1\n\tgenes: []\n")
    return [VCF, "--panel", p], "line 2: found character '\\t' that cannot start any token"


def _panel_breaks_schema(tmp):
    data = yaml.safe_load(default_panel_path().read_text())
    data["genes"][0]["inheritance"]["modes"] = ["dominant"]
    p = tmp / "panel.yaml"
    p.write_text(yaml.safe_dump(data))
    return [VCF, "--panel", p], "genes/0/inheritance/modes/0"


def _bad_gff_phase(tmp):
    text = (DEMO / "genes.gff3").read_text()
    i = text.index("\tCDS\t")
    j = (
        text.index("\t", text.index("\t", text.index("\t", text.index("\t", i + 1) + 1) + 1) + 1)
        + 1
    )
    k = text.index("\t", j + 1) + 1  # the phase column
    bad = text[:k] + "7" + text[k + 1 :]
    gff = tmp / "bad.gff3"
    gff.write_text(bad)
    line = bad[:k].count("\n") + 1
    return [VCF, "--genes", gff], f"line {line}: CDS phase '7' is impossible"


def _unsorted(tmp):
    lines = demo_vcf_text().splitlines(keepends=True)
    head = [ln for ln in lines if ln.startswith("#")]
    body = [ln for ln in lines if not ln.startswith("#")]
    p = tmp / "unsorted.vcf"
    p.write_text("".join(head + body[::-1]))
    return [p], "not sorted by position"


def _reference_without_those_contigs(tmp):
    ref = tmp / "other.fa"
    ref.write_text(">contigA\nACGTACGTACGT\n")
    return [VCF, "--reference", ref], "none of the VCF's contigs"


def _ped_short_line(tmp):
    ped = tmp / "bad.ped"
    ped.write_text("EIMFS01\tEIMFS01\t0\t0\t2\n")
    return [VCF, "--ped", ped], "line 1: expected 6 columns"


def _short_record(tmp):
    lines = demo_vcf_text().splitlines(keepends=True)
    i = next(n for n, ln in enumerate(lines) if ln.startswith("chr9\t12383"))
    lines[i] = "\t".join(lines[i].split("\t")[:3]) + "\n"  # cut short: htslib would skip it
    p = tmp / "short.vcf"
    p.write_text("".join(lines))
    return [p], "record chr9:12383: expected 18 tab-separated columns, found 3"


def _bad_cnv_table(tmp):
    table = tmp / "EIMFS01.cnv.tsv"
    table.write_text(
        "# sample: EIMFS01\ngene\texons\tchrom\tstart\tend\tcopy_number\tlog2\tcall\tbins"
        "\tquality\tci_low\tci_high\nSCN1A\t9-10\tchr2\t48729\t49859\tone\t-1\tdeletion"
        "\t3\tq\t-1.05\t-0.96\n"
    )
    return [VCF, "--cnv", table], "line 3: copy_number 'one' is not an integer"


def _cnv_table_of_another_sample(tmp):
    table = tmp / "x.cnv.tsv"
    table.write_text("# sample: EIMFS02\n" + "\t".join(TSV_COLUMNS) + "\n")
    return [VCF, "--cnv", f"EIMFS01={table}"], "--cnv names sample 'EIMFS01', but the table"


CASES = {
    "missing file": _missing,
    "not a VCF": _not_a_vcf,
    "empty file": _empty,
    "truncated BGZF": _truncated_bgzf,
    "truncated gzip": _truncated_gzip,
    "contigs do not match": _contigs_do_not_match,
    "sample not in VCF": _sample_not_in_vcf,
    "panel gene absent from gene models": _gene_absent_from_models,
    "malformed panel YAML": _malformed_panel,
    "panel breaks its schema": _panel_breaks_schema,
    "impossible CDS phase": _bad_gff_phase,
    "unsorted VCF": _unsorted,
    "reference with other contigs": _reference_without_those_contigs,
    "short PED line": _ped_short_line,
    "record cut short": _short_record,
    "bad copy-number table": _bad_cnv_table,
    "copy-number table of another sample": _cnv_table_of_another_sample,
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_gives_one_line_and_exit_2(run, tmp_path, case):
    args, expected = CASES[case](tmp_path)
    first, *rest = args
    opts = ["--genes", DEMO / "genes.gff3", "--build", "none"]
    if "--genes" in rest:
        opts = ["--build", "none"]
    out = tmp_path / "out"
    result = run("filter", first, *opts, *rest, "-o", out)
    assert result.exit_code == 2, result.output
    # Warnings may come first; the error itself is one line.
    lines = [ln for ln in result.stderr.strip().splitlines() if ": warning: " not in ln]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("mmpsi-variants: error: ")
    assert expected in lines[0]
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.iterdir()), "partial output left behind"


def test_unparseable_record_when_streaming_without_panel(run, tmp_path):
    args, _ = _short_record(tmp_path)
    result = run("filter", args[0], "--no-panel", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "cannot read the record after chr5:20236" in result.stderr
    assert not (tmp_path / "out").exists()


def test_genes_required_unless_no_panel(run, tmp_path):
    result = run("filter", VCF, "-o", tmp_path)
    assert result.exit_code == 2
    assert "--genes is required" in result.stderr


def test_failure_after_some_samples_leaves_no_partial_files(monkeypatch, run, tmp_path):
    """If writing stops half-way, the files already written are removed, not left behind."""
    from mmpsi_variants.io import commit

    calls = {"n": 0}
    real = commit._create

    def failing(path):
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError("disk full")
        return real(path)

    monkeypatch.setattr(commit, "_create", failing)
    with pytest.raises(OSError):
        run("filter", VCF, "--genes", DEMO / "genes.gff3", "--build", "none", "-o", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_unreadable_directory_as_vcf(run, tmp_path):
    result = run("filter", tmp_path, "--genes", DEMO / "genes.gff3", "-o", tmp_path / "o")
    assert result.exit_code == 2


@pytest.fixture(autouse=True)
def _no_leftover_tmp(tmp_path):
    yield
    shutil.rmtree(tmp_path, ignore_errors=True)
