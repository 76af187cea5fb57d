"""Two variants of a sample in one codon are read together when they may share a chromosome.

Demo KCNT1: chr9:12383 C>T is c.1420C>T p.(Arg474Cys); with chr9:12384 G>A on the same
chromosome the codon CGC becomes TAC, p.(Arg474Tyr). chr9:12382 G>A is in codon 473.
"""

import json

import pytest

from mmpsi_variants.haplotypes import phase_of_pair

from .conftest import DEMO

HEADER = (
    "##fileformat=VCFv4.2\n##contig=<ID=chr9,length=26996>\n"
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
    '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set">\n'
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tchild\n"
)


def _filter(run, tmp_path, records: list[tuple[int, str, str, str]]):
    vcf = tmp_path / "pair.vcf"
    vcf.write_text(HEADER + "".join(
        f"chr9\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\t.\tGT\t{gt}\n" for pos, ref, alt, gt in records
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
        assert v["together"]["with"] == f"chr9:{other['pos']}:{other['ref']}:{other['alt']}"
        flags = [f["flag"] for f in v["acmg"]["flags"]]
        assert "codon_shared_with_another_variant" in flags


def test_neighbouring_codons_are_read_alone(run, tmp_path):
    got = _filter(run, tmp_path, [(12382, "G", "A", "0|1"), (12383, "C", "T", "0|1")])
    assert got[12382]["together"] is None and got[12383]["together"] is None


@pytest.mark.parametrize(
    "a,b,expected",
    [
        ({"zygosity": "heterozygous", "genotype": "0|1", "phased": True, "phase_set": 7},
         {"zygosity": "heterozygous", "genotype": "0|1", "phased": True, "phase_set": 7}, "cis"),
        ({"zygosity": "heterozygous", "genotype": "0|1", "phased": True, "phase_set": 7},
         {"zygosity": "heterozygous", "genotype": "0|1", "phased": True, "phase_set": 9},
         "unknown"),  # different phase blocks say nothing about each other
        ({"zygosity": "heterozygous", "genotype": "1|0", "phased": True, "phase_set": None},
         {"zygosity": "heterozygous", "genotype": "0|1", "phased": True, "phase_set": None},
         "trans"),
        ({"zygosity": "hemizygous", "genotype": "1", "phased": False, "phase_set": None},
         {"zygosity": "heterozygous", "genotype": "0/1", "phased": False, "phase_set": None},
         "cis"),
        ({"zygosity": "heterozygous", "genotype": "1|2", "phased": True, "phase_set": None},
         {"zygosity": "heterozygous", "genotype": "0|1", "phased": True, "phase_set": None},
         "unknown"),  # two alternate alleles: which slot is this one's is not known here
    ],
)  # fmt: skip
def test_phase_of_pair(a, b, expected):
    assert phase_of_pair(a, b) == expected
