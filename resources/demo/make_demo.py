#!/usr/bin/env python3
"""Generate the bundled, SYNTHETIC MMPSI/EIMFS demo data set.

Run from the repository root:

    python resources/demo/make_demo.py

It rewrites every data file in resources/demo/ (genome, gene models, PED, demo VCF, gnomAD-,
ClinVar-, REVEL- and SpliceAI-style resources, truth tables and README.md). The output is byte-identical on every run:
all randomness comes from random.Random instances seeded with fixed strings, and no dates or
paths from the running machine are written.

Nothing here is human sequence or real population/ClinVar data. The genome is random bases; gene
structures only approximate the real MANE transcripts (exon counts and protein lengths), with
short introns and UTRs. Needs Python 3.9+ and pysam (for bgzip and tabix); bcftools is NOT needed.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import tempfile

import pysam

SEED = "mmpsi-demo-v1"
# MMPSI_DEMO_OUT lets the tests regenerate into a scratch folder and compare byte for byte.
OUT = os.environ.get("MMPSI_DEMO_OUT") or os.path.dirname(os.path.abspath(__file__))

FLANK = 6000  # bp of random sequence at each contig end and between genes
BACKGROUND = 24000  # off-panel, gene-free stretch on chr1
LINE = 60  # FASTA line width
MARGIN = 10  # planted coding variants stay at least this far from exon edges (no splice_region)

# --------------------------------------------------------------------------------------- genetics

COMP = str.maketrans("ACGT", "TGCA")


def revcomp(seq: str) -> str:
    return seq.translate(COMP)[::-1]


_BASES = "TCAG"
_AAS = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODON_TABLE = {
    a + b + c: _AAS[16 * i + 4 * j + k]
    for i, a in enumerate(_BASES)
    for j, b in enumerate(_BASES)
    for k, c in enumerate(_BASES)
}
SENSE_CODONS = sorted(c for c, aa in CODON_TABLE.items() if aa != "*")
STOP_CODONS = ["TAA", "TAG", "TGA"]
AA3 = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu", "G": "Gly",
    "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe", "P": "Pro", "S": "Ser",
    "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "*": "Ter",
}  # fmt: skip


def translate(seq: str, to_stop: bool = False) -> str:
    out = []
    for i in range(0, len(seq) - len(seq) % 3, 3):
        aa = CODON_TABLE[seq[i : i + 3]]
        out.append(aa)
        if to_stop and aa == "*":
            break
    return "".join(out)


def rand_seq(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("ACGT") for _ in range(n))


# ------------------------------------------------------------------------------------- gene specs

# Core genes: real HGNC/Ensembl gene and MANE transcript identifiers (gene versions from the MANE
# extract in the shared real-data folder). Exon counts and protein lengths follow the MANE Select
# transcript as far as we know them; the sequence itself is random.
CORE = [
    dict(symbol="KCNT1", chrom="chr9", strand="+", hgnc="HGNC:18865", gene="ENSG00000107147", gver=14,
         tx="ENST00000371757", tver=7, exons=31, nc5=0, aa=1230,
         desc="potassium sodium-activated channel subfamily T member 1",
         forced={474: "CGC", 812: "ACG", 950: "GCC"}, skip_exon_alt=("ENST00000487664", 5, 29)),
    dict(symbol="SCN2A", chrom="chr2", strand="+", hgnc="HGNC:10588", gene="ENSG00000136531", gver=19,
         tx="ENST00000375437", tver=7, exons=27, nc5=1, aa=2005,
         desc="sodium voltage-gated channel alpha subunit 2",
         forced={209: "GAC", 1000: "CTG", 1545: "GAT"}, alt_exon=("ENST00000631182", 3, 5, 92, 209, "AAC")),
    dict(symbol="SCN1A", chrom="chr2", strand="-", hgnc="HGNC:10585", gene="ENSG00000144285", gver=24,
         tx="ENST00000674923", tver=1, exons=29, nc5=3, aa=2009,
         desc="sodium voltage-gated channel alpha subunit 1",
         forced={100: "GCA", 1300: "AGG"}, intron_len={12: 480}),
    dict(symbol="PLCB1", chrom="chr20", strand="+", hgnc="HGNC:15917", gene="ENSG00000182621", gver=19,
         tx="ENST00000338037", tver=11, exons=32, nc5=0, aa=1216, desc="phospholipase C beta 1",
         forced={500: "CTG", 501: "AAA", 502: "AAA", 503: "GAC"}),
    dict(symbol="PCDH19", chrom="chrX", strand="-", hgnc="HGNC:14270", gene="ENSG00000165194", gver=15,
         tx="ENST00000373034", tver=8, exons=6, nc5=0, aa=1148, desc="protocadherin 19",
         forced={340: "GAT", 600: "CAG"},
         # coding part per exon, from the Ensembl 105 exon intervals (shared realdata BED)
         parts=[2145, 142, 329, 60, 174, 597]),
    dict(symbol="ALDH7A1", chrom="chr5", strand="-", hgnc="HGNC:877", gene="ENSG00000164904", gver=18,
         tx="ENST00000409134", tver=8, exons=18, nc5=0, aa=539,
         desc="aldehyde dehydrogenase 7 family member A1", forced={427: "GAG"}),
    dict(symbol="DOCK6", chrom="chr19", strand="-", hgnc="HGNC:19189", gene="ENSG00000130158", gver=14,
         tx="ENST00000294618", tver=12, exons=48, nc5=0, aa=2047, desc="dedicator of cytokinesis 6",
         forced={1000: "GCC"}),
    dict(symbol="PRRT2", chrom="chr16", strand="+", hgnc="HGNC:30500", gene="ENSG00000167371", gver=21,
         tx="ENST00000358758", tver=12, exons=4, nc5=1, aa=340,
         desc="proline rich transmembrane protein 2",
         forced={214: "GCC", 215: "CCC", 216: "CCC", 217: "CGG"}, parts=[879, 70, 74]),
    dict(symbol="ALG1", chrom="chr16", strand="+", hgnc="HGNC:18294", gene="ENSG00000033011", gver=14,
         tx="ENST00000262374", tver=10, exons=13, nc5=0, aa=464,
         desc="ALG1 chitobiosyldiphosphodolichol beta-mannosyltransferase", forced={150: "ACT", 151: "GAA"}),
    dict(symbol="ATP7A", chrom="chrX", strand="+", hgnc="HGNC:869", gene="ENSG00000165240", gver=22,
         tx="ENST00000341514", tver=11, exons=23, nc5=1, aa=1500, desc="ATPase copper transporting alpha",
         forced={844: "CGA"},
         # relative exon sizes from the Ensembl 105 exon intervals (shared realdata BED), scaled
         guide=[181, 491, 819, 208, 219, 163, 78, 227, 235, 130, 129, 165, 136, 196, 184, 218, 148, 144,
                205, 119, 104, 278]),
    dict(symbol="WWOX", chrom="chr16", strand="+", hgnc="HGNC:12799", gene="ENSG00000186153", gver=19,
         tx="ENST00000566780", tver=6, exons=9, nc5=0, aa=414, desc="WW domain containing oxidoreductase",
         forced={200: "CGG"}),
    dict(symbol="PNPO", chrom="chr17", strand="+", hgnc="HGNC:30260", gene="ENSG00000108439", gver=11,
         tx="ENST00000642017", tver=2, exons=7, nc5=0, aa=261, desc="pyridoxamine 5'-phosphate oxidase",
         forced={229: "CGG"}),
    dict(symbol="SLC12A5", chrom="chr20", strand="+", hgnc="HGNC:13818", gene="ENSG00000124140", gver=15,
         tx="ENST00000243964", tver=7, exons=26, nc5=0, aa=1116, desc="solute carrier family 12 member 5",
         forced={600: "CGC"}),
]  # fmt: skip

# Extended genes: short synthetic structures with made-up ENSG99/ENST99 identifiers.
EXTENDED = [
    ("KCNT2", "chr1", "-", "HGNC:18866", "potassium sodium-activated channel subfamily T member 2"),
    ("SCN3A", "chr2", "-", "HGNC:10590", "sodium voltage-gated channel alpha subunit 3"),
    ("QARS1", "chr3", "-", "HGNC:9751", "glutaminyl-tRNA synthetase 1"),
    (
        "HCN1",
        "chr5",
        "-",
        "HGNC:4845",
        "hyperpolarization activated cyclic nucleotide gated potassium channel 1",
    ),
    ("BRAT1", "chr7", "-", "HGNC:21701", "BRCA1 associated ATM activator 1"),
    ("SLC25A22", "chr11", "-", "HGNC:19954", "solute carrier family 25 member 22"),
    ("SCN8A", "chr12", "+", "HGNC:10596", "sodium voltage-gated channel alpha subunit 8"),
    ("GABRB3", "chr15", "-", "HGNC:4083", "gamma-aminobutyric acid type A receptor subunit beta3"),
    ("TBC1D24", "chr16", "+", "HGNC:29203", "TBC1 domain family member 24"),
    ("SCN1B", "chr19", "+", "HGNC:10586", "sodium voltage-gated channel beta subunit 1"),
    ("CACNA1A", "chr19", "-", "HGNC:1388", "calcium voltage-gated channel subunit alpha1 A"),
    ("KCNQ2", "chr20", "-", "HGNC:6296", "potassium voltage-gated channel subfamily Q member 2"),
    # Added with the EIMFS genes of the knowledge base (issue 12). Appended at the ends of their
    # contigs, so that no earlier coordinate moves (their real order is not kept).
    ("GABRB1", "chr4", "+", "HGNC:4081", "gamma-aminobutyric acid type A receptor subunit beta1"),
    ("GABRA1", "chr5", "+", "HGNC:4075", "gamma-aminobutyric acid type A receptor subunit alpha1"),
    ("GABRG2", "chr5", "+", "HGNC:4087", "gamma-aminobutyric acid type A receptor subunit gamma2"),
    ("ATP1A3", "chr19", "-", "HGNC:801", "ATPase Na+/K+ transporting subunit alpha 3"),
    ("CDKL5", "chrX", "+", "HGNC:11411", "cyclin dependent kinase like 5"),
]

# Contigs in header order; genes in the order of their real positions on the chromosome.
CONTIGS = [
    ("chr1", ["KCNT2", "@background"]),
    ("chr2", ["SCN3A", "SCN2A", "SCN1A"]),
    ("chr3", ["QARS1"]),
    ("chr4", ["GABRB1"]),
    ("chr5", ["HCN1", "ALDH7A1", "GABRA1", "GABRG2"]),
    ("chr7", ["BRAT1"]),
    ("chr9", ["KCNT1"]),
    ("chr11", ["SLC25A22"]),
    ("chr12", ["SCN8A"]),
    ("chr15", ["GABRB3"]),
    ("chr16", ["TBC1D24", "ALG1", "PRRT2", "WWOX"]),
    ("chr17", ["PNPO"]),
    ("chr19", ["DOCK6", "CACNA1A", "SCN1B", "ATP1A3"]),
    ("chr20", ["PLCB1", "SLC12A5", "KCNQ2"]),
    ("chrX", ["ATP7A", "PCDH19", "CDKL5"]),
]

# ----------------------------------------------------------------------------------- gene models


class Transcript:
    """A transcript in the gene's own orientation: offsets 0.. from the gene's 5' end."""

    def __init__(self, gene, tid, tver, name, tags, exons, utr5, utr3, protein):
        self.gene, self.tid, self.tver, self.name, self.tags = gene, tid, tver, name, tags
        self.exons = exons  # list of (t_start, t_end) inclusive, transcript order
        self.utr5, self.utr3, self.protein = utr5, utr3, protein

    @property
    def vid(self) -> str:
        return f"{self.tid}.{self.tver}"

    def mrna(self) -> str:
        return "".join(self.gene.pre[a : b + 1] for a, b in self.exons)

    def cds(self) -> str:
        m = self.mrna()
        return m[self.utr5 : len(m) - self.utr3]

    def m_to_t(self, m: int) -> int:
        for a, b in self.exons:
            if m <= b - a:
                return a + m
            m -= b - a + 1
        raise ValueError("beyond transcript")

    def c_to_t(self, c: int) -> int:
        return self.m_to_t(self.utr5 + c - 1)

    def t_to_c(self, t: int) -> int:
        m = 0
        for a, b in self.exons:
            if a <= t <= b:
                return m + t - a - self.utr5 + 1
            m += b - a + 1
        raise ValueError("not exonic")

    def exon_of_c(self, c: int) -> int:
        t = self.c_to_t(c)
        return next(i for i, (a, b) in enumerate(self.exons) if a <= t <= b)


