"""In-silico scores: REVEL-style and CADD-style tables, SpliceAI VCF, and bad input."""

from __future__ import annotations

import gzip
import importlib.util

import pysam
import pytest

from mmpsi_variants.annotation.sources.scores import (
    CADD,
    ScoreResult,
    ScoreTable,
    SpliceAISource,
    TableLayout,
    not_looked_up,
)
from mmpsi_variants.core.errors import InputFileError, MmpsiError, VcfError
from mmpsi_variants.io.fasta import Reference

from .conftest import DEMO
from .resource_helpers import RUN_START, info, toy_fasta, write_vcf


def generator():
    """The demo generator as a module: its score constants are the design values."""
    spec = importlib.util.spec_from_file_location("make_demo", DEMO / "make_demo.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def truth() -> dict[str, tuple[str, int, str, str]]:
    rows = [x.split("\t") for x in (DEMO / "truth_variants.tsv").read_text().splitlines()[1:]]
    return {r[0]: (r[1], int(r[2]), r[3], r[4]) for r in rows}


@pytest.fixture(scope="module")
def revel():
    table = ScoreTable(
        DEMO / "revel.demo.tsv.gz", "revel", reference=Reference(str(DEMO / "genome.fa"))
    )
    yield table
    table.close()


@pytest.fixture(scope="module")
def spliceai():
    src = SpliceAISource(DEMO / "spliceai.demo.vcf.gz", Reference(str(DEMO / "genome.fa")))
    yield src
    src.close()


# ------------------------------------------------------------------------------ REVEL (demo)


def test_every_planted_missense_gets_its_design_score(revel):
    design = generator().REVEL_SCORES
    alleles = truth()
    for vid, score in design.items():
        result = revel.lookup(*alleles[vid])
        assert (result.status, result.score) == ("found", score), vid
        assert result.source == "REVEL"


def test_kcnt1_de_novo_is_high_and_wwox_low(revel):
    alleles = truth()
    assert revel.lookup(*alleles["v01_KCNT1_denovo_missense"]).score >= 0.773
    assert revel.lookup(*alleles["v16_WWOX_missing_gt"]).score <= 0.183


def test_multiallelic_base_scores_each_alt(revel):
    scores = {alt: revel.lookup("chr20", 33268, "G", alt).score for alt in "ACT"}
    assert len(set(scores.values())) == 3
    extra = dict(revel.lookup("chr20", 33268, "G", "T").extra)
    assert (extra["aaref"], extra["aaalt"]) == ("R", "L")


def test_absent_and_not_covered(revel):
    # KCNT1 c.1421G>A (the ClinVar PM5 anchor) has no REVEL row; DOCK6 is on chr19, absent
    assert revel.lookup("chr9", 12384, "G", "A").status == "absent"
    assert revel.lookup("chr19", 17567, "C", "T").status == "not_covered"
    assert revel.lookup("chr19", 17999, "C", "T").status == "not_covered"
    assert sum("chr19" in w for w in revel.warnings) == 1
    assert not_looked_up("REVEL").status == "not_looked_up"
    with pytest.raises(ValueError):
        ScoreResult("maybe")


def test_contig_names_translated_both_ways(revel):
    # the table says '9'; the demo genome says 'chr9'
    assert revel.lookup("chr9", 12383, "C", "T").score == revel.lookup("9", 12383, "C", "T").score


def test_explicit_columns_same_as_preset():
    layout = TableLayout("chr", "grch38_pos", "ref", "alt", "REVEL")
    with ScoreTable(DEMO / "revel.demo.tsv.gz", layout, name="REVEL") as t:
        assert t.lookup("chr17", 9176, "C", "T").score == 0.94


# ------------------------------------------------------------------------------ CADD layout

CADD_HEAD = [
    "## CADD GRCh38-v1.7 (c) University of Washington, Hudson-Alpha and BIH. All rights reserved.",
    "#Chrom\tPos\tRef\tAlt\tRawScore\tPHRED",
]


def write_table(path, lines, *, compress=True, index=False, seq_col=0, pos_col=1):
    plain = path.with_suffix("") if compress else path
    plain.write_text("\n".join(lines) + "\n")
    if compress:
        pysam.tabix_compress(str(plain), str(path), force=True)
        plain.unlink()
        if index:
            pysam.tabix_index(
                str(path), seq_col=seq_col, start_col=pos_col, end_col=pos_col, meta_char="#"
            )
    return path


def test_cadd_layout_with_indels_and_temporary_index(tmp_path):
    fasta = toy_fasta(tmp_path)
    ref = Reference(str(fasta))
    anchor = RUN_START - 1  # G before the A8 run; a one-A deletion, left-aligned as CADD has it
    g_a = ref.fetch("chr1", anchor - 1, anchor + 1)
    rows = [
        f"1\t{anchor}\t{g_a}\tG\t0.91\t14.2",
        f"1\t{anchor + 2}\tA\tC\t1.20\t17.9",
        f"1\t{anchor + 2}\tA\tG\t2.80\t24.6",
    ]
    table = write_table(tmp_path / "cadd.tsv.gz", CADD_HEAD + rows)
    with ScoreTable(table, "cadd", reference=ref) as cadd:
        assert cadd.name == "CADD" and cadd.layout == CADD
        r = cadd.lookup("chr1", anchor + 2, "A", "G")
        assert (r.score, dict(r.extra)["RawScore"]) == (24.6, "2.80")
        # the same deletion written at the right end of the run
        last = RUN_START + 6
        assert cadd.lookup("chr1", last, "AA", "A").score == 14.2
        assert cadd.lookup("chr1", anchor + 2, "A", "T").status == "absent"


def test_plain_text_table_is_indexed_on_the_fly(tmp_path):
    lines = ["#Chrom\tPos\tRef\tAlt\tRawScore\tPHRED", "X\t10\tA\tG\t1.0\t12.5"]
    table = write_table(tmp_path / "cadd.tsv", lines, compress=False)
    with ScoreTable(table, "cadd") as cadd:
        assert cadd.lookup("chrX", 10, "A", "G").score == 12.5


def test_header_without_hash_is_skipped_when_indexing(tmp_path):
    lines = [
        "Chrom\tPos\tRef\tAlt\tRawScore\tPHRED",
        "1\t10\tA\tG\t1.0\t12.5",
        "1\t20\tC\tT\t2\t20",
    ]
    table = write_table(tmp_path / "cadd.tsv.gz", lines)
    with ScoreTable(table, "cadd") as cadd:
        assert cadd.lookup("1", 20, "C", "T").score == 20.0


def test_existing_index_is_used(tmp_path):
    lines = [*CADD_HEAD, "1\t10\tA\tG\t1.0\t12.5"]
    table = write_table(tmp_path / "cadd.tsv.gz", lines, index=True)
    with ScoreTable(table, "cadd") as cadd:
        assert cadd.index == tmp_path / "cadd.tsv.gz.tbi"
        assert cadd.lookup("1", 10, "A", "G").score == 12.5


# ------------------------------------------------------------------------------ table errors


def test_comma_separated_revel_release_file_gets_a_hint(tmp_path):
    csv = tmp_path / "revel_with_transcript_ids"
    csv.write_text("chr,hg19_pos,grch38_pos,ref,alt,aaref,aaalt,REVEL,Ensembl_transcriptid\n")
    with pytest.raises(InputFileError, match="comma-separated") as exc:
        ScoreTable(csv, "revel")
    assert str(exc.value).startswith(str(csv))


def test_missing_column_lists_what_was_found(tmp_path):
    table = write_table(tmp_path / "t.tsv.gz", ["#chrom\tpos\tref\talt\tscore", "1\t5\tA\tG\t0.5"])
    with pytest.raises(InputFileError, match=r"no column 'chr'.*found: chrom, pos"):
        ScoreTable(table, "revel")


def test_unknown_layout(tmp_path):
    with pytest.raises(InputFileError, match="unknown score table layout"):
        ScoreTable(tmp_path / "x.tsv.gz", "polyphen")


def test_non_numeric_score_names_the_row(tmp_path):
    table = write_table(tmp_path / "t.tsv.gz", [*CADD_HEAD, "1\t5\tA\tG\t0.5\thigh"])
    with ScoreTable(table, "cadd") as cadd, pytest.raises(InputFileError) as exc:
        cadd.lookup("1", 5, "A", "G")
    assert "row 1:5" in str(exc.value) and "'high'" in str(exc.value)


def test_unsorted_table_cannot_be_indexed(tmp_path):
    table = write_table(
        tmp_path / "t.tsv.gz", [*CADD_HEAD, "1\t50\tA\tG\t1\t2", "1\t5\tA\tG\t1\t2"]
    )
    with pytest.raises(MmpsiError, match="not sorted"):
        ScoreTable(table, "cadd")


def test_revel_rows_without_a_position_on_this_build_are_skipped(tmp_path):
    head = "#chr\thg19_pos\tgrch38_pos\tref\talt\taaref\taaalt\tREVEL\tEnsembl_transcriptid"
    rows = ["1\t100\t.\tA\tG\tK\tE\t0.3\tENST1", "1\t100\t105\tA\tC\tK\tT\t0.4\tENST1"]
    table = write_table(tmp_path / "r.tsv.gz", [head, *rows], index=True, pos_col=1)
    with ScoreTable(table, "revel_grch37") as t:
        assert t.lookup("1", 100, "A", "C").score == 0.4


# ------------------------------------------------------------------------------ SpliceAI


def test_aldh7a1_donor_has_the_design_donor_loss(spliceai):
    design = {vid: vals[vid] for ids, vals, _ in generator().SPLICEAI for vid in ids}
    alleles = truth()
    for vid, values in design.items():
        r = spliceai.lookup(*alleles[vid])
        assert r.status == "found", vid
        assert r.max_delta == max(values[:4]), vid
    donor = spliceai.lookup(*alleles["v04a_ALDH7A1_splice_donor"])
    assert (donor.max_kind, donor.entries[0].symbol, donor.entries[0].dp_dl) == (
        "DS_DL",
        "ALDH7A1",
        design["v04a_ALDH7A1_splice_donor"][7],
    )


def test_spliceai_picks_the_allele_of_a_multiallelic_record(spliceai):
    a = spliceai.lookup("chr20", 33268, "G", "A")
    t = spliceai.lookup("chr20", 33268, "G", "T")
    assert a.max_delta < 0.2 <= t.max_delta
    assert [e.allele for e in t.entries] == ["T"]


def test_spliceai_absent_not_covered_and_gene(spliceai):
    assert spliceai.lookup("chr9", 12384, "G", "A").status == "absent"
    assert spliceai.lookup("chr17", 9176, "C", "T").status == "not_covered"
    assert spliceai.lookup("chr5", 20236, "C", "T", gene="ALDH7A1").max_delta == 0.97
    # a gene it was not scored in: all its genes are used
    assert spliceai.lookup("chr5", 20236, "C", "T", gene="OTHER").max_delta == 0.97


def test_spliceai_several_genes_and_missing_values(tmp_path):
    fmt = "ALLELE|SYMBOL|DS_AG|DS_AL|DS_DG|DS_DL|DP_AG|DP_AL|DP_DG|DP_DL"
    header = [
        f'##INFO=<ID=SpliceAI,Number=.,Type=String,Description="SpliceAIv1.3 variant '
        f'annotation. Format: {fmt}">'
    ]
    vcf = write_vcf(
        tmp_path / "s.vcf.gz",
        header,
        [
            "chr1\t10\t.\tA\tG\t.\t.\tSpliceAI=G|GENE1|0.10|0.00|0.30|0.00|1|2|3|4,G|GENE2|.|.|.|.|.|.|.|."
        ],
    )
    with SpliceAISource(vcf) as src:
        assert src.version == "SpliceAI v1.3"
        r = src.lookup("chr1", 10, "A", "G")
        assert (r.max_delta, r.max_kind, len(r.entries)) == (0.3, "DS_DG", 2)
        assert src.lookup("chr1", 10, "A", "G", gene="GENE2").max_delta is None


def test_spliceai_without_its_header_is_refused(tmp_path):
    vcf = write_vcf(tmp_path / "s.vcf.gz", [info("AF")], ["chr1\t10\t.\tA\tG\t.\t.\tAF=0.1"])
    with pytest.raises(InputFileError, match="expected a SpliceAI VCF"):
        SpliceAISource(vcf)


def test_spliceai_malformed_entry_names_the_record(tmp_path):
    fmt = "ALLELE|SYMBOL|DS_AG|DS_AL|DS_DG|DS_DL|DP_AG|DP_AL|DP_DG|DP_DL"
    header = [f'##INFO=<ID=SpliceAI,Number=.,Type=String,Description="Format: {fmt}">']
    vcf = write_vcf(tmp_path / "s.vcf.gz", header, ["chr1\t10\t.\tA\tG\t.\t.\tSpliceAI=G|X|0.1"])
    with SpliceAISource(vcf) as src, pytest.raises(VcfError, match="record chr1:10"):
        src.lookup("chr1", 10, "A", "G")


def test_demo_score_files_are_what_the_readme_says():
    with gzip.open(DEMO / "revel.demo.tsv.gz", "rt") as fh:
        rows = [x for x in fh if not x.startswith("#")]
    readme = (DEMO / "README.md").read_text()
    assert f"REVEL-style score table ({len(rows)} rows)" in readme
