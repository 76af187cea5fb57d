import pytest

from mmpsi_variants.errors import PedigreeError
from mmpsi_variants.pedigree import read_ped

from .conftest import REAL


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