class Gene:
    def __init__(self, symbol, chrom, strand, hgnc, gene_id, gver, desc, index):
        self.symbol, self.chrom, self.strand, self.hgnc = symbol, chrom, strand, hgnc
        self.gene_id, self.gver, self.desc, self.index = gene_id, gver, desc, index
        self.pre = ""  # gene sequence, 5'->3' in the gene's orientation
        self.transcripts: list[Transcript] = []
        self.start = 0  # genome, 1-based, set when placed

    @property
    def end(self) -> int:
        return self.start + len(self.pre) - 1

    @property
    def mane(self) -> Transcript:
        return self.transcripts[0]

    def t_to_g(self, t: int) -> int:
        return self.start + t if self.strand == "+" else self.end - t

    def g_to_t(self, g: int) -> int:
        return g - self.start if self.strand == "+" else self.end - g


def split_total(rng: random.Random, total: int, n: int, minlen: int = 40) -> list[int]:
    while True:
        w = [rng.uniform(0.4, 1.6) for _ in range(n)]
        parts = [round(total * x / sum(w)) for x in w]
        parts[parts.index(max(parts))] += total - sum(parts)
        if min(parts) >= minlen:
            return parts


def scale_guide(guide: list[int], total: int) -> list[int]:
    parts = [round(total * g / sum(guide)) for g in guide]
    parts[parts.index(max(parts))] += total - sum(parts)
    return parts


def boundaries_ok(parts: list[int], forced: dict[int, str]) -> bool:
    """No forced codon within MARGIN bp of a coding-exon boundary."""
    cuts, acc = [], 0
    for p in parts[:-1]:
        acc += p
        cuts.append(acc)  # CDS index (0-based) where the next coding exon starts
    for k in forced:
        lo, hi = 3 * (k - 1), 3 * k - 1
        if any(lo - MARGIN < cut <= hi + MARGIN for cut in cuts):
            return False
    return True


