"""Two variants of a sample in one codon are read together when they may share a chromosome.

Demo KCNT1: chr9:12383 C>T is c.1420C>T p.(Arg474Cys); with chr9:12384 G>A on the same
chromosome the codon CGC becomes TAC, p.(Arg474Tyr). chr9:12382 G>A is in codon 473.
"""

import json

import pytest

from .conftest import DEMO

HEADER = (
    "##fileformat=VCFv4.2\n##contig=<ID=chr9,length=26996>\n"
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
    '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set">\n'
    '##FORMAT=<ID=HP,Number=.,Type=String,Description="whatshap haplotype">\n'
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tchild\n"
)


def _filter(run, tmp_path, records: list[tuple[int, str, str, str]], fmt: str = "GT"):
    vcf = tmp_path / "pair.vcf"
    vcf.write_text(HEADER + "".join(
        f"chr9\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\t.\t{fmt}\t{gt}\n"
        for pos, ref, alt, gt in records
    ))  # fmt: skip
    out = tmp_path / "out"
    result = run("filter", vcf, "--genes", DEMO / "genes.gff3", "--reference",
                 DEMO / "genome.fa", "--build", "none", "-o", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "child.variants.json").read_text())
    return {v["pos"]: v for v in doc["variants"]}


@pytest.mark.parametrize(
    "gt_a,gt_b,phase",
    [
        ("0|1", "0|1", "cis"),
        ("0/1", "0/1", "unknown"),
        ("1/1", "0/1", "cis"),
        ("0|1", "1|0", None),  # in trans: each is read alone
    ],
)
def test_same_codon_read_together_unless_in_trans(run, tmp_path, gt_a, gt_b, phase):
    got = _filter(run, tmp_path, [(12383, "C", "T", gt_a), (12384, "G", "A", gt_b)])
    a, b = got[12383], got[12384]
    assert a["hgvs_p"] == "p.(Arg474Cys)" and b["hgvs_p"] == "p.(Arg474His)"
    for v, other in ((a, b), (b, a)):
        if phase is None:
            assert v["together"] is None
            continue
        assert v["together"]["phase"] == phase
        assert v["together"]["hgvs_p"] == "p.(Arg474Tyr)"
        assert v["together"]["with"] == [f"chr9:{other['pos']}:{other['ref']}:{other['alt']}"]
        flags = [f["flag"] for f in v["acmg"]["flags"]]
        assert "codon_shared_with_another_variant" in flags


def test_neighbouring_codons_are_read_alone(run, tmp_path):
    got = _filter(run, tmp_path, [(12382, "G", "A", "0|1"), (12383, "C", "T", "0|1")])
    assert got[12382]["together"] is None and got[12383]["together"] is None


def test_read_backed_phase_in_trans_is_respected(run, tmp_path):
    """whatshap writes read-backed phase as HP with an unphased GT."""
    got = _filter(run, tmp_path, [(12383, "C", "T", "0/1:5-1,5-2"),
                                  (12384, "G", "A", "0/1:5-2,5-1")], fmt="GT:HP")  # fmt: skip
    assert got[12383]["together"] is None and got[12384]["together"] is None


def test_three_changes_in_one_codon_are_read_as_one(run, tmp_path):
    """CGC -> TAA: a stop, which no pair of the three makes on its own at 12384."""
    got = _filter(run, tmp_path, [(12383, "C", "T", "0|1"), (12384, "G", "A", "0|1"),
                                  (12385, "C", "A", "0|1")])  # fmt: skip
    for pos in (12383, 12384, 12385):
        t = got[pos]["together"]
        assert t["hgvs_p"] == "p.(Arg474*)" and t["phase"] == "cis" and len(t["with"]) == 2


def test_a_codon_split_by_an_intron_is_left_alone(run, tmp_path):
    """Codon 460 of the demo KCNT1 spans c.1378 (chr9:12208) and c.1379 (chr9:12342)."""
    got = _filter(run, tmp_path, [(12208, "G", "T", "0|1"), (12342, "T", "G", "0|1")])
    assert got[12208]["together"] is None and got[12342]["together"] is None


def test_parents_put_the_pair_in_trans(run, tmp_path):
    """Each change inherited from a different parent: on different chromosomes."""
    header = HEADER.replace("\tchild\n", "\tchild\tfather\tmother\n")
    rows = [(12383, "C", "T", "0/1\t0/1\t0/0"), (12384, "G", "A", "0/1\t0/0\t0/1")]
    vcf = tmp_path / "trio.vcf"
    vcf.write_text(header + "".join(
        f"chr9\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\t.\tGT\t{gts}\n" for pos, ref, alt, gts in rows
    ))  # fmt: skip
    ped = tmp_path / "trio.ped"
    ped.write_text("F1\tchild\tfather\tmother\t1\t2\nF1\tfather\t0\t0\t1\t1\n"
                   "F1\tmother\t0\t0\t2\t1\n")  # fmt: skip
    out = tmp_path / "out"
    result = run("filter", vcf, "--genes", DEMO / "genes.gff3", "--reference",
                 DEMO / "genome.fa", "--build", "none", "--ped", ped, "--sample", "child",
                 "-o", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    got = {v["pos"]: v for v in json.loads((out / "child.variants.json").read_text())["variants"]}
    assert got[12383]["together"] is None and got[12384]["together"] is None
