"""Small synthetic resource files for tests: a FASTA with repeats, and VCFs written on the fly."""

from __future__ import annotations

import random
from pathlib import Path

import pysam

# chr1 of the toy genome: random bases around a (CAG)x6 repeat and an A8 run.
_rng = random.Random("mmpsi-resource-tests")
_LEFT = "".join(_rng.choice("ACGT") for _ in range(100))
_MID = "".join(_rng.choice("ACGT") for _ in range(50))
TOY_SEQ = _LEFT + "T" + "CAG" * 6 + "T" + _MID + "G" + "A" * 8 + "C" + _LEFT[::-1]
REPEAT_START = len(_LEFT) + 2  # 1-based position of the first C of the CAG repeat
RUN_START = len(_LEFT) + 1 + 18 + 1 + len(_MID) + 2  # 1-based first A of the A8 run


def toy_fasta(tmp_path: Path, name: str = "chr1") -> Path:
    path = tmp_path / "toy.fa"
    body = "".join(TOY_SEQ[i : i + 60] + "\n" for i in range(0, len(TOY_SEQ), 60))
    path.write_text(f">{name}\n{body}")
    pysam.faidx(str(path))
    return path


def write_vcf(
    path: Path, info_lines: list[str], records: list[str], *, contigs=("chr1",), index=True
) -> Path:
    """A bgzipped sites VCF; ``records`` are tab-separated data lines (8 columns)."""
    head = ["##fileformat=VCFv4.2", *(f"##contig=<ID={c}>" for c in contigs), *info_lines]
    head.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO")
    plain = path.with_suffix("")  # x.vcf.gz -> x.vcf
    plain.write_text("\n".join(head + records) + "\n")
    pysam.tabix_compress(str(plain), str(path), force=True)
    plain.unlink()
    if index:
        pysam.tabix_index(str(path), preset="vcf", force=True)
    return path


def info(id_: str, number: str = "A", type_: str = "Float") -> str:
    return f'##INFO=<ID={id_},Number={number},Type={type_},Description="{id_}">'
