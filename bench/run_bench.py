"""Benchmarks of `mmpsi-variants filter`, as ratios against runs made in the same session.

    make bench            (or: .venv/bin/python bench/run_bench.py [--records N])

Generates, once, under bench/work/: a synthetic reference (chr1..chr22, chrX), gene models
holding every panel gene plus decoy genes, and a single-sample VCF of N records (default
5,000,000). Then prints:

1. indexed input: filter on the big indexed VCF against filter on a VCF holding only the same
   panel records. Target <= 1.3x: the cost must not grow with the file.
2. unindexed bgzipped input: filter against `bcftools view -T panel.bed | bcftools csq -p a`,
   the nearest peer pipeline. Target <= 1.0x.
3. peak memory (max RSS) of filter on the big and the small file: it must not grow with the VCF.

Timings are the best of --repeat runs; nothing here is asserted in the test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pysam

from mmpsi_variants.panel.knowledge import load_panel

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
BIN = Path(sys.executable).parent
# Contigs with the lengths of GRCh38's chromosomes, so that records and genes are as dense
# as in a real genome (the sequence itself is random).
CONTIG_LENGTHS = {
    "chr1": 248_956_422, "chr2": 242_193_529, "chr3": 198_295_559, "chr4": 190_214_555,
    "chr5": 181_538_259, "chr6": 170_805_979, "chr7": 159_345_973, "chr8": 145_138_636,
    "chr9": 138_394_717, "chr10": 133_797_422, "chr11": 135_086_622, "chr12": 133_275_309,
    "chr13": 114_364_328, "chr14": 107_043_718, "chr15": 101_991_189, "chr16": 90_338_345,
    "chr17": 83_257_441, "chr18": 80_373_285, "chr19": 58_617_616, "chr20": 64_444_167,
    "chr21": 46_709_983, "chr22": 50_818_468, "chrX": 156_040_895,
}  # fmt: skip
CONTIGS = list(CONTIG_LENGTHS)
GENOME = sum(CONTIG_LENGTHS.values())
PANEL_GENE_SPAN = 48_000  # at WGS density (1 record / ~620 bp) ~2,000 records in 25 genes
DECOY_GENES = 2_000
DECOY_SPAN = 20_000
SEED = 20261122
FORMAT_VERSION = "5"  # bump to regenerate the inputs


def _bases(rng: random.Random, n: int) -> bytes:
    table = bytes.maketrans(bytes(range(256)), b"ACGT" * 64)
    return rng.randbytes(n).translate(table)


def _place(rng: random.Random, spans: list[tuple[str, int, int]], taken, length: int):
    """A random non-overlapping span of ``length`` on a contig picked by its size."""
    while True:
        chrom = rng.choices(CONTIGS, weights=list(CONTIG_LENGTHS.values()))[0]
        start = rng.randrange(100_000, CONTIG_LENGTHS[chrom] - length - 100_000)
        end = start + length - 1
        if all(e + 10_000 < start or end + 10_000 < s for s, e in taken.setdefault(chrom, [])):
            taken[chrom].append((start, end))
            spans.append((chrom, start, end))
            return chrom, start, end


def make_genes(path: Path, rng: random.Random) -> list[tuple[str, int, int]]:
    """Panel genes and decoys, each one 4-exon transcript whose CDS is whole codons."""
    panel = load_panel()
    spans: list = []
    taken: dict = {}
    lines = ["##gff-version 3", "#!genome-build mmpsi-bench synthetic"]
    genes = [(g.symbol, g.hgnc_id, PANEL_GENE_SPAN) for g in panel.genes]
    genes += [(f"DECOY{i}", f"HGNC:{900000 + i}", DECOY_SPAN) for i in range(DECOY_GENES)]
    for n, (symbol, hgnc, span) in enumerate(genes):
        chrom, start, end = _place(rng, spans, taken, span)
        strand = rng.choice("+-")
        gid, tid = f"ENSGBENCH{n:06d}", f"ENSTBENCH{n:06d}"
        lines.append(
            f"{chrom}\tbench\tgene\t{start}\t{end}\t.\t{strand}\t.\tID=gene:{gid};Name={symbol};"
            f"biotype=protein_coding;description=synthetic [Source:HGNC Symbol%3BAcc:{hgnc}];"
            f"gene_id={gid};version=1"
        )
        lines.append(
            f"{chrom}\tbench\tmRNA\t{start}\t{end}\t.\t{strand}\t.\tID=transcript:{tid};"
            f"Parent=gene:{gid};biotype=protein_coding;tag=basic,MANE_Select;"
            f"transcript_id={tid};version=1"
        )
        q = span // 4
        exons = [(start, start + 299), (start + q, start + q + 299),
                 (start + 2 * q, start + 2 * q + 299), (end - 299, end)]  # fmt: skip
        for s_, e_ in exons:
            lines.append(
                f"{chrom}\tbench\texon\t{s_}\t{e_}\t.\t{strand}\t.\tParent=transcript:{tid}"
            )
        pieces = exons if strand == "+" else exons[::-1]
        cds = []
        for i, (s_, e_) in enumerate(pieces):
            if strand == "+":
                s_ = s_ + 50 if i == 0 else s_
                e_ = e_ - 50 if i == len(pieces) - 1 else e_
            else:
                e_ = e_ - 50 if i == 0 else e_
                s_ = s_ + 50 if i == len(pieces) - 1 else s_
            cds.append((s_, e_))
        trim = sum(e_ - s_ + 1 for s_, e_ in cds) % 3
        cds[-1] = (
            (cds[-1][0], cds[-1][1] - trim) if strand == "+" else (cds[-1][0] + trim, cds[-1][1])
        )
        done = 0
        for s_, e_ in cds:
            lines.append(
                f"{chrom}\tbench\tCDS\t{s_}\t{e_}\t.\t{strand}\t{(3 - done % 3) % 3}\t"
                f"ID=CDS:{tid}P;Parent=transcript:{tid}"
            )
            done += e_ - s_ + 1
        lines.append("###")
    path.write_text("\n".join(lines) + "\n")
    return spans


VCF_HEADER = [
    "##fileformat=VCFv4.2",
    "##fileDate=20261122",
    "##source=mmpsi-variants bench generator (synthetic)",
    *[f"##contig=<ID={c},length={n}>" for c, n in CONTIG_LENGTHS.items()],
    '##INFO=<ID=DP,Number=1,Type=Integer,Description="Total depth">',
    *[
        f'##INFO=<ID={k},Number={n},Type={t},Description="{k} as written by GATK">'
        for k, n, t in [
            ("AC", "A", "Integer"),
            ("AF", "A", "Float"),
            ("AN", "1", "Integer"),
            ("BaseQRankSum", "1", "Float"),
            ("ExcessHet", "1", "Float"),
            ("FS", "1", "Float"),
            ("MLEAC", "A", "Integer"),
            ("MLEAF", "A", "Float"),
            ("MQ", "1", "Float"),
            ("MQRankSum", "1", "Float"),
            ("QD", "1", "Float"),
            ("ReadPosRankSum", "1", "Float"),
            ("SOR", "1", "Float"),
        ]
    ],  # fmt: skip
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
    '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="Phred-scaled likelihoods">',
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tBENCH01",
]
_OTHER = {"A": "G", "C": "T", "G": "A", "T": "C"}


def _records(chrom: str, seq: bytes, n: int, rng: random.Random):
    """``n`` records evenly spread over a contig, 10% short indels, REF from the sequence."""
    step = len(seq) // (n + 1)
    buf = []
    for k in range(n):
        pos = (k + 1) * step + rng.randrange(step // 2)
        base = chr(seq[pos - 1])
        r = rng.random()
        if r < 0.05:
            ref, alt = seq[pos - 1 : pos + 2].decode(), base
        elif r < 0.10:
            ref, alt = base, base + chr(seq[pos + 5])
        else:
            ref, alt = base, _OTHER[base]
        het = r % 0.01 < 0.007
        gt, ad, pl, ac = ("0/1", "15,14", "120,0,135", 1) if het else ("1/1", "0,29", "900,87,0", 2)
        # Fields as GATK HaplotypeCaller writes them, so that lines have a real size.
        info = (
            f"AC={ac};AF={ac / 2:.2f};AN=2;BaseQRankSum=0.524;DP=29;ExcessHet=3.0103;"
            f"FS=1.871;MLEAC={ac};MLEAF={ac / 2:.2f};MQ=60.00;MQRankSum=0.000;QD=21.47;"
            "ReadPosRankSum=-0.312;SOR=0.693"
        )
        buf.append(
            f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t622.64\tPASS\t{info}\t"
            f"GT:AD:DP:GQ:PL\t{gt}:{ad}:29:99:{pl}\n"
        )
        if len(buf) >= 50_000:
            yield "".join(buf)
            buf = []
    yield "".join(buf)


def make_reference_and_vcf(ref: Path, vcf: Path, n_records: int, rng: random.Random) -> None:
    """One contig at a time, so that memory holds one chromosome, never the genome."""
    with open(ref, "wb") as fa, pysam.BGZFile(str(vcf), "wb") as out:
        out.write(("\n".join(VCF_HEADER) + "\n").encode())
        for chrom, length in CONTIG_LENGTHS.items():
            seq = _bases(rng, length)
            fa.write(f">{chrom} synthetic benchmark contig\n".encode())
            for i in range(0, length, 60 * 100_000):
                block = seq[i : i + 60 * 100_000]
                fa.write(b"\n".join(block[j : j + 60] for j in range(0, len(block), 60)) + b"\n")
            for chunk in _records(chrom, seq, round(n_records * length / GENOME), rng):
                out.write(chunk.encode())
            del seq
    pysam.faidx(str(ref))


def prepare(n_records: int) -> dict[str, Path]:
    stamp = WORK / f"inputs-v{FORMAT_VERSION}-{n_records}.done"
    files = {
        "ref": WORK / "ref.fa",
        "genes": WORK / "genes.gff3",
        "big": WORK / "big.vcf.gz",
        "noidx": WORK / "noidx" / "big.vcf.gz",
        "small": WORK / "small.vcf.gz",
        "bed": WORK / "panel.bed",
    }
    if stamp.exists():
        return files
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "noidx").mkdir(parents=True)
    rng = random.Random(SEED)
    t = time.perf_counter()
    print(f"generating inputs under {WORK} (once) ...", flush=True)
    make_genes(files["genes"], rng)
    make_reference_and_vcf(files["ref"], files["big"], n_records, rng)
    pysam.tabix_index(str(files["big"]), preset="vcf", force=True)
    os.link(files["big"], files["noidx"])  # same bytes, no index beside it
    _run([BIN / "mmpsi-variants", "panel", "--bed", "--genes", files["genes"], "-o", files["bed"]])
    _run(["bcftools", "view", "-R", files["bed"], "-Oz", "-o", files["small"], files["big"]])
    pysam.tabix_index(str(files["small"]), preset="vcf", force=True)
    stamp.touch()
    print(f"  done in {time.perf_counter() - t:.0f} s", flush=True)
    return files


def _run(cmd, stdout=subprocess.DEVNULL, shell=False):
    cmd = cmd if shell else [str(c) for c in cmd]
    subprocess.run(cmd, check=True, stdout=stdout, shell=shell)


def measure(cmd, repeat: int, shell=False, env=None) -> tuple[float, int]:
    """Best wall time (s) and the largest peak RSS (KiB) over ``repeat`` runs."""
    best, peak = float("inf"), 0
    for _ in range(repeat):
        t = time.perf_counter()
        proc = subprocess.Popen(
            cmd if shell else [str(c) for c in cmd],
            shell=shell,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            executable="/bin/bash" if shell else None,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read().decode()
        if proc.returncode != 0:
            raise SystemExit(f"benchmark command failed ({proc.returncode}): {cmd}\n{err}")
        best = min(best, elapsed)
        peak = max(peak, usage.ru_maxrss)
    return best, peak


def warm_page_cache(*paths: Path) -> None:
    """Read the inputs once, so that neither tool pays for the disk on the other's behalf
    (the reference alone is 3 GB)."""
    for path in paths:
        with open(path, "rb") as fh:
            while fh.read(1 << 24):
                pass


def count_records(path: Path) -> int:
    out = subprocess.run(["bcftools", "index", "-n", str(path)], capture_output=True, text=True)
    return int(out.stdout.strip()) if out.returncode == 0 else -1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--records", type=int, default=5_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--skip-annotate", action="store_true", help="only the filter benchmarks")
    ap.add_argument("--only-annotate", action="store_true", help="only annotate vs bcftools csq")
    args = ap.parse_args()
    if args.generate_only:
        prepare(args.records)
        return
    # Generate in a child: a parent holding the genome in memory would inflate the peak RSS
    # that the measured children report.
    _run([sys.executable, __file__, "--generate-only", "--records", args.records], stdout=None)
    f = prepare(args.records)
    (WORK / "out").mkdir(exist_ok=True)
    out = WORK / "out"
    common = ["--genes", f["genes"], "--reference", f["ref"]]
    filt = [BIN / "mmpsi-variants", "--quiet", "filter"]
    if args.only_annotate:
        bench_annotate(f, args.repeat)
        return

    print(f"records: big {count_records(f['big']):,}, panel-only {count_records(f['small']):,}")
    # One untimed run fills the gene-model cache, so that every timed run starts alike.
    measure([*filt, f["small"], *common, "-o", out / "warmup"], 1)
    t_big, m_big = measure([*filt, f["big"], *common, "-o", out / "big"], args.repeat)
    t_small, m_small = measure([*filt, f["small"], *common, "-o", out / "small"], args.repeat)
    t_noidx, m_noidx = measure([*filt, f["noidx"], *common, "-o", out / "noidx"], args.repeat)
    peer = (
        f"bcftools view -T {f['bed']} {f['noidx']} -Ou | "
        f"bcftools csq -p a -f {f['ref']} -g {f['genes']} -Ou -o /dev/null"
    )
    t_peer, _ = measure(peer, args.repeat, shell=True)

    r1, r2 = t_big / t_small, t_noidx / t_peer
    print()
    print(f"{'run':58s} {'wall s':>7s} {'max RSS MiB':>12s}")
    print(f"{'filter, big VCF, indexed':58s} {t_big:7.2f} {m_big / 1024:12.1f}")
    print(f"{'filter, panel-only VCF, indexed':58s} {t_small:7.2f} {m_small / 1024:12.1f}")
    print(f"{'filter, big VCF, bgzipped without index':58s} {t_noidx:7.2f} {m_noidx / 1024:12.1f}")
    print(f"{'bcftools view -T panel.bed | bcftools csq -p a (peer)':58s} {t_peer:7.2f}")
    print()
    print(f"ratio 1, indexed big / panel-only:     {r1:.2f}x  (target <= 1.3x) {_ok(r1 <= 1.3)}")
    print(f"ratio 2, unindexed / bcftools pipeline: {r2:.2f}x  (target <= 1.0x) {_ok(r2 <= 1.0)}")
    print(f"peak memory, big / panel-only:          {m_big / m_small:.2f}x")
    if not args.skip_annotate:
        bench_annotate(f, args.repeat)


# -- annotate against bcftools csq, on gene models of real size -------------------------------

BIG_GFF_GENES = 60_000  # x ~52 lines = ~3.1 million lines, the size of Ensembl's GRCh38 GFF3
ANNOTATE_RECORDS = 100_000


def make_big_gff(path: Path, rng: random.Random) -> int:
    """Genes with three 8-exon transcripts each, as dense along the genome as real genes are
    (one per ~50 kb, introns 0.5-4 kb, so about a third of the genome is genic); returns the
    number of lines."""
    lines = ["##gff-version 3", "#!genome-build mmpsi-bench synthetic (real-size)"]
    n = 0
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")
        for chrom, length in CONTIG_LENGTHS.items():
            per_contig = round(BIG_GFF_GENES * length / GENOME)
            step = (length - 200_000) // per_contig
            block = []
            for k in range(per_contig):
                gstart = 100_000 + k * step + rng.randrange(step // 4)
                strand = "+" if rng.random() < 0.5 else "-"
                gid = f"ENSGBIG{n:08d}"
                spans, tx_lines = [], []
                for t in range(3):
                    exons, pos = [], gstart + t * 17
                    for _ in range(8):
                        size = rng.randrange(90, 210)
                        exons.append((pos, pos + size - 1))
                        pos += size + rng.randrange(500, 4000)
                    spans.append((exons[0][0], exons[-1][1]))
                    tid = f"ENSTBIG{n:08d}{t}"
                    tags = ";tag=basic,MANE_Select" if t == 0 else ";tag=basic"
                    tx_lines.append(
                        f"{chrom}\tbench\tmRNA\t{exons[0][0]}\t{exons[-1][1]}\t.\t{strand}\t.\t"
                        f"ID=transcript:{tid};Parent=gene:{gid};biotype=protein_coding{tags};"
                        f"transcript_id={tid};version=1"
                    )
                    order = exons if strand == "+" else exons[::-1]
                    coding = order[1:-1]  # first and last exons are UTR
                    trim = sum(e - s + 1 for s, e in coding) % 3
                    if strand == "+":
                        coding[-1] = (coding[-1][0], coding[-1][1] - trim)
                    else:
                        coding[-1] = (coding[-1][0] + trim, coding[-1][1])
                    for s, e in exons:
                        tx_lines.append(f"{chrom}\tbench\texon\t{s}\t{e}\t.\t{strand}\t.\t"
                                        f"Parent=transcript:{tid}")  # fmt: skip
                    done = 0
                    for s, e in coding:
                        phase = (3 - done % 3) % 3
                        tx_lines.append(f"{chrom}\tbench\tCDS\t{s}\t{e}\t.\t{strand}\t{phase}\t"
                                        f"ID=CDS:{tid};Parent=transcript:{tid}")  # fmt: skip
                        done += e - s + 1
                    for utr, (s, e) in (
                        ("five_prime_UTR", order[0]),
                        ("three_prime_UTR", order[-1]),
                    ):
                        tx_lines.append(f"{chrom}\tbench\t{utr}\t{s}\t{e}\t.\t{strand}\t.\t"
                                        f"Parent=transcript:{tid}")  # fmt: skip
                lo, hi = min(s for s, _ in spans), max(e for _, e in spans)
                block.append(
                    f"{chrom}\tbench\tgene\t{lo}\t{hi}\t.\t{strand}\t.\tID=gene:{gid};"
                    f"Name=BIG{n};biotype=protein_coding;gene_id={gid};version=1"
                )
                block.extend(tx_lines)
                block.append("###")
                n += 1
            fh.write("\n".join(block) + "\n")
    with open(path) as fh:
        return sum(1 for _ in fh)


def prepare_annotate(f: dict[str, Path]) -> dict[str, Path]:
    files = {"gff": WORK / "big_genes.gff3", "vcf": WORK / "annotate_100k.vcf.gz"}
    stamp = WORK / f"annotate-inputs-v{FORMAT_VERSION}.done"
    if stamp.exists():
        return files
    print("generating real-size gene models and the 100,000-record VCF (once) ...", flush=True)
    n = make_big_gff(files["gff"], random.Random(SEED + 1))
    print(f"  {n:,} GFF3 lines", flush=True)
    every = max(1, 5_000_000 // ANNOTATE_RECORDS)
    cmd = (
        f"bcftools view -H {f['big']} | awk 'NR % {every} == 0' | head -n {ANNOTATE_RECORDS} | "
        f"cat <(bcftools view -h {f['big']}) - | bgzip -c > {files['vcf']}"
    )
    subprocess.run(["bash", "-o", "pipefail", "-c", cmd], check=True)
    pysam.tabix_index(str(files["vcf"]), preset="vcf", force=True)
    stamp.touch()
    return files


def bench_annotate(f: dict[str, Path], repeat: int) -> None:
    a = prepare_annotate(f)
    cache = WORK / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    env = {**os.environ, "MMPSI_CACHE_DIR": str(cache)}
    ours = [BIN / "mmpsi-variants", "--quiet", "annotate", a["vcf"], "--genes", a["gff"],
            "--reference", f["ref"], "-o", WORK / "out" / "annotated.vcf.gz"]  # fmt: skip
    # Both tools write the same thing: a bgzipped VCF and its tabix index.
    peer_out = WORK / "out" / "bcftools_csq.vcf.gz"
    peer = (f"bcftools csq -p a -f {f['ref']} -g {a['gff']} {a['vcf']} -Oz -o {peer_out} "
            f"&& tabix -f -p vcf {peer_out}")  # fmt: skip
    warm_page_cache(f["ref"], a["gff"], a["vcf"])
    t_first, m_first = measure(ours, 1, env=env)  # parses the GFF3 and fills the cache
    # Alternate the two tools, so that a slower spell of a shared machine hits both.
    t_second = t_two = t_peer = float("inf")
    m_second = m_two = m_peer = 0
    for _ in range(repeat):
        t, m = measure(peer, 1, shell=True)
        t_peer, m_peer = min(t_peer, t), max(m_peer, m)
        t, m = measure(ours, 1, env=env)
        t_second, m_second = min(t_second, t), max(m_second, m)
        t, m = measure([*ours, "--threads", "2"], 1, env=env)
        t_two, m_two = min(t_two, t), max(m_two, m)
    r = t_second / t_peer
    print()
    print(f"annotate: {ANNOTATE_RECORDS:,} records, gene models of ~3 million GFF3 lines")
    for label, t, m in (
        ("mmpsi-variants annotate, first run (parses GFF3)", t_first, m_first),
        ("mmpsi-variants annotate, second run (cached models)", t_second, m_second),
        ("mmpsi-variants annotate --threads 2 (cached models)", t_two, m_two),
        ("bcftools csq -p a (peer)", t_peer, m_peer),
    ):
        print(f"{label:58s} {t:7.2f} {m / 1024:12.1f}")
    print(f"ratio 3, annotate (cached) / bcftools csq:  {r:.2f}x  (target <= 5x) {_ok(r <= 5)}")
    print(f"         annotate --threads 2 / bcftools csq: {t_two / t_peer:.2f}x")
    print(f"         annotate (first run) / bcftools csq: {t_first / t_peer:.2f}x")


def _ok(flag: bool) -> str:
    return "met" if flag else "NOT MET"


if __name__ == "__main__":
    main()
