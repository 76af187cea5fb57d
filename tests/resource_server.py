"""Resource files for the fetch tests, in the providers' formats, served by nginx on loopback.

Built from the bundled demo resources (synthetic data on the synthetic demo genome, in the real
formats) with decoys that the panel cut must drop:

- ``mane/genes.gff.gz``: the demo gene models (gzip, as MANE ships them) plus two genes that
  are not on the panel (DECOY1 on chr9, DECOY2 on chr1, each with a transcript, exons and CDS),
  listed in ``mane/md5checksums.txt`` as NCBI's release folders do;
- ``clinvar/clinvar.vcf.gz`` (+ ``.tbi``, ``.md5`` in NCBI's one-line form naming the dated
  file the link points at): the demo ClinVar records and two records outside the panel regions;
- ``gnomad/sites.chrN.vcf.bgz`` (+ ``.tbi``): per-chromosome gnomAD-style files, the demo
  records and one record far from any panel gene on every contig (an index without a contig
  would say nothing there).
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
from pathlib import Path

import pysam

DEMO = Path(__file__).resolve().parents[1] / "resources" / "demo"
DECOY_GFF = """\
chr9\ttest\tgene\t23001\t24000\t.\t+\t.\tID=gene:ENSG99000009901;Name=DECOY1;biotype=protein_coding;gene_id=ENSG99000009901
chr9\ttest\tmRNA\t23001\t24000\t.\t+\t.\tID=transcript:ENST99000009901;Parent=gene:ENSG99000009901;Name=DECOY1-201;biotype=protein_coding;transcript_id=ENST99000009901;version=1
chr9\ttest\texon\t23001\t24000\t.\t+\t.\tParent=transcript:ENST99000009901;exon_id=ENSE99000990101;rank=1
chr9\ttest\tCDS\t23101\t23900\t.\t+\t0\tID=CDS:ENSP99000009901;Parent=transcript:ENST99000009901;protein_id=ENSP99000009901
chr1\ttest\tgene\t30001\t31000\t.\t-\t.\tID=gene:ENSG99000009902;Name=DECOY2;biotype=protein_coding;gene_id=ENSG99000009902
chr1\ttest\tmRNA\t30001\t31000\t.\t-\t.\tID=transcript:ENST99000009902;Parent=gene:ENSG99000009902;Name=DECOY2-201;biotype=protein_coding;transcript_id=ENST99000009902;version=1
chr1\ttest\texon\t30001\t31000\t.\t-\t.\tParent=transcript:ENST99000009902;exon_id=ENSE99000990201;rank=1
chr1\ttest\tCDS\t30101\t30900\t.\t-\t0\tID=CDS:ENSP99000009902;Parent=transcript:ENST99000009902;protein_id=ENSP99000009902
"""
# Outside every panel region (gene span + 1000 bases) of the demo genome.
CLINVAR_DECOYS = [("chr9", 23500), ("chr1", 30500)]
CLINVAR_DATE = "2026-11-29"
GNOMAD_DECOY_POS = {  # contig -> a position at least 1 kb from any panel gene
    "chr1": 40000, "chr2": 12000, "chr3": 12000, "chr4": 11000, "chr5": 26000, "chr7": 11000,
    "chr9": 24500, "chr11": 12000, "chr12": 12000, "chr15": 12000, "chr16": 11500,
    "chr17": 13000, "chr19": 33000, "chr20": 50000, "chrX": 41000,
}  # fmt: skip


def _records(vcf: Path) -> tuple[list[str], list[str]]:
    header, body = [], []
    with gzip.open(vcf, "rt") as fh:
        for line in fh:
            (header if line.startswith("#") else body).append(line)
    return header, body


def _ref_base(contig: str, pos: int) -> str:
    with pysam.FastaFile(str(DEMO / "genome.fa")) as fa:
        return fa.fetch(contig, pos - 1, pos).upper()


def _bgzip_sorted(dest: Path, header: list[str], body: list[str]) -> None:
    order = {c: i for i, c in enumerate(GNOMAD_DECOY_POS)}
    body = sorted(body, key=lambda ln: (order.get(ln.split("\t")[0], 99), int(ln.split("\t")[1])))
    plain = dest.with_suffix(".plain")
    plain.write_text("".join(header) + "".join(body))
    pysam.tabix_compress(str(plain), str(dest), force=True)
    plain.unlink()
    pysam.tabix_index(str(dest), preset="vcf", force=True)


def build_www(root: Path) -> dict[str, str]:
    """Write the served files under ``root``; returns their MD5s by name."""
    sums: dict[str, str] = {}
    mane = root / "mane"
    mane.mkdir(parents=True)
    gff = (DEMO / "genes.gff3").read_text() + DECOY_GFF
    with gzip.open(mane / "genes.gff.gz", "wt") as fh:
        fh.write(gff)
    sums["genes.gff.gz"] = hashlib.md5((mane / "genes.gff.gz").read_bytes()).hexdigest()
    (mane / "md5checksums.txt").write_text(
        f"{'0' * 32}  ./README.txt\n{sums['genes.gff.gz']}  ./genes.gff.gz\n"
    )

    clinvar = root / "clinvar"
    clinvar.mkdir()
    header, body = _records(DEMO / "clinvar.demo.vcf.gz")
    header = [h for h in header if not h.startswith("##fileDate")]
    header.insert(1, f"##fileDate={CLINVAR_DATE}\n")
    for i, (contig, pos) in enumerate(CLINVAR_DECOYS):
        base = _ref_base(contig, pos)
        alt = "A" if base != "A" else "G"
        body.append(f"{contig}\t{pos}\t{9900001 + i}\t{base}\t{alt}\t.\t.\tALLELEID={9900001 + i};"
                    "CLNREVSTAT=criteria_provided,_single_submitter;CLNSIG=Pathogenic;"
                    "GENEINFO=DECOY:1\n")  # fmt: skip
    _bgzip_sorted(clinvar / "clinvar.vcf.gz", header, body)
    sums["clinvar.vcf.gz"] = hashlib.md5((clinvar / "clinvar.vcf.gz").read_bytes()).hexdigest()
    dated = f"clinvar_{CLINVAR_DATE.replace('-', '')}.vcf.gz"
    (clinvar / "clinvar.vcf.gz.md5").write_text(f"{sums['clinvar.vcf.gz']}  {dated}\n")

    gnomad = root / "gnomad"
    gnomad.mkdir()
    header, body = _records(DEMO / "gnomad.demo.vcf.gz")
    for contig, pos in GNOMAD_DECOY_POS.items():
        base = _ref_base(contig, pos)
        alt = "T" if base != "T" else "C"
        mine = [ln for ln in body if ln.split("\t")[0] == contig]
        mine.append(f"{contig}\t{pos}\t.\t{base}\t{alt}\t.\tPASS\tAC=1;AN=100000;AF=1e-05;"
                    "nhomalt=0\n")  # fmt: skip
        _bgzip_sorted(gnomad / f"sites.{contig}.vcf.bgz", header, mine)
    # An exome's calling regions, as gnomAD publishes them (Picard interval list, 1-based).
    (gnomad / "calling.interval_list").write_text(
        "@HD\tVN:1.6\n@SQ\tSN:chr9\tLN:26996\nchr9\t10000\t12000\t+\ttarget_1\n"
    )
    # A score table in one file, as REVEL's: bare contig names, the GRCh38 position in column 3.
    revel = root / "revel"
    revel.mkdir()
    for suffix in ("", ".tbi"):
        shutil.copy(DEMO / f"revel.demo.tsv.gz{suffix}", revel / f"revel.tsv.gz{suffix}")
    return sums


REVEL = """\
  revel:
    url: {url}/revel/revel.tsv.gz
    release: test REVEL v1.3
"""


def sources_yaml(
    url: str,
    *,
    gnomad_prefix: str = "",
    clinvar_md5: str | None = None,
    revel: bool = False,
    exome: bool = False,
) -> str:
    """A sources file for the served files (section ``demo``: the demo genome is no real
    build)."""
    checksum = (
        f"md5: '{clinvar_md5}'"
        if clinvar_md5
        else f"checksum_url: {url}/clinvar/clinvar.vcf.gz.md5"
    )
    return (
        f"""\
demo:
  gene_models:
    url: {url}/mane/genes.gff.gz
    checksum_url: {url}/mane/md5checksums.txt
    release: test gene models v1
  clinvar:
    url: {url}/clinvar/clinvar.vcf.gz
    {checksum}
    release: test ClinVar weekly
  gnomad:
    url: {url}{gnomad_prefix}/gnomad/sites.{{chrom}}.vcf.bgz
    chrom_style: chr
    release: test gnomAD v9
"""
        + (f"    coverage_url: {url}/gnomad/calling.interval_list\n" if exome else "")
        + (REVEL.format(url=url) if revel else "")
    )
