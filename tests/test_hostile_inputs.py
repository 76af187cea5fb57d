"""Hostile and careless input (issue 11): each case one line naming the place, exit 2, nothing
written, nothing left in $TMPDIR (the autouse fixture of conftest.py checks that for every test).

Each row builds its inputs in a fresh folder and names the command, the exit code and the text
the error line must hold. Cases that are not errors (a breakend, a control character in a
sample name, a byte-order mark) follow the table.
"""

from __future__ import annotations

import errno
import gzip
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pysam
import pytest

from .conftest import DEMO, ROOT, demo_vcf_text

GENES = DEMO / "genes.gff3"


def _vcf(tmp: Path, edit: Callable[[str], str], name: str = "in.vcf") -> Path:
    p = tmp / name
    p.write_text(edit(demo_vcf_text()))
    return p


def _record(old: str, new: str) -> Callable[[str], str]:
    """Replace the start of the demo's KCNT1 record line (chr9 12383 . C T)."""

    def edit(text: str) -> str:
        assert old in text
        return text.replace(old, new, 1)

    return edit


KCNT1 = "chr9\t12383\t.\tC\tT"


def _filter(*extra):
    def build(tmp: Path):
        return ["filter", *[a(tmp) if callable(a) else a for a in extra], "-o", tmp / "out"]

    return build


def _panel(vcf):
    return _filter(vcf, "--genes", GENES)


def _research(vcf):
    return _filter(vcf, "--no-panel", "--keep-all")


def _pos(value):
    return lambda t: _vcf(t, _record(KCNT1, f"chr9\t{value}\t.\tC\tT"))


def _alt(alt):
    return lambda t: _vcf(t, _record(KCNT1, f"chr9\t12383\t.\tC\t{alt}"))


def _undeclared_contig(t):
    return _vcf(
        t, lambda s: "\n".join(ln for ln in s.split("\n") if "##contig=<ID=chr9," not in ln)
    )


def _stale_tbi(t):
    """A .tbi that belongs to another file: htslib's 'iteration failed' was a traceback."""
    vcf = t / "demo.vcf.gz"
    shutil.copy(DEMO / "demo.vcf.gz", vcf)
    shutil.copy(DEMO / "gnomad.demo.vcf.gz.tbi", Path(f"{vcf}.tbi"))
    return vcf


def _gff_parent_cycle(t):
    gff = t / "cycle.gff3"
    gff.write_text(
        "##gff-version 3\n"
        "chr9\tx\tgene\t6001\t9000\t.\t+\t.\tID=gene:G1;Name=KCNT1\n"
        "chr9\tx\tmRNA\t6001\t9000\t.\t+\t.\tID=transcript:T1;Parent=transcript:T2\n"
        "chr9\tx\tmRNA\t6001\t9000\t.\t+\t.\tID=transcript:T2;Parent=transcript:T1\n"
        "chr9\tx\texon\t6001\t9000\t.\t+\t.\tParent=transcript:T1\n"
    )
    return gff


def _settings_min_above_max(t):
    p = t / "s.yaml"
    p.write_text("inheritance:\n  de_novo:\n    child:\n      min_allele_fraction: 0.9\n")
    return p


def _a_file(t):
    (t / "afile").write_text("x")
    return t / "afile" / "sub"


def _fasta_without_chr9(t):
    fasta = pysam.FastaFile(str(DEMO / "genome.fa"))
    ref = t / "ref.fa"
    with open(ref, "w") as out:
        for contig in fasta.references:
            if contig != "chr9":
                out.write(f">{contig}\n{fasta.fetch(contig)}\n")
    return ref


def _samples_with_a_cycle(t):
    sheet = t / "samples.tsv"
    text = (ROOT / "config" / "samples.tsv").read_text()
    old = "EIMFS01_FA\tEIMFS01\tmale\t0\t0"
    assert old in text
    sheet.write_text(text.replace(old, "EIMFS01_FA\tEIMFS01\tmale\t0\tEIMFS01"))
    return sheet


