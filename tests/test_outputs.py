"""Outputs are put in place whole, with the permissions the user's umask gives new files."""

import os
import stat

import pytest

from mmpsi_variants.io.commit import AtomicOutputs

from .conftest import DEMO


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_atomic_outputs_are_readable_by_the_group(tmp_path, umask_022):
    with AtomicOutputs(tmp_path) as out:
        path = out.add("sub/report.tsv", "a\tb\n")
        assert not path.exists()  # nothing in place before commit
        out.commit()
    assert path.read_text() == "a\tb\n"
    assert _mode(path) == 0o644


def test_annotated_vcf_has_the_usual_mode(run, tmp_path, umask_022):
    out = tmp_path / "demo.ann.vcf.gz"
    result = run("annotate", DEMO / "demo.vcf.gz", "--genes", DEMO / "genes.gff3",
                 "--reference", DEMO / "genome.fa", "-o", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert _mode(out) == 0o644
