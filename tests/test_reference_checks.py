"""A reference that lacks what the variants or the gene models need is an error, never a
silent misannotation; a stale or missing FASTA index is rebuilt in the cache, never trusted and
never written beside the user's file.

Regression for issue 11 item 2: with a FASTA lacking chr9 (or with chr9 cut short, or a stale
.fai) the demo's KCNT1 missense chr9:12383 C>T was reported as ``synonymous_variant
p.(Xaa474=)``, impact LOW, with only a warning about left-alignment. Item 8: a FASTA without
.fai got one written beside it.
"""

from __future__ import annotations

import os
import shutil

import pysam
import pytest

from .conftest import DEMO


def _fasta(tmp_path, drop=None, cut=None, keep_fai=False):
    """A copy of the demo genome without contig ``drop`` or with ``cut`` = (contig, length)."""
    src = pysam.FastaFile(str(DEMO / "genome.fa"))
    folder = tmp_path / "ref"
    folder.mkdir(exist_ok=True)
    if keep_fai:  # the old index first, so that it is older than the FASTA written next
        shutil.copy(DEMO / "genome.fa.fai", folder / "genome.fa.fai")
        old = os.stat(folder / "genome.fa.fai").st_mtime - 100
        os.utime(folder / "genome.fa.fai", (old, old))
    with open(folder / "genome.fa", "w") as fh:
        for name in src.references:
            if name == drop:
                continue
            seq = src.fetch(name)
            if cut and name == cut[0]:
                seq = seq[: cut[1]]
            fh.write(f">{name}\n")
            fh.write("".join(seq[i : i + 60] + "\n" for i in range(0, len(seq), 60)))
    return folder / "genome.fa"


def _filter(run, tmp_path, fasta, *extra):
    return run("filter", DEMO / "demo.vcf.gz", "--genes", DEMO / "genes.gff3", "--reference",
               fasta, "-o", tmp_path / "out", *extra)  # fmt: skip


def test_a_contig_the_panel_needs_missing_from_the_fasta_is_an_error(run, tmp_path):
    result = _filter(run, tmp_path, _fasta(tmp_path, drop="chr9"))
    assert result.exit_code == 2, result.output
    assert "contig chr9 is not in the reference, but panel gene KCNT1" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_contig_cut_short_is_an_error_naming_both_lengths(run, tmp_path):
    result = _filter(run, tmp_path, _fasta(tmp_path, cut=("chr9", 20000)))
    assert result.exit_code == 2, result.output
    assert "contig chr9 has 20,000 bases in the reference but 26,996 in the VCF header" in (
        result.stderr
    )


def test_a_stale_index_is_not_trusted(run, tmp_path):
    """The old, longer .fai beside a FASTA whose chr9 was cut short afterwards: trusting it
    would read past the contig's end."""
    fasta = _fasta(tmp_path, cut=("chr9", 20000), keep_fai=True)
    before = (fasta.parent / "genome.fa.fai").read_text()
    result = _filter(run, tmp_path, fasta)
    assert result.exit_code == 2, result.output
    assert "contig chr9 has 20,000 bases in the reference" in result.stderr
    assert (fasta.parent / "genome.fa.fai").read_text() == before  # rebuilt elsewhere


def test_an_index_that_disagrees_with_the_fasta_is_rebuilt(run, tmp_path):
    """Newer than the FASTA but from another file: its lengths do not add up to the FASTA."""
    fasta = _fasta(tmp_path, cut=("chrX", 30000))
    shutil.copy(DEMO / "genome.fa.fai", fasta.parent / "genome.fa.fai")  # the uncut one
    result = _filter(run, tmp_path, fasta)
    assert result.exit_code == 2
    assert "contig chrX has 30,000 bases in the reference but 43,772" in result.stderr


def test_a_fasta_without_index_gets_one_in_the_cache_not_beside_it(run, tmp_path):
    fasta = _fasta(tmp_path)
    folder = fasta.parent
    folder.chmod(0o555)  # read-only: nothing may be written there
    try:
        result = _filter(run, tmp_path, fasta)
    finally:
        folder.chmod(0o755)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == ["genome.fa"]
    assert list((tmp_path / "out").glob("*.json"))


@pytest.mark.parametrize("cache", ["on", "off"])
def test_the_kcnt1_missense_is_annotated_whatever_index_we_use(run, tmp_path, monkeypatch, cache):
    from .test_filter_demo import load

    if cache == "off":
        monkeypatch.setenv("MMPSI_CACHE_DIR", "off")
    result = _filter(run, tmp_path, _fasta(tmp_path))
    assert result.exit_code == 0, result.output
    v = load(tmp_path / "out")[0][("EIMFS01", "chr9", 12383, "C", "T")]
    assert v["consequence"] == ["missense_variant"] and v["hgvs_p"] == "p.(Arg474Cys)"


def test_a_record_on_a_contig_the_fasta_lacks_is_an_error(run, tmp_path):
    """Research mode reads every record: one on a contig without reference sequence stops the
    run, naming the record (it could be neither normalised nor annotated)."""
    result = run("filter", DEMO / "demo.vcf.gz", "--no-panel", "--reference",
                 _fasta(tmp_path, drop="chr19"), "-o", tmp_path / "out")  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "record chr19:" in result.stderr and "contig chr19 is not in the reference" in (
        result.stderr
    )


def test_annotate_refuses_a_transcript_the_fasta_cannot_give(run, tmp_path):
    result = run("annotate", DEMO / "demo.vcf.gz", "--genes", DEMO / "genes.gff3", "--reference",
                 _fasta(tmp_path, drop="chr9"), "-o", tmp_path / "a.vcf")  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "contig chr9 is not in the reference, but transcript" in result.stderr
    assert not (tmp_path / "a.vcf").exists()
