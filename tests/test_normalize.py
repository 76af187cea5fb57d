"""Normalisation: table-driven cases, then agreement with bcftools norm on real sequence."""

import random
import subprocess

import pytest

from mmpsi_variants.io.fasta import Reference
from mmpsi_variants.io.normalize import left_align, split_record, trim

from .conftest import REAL, needs_tool

SEQ = "GCAAAATCACACAGT"  # 1-based: G1 C2 A3 A4 A5 A6 T7 C8 A9 C10 A11 C12 A13 G14 T15


def fetch(s, e):
    return SEQ[max(0, s) : e]


@pytest.mark.parametrize(
    "pos, ref, alt, expected",
    [
        (6, "AT", "T", (2, "CA", "C")),  # deletion of one A, written at the run's right end
        (6, "A", "AA", (2, "C", "CA")),  # insertion of one A
        (11, "ACA", "A", (7, "TCA", "T")),  # deletion of a CA repeat unit
        (4, "A", "G", (4, "A", "G")),  # SNV untouched
        (4, "AAT", "GAT", (4, "A", "G")),  # padded SNV trimmed
        (3, "AAAA", "AAA", (2, "CA", "C")),  # deletion with extra context on both sides
        (14, "GT", "GAT", (14, "G", "GA")),  # padded insertion trimmed; no repeat to shift into
    ],
)
def test_left_align_cases(pos, ref, alt, expected):
    assert left_align(pos, ref, alt, fetch) == expected


def test_trim_without_reference_keeps_an_anchor_base():
    assert trim(10, "CAG", "CG") == (10, "CA", "C")
    assert trim(10, "ACGT", "ACGA") == (13, "T", "A")


@needs_tool("bcftools")
def test_agrees_with_bcftools_norm_on_real_chr21(tmp_path):
    """Random indels in the real GRCh38 chr21 slice, normalised by us and by bcftools norm."""
    fasta = REAL / "chr21_trio" / "hg38_chr21_22000000_23000000.fasta"
    ref = Reference(str(fasta))
    seq = ref.fetch("chr21", 0, 200_000)
    rng = random.Random(20261122)
    records = []
    # Indels placed at the right end of repeats, where left-alignment has work to do.
    for _ in range(400):
        p = rng.randrange(100, len(seq) - 100)
        kind = rng.choice(["del", "ins", "snv", "mnv"])
        if kind == "del":
            n = rng.randint(1, 6)
            r, a = seq[p - 1 : p + n], seq[p - 1]
            records.append((p, r, a))
        elif kind == "ins":
            unit = seq[p - rng.randint(1, 4) : p]
            records.append((p, seq[p - 1], seq[p - 1] + unit))
        elif kind == "snv":
            b = seq[p - 1]
            records.append((p, b, rng.choice([x for x in "ACGT" if x != b])))
        else:
            r = seq[p - 1 : p + 2]
            records.append((p, r + seq[p + 2], r[::-1] + seq[p + 2]))
    records = sorted(set(r for r in records if "N" not in r[1] and r[1] != r[2]))
    vcf = tmp_path / "in.vcf"
    with open(vcf, "w") as fh:
        fh.write("##fileformat=VCFv4.2\n##contig=<ID=chr21,length=1000001>\n")
        fh.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        for i, (p, r, a) in enumerate(records):
            fh.write(f"chr21\t{p}\tv{i}\t{r}\t{a}\t.\t.\t.\n")
    out = subprocess.run(
        ["bcftools", "norm", "-f", str(fasta), "-m", "-any", str(vcf)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    theirs = {}
    for line in out.splitlines():
        if not line.startswith("#"):
            c = line.split("\t")
            theirs[c[2]] = (int(c[1]), c[3], c[4])
    ours = {}
    for i, (p, r, a) in enumerate(records):
        (allele,) = split_record("chr21", p, r, [a], ref)
        ours[f"v{i}"] = (allele.pos, allele.ref, allele.alt)
    # bcftools norm does not trim MNVs to their differing core; compare those by trimming theirs.
    differ = {
        k: (ours[k], theirs[k])
        for k in ours
        if ours[k] != theirs[k] and ours[k] != trim(*theirs[k])
    }
    assert not differ, (
        f"{len(differ)} of {len(ours)} differ from bcftools norm: {list(differ.items())[:5]}"
    )
    assert len(ours) > 350


def test_split_record_flags_multiallelic_and_ref_mismatch():
    class FakeRef:
        def fetch(self, chrom, s, e):
            return "GCAAAATCACACAGT"[s:e]

    alleles = split_record("1", 4, "A", ["G", "T", "*"], FakeRef())
    assert [(a.pos, a.ref, a.alt, a.allele_index) for a in alleles] == [
        (4, "A", "G", 1),
        (4, "A", "T", 2),
    ]
    assert all(a.n_alts == 3 and a.changed for a in alleles)
    (bad,) = split_record("1", 4, "C", ["T"], FakeRef())
    assert bad.ref_mismatch and (bad.pos, bad.ref, bad.alt) == (4, "C", "T")
