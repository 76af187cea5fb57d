"""Sex and parentage checks, against bcftools +mendelian2's real outputs and synthetic families.

The expected values come from the files in tests/data/realdata/trio/ (see COMMANDS.md there for
the bcftools command behind each); nothing here restates them by hand.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
from cyvcf2 import VCF

from mmpsi_variants.core.contigs import AUTOSOME, CHR_X, CHR_Y, NO_BUILD, get_build, region_of
from mmpsi_variants.core.settings import load_settings
from mmpsi_variants.inheritance.settings import InheritanceSettings
from mmpsi_variants.io.genotypes import UNKNOWN_SEX
from mmpsi_variants.io.ped import read_ped
from mmpsi_variants.qc.parentage import mendelian_status
from mmpsi_variants.qc.sample_checks import run_sample_checks

from .conftest import REAL

TRIO = REAL / "trio"
SETTINGS = InheritanceSettings.from_settings(load_settings())


_opened: list = []


def _checks_of(path, *args):
    """run_sample_checks on a file opened as the filter opens it (streamed, not indexed)."""
    from mmpsi_variants.io.vcf import VariantFile

    with tempfile.TemporaryDirectory() as work:
        vf = VariantFile(path, Path(work), indexed=False)
        _opened.append(vf)
        try:
            return run_sample_checks(vf, *args)
        finally:
            vf.close()


def _records(path):
    """(chrom, pos) -> the GT strings of mom1, dad1, child1 (the column order of the file)."""
    out = {}
    header = None
    for line in path.read_text().splitlines():
        if line.startswith("#CHROM"):
            header = line.split("\t")[9:]
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        gts = dict(zip(header, (c.split(":")[0] for c in cols[9:]), strict=True))
        info = dict(kv.split("=") for kv in cols[7].split(";") if "=" in kv)
        out[(cols[0], int(cols[1]))] = (gts, info)
    return out


def _ours():
    """Our (error, missing) per record of mendelian.vcf, sex from the GT ploidy as bcftools."""
    status = {}
    for rec in VCF(str(TRIO / "mendelian.vcf"), gts012=False, strict_gt=False):
        mom, dad, child = (tuple(a for a in g[:-1]) for g in rec.genotypes)
        region = {"X": CHR_X, "Y": CHR_Y}.get(rec.CHROM, AUTOSOME)
        status[(rec.CHROM, rec.POS)] = mendelian_status(child, dad, mom, region, UNKNOWN_SEX)
    return status


def test_errors_match_mendelian2_error_listing():
    listed = set(_records(TRIO / "mendelian.3.out"))
    assert {k for k, (err, _) in _ours().items() if err} == listed


def test_errors_match_mendelian2_merr_annotation():
    merr = {k for k, (_, info) in _records(TRIO / "mendelian.4.out").items() if info["MERR"] == "1"}
    assert {k for k, (err, _) in _ours().items() if err} == merr


def test_errors_match_the_genotypes_mendelian2_deleted():
    before, after = _records(TRIO / "mendelian.vcf"), _records(TRIO / "mendelian.1.out")
    blanked = {
        k
        for k, (gts, _) in after.items()
        if all(g.strip(".") in ("", "/") for g in gts.values())
        and not all(g.strip(".") in ("", "/") for g in before[k][0].values())
    }
    assert {k for k, (err, _) in _ours().items() if err} == blanked


def test_good_sites_match_mendelian2():
    good = set(_records(TRIO / "mendelian.6.out"))
    assert {k for k, (err, miss) in _ours().items() if not err and not miss} == good


def test_missing_sites_match_mendelian2():
    # A site can be both an error and missing (child 1/1, father 0/0, mother ./.), as in
    # bcftools.
    missing = set(_records(TRIO / "mendelian.7.out"))
    assert {k for k, (_, miss) in _ours().items() if miss} == missing


def test_older_plugin_listings_left_in_the_folder():
    # mendelian.2.out and .5.out come from the older +mendelian (-m+ and -mu). Read as "no
    # error and the child has a genotype" and "the child has no genotype", they agree with us.
    ours = _ours()
    children = {k: gts["child1"] for k, (gts, _) in _records(TRIO / "mendelian.vcf").items()}
    consistent = {k for k, (err, _) in ours.items() if not err and "." not in children[k]}
    assert consistent == set(_records(TRIO / "mendelian.2.out"))
    assert {k for k, g in children.items() if "." in g} == set(_records(TRIO / "mendelian.5.out"))


def _ped(tmp_path, text):
    path = tmp_path / "fam.ped"
    path.write_text(text)
    return read_ped(path)


def test_streamed_counts_match_mendelian2_summary(tmp_path):
    expected = {}
    for line in (TRIO / "mendelian.8.out").read_text().splitlines():
        key, value, *_ = line.split("\t")
        if value.isdigit():
            expected[key] = int(value)
    ped = _ped(tmp_path, "f\tchild1\tdad1\tmom1\t0\t2\nf\tdad1\t0\t0\t1\t1\nf\tmom1\t0\t0\t2\t1\n")
    checks = _checks_of(
        TRIO / "mendelian.vcf",
        ["mom1", "dad1", "child1"],
        ped,
        NO_BUILD,
        SETTINGS.parentage,
        SETTINGS.sex_check,
        frozenset({"GT"}),
    )
    trio = checks.parentage["child1"].trio
    assert trio.error == expected["sites_merr"] == expected["nmerr"]
    assert trio.good == expected["sites_good"] == expected["ngood"]
    assert trio.good_alt == expected["ngood_alt"]
    assert trio.missing == expected["sites_missing"]
    # 20-odd sites are far too few to judge parentage: the check says so instead of guessing.
    assert checks.parentage["child1"].status == "not_assessed"


@pytest.mark.parametrize(
    "build, chrom, pos, region",
    [
        ("GRCh38", "chrX", 2_781_479, AUTOSOME),  # last base of PAR1
        ("GRCh38", "chrX", 2_781_480, CHR_X),
        ("GRCh37", "X", 2_699_521, CHR_X),
        ("GRCh37", "X", 60_000, CHR_X),
        ("GRCh38", "chrY", 5_000_000, CHR_Y),
        ("GRCh38", "chr7", 100, AUTOSOME),
        ("GRCh38", "chrM", 100, "MT"),
    ],
)
def test_region_of_uses_the_build_par(build, chrom, pos, region):
    assert region_of(chrom, pos, get_build(build)) == region


# --- synthetic families --------------------------------------------------------------------------

CEPH_TRUTH = {
    # the CEPH 1463 relationships of ceph1463.good.ped / ceph1463.ped
    "NA12889": (None, None, 1),
    "NA12890": (None, None, 2),
    "NA12891": (None, None, 1),
    "NA12892": (None, None, 2),
    "NA12877": ("NA12889", "NA12890", 1),
    "NA12878": ("NA12891", "NA12892", 2),
    "NA12879": ("NA12877", "NA12878", 2),
    "NA12880": ("NA12877", "NA12878", 2),
}


def write_family_vcf(path, truth, n_auto=800, n_x=250, seed="ceph"):
    """A GRCh38-style VCF of a family simulated from ``truth`` (Mendelian transmission)."""
    rng = random.Random(seed)
    names = list(truth)
    lines = [
        "##fileformat=VCFv4.2",
        "##contig=<ID=chr1,length=248956422>",
        "##contig=<ID=chrX,length=156040895>",
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">',
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(names),
    ]
    for chrom, n, start in (("chr1", n_auto, 1_000_000), ("chrX", n_x, 5_000_000)):
        for k in range(n):
            p = rng.uniform(0.05, 0.5)
            haps = {}
            for s in names:  # founders first in CEPH_TRUTH's order
                father, mother, sex = truth[s]
                male_x = chrom == "chrX" and sex == 1
                if father is None:
                    h = tuple(int(rng.random() < p) for _ in range(1 if male_x else 2))
                else:
                    from_mother = rng.choice(haps[mother])
                    h = (from_mother,) if male_x else (rng.choice(haps[father]), from_mother)
                haps[s] = h
            cols = []
            for s in names:
                h = haps[s] * (2 if len(haps[s]) == 1 else 1)
                cols.append(f"{min(h)}/{max(h)}:30:60")
            lines.append(
                f"{chrom}\t{start + 100 * k}\t.\tA\tG\t50\tPASS\t.\tGT:DP:GQ\t" + "\t".join(cols)
            )
    path.write_text("\n".join(lines) + "\n")
    return names


def _checks(vcf, ped, names):
    return _checks_of(
        vcf,
        names,
        ped,
        get_build("GRCh38"),
        SETTINGS.parentage,
        SETTINGS.sex_check,
        frozenset({"GT", "DP", "GQ"}),
    )


def test_true_family_passes(tmp_path):
    names = write_family_vcf(tmp_path / "ceph.vcf", CEPH_TRUTH)
    checks = _checks(tmp_path / "ceph.vcf", read_ped(REAL / "ped" / "ceph1463.ped"), names)
    assert not checks.warnings
    for child in ("NA12877", "NA12878", "NA12879", "NA12880"):
        assert checks.parentage[child].status == "passed", checks.parentage[child]
    assert {s: c.predicted_sex for s, c in checks.sex.items()} == {
        s: {1: "male", 2: "female"}[t[2]] for s, t in CEPH_TRUTH.items()
    }


def test_bad_ped_names_the_swapped_samples(tmp_path):
    """ceph1463.bad.ped (from peddy) swaps NA12877 and NA12880; the genotypes say so."""
    names = write_family_vcf(tmp_path / "ceph.vcf", CEPH_TRUTH)
    bad = read_ped(REAL / "ped" / "ceph1463.bad.ped")
    checks = _checks(tmp_path / "ceph.vcf", bad, names)
    text = "\n".join(checks.warnings)
    # Sex: NA12877 is female on line 5 but a man; NA12880 is male on line 2 but a woman.
    assert checks.sex["NA12877"].status == "mismatch"
    assert checks.sex["NA12880"].status == "mismatch"
    assert "NA12877 (" in text and "ceph1463.bad.ped line 5" in text
    assert "NA12880 (" in text and "ceph1463.bad.ped line 2" in text
    # Parentage: NA12880's PED parents are really its grandparents; NA12878 is really NA12877's
    # wife; NA12879's PED father NA12880 is really her sister.
    failed = {
        (child, p.role)
        for child, result in checks.parentage.items()
        for p in result.pairs
        if p.status == "failed"
    }
    assert {("NA12880", "father"), ("NA12877", "mother"), ("NA12879", "father")} <= failed
    # The pairs the bad PED gets right still pass: NA12879's mother, NA12877's father (really
    # his son: a parent-child pair either way), and NA12878 with her own parents.
    assert checks.parentage["NA12879"].passed_for("mother")
    assert checks.parentage["NA12877"].passed_for("father")
    assert checks.parentage["NA12878"].status == "passed"
    assert "NA12879 (" in text and "and its father NA12880" in text


def test_bad_ped_through_the_command_line(tmp_path, run):
    """filter --ped ceph1463.bad.ped: one run, every problem named, nothing aborted."""
    write_family_vcf(tmp_path / "ceph.vcf", CEPH_TRUTH)
    bad = REAL / "ped" / "ceph1463.bad.ped"
    result = run("filter", tmp_path / "ceph.vcf", "--no-panel", "--ped", bad, "-o", tmp_path / "o")
    assert result.exit_code == 0, result.output
    import json

    doc = json.loads((tmp_path / "o" / "NA12877.variants.json").read_text())
    # The same warnings go to standard error; the JSON keeps them with the results.
    err = "\n".join(doc["warnings"])
    # The PED itself: parents named without a line of their own (lines 2 and 3).
    assert "line 2: father NA12889 of NA12880 has no line of their own" in err
    assert "line 3: mother NA12892 of NA12878 has no line of their own" in err
    # The genotypes: both swapped samples, by sex and by parentage.
    assert "NA12877 (" in err and "is female in the PED but its chrX looks male" in err
    assert "NA12880 (" in err and "is male in the PED but its chrX looks female" in err
    assert "NA12880 (" in err and "and its father NA12889" in err
    assert doc["sex_check"]["status"] == "mismatch"
    assert doc["parentage"]["status"] == "failed"


def test_caps_stop_counting_and_are_reported(tmp_path):
    names = write_family_vcf(tmp_path / "ceph.vcf", CEPH_TRUTH, n_auto=600, n_x=60)
    ped = read_ped(REAL / "ped" / "ceph1463.ped")
    settings = SETTINGS.parentage.__class__(
        **{**SETTINGS.parentage.__dict__, "max_informative_sites": 120}
    )
    checks = _checks_of(
        tmp_path / "ceph.vcf",
        names,
        ped,
        get_build("GRCh38"),
        settings,
        SETTINGS.sex_check,
        frozenset({"GT", "DP", "GQ"}),
    )
    result = checks.parentage["NA12879"]
    assert result.capped and all(p.informative_sites == 120 for p in result.pairs)
    assert result.to_json()["max_informative_sites"] == 120
    # chrX is still reached after the autosomal counts are full.
    assert checks.sex["NA12879"].predicted_sex == "female"


def test_indexed_file_jumps_to_chrx(tmp_path):
    import pysam

    names = write_family_vcf(tmp_path / "ceph.vcf", CEPH_TRUTH, n_auto=600, n_x=60)
    gz = tmp_path / "ceph.vcf.gz"
    pysam.tabix_compress(str(tmp_path / "ceph.vcf"), str(gz))
    pysam.tabix_index(str(gz), preset="vcf")
    ped = read_ped(REAL / "ped" / "ceph1463.ped")
    settings = SETTINGS.parentage.__class__(
        **{**SETTINGS.parentage.__dict__, "max_informative_sites": 150}
    )
    args = (names, ped, get_build("GRCh38"), settings, SETTINGS.sex_check, frozenset({"GT"}))
    indexed = _checks_of(gz, *args)
    assert _opened[-1].region_index is not None
    streamed = _checks_of(tmp_path / "ceph.vcf", *args)  # plain text: no index to jump with
    assert _opened[-1].region_index is None
    assert indexed.x_sites == streamed.x_sites == 60
    for s in names:
        assert indexed.sex[s].to_json() == streamed.sex[s].to_json()


def test_low_quality_genotypes_are_not_counted(tmp_path):
    names = write_family_vcf(tmp_path / "ceph.vcf", CEPH_TRUTH, n_auto=300, n_x=30)
    text = (tmp_path / "ceph.vcf").read_text().replace(":30:60", ":5:10")
    (tmp_path / "low.vcf").write_text(text)
    checks = _checks(tmp_path / "low.vcf", read_ped(REAL / "ped" / "ceph1463.ped"), names)
    assert all(p.informative_sites == 0 for r in checks.parentage.values() for p in r.pairs)
    assert checks.sex["NA12877"].status == "not_assessed"


def test_real_chr21_trio_has_too_few_shared_calls_to_judge(tmp_path):
    """The GIAB chr21 slice: father and son are mostly no-calls, so parentage is not judged."""
    from mmpsi_variants.io.vcf import VariantFile

    vcf = REAL / "chr21_trio" / "Ashkenazim.vcf.gz"
    vf = VariantFile(vcf, tmp_path, indexed=True)
    try:
        checks = run_sample_checks(
            vf,
            vf.samples,
            read_ped(REAL / "chr21_trio" / "test.ped"),
            get_build("GRCh38"),
            SETTINGS.parentage,
            SETTINGS.sex_check,
        )
    finally:
        vf.close()
    result = checks.parentage["NA24385"]
    assert result.status == "not_assessed"
    assert all(p.informative_sites < SETTINGS.parentage.min_informative_sites for p in result.pairs)
    assert all(c.status == "not_assessed" for c in checks.sex.values())  # no chrX in the slice
