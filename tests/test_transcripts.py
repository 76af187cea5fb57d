"""Where a transcript's CDS ends: GFF3 includes the stop codon, GTF leaves it out; and CDS
pieces no longer than their phase (real in Ensembl: 1-base CDS fragments at exon ends)."""

import pytest

from mmpsi_variants.annotation.transcripts import build
from mmpsi_variants.io.genemodels import Transcript


def _ts(seq: str, cds: tuple[int, int, int], strand: str = "+"):
    tx = Transcript("T", "1", "G", None, "c", 1, len(seq), strand, "protein_coding",
                    frozenset(), ((1, len(seq)),), (cds,))  # fmt: skip

    def fetch(chrom, start0, end0):
        return seq[max(start0, 0) : end0]

    return build(tx, fetch)


# (reference, CDS (start, end, phase), cDNA position of the last CDS base, stop included)
CASES = [
    ("CCATGAAATAACC", (3, 11, 0), 11),  # GFF3 style: ATG AAA TAA, stop inside
    ("CCATGAAATAACC", (3, 8, 0), 11),  # GTF style: the stop after the CDS is taken in
    ("CCATGAAATTACC", (3, 8, 0), 8),  # no stop after it: nothing added
    ("CCATGAAATAACC", (3, 7, 0), 7),  # not whole codons: nothing added
    ("CCCCGTAACCCC", (5, 5, 2), 8),  # 1 base, phase 2: no whole codon; TAA follows
    ("CTAATGACCCCC", (4, 4, 1), 7),  # 1 base, phase 1; TGA follows
    ("GTAACCCCCCCC", (1, 1, 1), 4),  # at the transcript start
    ("CCATGAAATA", (3, 8, 0), 8),  # the transcript ends before a stop could be read
]


@pytest.mark.parametrize("seq,cds,expected", CASES)
def test_cds_end(seq, cds, expected):
    ts = _ts(seq, cds)
    assert ts.cds_end == expected
    fresh = _ts(seq, cds)
    assert len(fresh.seq) == len(seq)  # the same answer once the whole sequence is read
    assert fresh.cds_end == expected
