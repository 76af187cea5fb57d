"""A small, fully known gene for table-driven consequence and HGVS tests.

One coding transcript with three exons, built on contig 'plus' and, mirrored base for base,
on contig 'minus' (reverse strand), so that every case can be checked on both strands with the
same expected c. and p. descriptions. Layout on 'plus' (1-based):

    1-100    flank                      351-450  intron 2
    101-130  5' UTR (c.-30..c.-1)       451-510  exon 3 CDS (c.121..c.180, TAA at c.178-180)
    131-160  exon 1 CDS (c.1..c.30)     511-560  3' UTR (c.*1..c.*50; TGA at c.*4-*6)
    161-260  intron 1                   561-660  flank
    261-350  exon 2 CDS (c.31..c.120)   600-640  a one-exon non-coding gene (NCG1)
"""

from __future__ import annotations

from pathlib import Path

from mmpsi_variants.annotation.transcripts import revcomp

FILLER = ["GCT", "GAT", "CCA", "TTC", "AGC", "GTG", "CAG", "ACT", "ATC", "TAC"]
CODONS_1_10 = ["ATG", "TGG", "CGC", "AAA", "AAA", "GAA", "CTG", "GCC", "ACC", "GGC"]
INTRON = "GTAAGT" + ("TCGA" * 23)[:91] + "CAG"
SEQ = (
    "GATCCTAGGC" * 10
    + "GCGCATCAGTCAGTCGATCGACTGACTGCA"
    + "".join(CODONS_1_10)
    + INTRON
    + "".join(FILLER * 3)
    + INTRON
    + "".join(FILLER + FILLER[:9])
    + "TAA"
    + "GCATGACTCG"
    + "ATCGGATCGA" * 4
    + "CGTAGCTAGT" * 10
)
L = len(SEQ)
assert L == 660 and len(INTRON) == 100

PLUS_FEATURES = [  # (type, start, end, phase)
    ("exon", 101, 160, "."),
    ("exon", 261, 350, "."),
    ("exon", 451, 560, "."),
    ("CDS", 131, 160, "0"),
    ("CDS", 261, 350, "0"),
    ("CDS", 451, 510, "0"),
]


def mirror(pos: int) -> int:
    return L - pos + 1


def write(directory: Path) -> tuple[Path, Path]:
    """FASTA and GFF3 with the gene on both strands; returns their paths."""
    fasta = directory / "synthetic.fa"
    fasta.write_text(f">plus\n{SEQ}\n>minus\n{revcomp(SEQ)}\n")
    lines = ["##gff-version 3"]
    for contig, strand in (("plus", "+"), ("minus", "-")):

        def span(s, e, contig=contig):
            return (s, e) if contig == "plus" else (mirror(e), mirror(s))

        gid, tid = f"gene:G_{contig}", f"transcript:T_{contig}"
        gs, ge = span(101, 560)
        lines.append(
            f"{contig}\tt\tgene\t{gs}\t{ge}\t.\t{strand}\t.\tID={gid};Name=SYN1;"
            "description=synthetic [Source:HGNC Symbol%3BAcc:HGNC:999999]"
        )
        lines.append(
            f"{contig}\tt\tmRNA\t{gs}\t{ge}\t.\t{strand}\t.\tID={tid};Parent={gid};"
            f"biotype=protein_coding;tag=MANE_Select;transcript_id=T_{contig};version=1"
        )
        for ftype, s, e, phase in PLUS_FEATURES:
            a, b = span(s, e)
            lines.append(f"{contig}\tt\t{ftype}\t{a}\t{b}\t.\t{strand}\t{phase}\tParent={tid}")
        ns, ne = span(600, 640)
        lines.append(
            f"{contig}\tt\tncRNA_gene\t{ns}\t{ne}\t.\t{strand}\t.\tID=gene:N_{contig};Name=NCG1"
        )
        lines.append(
            f"{contig}\tt\tlnc_RNA\t{ns}\t{ne}\t.\t{strand}\t.\tID=transcript:N_{contig};"
            f"Parent=gene:N_{contig};biotype=lncRNA;transcript_id=N_{contig};version=1"
        )
        lines.append(f"{contig}\tt\texon\t{ns}\t{ne}\t.\t{strand}\t.\tParent=transcript:N_{contig}")
    gff = directory / "synthetic.gff3"
    gff.write_text("\n".join(lines) + "\n")
    return fasta, gff


def to_minus(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """The same change written on the mirrored contig, VCF style (anchor base on the left)."""
    if len(ref) == len(alt):
        return mirror(pos + len(ref) - 1), revcomp(ref), revcomp(alt)
    # Drop the shared anchor, mirror, and re-anchor on the left of the minus contig.
    core_ref, core_alt = ref[1:], alt[1:]
    start = pos + 1  # first base after the anchor on 'plus'
    # A deletion of start..start+len-1, or an insertion between pos and pos+1 on 'plus'.
    new_start = mirror(start + len(core_ref) - 1) if core_ref else mirror(pos + 1) + 1
    anchor = revcomp(SEQ)[new_start - 2]
    return new_start - 1, anchor + revcomp(core_ref), anchor + revcomp(core_alt)
