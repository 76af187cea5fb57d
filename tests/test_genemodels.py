"""Gene models: real Ensembl GFF3 from bcftools' tests, the other styles, and malformed lines."""

import pytest

from mmpsi_variants.core.errors import GeneModelError, InputFileError
from mmpsi_variants.io.gene_cache import load_gene_models
from mmpsi_variants.io.genemodels import primary_transcript

from .conftest import REAL


def csq_dir():
    return REAL / "csq"


def test_real_ensembl_gff3_xpc():
    """ENST00000285021 (XPC) as Ensembl wrote it, from bcftools' csq test set."""
    m = load_gene_models(csq_dir() / "ENST00000285021" / "ENST00000285021.gff")
    (g,) = m.genes
    assert (g.symbol, g.hgnc_id, g.ensembl_id, g.strand) == (
        "XPC",
        "HGNC:12816",
        "ENSG00000154767",
        "-",
    )
    (t,) = g.transcripts
    assert t.versioned_id == "ENST00000285021.12"
    assert len(t.exons) == 16 and len(t.cds) == 16
    assert t.cds_length % 3 == 0
    assert primary_transcript(g) is t


def test_every_real_csq_gff_parses():
    n = 0
    for gff in sorted(csq_dir().glob("*/*.gff")):
        m = load_gene_models(gff)
        assert m.genes, gff
        for g in m.genes:
            for t in g.transcripts:
                assert t.exons or t.cds, (gff, t.id)
                for s, e, _ in t.cds:
                    assert any(a <= s and e <= b for a, b in t.exons), (gff, t.id)
        n += 1
    assert n >= 30


GFF_HEAD = "##gff-version 3\n"
GENE = (
    "1\tx\tgene\t100\t900\t.\t+\t.\t"
    "ID=gene:G1;Name=ABC;description=x [Source:HGNC Symbol%3BAcc:HGNC:42]\n"
)
MRNA = (
    "1\tx\tmRNA\t100\t900\t.\t+\t.\t"
    "ID=transcript:T1;Parent=gene:G1;tag=basic,MANE_Select;version=2\n"
)
EXON = "1\tx\texon\t100\t300\t.\t+\t.\tParent=transcript:T1\n"
CDS = "1\tx\tCDS\t150\t300\t.\t+\t0\tID=CDS:P1;Parent=transcript:T1\n"


