"""Wall time of ``filter --no-panel --ped`` on a trio: real GIAB chr21 calls and a synthetic exome.

    .venv/bin/python bench/trio_timing.py [--records 10000] [--repeat 3]

1. tests/data/realdata/chr21_trio: GATK joint calls of the GIAB Ashkenazi trio on a 1-Mb chr21
   slice (1,764 records), with its PED.
2. A synthetic trio VCF of --records records (default 10,000, an exome-sized call set) written
   under bench/work/ (not committed): GRCh38 contig names and lengths, chr1..chr22 and chrX,
   GATK-style FORMAT GT:AD:DP:GQ:PL, Mendelian transmission with allele frequencies drawn from
   0.01-0.5, boys hemizygous on chrX outside the PARs, a handful of planted de novos, about 1%
   no-calls.

Both runs include the whole-VCF sex and parentage pass and the inheritance analysis. Prints the
best of --repeat runs; nothing here is asserted in the test suite.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from pathlib import Path

import pysam

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work"
BIN = Path(sys.executable).parent
GRCH38 = {
    **{f"chr{i}": n for i, n in enumerate(
        [248956422, 242193529, 198295559, 190214555, 181538259, 170805979, 159345973,
         145138636, 138394717, 133797422, 135086622, 133275309, 114364328, 107043718,
         101991189, 90338345, 83257441, 80373285, 58617616, 64444167, 46709983, 50818468],
        start=1)},
    "chrX": 156040895,
}  # fmt: skip
PAR_X = ((10001, 2781479), (155701383, 156030895))  # GRCh38, as in data/builds.yaml


def _call(rng, alleles: tuple[int, ...]) -> str:
    depth = rng.randint(15, 60)
    alt = sum(alleles)
    if len(set(alleles)) > 1:
        alt_reads = sum(rng.random() < 0.5 for _ in range(depth))
    else:
        alt_reads = depth if alt else sum(rng.random() < 0.002 for _ in range(depth))
    gt = "/".join(map(str, sorted(alleles * (2 if len(alleles) == 1 else 1))))
    pl = {"0/0": "0,60,900", "0/1": "600,0,600", "1/1": "900,60,0"}[gt]
    gq = 99 if depth > 30 else 3 * depth
    return f"{gt}:{depth - alt_reads},{alt_reads}:{depth}:{gq}:{pl}"


def make_trio(path: Path, n: int, seed: int = 20261122) -> Path:
    rng = random.Random(seed)
    weights = [GRCH38[c] for c in GRCH38]
    per = {c: 0 for c in GRCH38}
    for c in rng.choices(list(GRCH38), weights=weights, k=n):
        per[c] += 1
    lines = [
        "##fileformat=VCFv4.2",
        "##source=mmpsi-variants bench/trio_timing.py (synthetic)",
        *(f"##contig=<ID={c},length={n}>" for c, n in GRCH38.items()),
        '##FILTER=<ID=PASS,Description="All filters passed">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
        '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="Phred-scaled likelihoods">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tKID\tDAD\tMUM",
    ]
    for chrom, k in per.items():
        positions = sorted(rng.sample(range(100_000, GRCH38[chrom] - 100_000), k))
        for pos in positions:
            p = rng.uniform(0.01, 0.5)
            hemi = chrom == "chrX" and not any(a <= pos <= b for a, b in PAR_X)
            dad = (int(rng.random() < p),) if hemi else tuple(int(rng.random() < p) for _ in "ab")
            mum = tuple(int(rng.random() < p) for _ in "ab")
            kid = (rng.choice(mum),) if hemi else (rng.choice(dad), rng.choice(mum))
            if rng.random() < 0.0005 and not any(kid):
                kid = (1,) if hemi else (0, 1)  # a planted de novo
            if not any(kid + dad + mum):
                kid = (1,) if hemi else (0, 1)
                mum = (0, 1)
            cols = [_call(rng, g) for g in (kid, dad, mum)]
            cols = ["./.:0,0:0:.:." if rng.random() < 0.01 else c for c in cols]
            ref, alt = rng.sample("ACGT", 2)
            qual = f"{rng.uniform(50, 3000):.2f}"
            lines.append(f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t{qual}\tPASS\t.\tGT:AD:DP:GQ:PL\t"
                         + "\t".join(cols))  # fmt: skip
    plain = path.with_suffix("")
    plain.write_text("\n".join(lines) + "\n")
    pysam.tabix_compress(str(plain), str(path), force=True)
    plain.unlink()
    return path


def best_time(args: list[str], repeat: int, outdir: Path) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(
            [str(BIN / "mmpsi-variants"), "-q", *args, "-o", str(outdir)],
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    WORK.mkdir(exist_ok=True)

    chr21 = ROOT / "tests" / "data" / "realdata" / "chr21_trio"
    t = best_time(
        ["filter", str(chr21 / "Ashkenazim.vcf.gz"), "--no-panel", "--ped",
         str(chr21 / "test.ped"), "--build", "GRCh38"],
        args.repeat,
        WORK / "trio-chr21",
    )  # fmt: skip
    print(f"real GIAB chr21 trio (1,764 records): filter --no-panel --ped  {t:.2f} s")

    vcf = make_trio(WORK / f"trio-{args.records}.vcf.gz", args.records)
    ped = WORK / "trio.ped"
    ped.write_text("F\tKID\tDAD\tMUM\t1\t2\nF\tDAD\t0\t0\t1\t1\nF\tMUM\t0\t0\t2\t1\n")
    t = best_time(
        ["filter", str(vcf), "--no-panel", "--ped", str(ped)], args.repeat, WORK / "trio-synth"
    )
    print(f"synthetic trio ({args.records:,} records): filter --no-panel --ped  {t:.2f} s")


if __name__ == "__main__":
    main()
