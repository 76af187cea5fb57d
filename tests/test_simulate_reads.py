"""The demo read simulator: haplotypes from the planted calls, determinism, idempotence."""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pytest

from .conftest import DEMO

spec = importlib.util.spec_from_file_location("simulate_reads", DEMO / "simulate_reads.py")
sim = importlib.util.module_from_spec(spec)
sys.modules["simulate_reads"] = sim  # dataclasses look their module up while being built
spec.loader.exec_module(sim)


@pytest.fixture(scope="module")
def planted():
    return sim.planted_alleles(DEMO / "demo.vcf.gz", sim.read_sexes(DEMO / "demo.ped"))


def _edits(specs):
    return [[(e.start + 1, e.ref, e.alt) for e in edits] for _, edits in specs]


def test_autosomes_carry_two_haplotypes_in_gt_order(planted):
    # EIMFS04 is 1/2 at the multi-allelic SLC12A5 site: one haplotype per ALT.
    assert _edits(planted["EIMFS04"]["chr20"]) == [[(33268, "G", "A")], [(33268, "G", "T")]]
    assert _edits(planted["EIMFS04"]["chr17"]) == [[(9176, "C", "T")], [(9176, "C", "T")]]


def test_males_carry_one_x_and_a_het_call_becomes_a_mosaic(planted):
    # The boys' off-panel background SNVs on chrX are hom-ALT: on every haplotype they have.
    (boy,) = _edits(planted["EIMFS05"]["chrX"])
    assert (12277, "C", "T") in boy
    weights = [w for w, _ in planted["EIMFS07"]["chrX"]]
    assert weights == pytest.approx([40 / 49, 9 / 49])  # AD 40,9 in demo.vcf.gz
    germline, mosaic = _edits(planted["EIMFS07"]["chrX"])
    assert set(mosaic) - set(germline) == {(27947, "G", "A")}
    assert set(germline) <= set(mosaic)


def test_filtered_records_and_missing_genotypes_are_not_planted(planted):
    # DOCK6 chr19:17567 is FILTER=LowQual; EIMFS04 is ./. at WWOX chr16:37121.
    assert "chr19" not in planted["EIMFS05"]
    assert all(e[0] != 37121 for hap in _edits(planted["EIMFS04"].get("chr16", [])) for e in hap)


def test_haplotype_with_indels_maps_reference_positions():
    ref = sim._CODE[np.frombuffer(b"ACGTACGTACGTACGT", dtype=np.uint8)]
    edits = [sim.Edit(2, "G", "GTT"), sim.Edit(8, "ACG", "A")]
    hap = sim.build_haplotype(ref, edits, 1.0, "test")
    assert bytes(sim.BASES[hap.seq]).decode() == "AC" + "GTT" + "TACGT" + "A" + "TACGT"
    # Reference position 4 ('A' after the insertion) moves by +2; 12 moves by +2-2 = 0.
    assert list(hap.to_hap(np.array([0, 4, 12]))) == [0, 6, 12]
    with pytest.raises(SystemExit, match="does not match the genome"):
        sim.build_haplotype(ref, [sim.Edit(0, "G", "T")], 1.0, "test")


def test_deterministic_and_idempotent(tmp_path, capsys):
    p = sim.Params(1.0, 50, 150, 15, 0.001, "test-seed")
    a = sim.simulate(tmp_path / "a", p)
    b = sim.simulate(tmp_path / "b", p)
    assert a.read_text() == b.read_text()
    for fq in sorted((tmp_path / "a").glob("*.fastq.gz")):
        assert fq.read_bytes() == (tmp_path / "b" / fq.name).read_bytes()
    assert len(list((tmp_path / "a").glob("EIMFS01_L00*_R1.fastq.gz"))) == 2
    mtime = (tmp_path / "a" / "EIMFS02_L001_R1.fastq.gz").stat().st_mtime_ns
    sim.simulate(tmp_path / "a", p)
    assert "up to date" in capsys.readouterr().out
    assert (tmp_path / "a" / "EIMFS02_L001_R1.fastq.gz").stat().st_mtime_ns == mtime


def _depth_from_reads(hap_reads: np.ndarray, seq: np.ndarray, lo: int, hi: int) -> float:
    """Reads whose first 30 bases occur exactly at a reference start in [lo, hi), per base.

    Without alignment: each read's leading 30-mer is looked up in the random reference, where
    a 30-mer is unique."""
    index = {seq[i : i + 30].tobytes(): i for i in range(len(seq) - 30)}
    rc_index = {(3 - seq[i : i + 30][::-1]).tobytes(): i for i in range(len(seq) - 30)}
    hits = 0
    for read in hap_reads:
        key = read[:30].tobytes()
        pos = index.get(key, rc_index.get(key))
        hits += pos is not None and lo <= pos < hi
    return hits / (hi - lo)


@pytest.mark.parametrize(("cn", "ratio"), [(0, 0.0), (1, 0.5), (3, 1.5), (4, 2.0)])
def test_planted_copy_number_changes_the_depth_of_the_stretch_only(cn, ratio):
    rng = np.random.default_rng(7)
    ref = rng.integers(0, 4, 20_000).astype(np.uint8)
    seq = "".join("ACGT"[b] for b in ref)
    p = sim.Params(60.0, 100, 250, 25, 0.0, "cnv-test")
    specs = sim.add_cnvs([(1.0, []), (1.0, [])], [(8000, 12000, cn)], seq, male_x=False)
    haps = [sim.build_haplotype(ref, e, w, "test") for w, e in specs]
    r1, r2 = sim.simulate_contig("S", "chrT", ref, haps, p)
    reads = np.concatenate([r1, r2])
    inside = _depth_from_reads(reads, ref, 8500, 11500)
    outside = _depth_from_reads(reads, ref, 2000, 7000)
    assert outside > 0.5  # read starts per base, both mates: about 2 x 60 / 200
    assert inside / outside == pytest.approx(ratio, abs=0.08)


def test_copy_numbers_the_simulator_cannot_make_are_refused():
    with pytest.raises(SystemExit, match="expected 0, 1, 3 or 4"):
        sim.add_cnvs([(1.0, []), (1.0, [])], [(10, 20, 2)], "A" * 30, male_x=False)
    with pytest.raises(SystemExit, match="male"):
        sim.add_cnvs([(1.0, [])], [(10, 20, 1)], "A" * 30, male_x=True)
