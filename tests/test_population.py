"""gnomAD look-ups: the demo resource (v4 field names), the real v2.1 header, bad input."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from mmpsi_variants.annotation.sources.gnomad import NOT_LOOKED_UP, GnomadSource, PopulationResult
from mmpsi_variants.core.contigs import get_build
from mmpsi_variants.core.errors import InputFileError, MmpsiError, VcfError
from mmpsi_variants.io.fasta import Reference

from .conftest import DEMO, REAL
from .resource_helpers import REPEAT_START, info, toy_fasta, write_vcf

GNOMAD_V2 = REAL / "annotated" / "gnomad_v2.1_header.vcf.gz"


def demo_records() -> dict[str, tuple[str, int, str, list[str]]]:
    """Planted alleles as written in demo.vcf.gz, keyed by truth id (multi-allelic: by ALT)."""
    truth = {}
    for line in (DEMO / "truth_variants.tsv").read_text().splitlines()[1:]:
        cols = line.split("\t")
        truth[(cols[1], int(cols[2]), cols[3], cols[4])] = cols[0]
    out = {}
    with gzip.open(DEMO / "demo.vcf.gz", "rt") as fh:
        rows = [line.split("\t")[:5] for line in fh if not line.startswith("#")]
    ref = Reference(str(DEMO / "genome.fa"))
    from mmpsi_variants.io.normalize import split_record

    for chrom, pos, vid_, refb, alts in rows:
        if vid_.startswith("bg_"):
            continue  # off-panel background SNVs, there for the sample checks
        for allele in split_record(chrom, int(pos), refb, alts.split(","), ref):
            vid = truth[(allele.chrom, allele.pos, allele.ref, allele.alt)]
            out[vid] = (chrom, int(pos), refb, alts.split(","), allele.allele_index)
    return out


@pytest.fixture(scope="module")
def demo_gnomad():
    src = GnomadSource(DEMO / "gnomad.demo.vcf.gz", Reference(str(DEMO / "genome.fa")))
    yield src
    src.close()


# The planted alleles, looked up as demo.vcf.gz writes them (un-normalised, multi-allelic).
# Expected figures are the gnomAD demo records' INFO (resources/demo/README.md, gnomAD table).
DEMO_CASES = [
    # id, status, AC, AN, why
    ("v01_KCNT1_denovo_missense", "absent", None, None, "de novo: absent on purpose"),
    ("v09_SCN2A_common_synonymous", "found", 434012, 1400032, "common synonymous (BA1)"),
    ("v10_KCNT1_rare_synonymous", "found", 3, 1461894, "rare synonymous"),
    ("v12a_SLC12A5_multiallelic_alt1", "found", 5, 1461736, "first ALT of the site in gnomAD"),
    ("v12b_SLC12A5_multiallelic_alt2", "absent", None, None, "second ALT of the site is not"),
    ("v13_PLCB1_homopolymer_inframe_del", "found", 2, 1461622, "right-shifted in demo.vcf"),
    ("v05_PNPO_hom_missense", "absent", None, None, "gnomAD has another ALT at the site"),
    ("v04a_ALDH7A1_splice_donor", "absent", None, None, "chr5 is covered, allele absent"),
    ("v06_ATP7A_stop_gained", "absent", None, None, "chrX is covered, allele absent"),
    ("v16_WWOX_missing_gt", "absent", None, None, "chr16 is covered, allele absent"),
]


@pytest.mark.parametrize("vid, status, ac, an, why", DEMO_CASES, ids=[c[0] for c in DEMO_CASES])
def test_demo_lookups_as_written_in_the_demo_vcf(demo_gnomad, vid, status, ac, an, why):
    chrom, pos, ref, alts, idx = demo_records()[vid]
    result = demo_gnomad.lookup(chrom, pos, ref, alts[idx - 1])
    assert result.status == status, why
    assert (result.ac, result.an) == (ac, an)
    if status == "found":
        assert result.af == pytest.approx(ac / an, rel=1e-3)
        assert result.record.split(":")[0] == chrom


def test_common_synonymous_carries_every_v4_figure(demo_gnomad):
    r = demo_gnomad.lookup("chr2", 23191, "G", "A")
    assert r == PopulationResult(
        "found",
        af=0.31,
        ac=434012,
        an=1400032,
        nhomalt=67281,
        nhemi=None,  # autosome
        grpmax_af=0.3172,
        grpmax_group="nfe",
        faf95_max=0.3101,
        filters=(),
        fields=(
            "af=AF",
            "ac=AC",
            "an=AN",
            "nhomalt=nhomalt",
            "grpmax_af=AF_grpmax",
            "grpmax_group=grpmax",
            "faf95_max=fafmax_faf95_max",
        ),
        source_version="gnomAD v4 fields",
        record="chr2:23191:G:A",
    )
    assert demo_gnomad.version == "v4"


def test_left_alignment_needs_the_reference():
    """Without a reference the right-shifted PLCB1 deletion cannot be matched: only trimming."""
    with GnomadSource(DEMO / "gnomad.demo.vcf.gz") as plain:
        assert plain.lookup("chr20", 11384, "AAAA", "A").status == "absent"
        assert plain.lookup("chr20", 11381, "GAAA", "G").status == "found"


def test_contig_names_are_translated(demo_gnomad):
    assert demo_gnomad.lookup("9", 15862, "G", "A").ac == 3
    assert demo_gnomad.lookup("chr9", 15862, "G", "A").ac == 3


def test_missing_contig_is_warned_about_once(tmp_path):
    seen = []
    with GnomadSource(DEMO / "gnomad.demo.vcf.gz", warn=seen.append) as src:
        for pos in (5100, 6000, 100):  # chr3 (QARS1) has no gnomAD records in the demo
            assert src.lookup("chr3", pos, "C", "T").status == "not_covered"
        assert src.lookup("chrY", 5, "A", "G").status == "not_covered"
    assert len(seen) == 2
    assert "no records on contig chr3" in seen[0] and "gnomAD" in seen[0]


def test_reads_only_through_the_index(demo_gnomad):
    before = demo_gnomad.vcf.n_fetches
    for chrom, pos in (("chr2", 23191), ("chr9", 12383), ("chr20", 33268)):
        demo_gnomad.lookup(chrom, pos, "G", "A")
    assert demo_gnomad.vcf.n_fetches - before == 3


def test_not_looked_up_is_its_own_status():
    assert NOT_LOOKED_UP.status == "not_looked_up"
    assert NOT_LOOKED_UP.to_json()["af"] is None
    with pytest.raises(ValueError):
        PopulationResult("missing")


def test_coverage_bed_turns_uncovered_positions_into_not_covered(tmp_path):
    bed = tmp_path / "cov.bed"
    bed.write_text("chr9\t12000\t13000\nchr2\t23000\t23500\nchr5\t16000\t17000\n")
    with GnomadSource(
        DEMO / "gnomad.demo.vcf.gz", Reference(str(DEMO / "genome.fa")), coverage=bed
    ) as src:
        assert src.lookup("chr9", 12383, "C", "T").status == "absent"  # inside
        assert src.lookup("chr9", 15862, "G", "T").status == "not_covered"  # outside
        assert src.lookup("chr2", 23191, "G", "A").status == "found"
        # a record outside the coverage regions still counts: the file has the allele
        assert src.lookup("chr9", 15862, "G", "A").status == "found"
        # the BED says chr5 is covered although the file has no records there
        assert src.lookup("chr5", 16273, "C", "G").status == "absent"
        assert src.lookup("chr5", 20236, "C", "T").status == "not_covered"


# ------------------------------------------------------------------------------ real gnomAD v2.1


def test_real_v2_header_fields_and_unindexed_file():
    """The real v2.1 file has no index: a temporary one is built and removed on close."""
    src = GnomadSource(GNOMAD_V2)
    tmpdir = Path(src.vcf._tmp.name)
    assert tmpdir.exists() and not Path(f"{GNOMAD_V2}.tbi").exists()
    assert src.version == "v2"
    assert src.keys["grpmax_af"] == "AF_popmax" and src.keys["grpmax_group"] == "popmax"
    assert src.hemi_key == "AC_male" and src.nonpar_flag == "nonpar"
    # v2 has no FAF maximum field: the largest per-group faf95 is used, and said so.
    r = src.lookup("chr1", 1291159, "GA", "G")
    assert (r.status, r.ac, r.an, r.nhomalt, r.grpmax_group) == ("found", 10, 10, 5, "nfe")
    assert r.faf95_max == pytest.approx(0.341579)  # faf95_amr, larger than faf95_nfe 0.17768
    assert any(f.startswith("faf95_max=max(faf95_afr") for f in r.fields)
    assert r.nhemi is None  # chromosome 1
    # a filtered record keeps its FILTER, and a missing popmax stays None
    r2 = src.lookup("1", 1292016, "GCTGA", "G")
    assert r2.filters == ("RF",) and r2.grpmax_af is None and r2.ac == 1
    assert src.lookup("1", 1292016, "GCTGA", "GA").status == "absent"
    src.close()
    assert not tmpdir.exists()


V2_LINES = [
    info("AC", "A", "Integer"),
    info("AN", "1", "Integer"),
    info("AF"),
    info("nhomalt", "A", "Integer"),
    info("AC_male", "A", "Integer"),
    info("AF_popmax"),
    info("popmax", "A", "String"),
    info("faf95_nfe"),
    info("faf95_afr"),
    '##INFO=<ID=nonpar,Number=0,Type=Flag,Description="outside PAR">',
]
V4_LINES = [
    info("AC", "A", "Integer"),
    info("AN", "1", "Integer"),
    info("AF"),
    info("AC_joint", "A", "Integer"),
    info("AN_joint", "1", "Integer"),
    info("AF_joint"),
    info("nhomalt_joint", "A", "Integer"),
    info("AC_joint_XY", "A", "Integer"),
    info("AC_XY", "A", "Integer"),
    info("AF_grpmax_joint"),
    info("grpmax_joint", "A", "String"),
    info("fafmax_faf95_max_joint"),
    '##INFO=<ID=non_par,Number=0,Type=Flag,Description="outside PAR">',
]


def test_v2_hemizygotes_from_ac_male_outside_par_only(tmp_path):
    vcf = write_vcf(
        tmp_path / "v2.vcf.gz",
        V2_LINES,
        [
            "X\t100\t.\tA\tG,T\t.\tPASS\tAC=7,2;AN=900;AF=0.0078,0.0022;nhomalt=1,0;AC_male=3,1;"
            "faf95_nfe=0.004,.;faf95_afr=0.006,0.001;nonpar",
            "X\t200\t.\tC\tT\t.\tPASS\tAC=4;AN=1000;AF=0.004;nhomalt=0;AC_male=2",
        ],
        contigs=("X",),
        index=False,
    )
    with GnomadSource(vcf) as src:
        a = src.lookup("chrX", 100, "A", "G")
        t = src.lookup("chrX", 100, "A", "T")
        par = src.lookup("chrX", 200, "C", "T")
    assert (a.nhemi, a.ac, a.nhomalt, a.faf95_max) == (3, 7, 1, 0.006)
    assert (t.nhemi, t.ac, t.faf95_max) == (1, 2, 0.001)  # faf95_nfe '.' for this ALT
    assert "nhemi=AC_male" in a.fields
    assert par.nhemi is None  # no nonpar flag: inside a pseudoautosomal region


def test_v4_prefers_joint_fields_and_counts_xy_hemizygotes(tmp_path):
    vcf = write_vcf(
        tmp_path / "v4.vcf.gz",
        V4_LINES,
        [
            "chrX\t500\t.\tG\tA\t.\tPASS\tAC=3;AN=700000;AF=4.3e-06;AC_joint=5;AN_joint=1400000;"
            "AF_joint=3.6e-06;nhomalt_joint=1;AC_joint_XY=2;AC_XY=1;AF_grpmax_joint=9e-06;"
            "grpmax_joint=afr;fafmax_faf95_max_joint=2.1e-06;non_par",
        ],
        contigs=("chrX",),
    )
    with GnomadSource(vcf) as src:
        r = src.lookup("X", 500, "G", "A")
    assert (r.ac, r.an, r.af, r.nhomalt, r.nhemi) == (5, 1400000, 3.6e-06, 1, 2)
    assert (r.grpmax_af, r.grpmax_group, r.faf95_max) == (9e-06, "afr", 2.1e-06)
    assert "af=AF_joint" in r.fields and "nhemi=AC_joint_XY" in r.fields


def test_no_par_flag_uses_the_build(tmp_path):
    lines = [info("AC", "A", "Integer"), info("AN", "1", "Integer"), info("AC_XY", "A", "Integer")]
    vcf = write_vcf(
        tmp_path / "x.vcf.gz",
        lines,
        ["chrX\t100000\t.\tC\tT\t.\tPASS\tAC=4;AN=10;AC_XY=3"],
        contigs=("chrX",),
    )
    with GnomadSource(vcf, build=get_build("GRCh38")) as src:
        assert src.lookup("chrX", 100000, "C", "T").nhemi is None  # GRCh38 PAR1
    with GnomadSource(vcf) as src:
        assert src.lookup("chrX", 100000, "C", "T").nhemi == 3  # no build: no PAR assumed


def test_indel_matches_across_repeat_representations(tmp_path):
    """A CAG deletion written left-aligned in gnomAD, queried at the right end of the repeat."""
    ref = Reference(str(toy_fasta(tmp_path)))
    left = REPEAT_START - 1  # the base before the repeat (T) anchors the left-aligned form
    seq = ref.fetch("chr1", left - 1, left + 3)
    vcf = write_vcf(
        tmp_path / "g.vcf.gz",
        [info("AC", "A", "Integer"), info("AN", "1", "Integer"), info("AF")],
        [f"chr1\t{left}\t.\t{seq}\t{seq[0]}\t.\tPASS\tAC=2;AN=100;AF=0.02"],
    )
    right = left + 15  # last G of the fifth CAG: the same deletion written rightmost
    rseq = ref.fetch("chr1", right - 1, right + 3)
    assert rseq == "GCAG"
    with GnomadSource(vcf, ref) as src:
        assert src.lookup("chr1", right, rseq, "G").ac == 2
        two_units = ref.fetch("chr1", right - 4, right + 3)
        assert src.lookup("chr1", right - 3, two_units, "G").status == "absent"  # CAGCAG


# ------------------------------------------------------------------------------ bad input


def test_not_a_vcf_is_one_line(tmp_path):
    bad = tmp_path / "gnomad.txt"
    bad.write_text("this is not a VCF\n")
    with pytest.raises(InputFileError) as exc:
        GnomadSource(bad)
    assert str(exc.value).startswith(str(bad)) and "\n" not in str(exc.value)


def test_vcf_without_frequency_fields_is_refused(tmp_path):
    vcf = write_vcf(
        tmp_path / "x.vcf.gz", [info("DP", "1", "Integer")], ["chr1\t5\t.\tA\tG\t.\t.\tDP=3"]
    )
    with pytest.raises(InputFileError, match="expected a gnomAD sites VCF"):
        GnomadSource(vcf)


def test_malformed_value_names_the_record(tmp_path):
    vcf = write_vcf(
        tmp_path / "x.vcf.gz",
        [info("AC", "A", "Integer"), info("AN", "1", "Integer"), info("AF")],
        ["chr1\t5\t.\tA\tG\t.\t.\tAC=1;AN=10;AF=zero"],
    )
    with GnomadSource(vcf) as src, pytest.raises(VcfError) as exc:
        src.lookup("chr1", 5, "A", "G")
    assert "record chr1:5" in str(exc.value) and "AF=zero" in str(exc.value)


def test_unsorted_file_without_index_is_one_line(tmp_path):
    vcf = write_vcf(
        tmp_path / "x.vcf.gz",
        [info("AC", "A", "Integer"), info("AN", "1", "Integer")],
        ["chr1\t50\t.\tA\tG\t.\t.\tAC=1;AN=10", "chr1\t5\t.\tA\tG\t.\t.\tAC=1;AN=10"],
        index=False,
    )
    with pytest.raises(MmpsiError, match="not sorted"):
        GnomadSource(vcf)


def test_female_counts_on_x_given_or_as_the_total_less_the_xy_count(tmp_path):
    # PCDH19 counts its carriers among XX samples: v2 gives AC_female, v4 the XY counts only.
    counts = ("AC", "nhomalt", "AC_male", "AC_female", "nhomalt_female")
    v2 = [*(info(k, "A", "Integer") for k in counts), info("AN", "1", "Integer")]
    with GnomadSource(write_vcf(
        tmp_path / "v2.vcf.gz", v2,
        ["X\t100\t.\tA\tG\t.\tPASS\tAC=9;AN=900;nhomalt=1;AC_male=3;AC_female=6;nhomalt_female=1;"
         "nonpar"], contigs=("X",), index=False)) as src:  # fmt: skip
        r = src.lookup("chrX", 100, "A", "G")
    assert (r.ac_xx, r.nhomalt_xx, r.nhemi) == (6, 1, 3)
    v4 = [*(info(k, "A", "Integer") for k in ("AC", "nhomalt", "AC_XY", "nhomalt_XY")),
          info("AN", "1", "Integer")]  # fmt: skip
    with GnomadSource(write_vcf(
        tmp_path / "v4.vcf.gz", v4,
        ["chrX\t100\t.\tA\tG\t.\tPASS\tAC=9;AN=900;nhomalt=2;AC_XY=3;nhomalt_XY=1"],
        contigs=("chrX",), index=False)) as src:  # fmt: skip
        r = src.lookup("chrX", 100, "A", "G")
    assert (r.ac_xx, r.nhomalt_xx) == (6, 1) and "ac_xx=AC-AC_XY" in r.fields
