"""`mmpsi-variants annotate`: a VCF with INFO/MMPSI_CSQ in VEP's layout."""

import subprocess

import pysam
import pytest

from mmpsi_variants.annotation.annotator import CSQ_FIELDS
from mmpsi_variants.pipeline.annotate import vep_allele

from .conftest import DEMO, demo_vcf_text, needs_tool

VEP_MINIMUM = [
    "Allele", "Consequence", "IMPACT", "SYMBOL", "HGNC_ID", "Gene", "Feature", "BIOTYPE",
    "EXON", "INTRON", "HGVSc", "HGVSp", "cDNA_position", "CDS_position", "Protein_position",
    "Amino_acids", "Codons", "MANE", "NMD",
]  # fmt: skip


@pytest.fixture(scope="module")
def annotated(tmp_path_factory):
    from click.testing import CliRunner

    from mmpsi_variants.cli import cli

    out = tmp_path_factory.mktemp("ann") / "demo.ann.vcf.gz"
    args = ["annotate", DEMO / "demo.vcf.gz", "--genes", DEMO / "genes.gff3",
            "--reference", DEMO / "genome.fa", "-o", out]  # fmt: skip
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


def test_header_has_vep_style_format_line(annotated):
    header = str(pysam.VariantFile(str(annotated)).header)
    line = next(ln for ln in header.splitlines() if "ID=MMPSI_CSQ" in ln)
    fields = line.split("Format: ")[1].rstrip('">').split("|")
    assert fields[: len(VEP_MINIMUM)] == VEP_MINIMUM
    assert fields == CSQ_FIELDS


def test_every_record_is_kept_and_genic_ones_annotated(annotated):
    records = list(pysam.VariantFile(str(annotated)))
    assert len(records) == sum(
        1 for ln in demo_vcf_text().splitlines() if ln and not ln.startswith("#")
    )
    by_pos = {(r.chrom, r.pos): r for r in records}
    kcnt1 = by_pos[("chr9", 12383)].info["MMPSI_CSQ"]
    entries = [dict(zip(CSQ_FIELDS, e.split("|"), strict=True)) for e in kcnt1]
    mane = next(e for e in entries if e["MANE"] == "MANE_Select")
    assert mane["Consequence"] == "missense_variant"
    assert mane["HGVSc"] == "ENST00000371757.7:c.1420C>T"
    assert mane["HGVSp"] == "p.(Arg474Cys)"
    assert mane["HGNC_ID"] == "HGNC:18865" and mane["PRIMARY"] == "1"
    assert "MMPSI_CSQ" not in by_pos[("chr1", 20584)].info  # off-panel, intergenic


def test_multiallelic_record_has_an_entry_per_allele(annotated):
    rec = next(r for r in pysam.VariantFile(str(annotated)) if r.pos == 33268)
    alleles = {e.split("|")[0] for e in rec.info["MMPSI_CSQ"]}
    assert alleles == {"A", "T"}