# (case, argv builder, expected exit code, text the one error line must hold)
CASES: list[tuple[str, Callable[[Path], list], int, str]] = [
    ("POS with letters, panel", _panel(_pos("12x83")), 2,
     "record chr9:12x83: POS '12x83' is not a positive integer"),
    ("POS with letters, research", _research(_pos("12x83")), 2,
     "Could not parse the position '12x83'"),
    ("POS 0, panel", _panel(_pos("0")), 2, "record chr9:0: POS is 0 or below"),
    ("POS 0, research", _research(_pos("0")), 2, "record chr9:0: POS 0 is below 1"),
    ("POS -5, panel", _panel(_pos("-5")), 2, "record chr9:-5: POS '-5' is not a positive integer"),
    ("POS -5, research", _research(_pos("-5")), 2, "Could not parse the position '-5'"),
    ("contig missing from the header, panel", _panel(_undeclared_contig), 2,
     "contig(s) chr9 have records but are not declared in the header"),
    ("contig missing from the header, research", _research(_undeclared_contig), 2,
     "record chr9:12383: contig chr9 is not declared in the header"),
    ("ALT X", _panel(_alt("X")), 2,
     "record chr9:12383: ALT 'X' is not a sequence of A, C, G, T or N"),
    ("ALT equal to REF", _panel(_alt("C")), 2, "record chr9:12383: ALT 'C' equals REF"),
    ("malformed breakend", _panel(_alt("C[chr2:abc[")), 2, "is not a valid breakend"),
    ("a folder as the VCF", _filter(lambda t: t, "--genes", GENES), 2,
     "is a directory; expected a VCF or BCF file"),
    ("a folder as the gene models", _filter(DEMO / "demo.vcf.gz", "--genes", lambda t: t), 2,
     "is a folder; expected a file"),
    ("a foreign .tbi beside the VCF", _panel(_stale_tbi), 2,
     "demo.vcf.gz.tbi does not fit this file"),
    ("GFF3 Parent cycle", _filter(DEMO / "demo.vcf.gz", "--genes", _gff_parent_cycle), 2,
     "Parent links form a cycle (transcript:T1 -> transcript:T2 -> transcript:T1)"),
    ("settings minimum above maximum",
     _filter(DEMO / "demo.vcf.gz", "--genes", GENES, "--settings", _settings_min_above_max), 2,
     "inheritance/de_novo/child: min_allele_fraction 0.9 is above max_allele_fraction 0.8"),
    ("output under a file", lambda t: ["filter", DEMO / "demo.vcf.gz", "--genes", GENES, "-o",
                                       _a_file(t)], 2,
     "afile/sub: a part of this path is a file, not a folder"),
    ("the FASTA lacks chr9, where KCNT1 is",
     _filter(DEMO / "demo.vcf.gz", "--genes", GENES, "--reference", _fasta_without_chr9), 2,
     "contig chr9 is not in the reference, but panel gene KCNT1 (chr9:6001-20996) lies on it"),
    ("a folder as the reference",
     _filter(DEMO / "demo.vcf.gz", "--genes", GENES, "--reference", lambda t: t), 2,
     "is a directory; expected a FASTA file"),
    ("ancestry cycle in samples.tsv", lambda t: ["ped", _samples_with_a_cycle(t), "-o",
                                                 t / "out" / "x.ped"], 2,
     "line 3 (sample EIMFS01), column father: EIMFS01 is their own ancestor"),
    ("coverage of a truncated BAM", lambda t: ["coverage", _truncated_bam(t), "--genes", GENES,
                                               "-o", t / "out" / "cov"], 2,
     "cannot read as BAM/CRAM (no BGZF EOF marker; file may be truncated)"),
]  # fmt: skip

# Faults of the machine, made by replacing the function that opens every output's temporary
# file: a full disk (writes go to /dev/full), a read-only file system, an immutable folder.
FAULTS = {
    "disk full": "full",
    "read-only file system": errno.EROFS,
    "immutable folder": errno.EPERM,
}
COMMANDS = {
    "filter": lambda t: ["filter", DEMO / "demo.vcf.gz", "--genes", GENES, "-o", t / "out"],
    "annotate": lambda t: ["annotate", DEMO / "demo.vcf.gz", "--genes", GENES, "--reference",
                           DEMO / "genome.fa", "-o", t / "out" / "a.vcf"],
    "ped -o": lambda t: ["ped", ROOT / "config" / "samples.tsv", "-o", t / "out" / "x.ped"],
    "panel -o": lambda t: ["panel", "-o", t / "out" / "panel.tsv"],
}  # fmt: skip
EXPECTED_FAULT = {
    "disk full": "the disk is full (",
    "read-only file system": ": read-only file system",
    "immutable folder": ": operation not permitted",
}


def _truncated_bam(t: Path) -> Path:
    header = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": "chr9", "LN": 26996}]}
    bam = t / "reads.bam"
    with pysam.AlignmentFile(str(bam), "wb", header=header) as out:
        for i in range(200):
            read = pysam.AlignedSegment()
            read.query_name, read.reference_id, read.reference_start = f"r{i}", 0, 6000 + i
            read.query_sequence, read.cigarstring = "A" * 50, "50M"
            read.query_qualities = pysam.qualitystring_to_array("I" * 50)
            read.mapping_quality = 60
            out.write(read)
    pysam.index(str(bam))
    data = bam.read_bytes()
    bam.write_bytes(data[:-28])  # the BGZF end-of-file block gone: a file cut short
    return bam


def _check_one_error_line(result, code: int, expected: str, out: Path) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ": error: " in ln]
    assert len(errors) == 1 and errors[0].startswith("mmpsi-variants: error: "), result.stderr
    assert all(ln.startswith("mmpsi-variants: ") for ln in lines), "htslib's lines leaked"
    assert expected in errors[0]
    left = [p for p in out.rglob("*") if p.is_file()] if out.exists() else []
    assert not left, f"left behind: {left}"


