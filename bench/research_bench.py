"""Research mode (``filter --no-panel``) on a 9-sample cohort at 25k, 50k and 100k records.

    .venv/bin/python bench/research_bench.py [--records 25000 50000 100000] [--repeat 1]

Generates, once per size, under bench/work/research/: a joint VCF of the demo cohort's nine
samples (a trio and six unrelated children, PED from resources/demo/demo.ped) over the
benchmark's synthetic genome and its real-size gene models (run `make bench` or
`bench/run_bench.py --only-annotate` first, which write them), exome-like (seven records in ten
inside an exon or within 50 bases of one, the rest in introns), GATK-style FORMAT GT:AD:DP:GQ,
Mendelian transmission in the trio, allele frequencies from a common/rare mixture; and a
gnomAD-style sites VCF holding the common ones and half of the rare ones.

Prints, for each size, the wall time, the peak memory and the output size of the default
research mode (rare and not benign by consequence alone) and of ``--keep-all``, with
``bcftools csq -p a`` on the same VCF as the peer, and the ratio of each size's time to the
previous one (doubling the records must at most double the time). Targets (issue 11): 100,000
records in under 2 minutes and 2 GB. Nothing here is asserted in the test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import sys
from pathlib import Path

import pysam

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_bench import CONTIG_LENGTHS, WORK, measure  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
OUT = WORK / "research"
PED = ROOT / "resources" / "demo" / "demo.ped"
SAMPLES = ["EIMFS01", "EIMFS01_FA", "EIMFS01_MO", "EIMFS02", "EIMFS03", "EIMFS04", "EIMFS05",
           "EIMFS06", "EIMFS07"]  # fmt: skip
MALES = {"EIMFS01_FA", "EIMFS02", "EIMFS05", "EIMFS07"}
PAR_X = ((10001, 2781479), (155701383, 156030895))
SEED = 20261202
VERSION = "1"
_OTHER = {"A": "G", "C": "T", "G": "A", "T": "C", "N": "A"}


def exons_by_contig(gff: Path) -> dict[str, list[tuple[int, int]]]:
    """Exon intervals of the MANE transcripts, per contig, sorted."""
    out: dict[str, list[tuple[int, int]]] = {}
    mane: set[str] = set()
    with open(gff) as fh:
        for line in fh:
            if "\tmRNA\t" in line and "MANE_Select" in line:
                mane.add(re.search(r"ID=transcript:([^;]+)", line).group(1))
            elif "\texon\t" in line:
                cols = line.split("\t")
                tid = cols[8].strip().removeprefix("Parent=transcript:")
                if tid in mane:
                    out.setdefault(cols[0], []).append((int(cols[3]), int(cols[4])))
    return {c: sorted(v) for c, v in out.items()}


def _positions(rng: random.Random, exons: dict, n: int) -> list[tuple[str, int]]:
    contigs = [c for c in CONTIG_LENGTHS if c in exons]
    weights = [len(exons[c]) for c in contigs]
    picks = []
    for chrom in rng.choices(contigs, weights=weights, k=n):
        s, e = rng.choice(exons[chrom])
        if rng.random() < 0.7:
            pos = rng.randint(max(1, s - 50), e + 50)
        else:  # intronic: up to 1.5 kb beyond the exon
            pos = e + rng.randint(51, 1500)
        picks.append((chrom, pos))
    order = {c: i for i, c in enumerate(CONTIG_LENGTHS)}
    return sorted(set(picks), key=lambda p: (order[p[0]], p[1]))


def _haploid(chrom: str, pos: int, sample: str) -> bool:
    return chrom == "chrX" and sample in MALES and not any(a <= pos <= b for a, b in PAR_X)


def _draw(rng: random.Random, af: float, copies: int) -> list[int]:
    return [int(rng.random() < af) for _ in range(copies)]


def _genotypes(rng: random.Random, chrom: str, pos: int, af: float) -> dict[str, list[int]]:
    """Alleles of every sample; the trio's child (a girl) takes one from each parent. A joint
    call set holds only sites where someone carries the ALT, so draw until someone does."""
    while True:
        g = {s: _draw(rng, af, 1 if _haploid(chrom, pos, s) else 2) for s in SAMPLES[1:]}
        g["EIMFS01"] = [rng.choice(g["EIMFS01_FA"]), rng.choice(g["EIMFS01_MO"])]
        if any(sum(a) for a in g.values()):
            return g


def _call(rng: random.Random, alleles: list[int]) -> str:
    depth = rng.randint(15, 60)
    alt = sum(alleles)
    if 0 < alt < len(alleles):
        alt_reads = sum(rng.random() < 0.5 for _ in range(depth))
    else:
        alt_reads = depth if alt else 0
    gt = "/".join(map(str, sorted(alleles))) if len(alleles) == 2 else str(alleles[0])
    return f"{gt}:{depth - alt_reads},{alt_reads}:{depth}:{99 if depth > 30 else 3 * depth}"


def make_cohort(n: int, ref: Path, gff: Path) -> dict[str, Path]:
    files = {"vcf": OUT / f"cohort_{n}.vcf.gz", "gnomad": OUT / f"gnomad_{n}.vcf.gz"}
    stamp = OUT / f"cohort-v{VERSION}-{n}.done"
    if stamp.exists():
        return files
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"generating the {n:,}-record cohort (once) ...", flush=True)
    rng = random.Random(SEED + n)
    exons = exons_by_contig(gff)
    fasta = pysam.FastaFile(str(ref))
    contig_lines = "".join(f"##contig=<ID={c},length={n}>\n" for c, n in CONTIG_LENGTHS.items())
    head = (
        "##fileformat=VCFv4.2\n" + contig_lines
        + '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">\n'
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">\n'
        '##INFO=<ID=DP,Number=1,Type=Integer,Description="Total depth">\n'
    )  # fmt: skip
    gnomad_head = (
        "##fileformat=VCFv4.2\n" + contig_lines
        + '##INFO=<ID=AC,Number=A,Type=Integer,Description="Alternate allele count">\n'
        '##INFO=<ID=AN,Number=1,Type=Integer,Description="Total number of alleles">\n'
        '##INFO=<ID=AF,Number=A,Type=Float,Description="Alternate allele frequency">\n'
        '##INFO=<ID=nhomalt,Number=A,Type=Integer,Description="Homozygotes">\n'
        '##INFO=<ID=fafmax_faf95_max,Number=A,Type=Float,Description="Maximum filtering AF">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
    )  # fmt: skip
    with pysam.BGZFile(str(files["vcf"]), "wb") as out, \
            pysam.BGZFile(str(files["gnomad"]), "wb") as pop:  # fmt: skip
        out.write((head + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t"
                   + "\t".join(SAMPLES) + "\n").encode())  # fmt: skip
        pop.write(gnomad_head.encode())
        lines, plines = [], []
        for chrom, pos in _positions(rng, exons, n):
            base = fasta.fetch(chrom, pos - 1, pos).upper() or "N"
            ref_allele, alt = base, _OTHER.get(base, "A")
            if rng.random() < 0.08:  # a short indel
                ref_allele = fasta.fetch(chrom, pos - 1, pos + 2).upper()
                alt = ref_allele[0]
            common = rng.random() < 0.6
            af = rng.uniform(0.05, 0.5) if common else 10 ** rng.uniform(-5, -2.3)
            g = _genotypes(rng, chrom, pos, af)
            cols = [chrom, str(pos), ".", ref_allele, alt, "500", "PASS", "DP=300", "GT:AD:DP:GQ"]
            lines.append("\t".join(cols + [_call(rng, g[s]) for s in SAMPLES]) + "\n")
            if common or rng.random() < 0.5:
                an = 1_400_000
                ac = max(1, round(af * an))
                plines.append(f"{chrom}\t{pos}\t.\t{ref_allele}\t{alt}\t.\tPASS\tAC={ac};AN={an};"
                              f"AF={ac / an:.4g};nhomalt={round(af * af * an / 2)};"
                              f"fafmax_faf95_max={0.9 * ac / an:.4g}\n")  # fmt: skip
        out.write("".join(lines).encode())
        pop.write("".join(plines).encode())
    for path in files.values():
        pysam.tabix_index(str(path), preset="vcf", force=True)
    stamp.touch()
    return files


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", type=int, nargs="+", default=[25_000, 50_000, 100_000])
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    ref, gff = WORK / "ref.fa", WORK / "big_genes.gff3"
    if not (ref.exists() and gff.exists()):
        sys.exit("run `make bench` (or bench/run_bench.py --only-annotate) first: it writes "
                 "the synthetic genome and gene models this benchmark uses")  # fmt: skip
    cache = WORK / "cache"
    rows, previous = [], {}
    for n in sorted(args.records):
        f = make_cohort(n, ref, gff)
        for label, extra in (("default", []), ("--keep-all", ["--keep-all"])):
            outdir = OUT / f"out_{n}_{label.strip('-')}"
            shutil.rmtree(outdir, ignore_errors=True)
            cmd = [BIN / "mmpsi-variants", "--quiet", "filter", f["vcf"], "--no-panel",
                   "--genes", gff, "--reference", ref, "--ped", PED, "--gnomad", f["gnomad"],
                   "--build", "GRCh38", "-o", outdir, *extra]  # fmt: skip
            env = {**os.environ, "MMPSI_CACHE_DIR": str(cache)}
            t, mem = measure(cmd, args.repeat, env=env)
            size = sum(p.stat().st_size for p in outdir.glob("*"))
            kept = sum(p.read_text().count("\n") - 1 for p in outdir.glob("*.tsv"))
            grow = t / previous[label] if label in previous else None
            previous[label] = t
            rows.append((n, label, t, mem, size, kept, grow))
        peer = (f"bcftools csq -p a -f {ref} -g {gff} {f['vcf']} -Oz -o "
                f"{OUT / 'csq.vcf.gz'}")  # fmt: skip
        t_peer, m_peer = measure(peer, args.repeat, shell=True)
        rows.append((n, "bcftools csq -p a (peer)", t_peer, m_peer, None, None, None))
    print()
    print(f"{'records':>8} {'run':26} {'time s':>8} {'peak MiB':>9} {'output MB':>10} "
          f"{'variants':>9} {'x prev':>7}")  # fmt: skip
    for n, label, t, mem, size, kept, grow in rows:
        print(f"{n:>8,} {label:26} {t:8.2f} {mem / 1024:9.1f} "
              f"{'' if size is None else f'{size / 1e6:10.1f}':>10} "
              f"{'' if kept is None else f'{kept:9,}':>9} "
              f"{'' if grow is None else f'{grow:6.2f}x':>7}")  # fmt: skip


if __name__ == "__main__":
    main()