@needs_tool("bcftools")
def test_bcftools_split_vep_reads_it(annotated):
    out = subprocess.run(
        ["bcftools", "+split-vep", "-a", "MMPSI_CSQ", "-d", "-f",
         "%CHROM\t%POS\t%SYMBOL\t%Consequence\t%HGVSc\t%HGVSp\t%MANE\t%NMD\n", str(annotated)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rows = [line.split("\t") for line in out.splitlines()]
    atp7a = next(r for r in rows if r[1] == "12277" and r[6] == "MANE_Select")
    assert atp7a[3:] == [
        "stop_gained", "ENST00000341514.11:c.2530C>T", "p.(Arg844*)", "MANE_Select",
        "NMD_predicted",
    ]  # fmt: skip
    syn = next(r for r in rows if r[1] == "15862" and r[6] == "MANE_Select")
    assert syn[5] == "p.(Thr812%3D)"  # '=' is percent-encoded in INFO, as VEP does


@pytest.mark.parametrize(
    "ref, alt, expected",
    [
        ("C", "T", "T"),
        ("CA", "C", "-"),
        ("C", "CTT", "TT"),
        ("CG", "TA", "TA"),
        ("C", "<DEL>", "<DEL>"),
    ],
)
def test_vep_allele_convention(ref, alt, expected):
    assert vep_allele(ref, alt) == expected


def test_ref_mismatch_is_counted_not_annotated(run, tmp_path):
    text = demo_vcf_text().replace("chr9\t12383\t.\tC\tT", "chr9\t12383\t.\tG\tT")
    vcf = tmp_path / "mismatch.vcf"
    vcf.write_text(text)
    out = tmp_path / "out.vcf"
    result = run("annotate", vcf, "--genes", DEMO / "genes.gff3", "--reference",
                 DEMO / "genome.fa", "-o", out)  # fmt: skip
    assert result.exit_code == 0
    assert "1 record(s) in or near a transcript have a REF that does not match" in result.stderr
    rec = next(r for r in pysam.VariantFile(str(out)) if r.pos == 12383)
    assert "MMPSI_CSQ" not in rec.info


def test_far_from_genes_nothing_is_read_and_long_alleles_still_reach(run, tmp_path):
    """chr1 of the demo has one gene (KCNT2, 6001-8583; its 5 kb window starts at 1001). A
    wrong REF at 20000 is far from it: not annotated, not counted. A deletion from 200 to
    7000 starts outside the window but reaches the gene; so does an insertion after 1000."""
    header = (
        "##fileformat=VCFv4.2\n##contig=<ID=chr1,length=44583>\n"
        '##INFO=<ID=END,Number=1,Type=Integer,Description="End">\n'
        '##ALT=<ID=DEL,Description="Deletion">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
    )
    vcf = tmp_path / "far.vcf"
    vcf.write_text(header + "chr1\t200\t.\tA\t<DEL>\t.\t.\tEND=7000\n"
                   "chr1\t1000\t.\tG\tGT\t.\t.\t.\n"
                   "chr1\t20000\t.\tG\tT\t.\t.\t.\n")  # fmt: skip
    out = tmp_path / "far.out.vcf"
    result = run("annotate", vcf, "--genes", DEMO / "genes.gff3", "--reference",
                 DEMO / "genome.fa", "-o", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "does not match" not in result.stderr
    deletion, insertion, far = list(pysam.VariantFile(str(out)))
    assert any("KCNT2" in e for e in deletion.info["MMPSI_CSQ"])
    assert any("downstream_gene_variant|MODIFIER|KCNT2" in e for e in insertion.info["MMPSI_CSQ"])
    assert "MMPSI_CSQ" not in far.info


def test_not_a_vcf_is_a_one_line_error(run, tmp_path):
    out = tmp_path / "o.vcf.gz"
    result = run("annotate", DEMO / "genes.gff3", "--genes", DEMO / "genes.gff3",
                 "--reference", DEMO / "genome.fa", "-o", out)  # fmt: skip
    assert result.exit_code == 2 and "not a VCF" in result.stderr
    assert not out.exists() and not list(tmp_path.iterdir())


def test_parallel_annotation_gives_the_same_file(run, tmp_path, annotated):
    """--threads 2: contigs in worker processes, written back in the header's order."""
    out = tmp_path / "par.vcf.gz"
    result = run("annotate", DEMO / "demo.vcf.gz", "--genes", DEMO / "genes.gff3",
                 "--reference", DEMO / "genome.fa", "-o", out, "--threads", "2")  # fmt: skip
    assert result.exit_code == 0, result.output

    def body(path):
        return [str(r) for r in pysam.VariantFile(str(path))]

    assert body(out) == body(annotated)


def test_forgetting_built_transcripts_changes_nothing(run, tmp_path, annotated, monkeypatch):
    """Built genes and transcripts are kept only a while (memory stays flat on a genome); with
    room for one of each, every record still gets the same annotation."""
    import mmpsi_variants.annotation.annotator
    import mmpsi_variants.io.genemodels

    monkeypatch.setattr(mmpsi_variants.annotation.annotator, "TRANSCRIPT_CACHE", 1)
    monkeypatch.setattr(mmpsi_variants.io.genemodels, "GENE_CACHE", 1)
    out = tmp_path / "forgetful.vcf.gz"
    result = run("annotate", DEMO / "demo.vcf.gz", "--genes", DEMO / "genes.gff3",
                 "--reference", DEMO / "genome.fa", "-o", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [str(r) for r in pysam.VariantFile(str(out))] == [
        str(r) for r in pysam.VariantFile(str(annotated))
    ]


@pytest.mark.parametrize("threads", ["1", "2"])
def test_resources_are_written_per_allele(run, tmp_path, threads):
    out = tmp_path / "res.vcf.gz"
    result = run("annotate", DEMO / "demo.vcf.gz", "--genes", DEMO / "genes.gff3",
                 "--reference", DEMO / "genome.fa", "-o", out, "--threads", threads,
                 "--gnomad", DEMO / "gnomad.demo.vcf.gz", "--clinvar", DEMO / "clinvar.demo.vcf.gz",
                 "--scores", DEMO / "revel.demo.tsv.gz")  # fmt: skip
    assert result.exit_code == 0, result.output
    recs = {(r.chrom, r.pos): r for r in pysam.VariantFile(str(out))}
    common = recs[("chr2", 23191)].info
    assert common["MMPSI_gnomAD_AF"][0] == pytest.approx(0.31, rel=1e-3)
    assert common["MMPSI_gnomAD"] == ("found",) and common["MMPSI_ClinVar"] == ("Benign",)
    de_novo = recs[("chr9", 12383)].info
    assert de_novo["MMPSI_gnomAD"] == ("absent",) and de_novo["MMPSI_REVEL"][0] == pytest.approx(
        0.85
    )
    multi = recs[("chr20", 33268)].info  # one ALT in gnomAD, the other not
    assert multi["MMPSI_gnomAD"] == ("found", "absent")


@pytest.mark.parametrize(
    "symbol,hgvs_p,expected_symbol,expected_p",
    [
        ("KCNT1", "p.(Arg428Gln)", "KCNT1", "p.(Arg428Gln)"),
        ("KCNT1", "p.(Gly10=)", "KCNT1", "p.(Gly10%3D)"),
        ("A|B", "p.(Arg428Gln)", "A&B", "p.(Arg428Gln)"),
        ("A,B;C D", None, "A&B%3BC_D", ""),
        ("50%", None, "50%25", ""),
    ],
)
def test_csq_values_escape_what_vcf_cannot_hold(symbol, hgvs_p, expected_symbol, expected_p):
    import dataclasses

    from mmpsi_variants.annotation.annotator import TranscriptAnnotation

    blank = {f.name: None for f in dataclasses.fields(TranscriptAnnotation)}
    a = TranscriptAnnotation(**{**blank, "allele": "A", "consequence": ("missense_variant",),
                                "impact": "MODERATE", "gene_id": "G", "transcript": "T.1",
                                "primary": True, "symbol": symbol, "hgvs_p": hgvs_p})  # fmt: skip
    values = a.csq_values()
    assert len(values) == len(CSQ_FIELDS)
    assert values[CSQ_FIELDS.index("SYMBOL")] == expected_symbol
    assert values[CSQ_FIELDS.index("HGVSp")] == expected_p
    assert values[CSQ_FIELDS.index("PRIMARY")] == "1"


def test_a_deletion_given_by_svlen_alone_reaches_its_genes(run, tmp_path):
    """Regression: VCF 4.4 lets a symbolic allele give its length by SVLEN without END; the
    record then ended at its first base (cyvcf2's htslib ignores SVLEN) and an exon-spanning
    deletion in SCN2A got no annotation. htslib 1.2x (pysam) reads SVLEN; so do we."""
    header = (
        "##fileformat=VCFv4.4\n##contig=<ID=chr2,length=60337>\n"
        '##INFO=<ID=SVLEN,Number=A,Type=Integer,Description="Length">\n'
        '##ALT=<ID=DEL,Description="Deletion">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
    )
    vcf = tmp_path / "sv.vcf"
    vcf.write_text(header + "chr2\t13000\t.\tT\t<DEL>\t.\tPASS\tSVLEN=-3000\n")
    out = tmp_path / "sv.out.vcf"
    result = run("annotate", vcf, "--genes", DEMO / "genes.gff3", "--reference",
                 DEMO / "genome.fa", "-o", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    (rec,) = pysam.VariantFile(str(out))
    entries = [dict(zip(CSQ_FIELDS, e.split("|"), strict=True)) for e in rec.info["MMPSI_CSQ"]]
    scn2a = [e for e in entries if e["SYMBOL"] == "SCN2A"]
    assert scn2a and "feature_truncation" in scn2a[0]["Consequence"]


@pytest.mark.parametrize("threads", ["1", "2"])
def test_a_record_without_its_sample_columns_is_an_error(run, tmp_path, threads):
    """Regression: htslib reads a data line that lacks the header's sample columns and writes
    it back short; the annotated VCF was then unreadable by bcftools."""
    text = demo_vcf_text()
    bad = "\n".join(
        "\t".join(ln.split("\t")[:8]) if ln.startswith("chr2\t27152\t") else ln
        for ln in text.splitlines()
    )
    vcf = tmp_path / "short.vcf.gz"
    with pysam.BGZFile(str(vcf), "wb") as fh:
        fh.write((bad + "\n").encode())
    pysam.tabix_index(str(vcf), preset="vcf", force=True)
    out = tmp_path / "o.vcf.gz"
    result = run("annotate", vcf, "--genes", DEMO / "genes.gff3", "--reference",
                 DEMO / "genome.fa", "-o", out, "--threads", threads)  # fmt: skip
    assert result.exit_code == 2
    assert "record chr2:27152: expected 18 tab-separated columns, found 8" in result.stderr
    assert not out.exists()


def test_reannotating_replaces_our_fields_in_place_and_keeps_the_others(run, tmp_path):
    """Annotating an annotated file: MMPSI_CSQ is replaced where it stood; resource fields of
    an earlier run stay when this run looks nothing up; a CSQ this run does not give (the REF
    no longer matches) is dropped, not left stale under the new header."""
    first = tmp_path / "first.vcf"
    result = run("annotate", DEMO / "demo.vcf.gz", "--genes", DEMO / "genes.gff3",
                 "--reference", DEMO / "genome.fa", "-o", first,
                 "--gnomad", DEMO / "gnomad.demo.vcf.gz")  # fmt: skip
    assert result.exit_code == 0, result.output
    text = first.read_text()
    line = next(ln for ln in text.splitlines() if ln.startswith("chr9\t12383\t"))
    items = line.split("\t")[7].split(";")
    csq = next(i for i in items if i.startswith("MMPSI_CSQ="))
    info = ";".join(
        [csq.replace("MMPSI_CSQ=", "MMPSI_CSQ=old,", 1)] + [i for i in items if i != csq]
    )
    edited = text.replace(line, "\t".join([*line.split("\t")[:7], info, *line.split("\t")[8:]]))
    edited = edited.replace("chr2\t27152\t.\tT\tA", "chr2\t27152\t.\tG\tA")  # REF now wrong
    (tmp_path / "edited.vcf").write_text(edited)
    second = tmp_path / "second.vcf"
    result = run("annotate", tmp_path / "edited.vcf", "--genes", DEMO / "genes.gff3",
                 "--reference", DEMO / "genome.fa", "-o", second)  # fmt: skip
    assert result.exit_code == 0, result.output
    out = {tuple(ln.split("\t")[:2]): ln.split("\t")[7] for ln in second.read_text().splitlines()
           if not ln.startswith("#")}  # fmt: skip
    keys = [item.partition("=")[0] for item in out[("chr9", "12383")].split(";")]
    assert keys[:2] == ["MMPSI_CSQ", "DP"] and "MMPSI_gnomAD" in keys
    assert "old" not in out[("chr9", "12383")]
    assert "MMPSI_CSQ" not in out[("chr2", "27152")]
    assert second.read_text().count("##INFO=<ID=MMPSI_CSQ,") == 1