def _gff(tmp_path, text, name="g.gff3"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_children_may_come_before_parents(tmp_path):
    m = load_gene_models(_gff(tmp_path, GFF_HEAD + EXON + CDS + MRNA + GENE))
    t = m.genes[0].transcripts[0]
    assert t.is_mane_select and t.versioned_id == "T1.2" and t.cds == ((150, 300, 0),)
    assert m.genes[0].hgnc_id == "HGNC:42"


@pytest.mark.parametrize(
    "text, match, line",
    [
        (
            GFF_HEAD + GENE + MRNA + CDS.replace("\t0\t", "\t3\t"),
            "phase '3' is impossible",
            "line 4",
        ),
        (
            GFF_HEAD + GENE + MRNA + CDS.replace("\t0\t", "\t.\t"),
            "phase '.' is impossible",
            "line 4",
        ),
        (
            GFF_HEAD + GENE + EXON.replace("T1", "T9"),
            "Parent 'transcript:T9' is not defined",
            "line 3",
        ),
        (GFF_HEAD + GENE + "1\tx\texon\t10\n", "expected 9 tab-separated columns", "line 3"),
        (GFF_HEAD + GENE.replace("\t100\t", "\tabc\t"), "must be integers", "line 2"),
        (GFF_HEAD + GENE.replace("\t100\t900", "\t900\t100"), "impossible interval", "line 2"),
    ],
)
def test_malformed_lines_are_named(tmp_path, text, match, line):
    p = _gff(tmp_path, text)
    with pytest.raises(GeneModelError, match=match) as err:
        load_gene_models(p)
    assert err.value.where == line and err.value.path == str(p)


def test_transcript_with_undefined_gene(tmp_path):
    with pytest.raises(GeneModelError, match="Parent 'gene:G1'"):
        load_gene_models(_gff(tmp_path, GFF_HEAD + MRNA))


def test_cds_outside_exons(tmp_path):
    with pytest.raises(GeneModelError, match="outside its exons"):
        load_gene_models(
            _gff(tmp_path, GFF_HEAD + GENE + MRNA + EXON + CDS.replace("\t300\t.", "\t400\t."))
        )


def test_missing_file():
    with pytest.raises(InputFileError, match="file not found"):
        load_gene_models("/nonexistent/genes.gff3")


def test_gtf_with_repeated_tags_and_versions(tmp_path):
    gtf = (
        '1\tx\tgene\t100\t900\t.\t-\t.\tgene_id "ENSG1.3"; gene_name "ABC"; hgnc_id "HGNC:42";\n'
        '1\tx\ttranscript\t100\t900\t.\t-\t.\tgene_id "ENSG1.3"; transcript_id "ENST1.5"; '
        'tag "basic"; tag "MANE_Select";\n'
        '1\tx\texon\t100\t300\t.\t-\t.\tgene_id "ENSG1.3"; transcript_id "ENST1.5";\n'
        '1\tx\tCDS\t150\t300\t.\t-\t2\tgene_id "ENSG1.3"; transcript_id "ENST1.5";\n'
    )
    (g,) = load_gene_models(_gff(tmp_path, gtf, "g.gtf")).genes
    assert (g.symbol, g.hgnc_id, g.ensembl_id, g.strand) == ("ABC", "HGNC:42", "ENSG1", "-")
    (t,) = g.transcripts
    assert t.versioned_id == "ENST1.5" and t.is_mane_select and t.cds == ((150, 300, 2),)


def test_refseq_style_gff3(tmp_path):
    """NCBI writes Dbxref HGNC:HGNC:n, gene_synonym, 'MANE Select' with a space, NC_ seqids."""
    text = GFF_HEAD + (
        "NC_000009.12\tBestRefSeq\tgene\t100\t900\t.\t+\t.\tID=gene-KCNT1;"
        "Dbxref=GeneID:57582,HGNC:HGNC:18865;Name=KCNT1;gene_synonym=SLACK,KCa4.1;"
        "gene_biotype=protein_coding\n"
        "NC_000009.12\tBestRefSeq\tmRNA\t100\t900\t.\t+\t.\tID=rna-NM_020822.3;Parent=gene-KCNT1;"
        "Dbxref=Ensembl:ENST00000371757.7,GeneID:57582;Name=NM_020822.3;tag=MANE Select;"
        "transcript_id=NM_020822.3\n"
        "NC_000009.12\tBestRefSeq\texon\t100\t300\t.\t+\t.\tID=exon-NM_020822.3-1;Parent=rna-NM_020822.3\n"
        "NC_000009.12\tBestRefSeq\tCDS\t150\t300\t.\t+\t0\tID=cds-NP_065873.2;Parent=rna-NM_020822.3\n"
    )
    (g,) = load_gene_models(_gff(tmp_path, text)).genes
    assert (g.symbol, g.hgnc_id, g.synonyms) == ("KCNT1", "HGNC:18865", ("SLACK", "KCa4.1"))
    (t,) = g.transcripts
    assert t.versioned_id == "NM_020822.3" and t.is_mane_select


def test_primary_transcript_falls_back_to_longest_cds(tmp_path):
    text = (
        GFF_HEAD
        + GENE
        + MRNA.replace(";tag=basic,MANE_Select", "")
        + EXON
        + CDS
        + (
            "1\tx\tmRNA\t100\t900\t.\t+\t.\tID=transcript:T2;Parent=gene:G1\n"
            "1\tx\texon\t100\t900\t.\t+\t.\tParent=transcript:T2\n"
            "1\tx\tCDS\t150\t800\t.\t+\t0\tParent=transcript:T2\n"
        )
    )
    (g,) = load_gene_models(_gff(tmp_path, text)).genes
    assert primary_transcript(g).id == "T2"
    assert primary_transcript(g, preferred=["T1.2"]).id == "T1"


def test_cache_is_keyed_by_content(tmp_path, monkeypatch):
    import os

    from mmpsi_variants.io import gene_cache

    monkeypatch.setitem(os.environ, "MMPSI_CACHE_DIR", str(tmp_path / "cache"))
    gff = _gff(tmp_path, GFF_HEAD + GENE + MRNA + EXON + CDS)
    first = load_gene_models(gff)
    assert len(list((tmp_path / "cache" / "genemodels").glob("*.marshal"))) == 1
    calls = []
    real = gene_cache.parse_gene_models
    monkeypatch.setattr(gene_cache, "parse_gene_models", lambda *a: calls.append(a) or real(*a))
    second = load_gene_models(gff)
    assert calls == [] and second.genes == first.genes
    gff.write_text(GFF_HEAD + GENE + MRNA + EXON + CDS.replace("\t150\t", "\t151\t"))
    third = load_gene_models(gff)  # edited file: parsed again
    assert len(calls) == 1 and third.genes[0].transcripts[0].cds[0][0] == 151
    monkeypatch.setitem(os.environ, "MMPSI_CACHE_DIR", "off")
    load_gene_models(gff)
    assert len(calls) == 2


def test_outline_and_primary_from_the_cache_match_the_built_genes(tmp_path, monkeypatch):
    """Annotations near a transcript name it from the cached tuples without building the
    gene; they must say what the built gene says, MANE and longest-CDS choices alike."""
    import os

    from .conftest import DEMO

    monkeypatch.setitem(os.environ, "MMPSI_CACHE_DIR", str(tmp_path / "cache"))
    no_mane = GFF_HEAD + GENE + MRNA.replace(";tag=basic,MANE_Select", "") + EXON + CDS + (
        "1\tx\tmRNA\t100\t900\t.\t+\t.\tID=transcript:T2;Parent=gene:G1\n"
        "1\tx\texon\t100\t900\t.\t+\t.\tParent=transcript:T2\n"
        "1\tx\tCDS\t150\t800\t.\t+\t0\tParent=transcript:T2\n"
        # the widest span but a shorter CDS: the CDS decides
        "1\tx\tmRNA\t90\t950\t.\t+\t.\tID=transcript:T3;Parent=gene:G1\n"
        "1\tx\texon\t90\t950\t.\t+\t.\tParent=transcript:T3\n"
        "1\tx\tCDS\t200\t400\t.\t+\t0\tParent=transcript:T3\n"
    )  # fmt: skip
    for gff in (DEMO / "genes.gff3", _gff(tmp_path, no_mane)):
        load_gene_models(gff)  # fills the cache
        cached, built = load_gene_models(gff), load_gene_models(gff)
        assert cached._genes is None  # still tuples
        for gi, gene in enumerate(built.genes):
            for preferred in ((), (gene.transcripts[-1].id + ".9",)):
                expected = primary_transcript(gene, preferred)
                i = cached.primary_index(gi, preferred)
                assert gene.transcripts[i] == expected
            for ti, tx in enumerate(gene.transcripts):
                g, t = cached.outline(gi, ti)
                assert g == gene._replace(transcripts=())
                assert t == tx._replace(exons=(), cds=())
                assert built.outline(gi, ti) == (g, tx)