def build_core(spec: dict, index: int) -> Gene:
    rng = random.Random(f"{SEED}|gene|{spec['symbol']}")
    g = Gene(spec["symbol"], spec["chrom"], spec["strand"], spec["hgnc"], spec["gene"], spec["gver"],
             spec["desc"], index)  # fmt: skip
    cds_len = 3 * (spec["aa"] + 1)
    n_coding = spec["exons"] - spec["nc5"]
    forced = spec.get("forced", {})
    for _attempt in range(100000):
        if "parts" in spec:
            parts = list(spec["parts"])
        elif "guide" in spec:
            parts = scale_guide(spec["guide"], cds_len)
        elif "alt_exon" in spec:
            # SCN2A: the alternative exon (rank 5) must hold codon 209 with margin on both sides.
            _, _, rank, alt_len, codon, _ = spec["alt_exon"]
            before = rank - 1 - spec["nc5"]
            lo = 3 * codon + MARGIN - alt_len
            s = rng.randint(lo, 3 * (codon - 1) - MARGIN)
            parts = (
                split_total(rng, s, before)
                + [alt_len]
                + split_total(rng, cds_len - s - alt_len, n_coding - before - 1)
            )
        else:
            parts = split_total(rng, cds_len, n_coding)
        assert len(parts) == n_coding and sum(parts) == cds_len, spec["symbol"]
        ok = boundaries_ok(parts, forced)
        if ok and "skip_exon_alt" in spec:
            ci = spec["skip_exon_alt"][2] - 1 - spec["nc5"]  # coding index of the skipped exon
            before = sum(parts[:ci])
            ok = before % 3 == 0 and parts[ci] % 3 == 0 and before > 3 * max(forced) + MARGIN
        if ok:
            break
        if "parts" in spec or "guide" in spec:
            raise SystemExit(
                f"{spec['symbol']}: fixed exon lengths violate the variant constraints"
            )
    else:
        raise SystemExit(f"{spec['symbol']}: no valid exon layout")

    nc5 = spec["nc5"]
    utr5 = rng.randint(max(50, 60 * nc5 + 40), 300)
    utr3 = rng.randint(50, 300)
    if nc5:
        first_part = rng.randint(10, 40)
        nc_lengths = split_total(rng, utr5 - first_part, nc5, minlen=30)
    else:
        first_part, nc_lengths = utr5, []
    exon_lengths = nc_lengths + [first_part + parts[0]] + parts[1:-1] + [parts[-1] + utr3]
    if n_coding == 1:
        exon_lengths = nc_lengths + [first_part + parts[0] + utr3]
    introns = [rng.randint(120, 600) for _ in range(len(exon_lengths) - 1)]
    for rank, length in spec.get("intron_len", {}).items():
        introns[rank - 1] = length

    cds = make_cds(rng, spec["aa"], forced)
    mrna = rand_seq(rng, utr5) + cds + rand_seq(rng, utr3)

    alt_exon = None
    if "alt_exon" in spec:
        # The MANE transcript's intron before the alternative exon holds the other exon (5N).
        _, _, rank, alt_len, codon, alt_codon = spec["alt_exon"]
        a_len, b_len = rng.randint(120, 250), rng.randint(120, 250)
        introns[rank - 2] = a_len + alt_len + b_len
        alt_exon = (rank, a_len, alt_len, b_len, codon, alt_codon)

    # assemble the gene sequence
    seq, exons, m = [], [], 0
    t = 0
    for i, el in enumerate(exon_lengths):
        exons.append((t, t + el - 1))
        seq.append(mrna[m : m + el])
        m += el
        t += el
        if i < len(introns):
            il = introns[i]
            if alt_exon and i == alt_exon[0] - 2:
                a_len, alt_len, b_len = alt_exon[1], alt_exon[2], alt_exon[3]
                seq.append("GT" + rand_seq(rng, a_len - 4) + "AG")
                seq.append("N" * alt_len)  # placeholder, filled below
                seq.append("GT" + rand_seq(rng, b_len - 4) + "AG")
            else:
                seq.append("GT" + rand_seq(rng, il - 4) + "AG")
            t += il
    g.pre = "".join(seq)

    mane_tags = ["basic", "Ensembl_canonical", "MANE_Select"]
    mane = Transcript(g, spec["tx"], spec["tver"], f"{g.symbol}-201", mane_tags, exons, utr5, utr3,
                      None)  # fmt: skip
    g.transcripts.append(mane)

    if alt_exon:
        rank, a_len, alt_len, b_len, codon, alt_codon = alt_exon
        tid, tver = spec["alt_exon"][0], spec["alt_exon"][1]
        mane_exon = exons[rank - 1]
        alt_start = exons[rank - 2][1] + 1 + a_len
        # Same length and frame as the MANE exon; differs at one codon (Asp->Asn) and at a few
        # synonymous third positions, like the real neonatal exon 5N.
        exon_seq = list(g.pre[mane_exon[0] : mane_exon[1] + 1])
        c_first = mane.t_to_c(mane_exon[0])
        cpos = 3 * (codon - 1) + 1  # c. of codon's first base
        for j in range(3):
            exon_seq[cpos + j - c_first] = alt_codon[j]
        changed = 0
        for k in range((c_first + 2) // 3 + 1, (mane.t_to_c(mane_exon[1])) // 3):
            if changed == 3 or k == codon:
                continue
            p3 = 3 * k - c_first  # index of codon k's third base in the exon
            cod = "".join(exon_seq[p3 - 2 : p3 + 1])
            for b in "ACGT":
                new = cod[:2] + b
                if b != cod[2] and CODON_TABLE[new] == CODON_TABLE[cod]:
                    exon_seq[p3] = b
                    changed += 1
                    break
        pre = list(g.pre)
        pre[alt_start : alt_start + alt_len] = exon_seq
        g.pre = "".join(pre)
        alt_exons = list(exons)
        alt_exons[rank - 1] = (alt_start, alt_start + alt_len - 1)
        g.transcripts.append(Transcript(g, tid, tver, f"{g.symbol}-202", ["basic", "MANE_Plus_Clinical"],
                                        alt_exons, utr5, utr3, None))  # fmt: skip
    if "skip_exon_alt" in spec:
        tid, tver, rank = spec["skip_exon_alt"]
        alt_exons = [e for i, e in enumerate(exons) if i != rank - 1]
        g.transcripts.append(Transcript(g, tid, tver, f"{g.symbol}-202", ["basic"], alt_exons, utr5, utr3,
                                        None))  # fmt: skip
    return g


def make_cds(rng: random.Random, aa: int, forced: dict[int, str]) -> str:
    codons = ["ATG"] + [rng.choice(SENSE_CODONS) for _ in range(aa - 1)] + [rng.choice(STOP_CODONS)]
    for k, cod in forced.items():
        assert 1 < k < aa and CODON_TABLE[cod] != "*"
        codons[k - 1] = cod
    return "".join(codons)


def build_extended(symbol, chrom, strand, hgnc, desc, index) -> Gene:
    rng = random.Random(f"{SEED}|gene|{symbol}")
    g = Gene(symbol, chrom, strand, hgnc, f"ENSG99{index:09d}", 1, desc, index)
    n = rng.randint(3, 6)
    aa = rng.randint(100, 299)
    parts = split_total(rng, 3 * (aa + 1), n, minlen=45)
    utr5, utr3 = rng.randint(50, 300), rng.randint(50, 300)
    mrna = rand_seq(rng, utr5) + make_cds(rng, aa, {}) + rand_seq(rng, utr3)
    lengths = [utr5 + parts[0]] + parts[1:-1] + [parts[-1] + utr3]
    seq, exons, t, m = [], [], 0, 0
    for i, el in enumerate(lengths):
        exons.append((t, t + el - 1))
        seq.append(mrna[m : m + el])
        m += el
        t += el
        if i < n - 1:
            il = rng.randint(120, 600)
            seq.append("GT" + rand_seq(rng, il - 4) + "AG")
            t += il
    g.pre = "".join(seq)
    g.transcripts.append(Transcript(g, f"ENST99{index:09d}", 1, f"{symbol}-201",
                                    ["basic", "Ensembl_canonical", "MANE_Select"], exons, utr5, utr3, None))  # fmt: skip
    return g


def protein_id(g: Gene, ti: int) -> str:
    return f"ENSP99{g.index:05d}{ti + 1:04d}"


def validate(g: Gene) -> None:
    for tx in g.transcripts:
        cds = tx.cds()
        prot = translate(cds)
        assert len(cds) % 3 == 0, (g.symbol, tx.tid)
        assert cds.startswith("ATG") and prot.endswith("*") and "*" not in prot[:-1], (
            g.symbol,
            tx.tid,
        )
        for a, b in zip(tx.exons, tx.exons[1:]):
            intron = g.pre[a[1] + 1 : b[0]]
            assert intron.startswith("GT") and intron.endswith("AG"), (g.symbol, tx.tid)
        tx.protein = prot[:-1]


# ------------------------------------------------------------------------------------- the genome


def build_genome():
    genes: dict[str, Gene] = {}
    index = 0
    for spec in CORE:
        index += 1
        genes[spec["symbol"]] = build_core(spec, index)
    for symbol, chrom, strand, hgnc, desc in EXTENDED:
        index += 1
        genes[symbol] = build_extended(symbol, chrom, strand, hgnc, desc, index)
    for g in genes.values():
        validate(g)

    contigs: dict[str, str] = {}
    background: dict[str, tuple[int, int]] = {}
    for chrom, members in CONTIGS:
        rng = random.Random(f"{SEED}|contig|{chrom}")
        seq = [rand_seq(rng, FLANK)]
        pos = FLANK
        for i, name in enumerate(members):
            if i:
                seq.append(rand_seq(rng, FLANK))
                pos += FLANK
            if name == "@background":
                background[chrom] = (pos + 1, pos + BACKGROUND)
                seq.append(rand_seq(rng, BACKGROUND))
                pos += BACKGROUND
                continue
            g = genes[name]
            assert g.chrom == chrom
            g.start = pos + 1
            seq.append(g.pre if g.strand == "+" else revcomp(g.pre))
            pos += len(g.pre)
        seq.append(rand_seq(rng, FLANK))
        contigs[chrom] = "".join(seq)
    return genes, contigs, background


# ------------------------------------------------------------------------------------ variants


class Allele:
    """One planted allele with its normalised genome representation and design annotation."""

    def __init__(self, vid, chrom, pos, ref, alt, gene="", tx="", consequence="", hgvs_c="", hgvs_p="",
                 purpose=""):  # fmt: skip
        self.id, self.chrom, self.pos, self.ref, self.alt = vid, chrom, pos, ref, alt
        self.gene, self.tx, self.consequence = gene, tx, consequence
        self.hgvs_c, self.hgvs_p, self.purpose = hgvs_c, hgvs_p, purpose


def left_align(seq: str, pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """bcftools-norm-like left alignment and trimming (pos 1-based)."""
    while True:
        changed = False
        if ref and alt and ref[-1] == alt[-1] and len(ref) + len(alt) > 2:
            ref, alt, changed = ref[:-1], alt[:-1], True
        if not ref or not alt:
            pos -= 1
            base = seq[pos - 1]
            ref, alt, changed = base + ref, base + alt, True
        if not changed:
            break
    while len(ref) > 1 and len(alt) > 1 and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return pos, ref, alt


def p_missense(tx: Transcript, c: int, alt_t: str) -> tuple[str, str]:
    """(consequence, p.) for a coding SNV; alt_t in transcript orientation."""
    cds = tx.cds()
    k = (c - 1) // 3
    cod = cds[3 * k : 3 * k + 3]
    new = cod[: (c - 1) % 3] + alt_t + cod[(c - 1) % 3 + 1 :]
    a, b = CODON_TABLE[cod], CODON_TABLE[new]
    if a == b:
        return "synonymous_variant", f"p.({AA3[a]}{k + 1}=)"
    if b == "*":
        return "stop_gained", f"p.({AA3[a]}{k + 1}Ter)"
    return "missense_variant", f"p.({AA3[a]}{k + 1}{AA3[b]})"


def p_indel(tx: Transcript, new_cds_tail: str, delta: int) -> str:
    """p. for an indel of net length delta; new_cds_tail is the mutated CDS + 3'UTR + downstream."""
    ref = tx.protein + "*"
    mut = translate(new_cds_tail, to_stop=True)
    i = next(i for i in range(min(len(ref), len(mut))) if ref[i] != mut[i])
    if delta % 3:  # frameshift
        assert mut[i] != "*" and mut.endswith("*"), "frameshift must not stop at once"
        return f"p.({AA3[ref[i]]}{i + 1}{AA3[mut[i]]}fsTer{len(mut) - i})"
    # in-frame deletion: prefix i is already maximal, so ref[i:i+n] is the 3'-most deleted block
    n = len(ref) - len(mut)
    assert n > 0 and ref[:i] + ref[i + n :] == mut
    if n == 1:
        return f"p.({AA3[ref[i]]}{i + 1}del)"
    return f"p.({AA3[ref[i]]}{i + 1}_{AA3[ref[i + n - 1]]}{i + n}del)"


def tail_after_cds(tx: Transcript) -> str:
    """mRNA from c.1 to its end, then the rest of the gene sequence (for frameshift read-through)."""
    m = tx.mrna()
    last = tx.exons[-1][1]
    return m[tx.utr5 :] + tx.gene.pre[last + 1 :]


def plant(genes, contigs, background):
    """Return (alleles by id, VCF records). Coordinates are computed from the models."""
    A: dict[str, Allele] = {}

    def snv_c(vid, sym, c, alt_t, expect, purpose, allow_consequence=None):
        g = genes[sym]
        tx = g.mane
        t = tx.c_to_t(c)
        ref_t = g.pre[t]
        assert ref_t == expect[0], (vid, ref_t, expect)
        pos = g.t_to_g(t)
        ref = contigs[g.chrom][pos - 1]
        alt = alt_t if g.strand == "+" else revcomp(alt_t)
        assert ref == (ref_t if g.strand == "+" else revcomp(ref_t))
        csq, hp = p_missense(tx, c, alt_t)
        if allow_consequence:
            assert csq == allow_consequence, (vid, csq)
        A[vid] = Allele(vid, g.chrom, pos, ref, alt, sym, tx.vid, csq, f"{tx.vid}:c.{c}{ref_t}>{alt_t}", hp,
                        purpose)  # fmt: skip
        return A[vid]

    def intron_snv(vid, sym, exon_rank, offset, alt_t, consequence, purpose):
        """SNV at donor-side offset +offset after exon `exon_rank` (transcript order)."""
        g = genes[sym]
        tx = g.mane
        last_t = tx.exons[exon_rank - 1][1]
        c_last = tx.t_to_c(last_t)
        t = last_t + offset
        ref_t = g.pre[t]
        pos = g.t_to_g(t)
        ref = contigs[g.chrom][pos - 1]
        alt = alt_t if g.strand == "+" else revcomp(alt_t)
        A[vid] = Allele(vid, g.chrom, pos, ref, alt, sym, tx.vid, consequence,
                        f"{tx.vid}:c.{c_last}+{offset}{ref_t}>{alt_t}", "", purpose)  # fmt: skip
        return A[vid], ref_t

    def deletion_c(vid, sym, c1, c2, purpose, consequence):
        g = genes[sym]
        tx = g.mane
        cds = tx.cds()
        # HGVS 3' rule in transcript orientation
        s, e = c1, c2
        while cds[s - 1] == cds[e]:  # first deleted base equals the base after the deletion
            s, e = s + 1, e + 1
        hg = f"c.{s}del" if s == e else f"c.{s}_{e}del"
        tail = tail_after_cds(tx)
        new_tail = tail[: c1 - 1] + tail[c2:]
        hp = p_indel(tx, new_tail, c1 - c2 - 1)
        ga, gb = sorted((g.t_to_g(tx.c_to_t(c1)), g.t_to_g(tx.c_to_t(c2))))
        seq = contigs[g.chrom]
        pos, ref, alt = left_align(seq, ga - 1, seq[ga - 2 : gb], seq[ga - 2])
        A[vid] = Allele(
            vid, g.chrom, pos, ref, alt, sym, tx.vid, consequence, f"{tx.vid}:{hg}", hp, purpose
        )
        return A[vid]

    def insertion_c(vid, sym, after_c, ins_t, purpose, consequence):
        g = genes[sym]
        tx = g.mane
        cds = tx.cds()
        p, ins = after_c, ins_t
        while cds[p] == ins[0]:  # shift 3' (p is c. of the base before the insertion)
            ins, p = ins[1:] + ins[0], p + 1
        if cds[p - len(ins) : p] == ins:
            hg = f"c.{p}dup" if len(ins) == 1 else f"c.{p - len(ins) + 1}_{p}dup"
        else:
            hg = f"c.{p}_{p + 1}ins{ins}"
        tail = tail_after_cds(tx)
        new_tail = tail[:after_c] + ins_t + tail[after_c:]
        hp = p_indel(tx, new_tail, len(ins_t))
        seq = contigs[g.chrom]
        if g.strand == "+":
            gpos = g.t_to_g(tx.c_to_t(after_c))
            vref, valt = seq[gpos - 1], seq[gpos - 1] + ins_t
        else:
            gpos = g.t_to_g(tx.c_to_t(after_c + 1))
            vref, valt = seq[gpos - 1], seq[gpos - 1] + revcomp(ins_t)
        pos, ref, alt = left_align(seq, gpos, vref, valt)
        A[vid] = Allele(
            vid, g.chrom, pos, ref, alt, sym, tx.vid, consequence, f"{tx.vid}:{hg}", hp, purpose
        )
        return A[vid]

    def offpanel(vid, chrom, pos, purpose):
        ref = contigs[chrom][pos - 1]
        alt = {"A": "G", "G": "A", "C": "T", "T": "C"}[ref]
        nearest = min(
            min(abs(pos - g.start), abs(pos - g.end)) for g in genes.values() if g.chrom == chrom
        )
        assert nearest >= 5000, (vid, nearest)
        A[vid] = Allele(vid, chrom, pos, ref, alt, "", "", "intergenic_variant", "", "", purpose)
        return A[vid]

    # 1 KCNT1 de novo missense, codon 474 CGC>TGC
    snv_c(
        "v01_KCNT1_denovo_missense",
        "KCNT1",
        1420,
        "T",
        "C",
        "de novo missense in the trio proband (PS2); ClinVar has p.Arg474His at the same codon (PM5); "
        "absent from gnomAD",
        "missense_variant",
    )
    # 2 SCN2A codon 1545 GAT>GAA
    snv_c(
        "v02_SCN2A_missense",
        "SCN2A",
        4635,
        "A",
        "T",
        "missense; ClinVar has the same amino-acid change via GAT>GAG (PS1)",
        "missense_variant",
    )
    # 3 SCN1A 1-bp deletion in an early coding exon (minus strand)
    deletion_c(
        "v03_SCN1A_frameshift",
        "SCN1A",
        299,
        299,
        "1-bp deletion, frameshift (minus-strand gene)",
        "frameshift_variant",
    )
    # 4a ALDH7A1 splice donor +1 (paternal); 4b missense (maternal)
    _, ref_t = intron_snv("v04a_ALDH7A1_splice_donor", "ALDH7A1", 6, 1, "A", "splice_donor_variant",
                           "canonical splice donor +1 G>A, paternal allele of a compound heterozygote "
                           "(minus strand: C>T on the genome)")  # fmt: skip
    assert ref_t == "G"
    snv_c("v04b_ALDH7A1_missense", "ALDH7A1", 1279, "C", "G",
          "missense, maternal allele of a compound heterozygote; Pathogenic in ClinVar (PM3 for the other allele)",
          "missense_variant")  # fmt: skip
    # 5 PNPO homozygous missense; gnomAD covers the site with another allele
    snv_c("v05_PNPO_hom_missense", "PNPO", 685, "T", "C",
          "homozygous missense; gnomAD has a different allele at this position (planted allele absent)",
          "missense_variant")  # fmt: skip
    # 6 ATP7A stop in a boy (hemizygous, written 1/1)
    snv_c("v06_ATP7A_stop_gained", "ATP7A", 2530, "T", "C", "stop_gained in a boy on chrX, written 1/1 (hemizygous)",
          "stop_gained")  # fmt: skip
    # 7 PCDH19 het missense in a girl; 8 PCDH19 low-fraction stop in a boy
    snv_c("v07_PCDH19_missense", "PCDH19", 1018, "A", "G", "heterozygous missense in a girl (X-linked, female-limited)",
          "missense_variant")  # fmt: skip
    snv_c(
        "v08_PCDH19_mosaic_stop",
        "PCDH19",
        1798,
        "T",
        "C",
        "stop_gained in a boy as a low allele-fraction het (AD 40,9): possible somatic mosaic",
        "stop_gained",
    )
    # 9 common benign synonymous SCN2A; 10 rare synonymous KCNT1 (inherited)
    snv_c(
        "v09_SCN2A_common_synonymous",
        "SCN2A",
        3000,
        "A",
        "G",
        "common benign synonymous (gnomAD AF ~0.31, ClinVar Benign): BA1",
        "synonymous_variant",
    )
    snv_c(
        "v10_KCNT1_rare_synonymous",
        "KCNT1",
        2436,
        "A",
        "G",
        "rare synonymous inherited from the mother (not de novo); gnomAD AC 3",
        "synonymous_variant",
    )
    # 11 SCN1A deep intronic (+120 into a 480-bp intron)
    g = genes["SCN1A"]
    t = g.mane.exons[11][1] + 120
    ref_t = g.pre[t]
    alt_t = {"A": "G", "G": "A", "C": "T", "T": "C"}[ref_t]
    intron_snv(
        "v11_SCN1A_deep_intronic",
        "SCN1A",
        12,
        120,
        alt_t,
        "intron_variant",
        "deep intronic (120 bp into a 480-bp intron, >= 50 bp from any exon)",
    )
    # 12 SLC12A5 multi-allelic codon 600 CGC -> CAC / CTC
    snv_c(
        "v12a_SLC12A5_multiallelic_alt1",
        "SLC12A5",
        1799,
        "A",
        "G",
        "first ALT of a multi-allelic record (split by normalisation); in gnomAD",
        "missense_variant",
    )
    snv_c(
        "v12b_SLC12A5_multiallelic_alt2",
        "SLC12A5",
        1799,
        "T",
        "G",
        "second ALT of a multi-allelic record (split by normalisation); not in gnomAD",
        "missense_variant",
    )
    # 13 PLCB1 in-frame AAA deletion in an A6 run; VCF writes it right-shifted
    deletion_c("v13_PLCB1_homopolymer_inframe_del", "PLCB1", 1501, 1503,
               "in-frame 3-bp deletion in an A6 run, right-shifted in demo.vcf (normalisation left-aligns it); "
               "in gnomAD (left-aligned, AC 2)", "inframe_deletion")  # fmt: skip
    # 14 DOCK6 LowQual
    snv_c("v14_DOCK6_lowqual", "DOCK6", 2998, "A", "G", "missense record with FILTER=LowQual (must be dropped)",
          "missense_variant")  # fmt: skip
    # 15 off-panel
    bg = background["chr1"]
    offpanel(
        "v15a_offpanel_chr1", "chr1", bg[0] + 6000, "off-panel background, >= 5 kb from any gene"
    )
    offpanel(
        "v15b_offpanel_chr1", "chr1", bg[0] + 14000, "off-panel background, >= 5 kb from any gene"
    )
    offpanel(
        "v15c_offpanel_chr9",
        "chr9",
        genes["KCNT1"].end + 5600,
        "off-panel, >= 5 kb downstream of KCNT1",
    )
    # 16 WWOX with missing genotypes
    snv_c("v16_WWOX_missing_gt", "WWOX", 599, "A", "G", "missense in a record where two samples are ./.",
          "missense_variant")  # fmt: skip
    # 17 ALG1 2-bp duplication (frameshift)
    insertion_c(
        "v17_ALG1_dup_frameshift",
        "ALG1",
        450,
        "CT",
        "2-bp duplication, frameshift",
        "frameshift_variant",
    )
    # 18 PRRT2 1-bp dup in a C9 run (like the recurrent c.649dup)
    insertion_c("v18_PRRT2_homopolymer_dup", "PRRT2", 649, "C",
                "1-bp duplication lengthening a C9 run, like the recurrent PRRT2 c.649dup; frameshift",
                "frameshift_variant")  # fmt: skip
    return A


# ------------------------------------------------------------------------------------- samples

SAMPLES = [
    # family, sample, father, mother, sex (1 male, 2 female), phenotype (2 affected, 1 unaffected)
    ("EIMFS01", "EIMFS01", "EIMFS01_FA", "EIMFS01_MO", 2, 2),
    ("EIMFS01", "EIMFS01_FA", "0", "0", 1, 1),
    ("EIMFS01", "EIMFS01_MO", "0", "0", 2, 1),
    ("EIMFS02", "EIMFS02", "0", "0", 1, 2),
    ("EIMFS03", "EIMFS03", "0", "0", 2, 2),
    ("EIMFS04", "EIMFS04", "0", "0", 2, 2),
    ("EIMFS05", "EIMFS05", "0", "0", 1, 2),
    ("EIMFS06", "EIMFS06", "0", "0", 2, 2),
    ("EIMFS07", "EIMFS07", "0", "0", 1, 2),
]
NAMES = [s[1] for s in SAMPLES]
SEX = {s[1]: s[4] for s in SAMPLES}

# Records of demo.vcf: allele ids (ALT order), FILTER, carriers {sample: (GT, AD, GQ)}, notes.
# Samples not listed are 0/0 with a deterministic depth; None as the AD means a missing call.
RECORDS = [
    (["v01_KCNT1_denovo_missense"], "PASS",
     {"EIMFS01": ("0/1", (18, 17), 99), "EIMFS01_FA": ("0/0", (38, 0), 99), "EIMFS01_MO": ("0/0", (41, 0), 99)}),
    (["v02_SCN2A_missense"], "PASS", {"EIMFS02": ("0/1", (21, 19), 99)}),
    (["v03_SCN1A_frameshift"], "PASS", {"EIMFS03": ("0/1", (24, 20), 99)}),
    (["v04a_ALDH7A1_splice_donor"], "PASS",
     {"EIMFS01": ("0/1", (16, 19), 99), "EIMFS01_FA": ("0/1", (22, 18), 99), "EIMFS01_MO": ("0/0", (36, 0), 99)}),
    (["v04b_ALDH7A1_missense"], "PASS",
     {"EIMFS01": ("0/1", (20, 17), 99), "EIMFS01_FA": ("0/0", (34, 0), 99), "EIMFS01_MO": ("0/1", (19, 21), 99)}),
    (["v05_PNPO_hom_missense"], "PASS", {"EIMFS04": ("1/1", (0, 30), 90)}),
    (["v06_ATP7A_stop_gained"], "PASS", {"EIMFS05": ("1/1", (0, 33), 99)}),
    (["v07_PCDH19_missense"], "PASS", {"EIMFS06": ("0/1", (20, 19), 99)}),
    (["v08_PCDH19_mosaic_stop"], "PASS", {"EIMFS07": ("0/1", (40, 9), 62)}),
    (["v09_SCN2A_common_synonymous"], "PASS",
     {"EIMFS01": ("0/1", (17, 16), 99), "EIMFS01_FA": ("0/1", (20, 21), 99), "EIMFS01_MO": ("1/1", (0, 35), 99),
      "EIMFS02": ("1/1", (0, 29), 87), "EIMFS03": ("0/1", (15, 18), 99), "EIMFS06": ("1/1", (0, 31), 93),
      "EIMFS07": ("0/1", (19, 22), 99)}),
    (["v10_KCNT1_rare_synonymous"], "PASS",
     {"EIMFS01": ("0/1", (19, 18), 99), "EIMFS01_FA": ("0/0", (33, 0), 99), "EIMFS01_MO": ("0/1", (22, 20), 99)}),
    (["v11_SCN1A_deep_intronic"], "PASS", {"EIMFS03": ("0/1", (17, 15), 99)}),
    (["v12a_SLC12A5_multiallelic_alt1", "v12b_SLC12A5_multiallelic_alt2"], "PASS",
     {"EIMFS02": ("0/1", (18, 16, 0), 99), "EIMFS04": ("1/2", (0, 15, 17), 99), "EIMFS06": ("0/2", (21, 0, 18), 99)}),
    (["v13_PLCB1_homopolymer_inframe_del"], "PASS", {"EIMFS02": ("0/1", (20, 16), 99)}),
    (["v14_DOCK6_lowqual"], "LowQual", {"EIMFS05": ("0/1", (28, 5), 14)}),
    (["v15a_offpanel_chr1"], "PASS", {"EIMFS01_FA": ("0/1", (19, 20), 99), "EIMFS03": ("0/1", (23, 17), 99)}),
    (["v15b_offpanel_chr1"], "PASS", {"EIMFS05": ("1/1", (0, 27), 81), "EIMFS07": ("0/1", (16, 21), 99)}),
    (["v15c_offpanel_chr9"], "PASS", {"EIMFS04": ("0/1", (22, 19), 99), "EIMFS06": ("0/1", (18, 18), 99)}),
    (["v16_WWOX_missing_gt"], "PASS",
     {"EIMFS07": ("0/1", (17, 19), 99), "EIMFS02": ("./.", None, None), "EIMFS04": ("./.", None, None)}),
    (["v17_ALG1_dup_frameshift"], "PASS", {"EIMFS06": ("0/1", (21, 18), 99)}),
    (["v18_PRRT2_homopolymer_dup"], "PASS", {"EIMFS03": ("0/1", (19, 17), 99)}),
]  # fmt: skip

# ----------------------------------------------------------------------------------------- writers


def write(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


# EIMFS02's phenotype comes as a GA4GH Phenopacket v2 (the other children's are HPO IDs in
# config/samples.tsv). Terms and labels were looked up in the HPO shipped with hpo3 (2025-11-24);
# the onset is the age at the first seizure, not an onset-class feature.
DEMO_PHENOPACKET = {
    "id": "EIMFS02-demo",
    "subject": {
        "id": "EIMFS02",
        "sex": "MALE",
        "timeAtLastEncounter": {"age": {"iso8601duration": "P4M"}},
    },
    "phenotypicFeatures": [
        {
            "type": {"id": "HP:0007359", "label": "Focal-onset seizure"},
            "onset": {"age": {"iso8601duration": "P3D"}},
        },
        {
            "type": {"id": "HP:0010851", "label": "EEG with burst suppression"},
            "onset": {"age": {"iso8601duration": "P5D"}},
        },
        {"type": {"id": "HP:0200134", "label": "Epileptic encephalopathy"}},
        {"type": {"id": "HP:0001252", "label": "Hypotonia"}},
        {"type": {"id": "HP:0000252", "label": "Microcephaly"}, "excluded": True},
    ],
    "metaData": {
        "created": "2026-12-03T00:00:00Z",
        "createdBy": "mmpsi-variants demo (synthetic patient)",
        "resources": [
            {
                "id": "hp",
                "name": "human phenotype ontology",
                "url": "http://purl.obolibrary.org/obo/hp.owl",
                "version": "2025-11-24",
                "namespacePrefix": "HP",
                "iriPrefix": "http://purl.obolibrary.org/obo/HP_",
            }
        ],
        "phenopacketSchemaVersion": "2.0",
    },
}


def write_phenopacket() -> None:
    text = json.dumps(DEMO_PHENOPACKET, indent=2) + "\n"
    write(os.path.join(OUT, "EIMFS02.phenopacket.json"), text)


def bgzip_and_index(text: str, dest: str, tmpdir: str) -> None:
    plain = os.path.join(tmpdir, os.path.basename(dest)[:-3])
    write(plain, text)
    pysam.tabix_compress(plain, dest, force=True)
    pysam.tabix_index(dest, preset="vcf", force=True)


def write_fasta(contigs: dict[str, str]) -> None:
    lines, fai, offset = [], [], 0
    for name, seq in contigs.items():
        header = f">{name} synthetic MMPSI demo contig - not human sequence\n"
        body = "".join(seq[i : i + LINE] + "\n" for i in range(0, len(seq), LINE))
        fai.append(f"{name}\t{len(seq)}\t{offset + len(header)}\t{LINE}\t{LINE + 1}\n")
        lines.append(header + body)
        offset += len(header) + len(body)
    write(os.path.join(OUT, "genome.fa"), "".join(lines))
    write(os.path.join(OUT, "genome.fa.fai"), "".join(fai))


def exon_ids(g: Gene) -> dict[tuple[int, int], str]:
    """Made-up ENSE99 exon IDs; exons shared by transcripts share an ID, as in Ensembl."""
    ids = {}
    for tx in g.transcripts:
        for e in tx.exons:
            if e not in ids:
                ids[e] = f"ENSE99{g.index:05d}{len(ids) + 1:04d}"
    return ids


def tx_features(tx: Transcript):
    """Genome features of a transcript, in transcript order.

    Returns dicts with rank, exon (gs, ge), cds (gs, ge, phase) or None, utr5/utr3 pieces, and the
    Ensembl phase/end_phase of each exon.
    """
    g = tx.gene
    cds_start_m, cds_end_m = tx.utr5, sum(b - a + 1 for a, b in tx.exons) - tx.utr3 - 1
    out, m = [], 0
    for rank, (a, b) in enumerate(tx.exons, 1):
        m0, m1 = m, m + b - a
        m = m1 + 1

        def g_range(x0, x1, a=a, m0=m0):
            p, q = g.t_to_g(a + x0 - m0), g.t_to_g(a + x1 - m0)
            return (min(p, q), max(p, q))

        f = dict(rank=rank, exon=g_range(m0, m1), cds=None, utr5=None, utr3=None)
        c0, c1 = max(m0, cds_start_m), min(m1, cds_end_m)
        if c0 <= c1:
            done = c0 - cds_start_m  # CDS bases before this piece
            f["cds"] = g_range(c0, c1) + ((3 - done % 3) % 3,)
            f["cds_m"] = (c0 - cds_start_m, c1 - cds_start_m)  # 0-based CDS offsets
            f["phase"] = done % 3 if m0 >= cds_start_m else -1
            f["end_phase"] = (c1 - cds_start_m + 1) % 3 if m1 <= cds_end_m else -1
        else:
            f["phase"] = f["end_phase"] = -1
        if m0 < cds_start_m:
            f["utr5"] = g_range(m0, min(m1, cds_start_m - 1))
        if m1 > cds_end_m:
            f["utr3"] = g_range(max(m0, cds_end_m + 1), m1)
        out.append(f)
    return out


def gene_order(genes):
    order = {c: i for i, (c, _) in enumerate(CONTIGS)}
    return sorted(genes.values(), key=lambda g: (order[g.chrom], g.start))


def gene_span(g: Gene) -> tuple[int, int]:
    ts = [t for tx in g.transcripts for e in tx.exons for t in e]
    a, b = g.t_to_g(min(ts)), g.t_to_g(max(ts))
    return min(a, b), max(a, b)


def write_gff3(genes, contigs) -> None:
    lines = ["##gff-version 3"]
    for name, seq in contigs.items():
        lines.append(f"##sequence-region   {name} 1 {len(seq)}")
    lines.append("#!genome-build mmpsi-demo synthetic")
    for g in gene_order(genes):
        gs, ge = gene_span(g)
        desc = f"{g.desc} [Source:HGNC Symbol%3BAcc:{g.hgnc}]"
        lines.append(
            f"{g.chrom}\tdemo\tgene\t{gs}\t{ge}\t.\t{g.strand}\t.\tID=gene:{g.gene_id};Name={g.symbol};"
            f"biotype=protein_coding;description={desc};gene_id={g.gene_id};logic_name=demo;version={g.gver}"
        )
        eids = exon_ids(g)
        for ti, tx in enumerate(g.transcripts):
            feats = tx_features(tx)
            ts = min(f["exon"][0] for f in feats)
            te = max(f["exon"][1] for f in feats)
            lines.append(
                f"{g.chrom}\tdemo\tmRNA\t{ts}\t{te}\t.\t{g.strand}\t.\tID=transcript:{tx.tid};"
                f"Parent=gene:{g.gene_id};Name={tx.name};biotype=protein_coding;tag={','.join(tx.tags)};"
                f"transcript_id={tx.tid};version={tx.tver}"
            )
            rows = []
            pid = protein_id(g, ti)
            for f, e in zip(feats, tx.exons):
                const = int(all(e in t.exons for t in g.transcripts))
                eid = eids[e]
                rows.append((f["exon"][0], 1, f"{g.chrom}\tdemo\texon\t{f['exon'][0]}\t{f['exon'][1]}\t.\t"
                             f"{g.strand}\t.\tParent=transcript:{tx.tid};Name={eid};constitutive={const};"
                             f"ensembl_end_phase={f['end_phase']};ensembl_phase={f['phase']};exon_id={eid};"
                             f"rank={f['rank']};version=1"))  # fmt: skip
                if f["utr5"]:
                    rows.append((f["utr5"][0], 0, f"{g.chrom}\tdemo\tfive_prime_UTR\t{f['utr5'][0]}\t"
                                 f"{f['utr5'][1]}\t.\t{g.strand}\t.\tParent=transcript:{tx.tid}"))  # fmt: skip
                if f["cds"]:
                    rows.append((f["cds"][0], 2, f"{g.chrom}\tdemo\tCDS\t{f['cds'][0]}\t{f['cds'][1]}\t.\t"
                                 f"{g.strand}\t{f['cds'][2]}\tID=CDS:{pid};Parent=transcript:{tx.tid};"
                                 f"protein_id={pid}"))  # fmt: skip
                if f["utr3"]:
                    rows.append((f["utr3"][0], 3, f"{g.chrom}\tdemo\tthree_prime_UTR\t{f['utr3'][0]}\t"
                                 f"{f['utr3'][1]}\t.\t{g.strand}\t.\tParent=transcript:{tx.tid}"))  # fmt: skip
            lines.extend(r[2] for r in sorted(rows))
        lines.append("###")
    write(os.path.join(OUT, "genes.gff3"), "\n".join(lines) + "\n")


def write_gtf(genes) -> None:
    lines = ["#!genome-build mmpsi-demo synthetic", "#!genome-version synthetic",
             "#!genome-date 2026-11", "#!genebuild-last-updated 2026-11"]  # fmt: skip
    for g in gene_order(genes):
        gs, ge = gene_span(g)
        gattr = f'gene_id "{g.gene_id}"; gene_version "{g.gver}"'
        gtail = f'gene_name "{g.symbol}"; gene_source "demo"; gene_biotype "protein_coding";'
        lines.append(f"{g.chrom}\tdemo\tgene\t{gs}\t{ge}\t.\t{g.strand}\t.\t{gattr}; {gtail}")
        eids = exon_ids(g)
        for ti, tx in enumerate(g.transcripts):
            feats = tx_features(tx)
            pid = protein_id(g, ti)
            tattr = f'{gattr}; transcript_id "{tx.tid}"; transcript_version "{tx.tver}"'
            ttail = (f'{gtail} transcript_name "{tx.name}"; transcript_source "demo"; '
                     f'transcript_biotype "protein_coding";')  # fmt: skip
            tags = "".join(f' tag "{t}";' for t in tx.tags)
            ts = min(f["exon"][0] for f in feats)
            te = max(f["exon"][1] for f in feats)

            def row(ftype, a, b, frame, attrs, *, gchrom=g.chrom):
                return f"{gchrom}\tdemo\t{ftype}\t{a}\t{b}\t.\t{g.strand}\t{frame}\t{attrs}"

            lines.append(row("transcript", ts, te, ".", f"{tattr}; {ttail}{tags}"))
            cds_len = len(tx.cds())
            utr_rows = []
            for f in feats:
                ex = f'{tattr}; exon_number "{f["rank"]}"; {ttail}'
                eid = eids[tx.exons[f["rank"] - 1]]
                lines.append(
                    row("exon", *f["exon"], ".", f'{ex} exon_id "{eid}"; exon_version "1";{tags}')
                )
                if f["cds"]:
                    c0, c1 = f["cds_m"]
                    pattr = f'{ex} protein_id "{pid}"; protein_version "1";{tags}'
                    # Ensembl GTF: CDS excludes the stop codon, which gets its own line.
                    c1_no_stop = min(c1, cds_len - 4)
                    if c0 <= c1_no_stop:
                        lines.append(row("CDS", *cds_to_g(tx, c0, c1_no_stop), f["cds"][2], pattr))
                    if c0 == 0:
                        lines.append(row("start_codon", *cds_to_g(tx, 0, 2), 0, f"{ex}{tags}"))
                    if c1 == cds_len - 1:
                        lines.append(
                            row(
                                "stop_codon",
                                *cds_to_g(tx, cds_len - 3, cds_len - 1),
                                0,
                                f"{ex}{tags}",
                            )
                        )
                if f["utr5"]:
                    utr_rows.append(
                        row("five_prime_utr", *f["utr5"], ".", f"{tattr}; {ttail}{tags}")
                    )
                if f["utr3"]:
                    utr_rows.append(
                        row("three_prime_utr", *f["utr3"], ".", f"{tattr}; {ttail}{tags}")
                    )
            lines.extend(utr_rows)
    write(os.path.join(OUT, "genes.gtf"), "\n".join(lines) + "\n")


def cds_to_g(tx: Transcript, c0: int, c1: int) -> tuple[int, int]:
    """0-based CDS offsets (same exon) -> sorted genome interval."""
    p, q = tx.gene.t_to_g(tx.c_to_t(c0 + 1)), tx.gene.t_to_g(tx.c_to_t(c1 + 1))
    return min(p, q), max(p, q)


def contig_header(contigs) -> list[str]:
    return [f"##contig=<ID={n},length={len(s)}>" for n, s in contigs.items()]


def sort_key(chrom: str, pos: int):
    order = {c: i for i, (c, _) in enumerate(CONTIGS)}
    return (order[chrom], pos)


def write_ped() -> None:
    write(os.path.join(OUT, "demo.ped"), "".join("\t".join(map(str, s)) + "\n" for s in SAMPLES))


def vcf_records(A, contigs):
    """Build demo.vcf records (sorted) from RECORDS; returns list of (chrom, pos, ref, alts, ...)."""
    out = []
    for ids, filt, carriers in RECORDS:
        al = [A[i] for i in ids]
        chrom, pos, ref = al[0].chrom, al[0].pos, al[0].ref
        alts = [a.alt for a in al]
        if len(al) > 1:
            assert all(a.chrom == chrom and a.pos == pos and a.ref == ref for a in al)
        if ids[0].startswith("v13_"):
            # write the PLCB1 deletion RIGHT-shifted (not left-aligned), as some callers do
            seq = contigs[chrom]
            pos, ref, alt = right_shift_del(seq, pos, ref, alts[0])
            alts = [alt]
        out.append((chrom, pos, ref, alts, filt, carriers, ids))
    out.sort(key=lambda r: sort_key(r[0], r[1]))
    return out


def right_shift_del(seq: str, pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    assert len(alt) == 1 and ref[0] == alt
    deleted = ref[1:]
    start = pos + 1  # first deleted base, 1-based
    while seq[start - 1] == seq[start - 1 + len(deleted)]:
        start += 1
    anchor = start - 1
    return anchor, seq[anchor - 1 : anchor + len(deleted)], seq[anchor - 1]


# Background genotypes for the sample-level checks (parentage, sex). A parentage check needs
# hundreds of sites where a child and a parent can disagree, and a sex check dozens of chrX
# calls; the 21 planted records give neither. These SNVs lie off-panel (at least 1,500 bp from
# any gene), so the panel filter never reports them; their IDs start with "bg_". The trio's
# genotypes follow Mendel (the child draws one allele from each parent; on chrX the father's
# only allele and one of the mother's), the other samples are unrelated, males are hemizygous on
# chrX (written 0/0 or 1/1, as GATK does without a ploidy map), and every het has a balanced
# allele fraction (0.42-0.58), so nothing here looks de novo, mosaic or mis-sexed.
BG_AUTOSOMAL_STEP = 110  # bp between background SNVs on chr1 (about 300 sites)
BG_X_STEP = 90  # on chrX (about 120 sites)
BG_GENE_GAP = 1500  # bp kept clear of every gene span, beyond the 1,000-bp default padding


def background_windows(genes, contigs, background) -> list[tuple[str, int, int, int]]:
    """(contig, first, last, step) windows for the background SNVs, clear of genes and planted sites."""
    spans = sorted(gene_span(g) for g in genes.values() if g.chrom == "chrX")
    x_len = len(contigs["chrX"])
    x_edges = (
        [500] + [p for a, b in spans for p in (a - BG_GENE_GAP, b + BG_GENE_GAP)] + [x_len - 500]
    )
    windows = [("chr1", gene_span(genes["KCNT2"])[1] + BG_GENE_GAP, len(contigs["chr1"]) - 500,
                BG_AUTOSOMAL_STEP)]  # fmt: skip
    windows += [("chrX", x_edges[i], x_edges[i + 1], BG_X_STEP) for i in range(0, len(x_edges), 2)]
    return windows


def background_genotypes(genes, contigs, background, planted) -> list[tuple[str, int, str]]:
    """(chrom, pos, VCF line) of the background SNVs, sorted within each contig."""
    rng = random.Random(f"{SEED}|family-background")
    taken = {(c, p) for c, p in planted}
    trio = ("EIMFS01", "EIMFS01_FA", "EIMFS01_MO")
    out = []
    n = 0
    for chrom, first, last, step in background_windows(genes, contigs, background):
        for pos in range(first, last, step):
            if any(c == chrom and abs(p - pos) < 50 for c, p in taken):
                continue
            ref = contigs[chrom][pos - 1]
            alt = rng.choice([b for b in "ACGT" if b != ref])
            p = rng.uniform(0.1, 0.5)

            def draw():
                return 1 if rng.random() < p else 0

            haps = {}
            for s in NAMES:
                if s == trio[0]:
                    continue
                haploid = chrom == "chrX" and SEX[s] == 1
                haps[s] = (draw(),) if haploid else (draw(), draw())
            fa, mo = haps["EIMFS01_FA"], haps["EIMFS01_MO"]
            haps[trio[0]] = (rng.choice(fa), rng.choice(mo))
            if not any(a for h in haps.values() for a in h):
                continue
            cols, total = [], 0
            for s in NAMES:
                h = haps[s]
                depth = rng.randint(25, 45)
                if len(h) == 1:
                    h = h * 2
                if h[0] != h[1]:
                    alt_reads = round(depth * rng.uniform(0.42, 0.58))
                    gt, ad = "0/1", (depth - alt_reads, alt_reads)
                elif h[0] == 1:
                    gt, ad = "1/1", (0, depth)
                else:
                    gt, ad = "0/0", (depth, 0)
                total += depth
                cols.append(f"{gt}:{ad[0]},{ad[1]}:{depth}:{min(99, 3 * depth)}")
            n += 1
            qual = f"{rng.uniform(300, 1500):.2f}"
            out.append((chrom, pos, f"{chrom}\t{pos}\tbg_{chrom}_{n:04d}\t{ref}\t{alt}\t{qual}\tPASS\t"
                                    f"DP={total}\tGT:AD:DP:GQ\t" + "\t".join(cols)))  # fmt: skip
    return out


def write_demo_vcf(records, contigs, tmpdir, background_lines=()) -> None:
    rng = random.Random(f"{SEED}|depths")
    head = [
        "##fileformat=VCFv4.2",
        "##fileDate=20261122",
        "##source=mmpsi-variants demo generator (synthetic data)",
        "##reference=genome.fa",
        *contig_header(contigs),
        '##FILTER=<ID=PASS,Description="All filters passed">',
        '##FILTER=<ID=LowQual,Description="Low quality">',
        '##INFO=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth; some reads may have been filtered">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles in the order listed">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth (reads with MQ=255 or with bad mates are filtered)">',
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype Quality">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(NAMES),
    ]  # fmt: skip
    body = []
    for chrom, pos, ref, alts, filt, carriers, _ids in records:
        cols, total = [], 0
        for s in NAMES:
            depth = rng.randint(22, 45)
            if s in carriers:
                gt, ad, gq = carriers[s]
                if ad is None:
                    cols.append(f"{gt}:{','.join(['0'] * (len(alts) + 1))}:0:.")
                    continue
            else:
                gt, ad, gq = "0/0", (depth,) + (0,) * len(alts), min(99, 3 * depth)
            dp = sum(ad)
            total += dp
            cols.append(f"{gt}:{','.join(map(str, ad))}:{dp}:{gq}")
        qual = f"{rng.uniform(300, 1500):.2f}" if filt == "PASS" else f"{rng.uniform(10, 29):.2f}"
        body.append((chrom, pos, f"{chrom}\t{pos}\t.\t{ref}\t{','.join(alts)}\t{qual}\t{filt}\tDP={total}\t"
                                 "GT:AD:DP:GQ\t" + "\t".join(cols)))  # fmt: skip
    body = [
        line
        for _c, _p, line in sorted([*body, *background_lines], key=lambda r: sort_key(r[0], r[1]))
    ]
    bgzip_and_index("\n".join(head + body) + "\n", os.path.join(OUT, "demo.vcf.gz"), tmpdir)


def fmt_af(x: float) -> str:
    return f"{x:.5g}"


def write_gnomad(A, genes, contigs, tmpdir) -> list[tuple]:
    head = [
        "##fileformat=VCFv4.2",
        "##source=synthetic gnomAD-style demo, not real population data",
        "##reference=genome.fa (synthetic mmpsi-demo genome)",
        '##FILTER=<ID=PASS,Description="Passed all variant filters">',
        '##FILTER=<ID=AC0,Description="Allele count is zero after filtering out low-confidence genotypes (GQ < 20; DP < 10; and AB < 0.2 for het calls)">',
        '##FILTER=<ID=AS_VQSR,Description="Failed VQSR filtering thresholds of -2.7739 for SNPs and -1.0606 for indels">',
        '##INFO=<ID=AC,Number=A,Type=Integer,Description="Alternate allele count">',
        '##INFO=<ID=AN,Number=1,Type=Integer,Description="Total number of alleles">',
        '##INFO=<ID=AF,Number=A,Type=Float,Description="Alternate allele frequency">',
        '##INFO=<ID=nhomalt,Number=A,Type=Integer,Description="Count of homozygous individuals">',
        '##INFO=<ID=AC_XY,Number=A,Type=Integer,Description="Alternate allele count for XY samples">',
        '##INFO=<ID=nhomalt_XY,Number=A,Type=Integer,Description="Count of homozygous individuals in XY samples">',
        '##INFO=<ID=AF_grpmax,Number=A,Type=Float,Description="Maximum allele frequency across genetic ancestry groups">',
        '##INFO=<ID=grpmax,Number=A,Type=String,Description="Genetic ancestry group with the maximum allele frequency">',
        '##INFO=<ID=fafmax_faf95_max,Number=A,Type=Float,Description="Maximum filtering allele frequency (using Poisson 95% CI) across genetic ancestry groups">',
        '##INFO=<ID=faf95,Number=A,Type=Float,Description="Filtering allele frequency (using Poisson 95% CI)">',
        *contig_header(contigs),
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO",
    ]  # fmt: skip

    def info(ac, an, nhom, ac_xy, nhom_xy, af_grp, grp, fafmax, faf):
        return (f"AC={ac};AN={an};AF={fmt_af(ac / an)};nhomalt={nhom};AC_XY={ac_xy};nhomalt_XY={nhom_xy};"
                f"AF_grpmax={fmt_af(af_grp)};grpmax={grp};fafmax_faf95_max={fmt_af(fafmax)};faf95={fmt_af(faf)}")  # fmt: skip

    recs = []
    a = A["v09_SCN2A_common_synonymous"]
    recs.append((a.chrom, a.pos, a.ref, a.alt, info(434012, 1400032, 67281, 215887, 33402, 0.3172, "nfe", 0.3101, 0.3087),
                 "v09 common benign synonymous (AF ~0.31)"))  # fmt: skip
    a = A["v10_KCNT1_rare_synonymous"]
    recs.append((a.chrom, a.pos, a.ref, a.alt, info(3, 1461894, 0, 1, 0, 4.238e-06, "nfe", 7.1e-07, 4.2e-07),
                 "v10 rare synonymous (AC 3)"))  # fmt: skip
    a = A["v12a_SLC12A5_multiallelic_alt1"]
    recs.append((a.chrom, a.pos, a.ref, a.alt, info(5, 1461736, 0, 2, 0, 6.1e-06, "nfe", 1.96e-06, 1.35e-06),
                 "v12a first allele of the multi-allelic site only"))  # fmt: skip
    a = A["v13_PLCB1_homopolymer_inframe_del"]
    recs.append((a.chrom, a.pos, a.ref, a.alt, info(2, 1461622, 0, 1, 0, 2.9e-06, "nfe", 0.0, 0.0),
                 "v13 left-aligned in-frame deletion (AC 2)"))  # fmt: skip
    a = A["v05_PNPO_hom_missense"]
    other = next(b for b in "ACGT" if b not in (a.ref, a.alt))
    recs.append((a.chrom, a.pos, a.ref, other, info(12, 1461480, 0, 5, 0, 1.2e-05, "sas", 5.6e-06, 4.1e-06),
                 "v05 site, different ALT (planted allele absent)"))  # fmt: skip
    # two unrelated records: WWOX intron 3 (common) and a DOCK6 coding base (rare)
    g = genes["WWOX"]
    ex = g.mane.exons
    t = (ex[2][1] + ex[3][0]) // 2
    pos = g.t_to_g(t)
    ref = contigs[g.chrom][pos - 1]
    recs.append((g.chrom, pos, ref, {"A": "G", "G": "A", "C": "T", "T": "C"}[ref],
                 info(171342, 1398210, 10561, 85377, 5298, 0.1534, "afr", 0.1489, 0.1211), "unrelated WWOX intronic"))  # fmt: skip
    g = genes["DOCK6"]
    pos = g.t_to_g(g.mane.c_to_t(4500))
    ref = contigs[g.chrom][pos - 1]
    recs.append((g.chrom, pos, ref, {"A": "G", "G": "A", "C": "T", "T": "C"}[ref],
                 info(58, 1460990, 0, 27, 0, 9.9e-05, "eas", 6.1e-05, 3.0e-05), "unrelated DOCK6 coding"))  # fmt: skip
    # unrelated intronic records in ALDH7A1 (chr5) and ATP7A (chrX), so that the file covers
    # those contigs and the planted variants there read as absent, not as not covered
    for sym, ac, an in (("ALDH7A1", 21, 1461002), ("ATP7A", 4, 1121480)):
        g = genes[sym]
        ex = g.mane.exons
        pos = g.t_to_g((ex[0][1] + ex[1][0]) // 2)
        ref = contigs[g.chrom][pos - 1]
        recs.append((g.chrom, pos, ref, {"A": "G", "G": "A", "C": "T", "T": "C"}[ref],
                     info(ac, an, 0, ac // 2, 0, 3.1e-05, "nfe", 1.2e-05, 9.0e-06),
                     f"unrelated {sym} intronic"))  # fmt: skip
    recs.sort(key=lambda r: sort_key(r[0], r[1]))
    body = [f"{c}\t{p}\t.\t{r}\t{x}\t.\tPASS\t{i}" for c, p, r, x, i, _ in recs]
    bgzip_and_index("\n".join(head + body) + "\n", os.path.join(OUT, "gnomad.demo.vcf.gz"), tmpdir)
    return recs


CLINVAR_INFO = [
    '##INFO=<ID=ALLELEID,Number=1,Type=Integer,Description="the ClinVar Allele ID">',
    '##INFO=<ID=CLNDN,Number=.,Type=String,Description="ClinVar\'s preferred disease name for the concept specified by disease identifiers in CLNDISDB">',
    '##INFO=<ID=CLNHGVS,Number=.,Type=String,Description="Top-level (primary assembly, alt, or patch) HGVS expression.">',
    '##INFO=<ID=CLNREVSTAT,Number=.,Type=String,Description="ClinVar review status for the Variation ID">',
    '##INFO=<ID=CLNSIG,Number=.,Type=String,Description="Clinical significance for this single variant">',
    '##INFO=<ID=CLNSIGCONF,Number=.,Type=String,Description="Conflicting clinical significance for this single variant">',
    '##INFO=<ID=CLNVC,Number=1,Type=String,Description="Variant type">',
    '##INFO=<ID=CLNVCSO,Number=1,Type=String,Description="Sequence Ontology id for variant type">',
    '##INFO=<ID=GENEINFO,Number=1,Type=String,Description="Gene(s) for the variant reported as gene symbol:gene id. The gene symbol and id are delimited by a colon (:) and each pair is delimited by a vertical bar (|)">',
    '##INFO=<ID=MC,Number=.,Type=String,Description="comma separated list of molecular consequence in the form of Sequence Ontology ID|molecular_consequence">',
    '##INFO=<ID=ORIGIN,Number=.,Type=String,Description="Allele origin. One or more of the following values may be added: 0 - unknown; 1 - germline; 2 - somatic; 4 - inherited; 8 - paternal; 16 - maternal; 32 - de-novo; 64 - biparental; 128 - uniparental; 256 - not-tested; 512 - tested-inconclusive; 1073741824 - other">',
    '##INFO=<ID=RS,Number=.,Type=String,Description="dbSNP ID (i.e. rs number)">',
]  # fmt: skip

# Real NCBI Gene IDs (KCNT1 57582, SCN2A 6326, SCN1A 6323, ALDH7A1 501).
GENE_IDS = {"KCNT1": 57582, "SCN2A": 6326, "SCN1A": 6323, "ALDH7A1": 501}
SO_MC = {
    "missense_variant": "SO:0001583|missense_variant",
    "synonymous_variant": "SO:0001819|synonymous_variant",
}


def write_clinvar(A, genes, contigs, tmpdir) -> list[dict]:
    head = [
        "##fileformat=VCFv4.1",
        "##fileDate=2026-11-01",
        "##source=ClinVar (synthetic demo records)",
        "##reference=synthetic",
        '##ID=<Description="ClinVar Variation ID">',
        *CLINVAR_INFO,
        *contig_header(contigs),
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO",
    ]

    def coding(sym, c, alt_t):
        g = genes[sym]
        tx = g.mane
        t = tx.c_to_t(c)
        pos = g.t_to_g(t)
        ref = contigs[g.chrom][pos - 1]
        alt = alt_t if g.strand == "+" else revcomp(alt_t)
        csq, hp = p_missense(tx, c, alt_t)
        hc = f"{tx.vid}:c.{c}{g.pre[t]}>{alt_t}"
        return dict(
            chrom=g.chrom, pos=pos, ref=ref, alt=alt, gene=sym, csq=csq, hgvs_c=hc, hgvs_p=hp
        )

    def from_allele(vid):
        a = A[vid]
        return dict(chrom=a.chrom, pos=a.pos, ref=a.ref, alt=a.alt, gene=a.gene, csq=a.consequence,
                    hgvs_c=a.hgvs_c, hgvs_p=a.hgvs_p)  # fmt: skip

    recs = [
        dict(coding("KCNT1", 1421, "A"), sig="Pathogenic", rev="criteria_provided,_multiple_submitters,_no_conflicts",
             dn="Developmental_and_epileptic_encephalopathy_14", origin=33,
             role="same codon as v01, different amino acid (Arg474His): PM5 anchor"),
        dict(coding("SCN2A", 4635, "G"), sig="Pathogenic", rev="reviewed_by_expert_panel",
             dn="Developmental_and_epileptic_encephalopathy_11", origin=33,
             role="same amino-acid change as v02 (Asp1545Glu) via GAT>GAG: PS1 anchor"),
        dict(from_allele("v04b_ALDH7A1_missense"), sig="Pathogenic",
             rev="criteria_provided,_multiple_submitters,_no_conflicts", dn="Pyridoxine-dependent_epilepsy", origin=1,
             role="identical to v04b (Pathogenic): PM3 for the splice allele in trans"),
        dict(from_allele("v09_SCN2A_common_synonymous"), sig="Benign",
             rev="criteria_provided,_multiple_submitters,_no_conflicts", dn="not_specified", origin=1,
             role="identical to v09 (Benign)"),
        dict(coding("KCNT1", 2849, "T"), sig="Uncertain_significance", rev="criteria_provided,_single_submitter",
             dn="not_provided", origin=1, role="unrelated VUS in KCNT1 (no demo carrier)"),
        dict(coding("SCN1A", 3899, "A"), sig="Conflicting_classifications_of_pathogenicity",
             rev="criteria_provided,_conflicting_classifications", dn="Dravet_syndrome|not_provided", origin=1,
             conf="Pathogenic(1)|Uncertain_significance(2)",
             role="unrelated conflicting record in SCN1A (no demo carrier)"),
    ]  # fmt: skip
    assert recs[0]["hgvs_p"] == "p.(Arg474His)" and recs[1]["hgvs_p"] == "p.(Asp1545Glu)"
    recs.sort(key=lambda r: sort_key(r["chrom"], r["pos"]))
    body = []
    for n, r in enumerate(recs, 1):
        fields = [
            f"ALLELEID={9900000 + n}",
            f"CLNDN={r['dn']}",
            f"CLNHGVS={r['chrom']}:g.{r['pos']}{r['ref']}>{r['alt']}",
            f"CLNREVSTAT={r['rev']}",
            f"CLNSIG={r['sig']}",
        ]
        if "conf" in r:
            fields.append(f"CLNSIGCONF={r['conf']}")
        fields += [
            "CLNVC=single_nucleotide_variant",
            "CLNVCSO=SO:0001483",
            f"GENEINFO={r['gene']}:{GENE_IDS[r['gene']]}",
            f"MC={SO_MC[r['csq']]}",
            f"ORIGIN={r['origin']}",
        ]
        r["vcv"] = 9800000 + n
        body.append(
            f"{r['chrom']}\t{r['pos']}\t{r['vcv']}\t{r['ref']}\t{r['alt']}\t.\t.\t{';'.join(fields)}"
        )
    bgzip_and_index("\n".join(head + body) + "\n", os.path.join(OUT, "clinvar.demo.vcf.gz"), tmpdir)
    return recs


# In-silico scores for the planted missense alleles (invented values). v01 is high on purpose
# (the KCNT1 de novo: PP3 territory), v16 low (benign-looking); the multi-allelic SLC12A5 codon
# has a row for each of the three possible ALTs, as the real REVEL file has.
REVEL_SCORES = {
    "v01_KCNT1_denovo_missense": 0.85,
    "v02_SCN2A_missense": 0.62,
    "v04b_ALDH7A1_missense": 0.71,
    "v05_PNPO_hom_missense": 0.94,
    "v07_PCDH19_missense": 0.45,
    "v12a_SLC12A5_multiallelic_alt1": 0.52,
    "v12b_SLC12A5_multiallelic_alt2": 0.58,
    "v16_WWOX_missing_gt": 0.12,
}
REVEL_EXTRA_ALT = ("v12a_SLC12A5_multiallelic_alt1", "C", 0.49)  # third ALT at the same base


def coding_snv_change(a: Allele, genes, alt_t: str | None = None) -> tuple[str, str]:
    """(ref aa, alt aa), one-letter, of a planted coding SNV, from its c. position."""
    hgvs = a.hgvs_c.split(":c.")[1]
    c, ref_t, design_alt = int(hgvs[:-3]), hgvs[-3], hgvs[-1]
    cds = genes[a.gene].mane.cds()
    k = (c - 1) // 3
    codon = cds[3 * k : 3 * k + 3]
    assert codon[(c - 1) % 3] == ref_t
    new = codon[: (c - 1) % 3] + (alt_t or design_alt) + codon[(c - 1) % 3 + 1 :]
    return CODON_TABLE[codon], CODON_TABLE[new]


def write_revel(A, genes, tmpdir) -> list[tuple]:
    """REVEL-style table: the release file's columns, tab-separated, contigs without 'chr'."""
    rows = []
    for vid, score in REVEL_SCORES.items():
        a = A[vid]
        aref, aalt = coding_snv_change(a, genes)
        rows.append((a.chrom, a.pos, a.ref, a.alt, aref, aalt, score, a.tx.split(".")[0], vid))
    vid, alt, score = REVEL_EXTRA_ALT
    a = A[vid]
    alt_t = alt if genes[a.gene].strand == "+" else revcomp(alt)
    aref, aalt = coding_snv_change(a, genes, alt_t)
    rows.append((a.chrom, a.pos, a.ref, alt, aref, aalt, score, a.tx.split(".")[0],
                 "third possible ALT at the v12 site (no demo carrier)"))  # fmt: skip
    rows.sort(key=lambda r: (sort_key(r[0], r[1]), r[3]))
    head = "#chr\thg19_pos\tgrch38_pos\tref\talt\taaref\taaalt\tREVEL\tEnsembl_transcriptid"
    body = [f"{c.removeprefix('chr')}\t{p}\t{p}\t{r}\t{x}\t{ar}\t{aa}\t{s:.3f}\t{t}"
            for c, p, r, x, ar, aa, s, t, _ in rows]  # fmt: skip
    plain = os.path.join(tmpdir, "revel.demo.tsv")
    write(plain, "\n".join([head, *body]) + "\n")
    dest = os.path.join(OUT, "revel.demo.tsv.gz")
    pysam.tabix_compress(plain, dest, force=True)
    pysam.tabix_index(dest, seq_col=0, start_col=2, end_col=2, meta_char="#", force=True)
    return rows


# SpliceAI-style deltas (invented): a strong donor loss at the ALDH7A1 canonical donor, low
# values elsewhere (synonymous, deep intronic and missense alleles), and a multi-allelic record
# whose two ALTs differ, so that a reader must pick the entry of the right allele.
SPLICEAI = [
    # (allele ids, {id: (DS_AG, DS_AL, DS_DG, DS_DL, DP_AG, DP_AL, DP_DG, DP_DL)}, role)
    (["v01_KCNT1_denovo_missense"], {"v01_KCNT1_denovo_missense": (0.00, 0.01, 0.00, 0.00, 14, -3, 27, 40)},
     "missense, no predicted splice effect"),
    (["v02_SCN2A_missense"], {"v02_SCN2A_missense": (0.01, 0.00, 0.00, 0.02, -8, 22, 5, -31)},
     "missense, no predicted splice effect (PS1 needs this)"),
    (["v04a_ALDH7A1_splice_donor"], {"v04a_ALDH7A1_splice_donor": (0.00, 0.00, 0.03, 0.97, -12, 31, -2, 1)},
     "canonical donor +1: strong donor loss"),
    (["v09_SCN2A_common_synonymous"], {"v09_SCN2A_common_synonymous": (0.00, 0.00, 0.01, 0.00, 3, -40, 18, 9)},
     "synonymous, no predicted splice effect"),
    (["v10_KCNT1_rare_synonymous"], {"v10_KCNT1_rare_synonymous": (0.02, 0.00, 0.01, 0.00, -6, 11, 2, -19)},
     "synonymous, no predicted splice effect"),
    (["v11_SCN1A_deep_intronic"], {"v11_SCN1A_deep_intronic": (0.03, 0.00, 0.04, 0.00, 7, -25, -1, 36)},
     "deep intronic, no predicted splice effect"),
    (["v12a_SLC12A5_multiallelic_alt1", "v12b_SLC12A5_multiallelic_alt2"],
     {"v12a_SLC12A5_multiallelic_alt1": (0.01, 0.00, 0.02, 0.00, 9, -14, 1, 30),
      "v12b_SLC12A5_multiallelic_alt2": (0.00, 0.00, 0.24, 0.00, -2, 17, 1, -33)},
     "multi-allelic: only the second ALT has a delta above 0.2"),
]  # fmt: skip


def write_spliceai(A, contigs, tmpdir) -> list[tuple]:
    head = [
        "##fileformat=VCFv4.2",
        "##source=synthetic SpliceAI-style demo scores, not SpliceAI predictions",
        "##reference=genome.fa (synthetic mmpsi-demo genome)",
        *contig_header(contigs),
        '##INFO=<ID=SpliceAI,Number=.,Type=String,Description="SpliceAI-style annotation (synthetic demo values): delta scores (DS) and delta positions (DP) for acceptor gain (AG), acceptor loss (AL), donor gain (DG) and donor loss (DL). Format: ALLELE|SYMBOL|DS_AG|DS_AL|DS_DG|DS_DL|DP_AG|DP_AL|DP_DG|DP_DL">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO",
    ]  # fmt: skip
    recs = []
    for ids, values, role in SPLICEAI:
        al = [A[i] for i in ids]
        a = al[0]
        entries = []
        for b in al:
            ds, dp = values[b.id][:4], values[b.id][4:]
            entries.append("|".join([b.alt, b.gene, *(f"{x:.2f}" for x in ds), *map(str, dp)]))
        recs.append((a.chrom, a.pos, a.ref, ",".join(b.alt for b in al), ",".join(entries), role))
    recs.sort(key=lambda r: sort_key(r[0], r[1]))
    body = [f"{c}\t{p}\t.\t{r}\t{x}\t.\t.\tSpliceAI={i}" for c, p, r, x, i, _ in recs]
    bgzip_and_index(
        "\n".join(head + body) + "\n", os.path.join(OUT, "spliceai.demo.vcf.gz"), tmpdir
    )
    return recs


def zygosity(gt: str, sample: str, chrom: str) -> str:
    a, b = gt.split("/")
    if a == b:
        return "hemizygous" if chrom == "chrX" and SEX[sample] == 1 else "homozygous"
    return "heterozygous"


def write_truth(A, records):
    calls = ["\t".join(["id", "sample", "chrom", "pos", "ref", "alt", "gene", "genotype", "zygosity",
                        "expected_kept", "reason", "consequence", "purpose"])]  # fmt: skip
    variants = ["\t".join(["id", "chrom", "pos", "ref", "alt", "gene", "transcript", "consequence", "hgvs_c",
                           "hgvs_p", "purpose"])]  # fmt: skip
    for _chrom, _pos, _ref, _alts, filt, carriers, ids in records:
        for k, vid in enumerate(ids, 1):
            a = A[vid]
            variants.append("\t".join(map(str, [a.id, a.chrom, a.pos, a.ref, a.alt, a.gene, a.tx, a.consequence,
                                                a.hgvs_c, a.hgvs_p, a.purpose])))  # fmt: skip
            for s in NAMES:
                if s not in carriers:
                    continue
                gt = carriers[s][0]
                if str(k) not in gt.split("/"):
                    continue
                if not a.gene:
                    kept, reason = "no", "off_panel"
                elif filt != "PASS":
                    kept, reason = "no", "filter_failed"
                else:
                    kept, reason = "yes", ""
                calls.append("\t".join(map(str, [a.id, s, a.chrom, a.pos, a.ref, a.alt, a.gene, gt,
                                                 zygosity(gt, s, a.chrom), kept, reason, a.consequence,
                                                 a.purpose])))  # fmt: skip
    write(os.path.join(OUT, "truth_calls.tsv"), "\n".join(calls) + "\n")
    write(os.path.join(OUT, "truth_variants.tsv"), "\n".join(variants) + "\n")


# Copy-number changes the read simulator puts into the reads (not into demo.vcf.gz: they are
# found from depth). One: a heterozygous deletion of SCN1A exons 9-10 in the trio's proband,
# absent in both parents, so de novo. Exons 9 and 10 hold a number of coding bases that is not
# a multiple of 3, so the deletion shifts the frame (the PVS1 exon-deletion branch).
PLANTED_CNVS = [("EIMFS01", "SCN1A", 9, 10, 1)]


def planted_cnv_rows(genes) -> list[tuple]:
    """(sample, gene, chrom, start, end, exons, copy_number) with the breakpoints mid-intron."""
    rows = []
    for sample, symbol, first, last, cn in PLANTED_CNVS:
        g = genes[symbol]
        ex = g.mane.exons
        # Transcript offsets: from the middle of the intron before `first` to the middle of the
        # intron after `last` (exons numbered from 1).
        t_lo = (ex[first - 2][1] + ex[first - 1][0]) // 2
        t_hi = (ex[last - 1][1] + ex[last][0]) // 2
        lo, hi = sorted((g.t_to_g(t_lo), g.t_to_g(t_hi)))
        rows.append((sample, symbol, g.chrom, lo, hi, f"{first}-{last}", cn))
    return rows


def write_planted_cnvs(genes) -> list[tuple]:
    rows = planted_cnv_rows(genes)
    lines = ["sample\tgene\tchrom\tstart\tend\texons\tcopy_number"]
    lines += ["\t".join(str(v) for v in r) for r in rows]
    write(os.path.join(OUT, "planted_cnvs.tsv"), "\n".join(lines) + "\n")
    return rows


# ------------------------------------------------------------------------------------------ README


def md_table(header, rows) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(x) for x in r) + " |" for r in rows]
    return "\n".join(out)


def write_readme(
    genes, contigs, A, records, gnomad, clinvar, revel, spliceai, bg_lines=(), cnv_rows=()
) -> None:
    core = {s["symbol"] for s in CORE}
    gene_rows = []
    for g in gene_order(genes):
        tx = g.mane
        others = ", ".join(f"{t.vid} ({', '.join(x for x in t.tags if x != 'basic') or 'basic'})"
                           for t in g.transcripts[1:])  # fmt: skip
        gene_rows.append([g.symbol, g.hgnc, g.chrom, g.strand, f"{g.gene_id}.{g.gver}", tx.vid, len(tx.exons),
                          len(tx.protein), "real IDs" if g.symbol in core else "made-up IDs",
                          others or "-"])  # fmt: skip
    sample_rows = [[f, s, p, m, {1: "male", 2: "female"}[sx], {1: "unaffected", 2: "affected"}[ph]]
                   for f, s, p, m, sx, ph in SAMPLES]  # fmt: skip
    var_rows = []
    for chrom, pos, ref, alts, filt, carriers, ids in records:
        gts = ", ".join(
            f"{s} {carriers[s][0]}" for s in NAMES if s in carriers and carriers[s][0] != "0/0"
        )
        for vid in ids:
            a = A[vid]
            shown = f"{chrom}:{pos} {ref}>{','.join(alts)}"
            norm = f"{a.chrom}:{a.pos} {a.ref}>{a.alt}"
            var_rows.append([a.id, shown, norm if norm != shown else "same", a.gene or "-", a.consequence,
                             (a.hgvs_c.split(":")[1] if a.hgvs_c else "-"), a.hgvs_p or "-", filt, gts])  # fmt: skip
    gn_rows = [[f"{c}:{p} {r}>{x}", i.replace(";", "; "), note] for c, p, r, x, i, note in gnomad]
    cv_rows = [[f"{r['chrom']}:{r['pos']} {r['ref']}>{r['alt']}", r["gene"], r["hgvs_c"].split(":")[1], r["hgvs_p"],
                r["sig"], r["rev"], r["role"]] for r in clinvar]  # fmt: skip
    rv_rows = [[f"{c.removeprefix('chr')}:{p} {r}>{x}", f"{ar}>{aa}", f"{sc:.3f}", t, role]
               for c, p, r, x, ar, aa, sc, t, role in revel]  # fmt: skip
    sp_rows = [[f"{c}:{p} {r}>{x}", i.replace("|", "\\|").replace(",", ", "), role]
               for c, p, r, x, i, role in spliceai]  # fmt: skip
    sizes = {n: len(s) for n, s in contigs.items()}
    text = f"""# MMPSI demo data set (SYNTHETIC)

> **Everything in this folder is synthetic.** The genome is random bases, not human sequence.
> The gnomAD-style file is not real population data, the ClinVar-style file holds no real
> ClinVar records, and the REVEL- and SpliceAI-style scores are invented. Do not use any of it
> for clinical or research interpretation.

This folder is generated by `make_demo.py`. Do not edit the data files or this README by hand;
change the generator and rerun it:

```
python resources/demo/make_demo.py     # needs Python 3 and pysam; rewrites this folder
```

Every run gives byte-identical files (all randomness comes from `random.Random` seeded with
fixed strings; bgzip/tabix via pysam). bcftools is not needed to build the data, only to check it
(see *Checks* below).

## What the data are for

A small, self-contained input for the `mmpsi-variants` pipeline and its tests: a family trio and
six unrelated affected children, with one planted variant (or a planted negative control) for each
situation the pipeline must handle: de novo, compound heterozygous, homozygous, hemizygous, low
allele fraction, multi-allelic, un-normalised indels, filtered and off-panel records, missing
genotypes, PS1/PM5/PM3/BA1 anchors in the resource files, and in-silico scores (PP3/BP4,
splicing).

## Files

| file | what it is |
|---|---|
| `make_demo.py` | the generator (standard library + pysam) |
| `genome.fa`, `genome.fa.fai` | synthetic genome, {len(contigs)} contigs named like the genes' real chromosomes (`chr` style), {sum(sizes.values()):,} bp in total |
| `genes.gff3` | gene models, Ensembl GFF3 style (readable by `bcftools csq`) |
| `genes.gtf` | the same models, Ensembl GTF style (CDS without the stop codon; start_codon/stop_codon lines) |
| `demo.ped` | pedigree, 6 columns, tab-separated, no header |
| `demo.vcf.gz`, `.tbi` | the demo call set: {len(records)} planted records and {len(bg_lines)} off-panel background SNVs (IDs `bg_...`), {len(NAMES)} samples, FORMAT GT:AD:DP:GQ |
| `gnomad.demo.vcf.gz`, `.tbi` | gnomAD v4-style sites VCF ({len(gnomad)} records) |
| `clinvar.demo.vcf.gz`, `.tbi` | ClinVar-style VCF ({len(clinvar)} records) |
| `revel.demo.tsv.gz`, `.tbi` | REVEL-style score table ({len(revel)} rows) |
| `spliceai.demo.vcf.gz`, `.tbi` | SpliceAI-style VCF ({len(spliceai)} records) |
| `truth_calls.tsv` | one row per (sample, planted allele): what the panel filter must output |
| `truth_variants.tsv` | one row per planted normalised allele, with design consequence and HGVS |
| `planted_cnvs.tsv` | copy-number changes the read simulator makes (1-based, inclusive; not in the VCF) |

## Genome and gene models

Layout of each contig: 6,000 bp flank, gene, 6,000 bp spacer, gene, ..., 6,000 bp flank. chr1 also
holds a {BACKGROUND:,}-bp gene-free "background" stretch after KCNT2 for off-panel variants. FASTA
headers say `synthetic MMPSI demo contig - not human sequence`.

Contig lengths: {", ".join(f"{n} {l:,}" for n, l in sizes.items())}.

The gene structures are **approximations**: exon counts and protein lengths follow the MANE Select
transcripts as far as we know them (PCDH19 and ATP7A exon sizes follow the Ensembl 105 exon intervals
in the shared real-data folder), but introns are shortened to 120-600 bp, UTRs are 50-300 bp and all
sequence is random. Coding sequences are valid (ATG, random sense codons, a stop codon; introns start
with GT and end with AG), and a few codons are fixed so that the planted variants have the intended
effect. Coordinates, exon lengths and protein sequences bear no relation to the real genes.

Identifiers: the 13 core genes carry their **real** HGNC IDs, Ensembl gene IDs (with the versions
of the MANE extract) and MANE Select transcript IDs. The 12 extended genes carry real HGNC IDs and
symbols but **made-up** Ensembl IDs (`ENSG99...`, `ENST99....1`). All protein IDs (`ENSP99...`) and
exon IDs (`ENSE99...`) are made up. Extra transcripts: SCN2A has the MANE Plus Clinical neonatal
transcript ENST00000631182.3, whose exon 5 (5N, same length and frame as the adult exon 5) lies in
the MANE transcript's intron 4 and changes codon 209 from Asp to Asn; KCNT1 has ENST00000487664.5,
which skips one in-frame exon (exon 29).

{md_table(["gene", "HGNC", "contig", "strand", "Ensembl gene", "MANE Select", "exons", "protein aa", "IDs", "other transcripts"], gene_rows)}

## Samples (`demo.ped`; the VCF columns are in this order)

The sample sheet (`config/samples.tsv`) gives the affected children HPO terms, looked up in
the HPO that ships with hpo3 (release 2025-11-24) rather than typed from memory: focal-onset
(for EIMFS01, migrating focal) seizures, epileptic encephalopathy, global developmental delay and
the onset class, with hypsarrhythmia where the EEG column names it and microcephaly for EIMFS05.
EIMFS02's come as a Phenopacket, `EIMFS02.phenopacket.json` (burst suppression, first seizure at
3 days, microcephaly excluded). Like the rest of the cohort they are made up.

{md_table(["family", "sample", "father", "mother", "sex", "phenotype"], sample_rows)}

## Planted variants

`demo.vcf.gz` holds the planted records below and the background SNVs described in the next
section (no 0/0-everywhere sites). In planted records, non-carriers are `0/0` with
AD `DP,0` (DP 22-45, GQ = min(99, 3 x DP)). "As written" is the record in demo.vcf.gz; "normalised"
is the form after `bcftools norm -f genome.fa -m -any` (multi-allelic split, left-aligned), which is
what `truth_calls.tsv` and `truth_variants.tsv` use. Consequence, HGVS c. (on the MANE transcript)
and HGVS p. are design values computed by the generator from its own models and checked with
`bcftools csq`.

{md_table(["id", "as written", "normalised", "gene", "consequence", "HGVS c.", "HGVS p.", "FILTER", "carriers"], var_rows)}

Notes:

- EIMFS01 (trio proband, girl) carries the KCNT1 de novo missense (parents 0/0 at good depth), the
  compound heterozygous ALDH7A1 pair (splice donor from the father, missense from the mother) and the
  maternally inherited rare KCNT1 synonymous variant.
- EIMFS05 (boy) has the ATP7A stop_gained written `1/1` (GATK without ploidy on chrX): truth
  zygosity `hemizygous`. EIMFS07 (boy) has the PCDH19 stop_gained as `0/1` with AD 40,9: truth
  zygosity stays `heterozygous` (possible mosaic).
- The demo chrX is only {sizes["chrX"]:,} bp long, so every position on it lies inside the GRCh37/GRCh38
  PAR1 coordinates; treat the demo genome as its own build with no pseudoautosomal region.
- In `truth_calls.tsv`, `expected_kept` is about the panel/FILTER step only: `off_panel` rows (no
  gene, consequence `intergenic_variant`) and `filter_failed` rows (FILTER=LowQual) must be dropped;
  everything else is kept, including common or benign variants that later steps should rank low.
  Empty `gene`, `transcript`, `hgvs_c`, `hgvs_p` and `reason` cells mean "not applicable".
- `genotype` is the GT string as written in demo.vcf.gz (for the multi-allelic record, `1/2` appears
  on both of EIMFS04's rows).

## Planted copy-number changes (`planted_cnvs.tsv`)

Not in `demo.vcf.gz`: `simulate_reads.py` removes (or, for a copy number above 2, repeats in
tandem) the sequence on one or both haplotypes, so only the reads' depth shows them.
{md_table(["sample", "gene", "chrom", "start", "end", "exons (MANE)", "copy number"], cnv_rows)}

The SCN1A deletion takes exons 9 and 10 from one copy in the proband and in neither parent: a
de novo heterozygous deletion whose breakpoints lie in the middle of introns 8 and 10.

## Background genotypes (IDs `bg_...`)

The sample-level checks of `filter --ped` need genome-wide genotypes: parentage compares a child
and a parent at hundreds of sites, and the sex check counts chrX heterozygosity. So demo.vcf.gz
also holds {len(bg_lines)} background SNVs ({sum(1 for c, _p, _l in bg_lines if c == "chr1")} on chr1 after KCNT2,
{sum(1 for c, _p, _l in bg_lines if c == "chrX")} on chrX between and beside ATP7A and PCDH19), each at least {BG_GENE_GAP:,} bp
from any gene, so the panel filter never reports them (with `--no-panel` they are reported; drop
IDs starting with `bg_` to see only the planted variants). Allele frequencies are drawn from
0.1-0.5. The trio follows Mendel: EIMFS01 takes one allele from each parent (on chrX her father's
only allele and one of her mother's); the six other children are unrelated. Males are hemizygous on
chrX, written `0/0` or `1/1`. Every heterozygous call has a balanced allele fraction (0.42-0.58) and
depth 25-45, so no background site looks de novo, mosaic or mis-sexed.

## gnomAD-style resource (`gnomad.demo.vcf.gz`)

gnomAD v4 field names (AC, AN, AF, nhomalt, AC_XY, nhomalt_XY, AF_grpmax, grpmax, fafmax_faf95_max,
faf95); invented numbers. The KCNT1 de novo (v01) is absent on purpose.

{md_table(["record", "INFO", "role"], gn_rows)}

## ClinVar-style resource (`clinvar.demo.vcf.gz`)

Real ClinVar VCF layout (VCFv4.1, ID = Variation ID, INFO ALLELEID, CLNDN, CLNHGVS, CLNREVSTAT,
CLNSIG, CLNVC, CLNVCSO, GENEINFO, MC, ORIGIN; CLNSIGCONF on the conflicting record), but **made-up
records** on the synthetic genome, with `chr` contig names to match `genome.fa` (real ClinVar uses
`1`, `X`, ...). Variation and allele IDs (98000xx/99000xx) are made up and CLNHGVS uses the synthetic
contig name instead of an NC_ accession. GENEINFO uses the real NCBI Gene IDs of the genes involved
(KCNT1:57582, SCN2A:6326, SCN1A:6323, ALDH7A1:501).

{md_table(["record", "gene", "HGVS c.", "HGVS p.", "CLNSIG", "CLNREVSTAT", "role"], cv_rows)}

## REVEL-style scores (`revel.demo.tsv.gz`)

The columns of the REVEL release file (`chr`, `hg19_pos`, `grch38_pos`, `ref`, `alt`, `aaref`,
`aaalt`, `REVEL`, `Ensembl_transcriptid`), tab-separated with `#` before the header line, bgzipped
and indexed on `grch38_pos` (`tabix -s 1 -b 3 -e 3`), contigs named without `chr` as in the real
file. Both position columns hold the synthetic genome's position. **Invented scores**: the KCNT1
de novo missense is high on purpose, the WWOX missense low; the multi-allelic SLC12A5 base has one
row per possible ALT.

{md_table(["row", "aa change", "REVEL", "transcript", "role"], rv_rows)}

## SpliceAI-style scores (`spliceai.demo.vcf.gz`)

SpliceAI's VCF layout (`INFO/SpliceAI=ALLELE|SYMBOL|DS_AG|DS_AL|DS_DG|DS_DL|DP_AG|DP_AL|DP_DG|DP_DL`,
one entry per allele and gene) with **invented values**: a strong donor loss at the ALDH7A1
canonical donor, low deltas elsewhere, and one multi-allelic record whose two ALTs differ.

{md_table(["record", "SpliceAI", "role"], sp_rows)}

## Checks

```
cd resources/demo
bcftools view demo.vcf.gz | head
bcftools norm -f genome.fa -m -any demo.vcf.gz          # gives the truth's normalised forms
bcftools csq -f genome.fa -g genes.gff3 -p a demo.vcf.gz  # consequences match truth_variants.tsv
```
"""
    write(os.path.join(OUT, "README.md"), text)


# -------------------------------------------------------------------------------------------- main


def main() -> None:
    genes, contigs, background = build_genome()
    A = plant(genes, contigs, background)
    records = vcf_records(A, contigs)
    bg_lines = background_genotypes(genes, contigs, background, [(r[0], r[1]) for r in records])
    tmpdir = tempfile.mkdtemp(prefix="mmpsi-demo-")
    try:
        write_fasta(contigs)
        write_gff3(genes, contigs)
        write_gtf(genes)
        write_ped()
        write_phenopacket()
        write_demo_vcf(records, contigs, tmpdir, bg_lines)
        gnomad = write_gnomad(A, genes, contigs, tmpdir)
        clinvar = write_clinvar(A, genes, contigs, tmpdir)
        revel = write_revel(A, genes, tmpdir)
        spliceai = write_spliceai(A, contigs, tmpdir)
        write_truth(A, records)
        cnv_rows = write_planted_cnvs(genes)
        write_readme(
            genes, contigs, A, records, gnomad, clinvar, revel, spliceai, bg_lines, cnv_rows
        )
    finally:
        shutil.rmtree(tmpdir)
    print(
        f"wrote {len(records)} planted and {len(bg_lines)} background demo records, {len(A)} planted alleles to {OUT}"
    )


if __name__ == "__main__":
    main()
