"""Table-driven consequence, HGVS and NMD cases on a fully known gene, on both strands."""

import csv

import pytest

from mmpsi_variants.annotation.annotator import Annotator
from mmpsi_variants.annotation.effects import IMPACT, SEVERITY, MinimalVariant
from mmpsi_variants.io.fasta import Reference
from mmpsi_variants.io.gene_cache import load_gene_models

from . import synthetic_tx
from .conftest import DATA


def _cases():
    with open(DATA / "consequence_cases.tsv") as fh:
        return list(csv.DictReader((ln for ln in fh if not ln.startswith("#")), delimiter="\t"))


CASES = _cases()


@pytest.fixture(scope="module")
def annotator(tmp_path_factory):
    fasta, gff = synthetic_tx.write(tmp_path_factory.mktemp("syn"))
    return Annotator(load_gene_models(gff), Reference(str(fasta)))


@pytest.mark.parametrize("strand", ["plus", "minus"])
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(annotator, case, strand):
    pos, ref, alt = int(case["pos"]), case["ref"], case["alt"]
    if strand == "minus":
        pos, ref, alt = synthetic_tx.to_minus(pos, ref, alt)
    hits = [
        a for a in annotator.annotate(strand, pos, ref, alt)
        if a.transcript.startswith(case["transcript"] + "_")
    ]  # fmt: skip
    assert len(hits) == 1
    a = hits[0]
    assert "&".join(a.consequence) == case["consequence"]
    assert a.impact == IMPACT.get(a.consequence[0], "MODIFIER")
    assert (a.hgvs_c or "").split(":", 1)[-1] == case["hgvs_c"]
    if a.hgvs_c:
        assert a.hgvs_c.startswith(f"{case['transcript']}_{strand}.1:")
    assert (a.hgvs_p or "") == case["hgvs_p"]
    assert (a.nmd or "") == case["nmd"]


# Symbolic deletions (<DEL> of pos+1..end): (name, pos, end, expected terms on T).
SYMBOLIC_DELETIONS = [
    ("whole transcript", 90, 570, "transcript_ablation"),
    (
        "into the 5' flank",
        90,
        140,
        "feature_truncation&coding_sequence_variant&5_prime_UTR_variant",
    ),
    ("inside an intron", 170, 200, "feature_truncation&intron_variant"),
    (
        "across exon 2",
        250,
        360,
        "splice_acceptor_variant&splice_donor_variant&feature_truncation&coding_sequence_variant"
        "&intron_variant",
    ),
]


@pytest.mark.parametrize("name,pos,end,expected", SYMBOLIC_DELETIONS)
def test_symbolic_deletion(annotator, name, pos, end, expected):
    (a,) = [
        x for x in annotator.annotate("plus", pos, "A", "<DEL>", end) if x.transcript == "T_plus.1"
    ]
    assert "&".join(a.consequence) == expected


def test_every_consequence_term_has_a_case():
    covered = {t for c in CASES for t in c["consequence"].split("&")}
    covered |= {t for *_, terms in SYMBOLIC_DELETIONS for t in terms.split("&")}
    missing = [t for t in SEVERITY if t not in covered]
    assert not missing, f"no case for {missing}"


def test_fraction_of_protein_removed(annotator):
    (a,) = [x for x in annotator.annotate("plus", 136, "G", "A") if x.transcript == "T_plus.1"]
    # Trp2* leaves one residue of 59: 58/59 of the protein is lost.
    assert a.fraction_removed == pytest.approx(58 / 59, abs=1e-4)
    assert a.protein_length == 59


def test_minimal_representation():
    v = MinimalVariant.from_vcf("1", 100, "CAAA", "C")
    assert (v.start, v.end, v.ref, v.alt) == (101, 103, "AAA", "")
    ins = MinimalVariant.from_vcf("1", 100, "C", "CGG")
    assert (ins.start, ins.end, ins.ref, ins.alt, ins.is_insertion) == (101, 100, "", "GG", True)


def test_incomplete_cds_and_gtf_stop_codon(tmp_path):
    """A GTF CDS without its stop codon gives the same protein as the GFF3 with it."""
    fasta, gff = synthetic_tx.write(tmp_path)
    gtf = tmp_path / "syn.gtf"
    lines = []
    for line in gff.read_text().splitlines():
        if line.startswith("#"):
            continue
        c = line.split("\t")
        if not c[8].startswith(("ID=transcript:T_", "Parent=transcript:T_")):
            continue
        tid = "T_plus" if c[0] == "plus" else "T_minus"
        attrs = f'gene_id "G_{c[0]}"; transcript_id "{tid}"; gene_name "SYN1";'
        if c[2] == "CDS" and c[6] == "+" and c[4] == "510":
            c[4] = "507"  # GTF leaves the stop codon out of the CDS
        if c[2] == "CDS" and c[6] == "-" and c[3] == "151":
            c[3] = "154"
        if c[2] == "mRNA":
            c[2] = "transcript"
        lines.append("\t".join([*c[:8], attrs]))
    gtf.write_text("\n".join(lines) + "\n")
    ref = Reference(str(fasta))
    from_gff = Annotator(load_gene_models(gff), ref)
    from_gtf = Annotator(load_gene_models(gtf), ref)
    for contig in ("plus", "minus"):
        (t1,) = [t for g in from_gff.models.genes for t in g.transcripts if t.chrom == contig
                 and t.id.startswith("T_")]  # fmt: skip
        (t2,) = [t for g in from_gtf.models.genes for t in g.transcripts if t.chrom == contig]
        p1, p2 = from_gff.transcript_seq(t1).protein, from_gtf.transcript_seq(t2).protein
        assert p1 == p2 and p1.startswith("MWRKKELATG") and p1.endswith("*")


# Changes of one haplotype taken together: (name, alleles on contig "plus", expected terms,
# HGVS c., HGVS p.); each also run mirrored on the minus strand.
TOGETHER = [
    ("two SNVs in codon 17: a stop alone, a serine together",
     [(279, "C", "T"), (280, "A", "C")], "missense_variant", "c.49_50delinsTC", "p.(Gln17Ser)"),
    ("one SNV alone", [(279, "C", "T")], "stop_gained", "c.49C>T", "p.(Gln17*)"),
]  # fmt: skip


@pytest.mark.parametrize("strand", ["plus", "minus"])
@pytest.mark.parametrize("name,alleles,terms,hgvs_c,hgvs_p", TOGETHER, ids=[t[0] for t in TOGETHER])
def test_changes_of_one_haplotype_together(annotator, strand, name, alleles, terms, hgvs_c, hgvs_p):
    if strand == "minus":
        alleles = [synthetic_tx.to_minus(*al) for al in alleles]
    (a,) = [
        x for x in annotator.annotate_together(strand, alleles) if x.transcript == f"T_{strand}.1"
    ]
    assert "&".join(a.consequence) == terms
    assert a.hgvs_c.split(":", 1)[1] == hgvs_c
    assert a.hgvs_p == hgvs_p


def test_overlapping_changes_cannot_be_taken_together(annotator):
    assert annotator.annotate_together("plus", [(279, "CA", "C"), (280, "A", "G")]) == []
