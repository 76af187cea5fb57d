"""Runs leave nothing in $TMPDIR, whether they succeed or fail.

Each filter run builds temporary indexes and work folders; they must go when the run ends,
also when it stops on a user's mistake after the resources were opened. The autouse fixture
in conftest.py checks this for every test of the suite (it caught ``annotate --threads 2``,
whose workers left their resources' temporary folders); these tests name the cases.
"""

from .conftest import DEMO

RESOURCES = [
    "--gnomad", DEMO / "gnomad.demo.vcf.gz", "--clinvar", DEMO / "clinvar.demo.vcf.gz",
    "--scores", DEMO / "revel.demo.tsv.gz", "--scores", f"spliceai={DEMO / 'spliceai.demo.vcf.gz'}",
]  # fmt: skip


def _filter(run, tmp_path, *extra):
    return run("filter", DEMO / "demo.vcf.gz", "--genes", DEMO / "genes.gff3", "--reference",
               DEMO / "genome.fa", "--ped", DEMO / "demo.ped", *RESOURCES, "-o",
               tmp_path / "out", *extra)  # fmt: skip


def test_a_filter_run_with_resources_leaves_tmpdir_as_it_was(run, tmp_path, _private_tmpdir):
    assert _filter(run, tmp_path).exit_code == 0
    assert list(_private_tmpdir.iterdir()) == []


def test_a_failed_run_leaves_tmpdir_as_it_was(run, tmp_path, _private_tmpdir):
    """A run that stops after opening the resources (here on a malformed curation file, read
    last) removes their temporary folders too."""
    bad = tmp_path / "curation.tsv"
    bad.write_text("chr9\t12383\tC\n")
    result = _filter(run, tmp_path, "--curation", bad)
    assert result.exit_code == 2 and "curation.tsv: line 1" in result.output
    assert list(_private_tmpdir.iterdir()) == []
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
