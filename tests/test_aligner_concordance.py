"""Both aligners on real reads: NA12878 (HiSeq, 2x101 bp) against GIAB NIST truth calls.

The reads, the hg19 chr20 slice and the truth calls come from google/nucleus (see
tests/data/realdata/README.md); positions are local to the slice (chr20:9,995,001-10,095,000
renamed ``chr20``). The workflow aligns the reads with bwa mem and with minimap2 -ax sr, marks
duplicates and calls with bcftools; the truth is the NIST call set, not our own output.

Inside the NIST confident regions, the truth is complete: every listed site must be called with
its genotype and nothing else may be called. Outside them (reads reach positions the confident
regions do not cover), both aligners must still give the same calls as each other.
"""

from __future__ import annotations

from pathlib import Path

import pysam
import pytest

from .conftest import DATA, needs_tool
from .workflow_runner import UNITS_HEADER, setup_workdir, snakemake

pytestmark = [
    pytest.mark.e2e,
    *(needs_tool(t) for t in ("bwa", "minimap2", "samtools", "bcftools")),
]

NA12878 = DATA / "realdata" / "na12878_chr20"
SAMPLES = "sample\tfamily\tsex\tfather\tmother\taffected\nNA12878\tNA12878\tfemale\t0\t0\tyes\n"
# The slice's reads cover local 4,912-6,897 (chr20:9,999,912-10,001,897); the first and last
# few dozen bases have too few reads to call.
WINDOW = (4950, 6850)


def genotype_calls(vcf: Path) -> dict[tuple, str]:
    """(pos, REF, ALT) -> genotype as "0/1" for every PASS record of a single-sample VCF."""
    calls = {}
    with pysam.VariantFile(str(vcf)) as fh:
        for rec in fh:
            if rec.filter.keys() not in ([], ["PASS"]):
                continue
            gt = next(iter(rec.samples.values()))["GT"]
            key = (rec.pos, rec.ref.upper(), rec.alts[0].upper())
            calls[key] = "/".join(str(a) for a in sorted(gt))
    return calls


def confident(pos: int) -> bool:
    for line in (NA12878 / "giab_nist_confident.bed").read_text().splitlines():
        _, start, end = line.split("\t")
        if int(start) < pos <= int(end):
            return True
    return False


def in_window(key: tuple) -> bool:
    return WINDOW[0] <= key[0] <= WINDOW[1]


@pytest.fixture(scope="module")
def called(tmp_path_factory) -> dict[str, dict[tuple, str]]:
    units = (
        UNITS_HEADER
        + f"NA12878\tL4\t{NA12878 / 'NA12878_1.fq.gz'}\t{NA12878 / 'NA12878_2.fq.gz'}\t\t\n"
    )
    out = {}
    for aligner in ("bwa", "minimap2"):
        work = setup_workdir(
            tmp_path_factory.mktemp(aligner),
            units,
            SAMPLES,
            reference__fasta=str(NA12878 / "hg19_chr20_9995001_10095000.fa"),
            calling__regions="all",
            align__aligner=aligner,
        )
        run = snakemake(work, "results/calls/NA12878.vcf.gz")
        assert run.returncode == 0, run.stderr[-4000:]
        out[aligner] = genotype_calls(work / "results" / "calls" / "NA12878.vcf.gz")
    return out


def truth() -> dict[tuple, str]:
    return genotype_calls(NA12878 / "giab_nist_truth.vcf.gz")


@pytest.mark.parametrize("aligner", ["bwa", "minimap2"])
def test_confident_regions_match_the_giab_truth(called, aligner):
    expected = {k: gt for k, gt in truth().items() if in_window(k) and confident(k[0])}
    got = {k: gt for k, gt in called[aligner].items() if in_window(k) and confident(k[0])}
    # 8 truth sites: 7 SNVs (2 heterozygous, 5 homozygous) and the 5-bp insertion at 6,436.
    assert len(expected) == 8
    assert got == expected


def test_both_aligners_give_the_same_genotypes_everywhere_in_the_window(called):
    bwa = {k: gt for k, gt in called["bwa"].items() if in_window(k)}
    minimap2 = {k: gt for k, gt in called["minimap2"].items() if in_window(k)}
    assert bwa == minimap2
    # Outside the confident regions the truth still lists 6 sites here; both find them.
    outside = {k: gt for k, gt in truth().items() if in_window(k) and not confident(k[0])}
    assert len(outside) == 6
    assert outside.items() <= bwa.items()
