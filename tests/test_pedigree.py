import pytest

from mmpsi_variants.core.errors import PedigreeError
from mmpsi_variants.io.ped import check_against_vcf, read_ped

from .conftest import DEMO, REAL


@pytest.mark.parametrize(
    "name, n, header_skipped",
    [
        ("ceph1463.ped", 17, False),
        ("ceph1463.good.ped", 4, False),
        ("ceph1463.bad.ped", 4, True),
        ("ceph_slivar.ped", None, False),
        ("h1k.ped", None, True),
        ("joint.subset.ped", None, True),
    ],
)
def test_real_ped_files_parse(name, n, header_skipped):
    ped = read_ped(REAL / "ped" / name)
    if n is not None:
        assert sum(not i.implicit for i in ped.individuals.values()) == n
    assert not any(i.startswith("#") or i in ("sample_id", "Sample_ID") for i in ped.individuals)


def test_fields_of_a_real_trio():
    ped = read_ped(REAL / "chr21_trio" / "test.ped")
    child = ped.get("NA24385")
    assert (child.father, child.mother, child.sex) == ("NA24149", "NA24143", "male")
    assert ped.get("NA24143").father is None
    assert ped.sex_of("NA24143") == "female"
    assert ped.sex_of("not-there") == "unknown"


def test_extra_columns_and_missing_phenotypes():
    ped = read_ped(REAL / "ped" / "h1k.ped")
    first = ped.get("15-0022871")
    assert first.phenotype == "affected" and first.extra == ("study-2",)
    assert first.father is None and first.mother == "15-0022872"
    assert read_ped(REAL / "ped" / "ceph1463.ped").get("NA12889").phenotype == "unknown"


@pytest.mark.parametrize(
    "text, match",
    [
        ("F1\tA\t0\t0\t1\n", "expected 6 columns"),
        ("F1\tA\t0\t0\t1\t2\nF1\tA\t0\t0\t1\t2\n", "listed twice"),
        ("\n", "no individuals"),
    ],
)
def test_malformed_ped_names_the_line(tmp_path, text, match):
    p = tmp_path / "x.ped"
    p.write_text(text)
    with pytest.raises(PedigreeError, match=match) as err:
        read_ped(p)
    assert str(p) in str(err.value)


@pytest.mark.parametrize(
    "text, where, match",
    [
        # father written female
        (
            "F\tA\tB\tC\t1\t2\nF\tB\t0\t0\t2\t1\nF\tC\t0\t0\t2\t1\n",
            "line 1",
            "B is the father of A",
        ),
        # mother written male
        (
            "F\tA\tB\tC\t1\t2\nF\tB\t0\t0\t1\t1\nF\tC\t0\t0\t1\t1\n",
            "line 1",
            "C is the mother of A",
        ),
        # one ID as the father of one child and the mother of another (implicit parent)
        ("F\tA\tB\t0\t1\t2\nF\tD\t0\tB\t2\t2\n", "line 2", "cannot be both"),
        # a loop: A's father is B, B's father is A
        ("F\tA\tB\t0\t1\t2\nF\tB\tA\t0\t1\t1\n", "line 1", "own ancestor"),
        # a longer loop through a mother
        ("F\tA\tB\t0\t1\t2\nF\tB\t0\tC\t1\t1\nF\tC\tA\t0\t2\t1\n", "line 1", "A -> parent B"),
        ("F\tA\tA\t0\t1\t2\n", "line 1", "their own father"),
        ("F\t0\t0\t0\t1\t2\n", "line 1", "missing-value code"),
    ],
)
def test_impossible_pedigrees_name_the_line(tmp_path, text, where, match):
    p = tmp_path / "x.ped"
    p.write_text(text)
    with pytest.raises(PedigreeError, match=match) as err:
        read_ped(p)
    assert err.value.where == where and err.value.path == str(p)


def test_parent_without_a_line_is_a_founder_with_a_warning(tmp_path):
    p = tmp_path / "x.ped"
    p.write_text("F\tkid\tdad\tmum\t2\t2\n")
    ped = read_ped(p)
    assert ped.sex_of("dad") == "male" and ped.sex_of("mum") == "female"
    assert ped.get("dad").implicit and not ped.get("kid").implicit
    assert len(ped.warnings) == 2 and all("line 1" in w for w in ped.warnings)


def test_bad_ceph_ped_parses_with_warnings_naming_lines():
    """ceph1463.bad.ped is self-consistent as a PED: only its genotypes can show the swap
    (tests/test_sample_checks.py); on its own we warn about the parents it names but omits."""
    ped = read_ped(REAL / "ped" / "ceph1463.bad.ped")
    assert ped.sex_of("NA12877") == "female" and ped.parents("NA12877") == ("NA12880", "NA12878")
    assert [w.split(": ", 1)[1][:6] for w in ped.warnings] == ["line 2"] * 2 + ["line 3"] * 2


@pytest.mark.parametrize(
    "vcf_samples, raises, warned",
    [
        (["EIMFS01", "EIMFS01_FA", "EIMFS01_MO"], False, []),
        (["EIMFS01", "EIMFS01_FA"], False, ["EIMFS01_MO"]),
        # the proband of EIMFS01 is missing while her parents are there: nothing to analyse
        (["EIMFS01_FA", "EIMFS01_MO"], True, []),
    ],
)
def test_ped_members_missing_from_the_vcf(vcf_samples, raises, warned):
    ped = read_ped(DEMO / "demo.ped")
    if raises:
        with pytest.raises(PedigreeError, match="proband EIMFS01") as err:
            check_against_vcf(ped, vcf_samples)
        assert err.value.where == "line 1"
        return
    warnings = check_against_vcf(ped, vcf_samples)
    missing = [w for w in warnings if "is in the PED but not in the VCF" in w]
    assert [w.split(": ")[2].split(" ")[0] for w in missing] == warned
    assert any("6 families of the PED have nobody in the VCF" in w for w in warnings)