@pytest.mark.parametrize("case,build,code,expected", CASES, ids=[c[0] for c in CASES])
def test_hostile_input(run, tmp_path, case, build, code, expected):
    work = tmp_path / "in"
    work.mkdir()
    _check_one_error_line(run(*build(work)), code, expected, work / "out")


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("command", COMMANDS)
def test_machine_faults_on_output(run, tmp_path, monkeypatch, fault, command):
    from mmpsi_variants.io import commit

    real = commit._create

    def faulty(path):
        if FAULTS[fault] == "full":
            os.close(real(path))
            return os.open("/dev/full", os.O_WRONLY)
        raise OSError(FAULTS[fault], os.strerror(FAULTS[fault]), str(Path(path).parent))

    monkeypatch.setattr(commit, "_create", faulty)
    result = run(*COMMANDS[command](tmp_path))
    _check_one_error_line(result, 2, EXPECTED_FAULT[fault], tmp_path / "out")


def _filter_one(run, tmp_path, ref: str, alt: str) -> dict:
    """Filter one KCNT1 record at chr9:12383 of the demo genome and return its JSON entry."""
    from .test_filter_demo import load

    vcf = _vcf(tmp_path, _record(KCNT1, f"chr9\t12383\t.\t{ref}\t{alt}"))
    result = run("filter", vcf, "--genes", GENES, "--reference", DEMO / "genome.fa", "-o",
                 tmp_path / "out")  # fmt: skip
    assert result.exit_code == 0, result.output
    return load(tmp_path / "out")[0][("EIMFS01", "chr9", 12383, ref, alt)]


def test_a_breakend_is_not_annotated_as_sequence(run, tmp_path):
    """Regression: ALT C[chr2:321682[ was annotated as a frameshift insertion, impact HIGH."""
    v = _filter_one(run, tmp_path, "C", "C[chr2:321682[")
    assert v["consequence"] is None and v["hgvs_p"] is None and v["annotation_source"] is None
    assert "PVS1" not in v["acmg"]["met"]


def test_ref_n_where_the_reference_has_a_base_is_a_mismatch(run, tmp_path):
    v = _filter_one(run, tmp_path, "N", "T")
    assert "ref_mismatch" in v["flags"] and v["consequence"] is None


def test_control_characters_in_a_sample_name_are_escaped(run, tmp_path):
    """An OSC sequence in a sample name must neither reach the terminal nor break the TSV."""
    evil = "EIMFS02\x1b]0;owned\x07"
    text = demo_vcf_text().replace("\tEIMFS02\t", f"\t{evil}\t", 1)
    vcf = tmp_path / "evil.vcf"
    vcf.write_text(text)
    result = run("filter", vcf, "--genes", GENES, "--sample", evil, "--sample", "NOBODY",
                 "-o", tmp_path / "out")  # fmt: skip
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "\\x1b]0;owned\\x07" in result.stderr
    result = run("filter", vcf, "--genes", GENES, "--sample", evil, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    (tsv,) = (tmp_path / "out").glob("*.tsv")
    body = tsv.read_text()
    assert "\x1b" not in body and "\x07" not in body and "\\x1b]0;owned" in body


def test_a_vep_entry_short_of_fields_is_a_warning_naming_the_record(run, tmp_path):
    src = Path(__file__).parent / "data" / "realdata" / "annotated" / "snpeff_and_vep.vcf.gz"
    with gzip.open(src, "rt") as fh:
        lines = fh.read().splitlines(keepends=True)
    i = next(
        n for n, ln in enumerate(lines)
        if not ln.startswith("#") and "CSQ=" in ln and ln.split("\t")[6] == "PASS"
    )  # fmt: skip
    cols = lines[i].split("\t")
    info = cols[7].split(";")
    j = next(k for k, it in enumerate(info) if it.startswith("CSQ="))
    info[j] = "CSQ=" + "|".join(info[j][4:].split(",")[0].split("|")[:5])
    cols[7] = ";".join(info)
    lines[i] = "\t".join(cols)
    vcf = tmp_path / "short.vcf"
    vcf.write_text("".join(lines))
    result = run("filter", vcf, "--use-existing-annotation", "--no-panel", "--keep-all", "-o",
                 tmp_path / "out")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"record {cols[0]}:{cols[1]}: a CSQ entry has 5 of the" in result.stderr


def test_a_sample_sheet_with_a_byte_order_mark_is_read(tmp_path):
    from mmpsi_variants.io.samplesheet import load_samples

    from .conftest import ROOT

    sheet = tmp_path / "samples.tsv"
    sheet.write_bytes(b"\xef\xbb\xbf" + (ROOT / "config" / "samples.tsv").read_bytes())
    assert "EIMFS01" in load_samples(sheet)


def test_gzip_vcf_is_still_fine(run, tmp_path):
    """The position check of a recompressed input reads across block boundaries."""
    vcf = tmp_path / "plain.vcf.gz"
    with gzip.open(vcf, "wt") as fh:
        fh.write(demo_vcf_text())
    result = run("filter", vcf, "--genes", GENES, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
