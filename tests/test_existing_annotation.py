"""VEP CSQ, snpEff ANN and bcftools BCSQ on real tool output, with outside oracles:
bcftools +split-vep (field parsing), VEP's own ALLELE_NUM (allele choice), snpEff against VEP
(the same records annotated by both), and bcftools csq's expected '@' links."""

from __future__ import annotations

import dataclasses
import gzip
import subprocess
from collections import Counter
from urllib.parse import unquote

import pytest
from cyvcf2 import VCF

from mmpsi_variants.annotation.existing import (
    SEVERITY,
    ExistingAnnotation,
    primary_entry,
    select_for_allele,
    severity_rank,
    vep_allele_strings,
    vep_minimal_allele,
)
from mmpsi_variants.annotation.existing_parse import (
    AnnotationField,
    find_annotation_fields,
    parse_entries,
)
from mmpsi_variants.core.errors import VcfError

from .conftest import REAL, needs_tool

VEP = REAL / "vep"
SNPEFF_VEP = REAL / "annotated" / "snpeff_and_vep.vcf.gz"


def header_of(path) -> str:
    return VCF(str(path)).raw_header


# ------------------------------------------------------------------------------ header formats


@pytest.mark.parametrize(
    "path, expected",
    [
        (VEP / "split-vep.6.vcf", [("CSQ", "vep")]),
        (VEP / "split-vep.2.vcf", [("CSQ", "vep"), ("BCSQ", "bcsq")]),
        (VEP / "split-vep.4.vcf", [("BCSQ", "bcsq")]),
        (VEP / "split-vep.7.vcf", [("ANN", "vep")]),  # VEP output under the INFO key ANN
        (SNPEFF_VEP, [("ANN", "snpeff"), ("CSQ", "vep")]),
    ],
)
def test_annotation_fields_are_found_by_their_description(path, expected):
    fields = find_annotation_fields(header_of(path))
    assert [(f.key, f.tool) for f in fields] == expected  # in header order
    for f in fields:
        assert len(f.names) == len(set(f.names)) > 5


def test_snpeff_field_names_are_read_from_the_quoted_list():
    (ann,) = [f for f in find_annotation_fields(header_of(SNPEFF_VEP)) if f.tool == "snpeff"]
    assert ann.names[0] == "Allele" and ann.names[-1] == "ERRORS / WARNINGS / INFO"
    assert len(ann.names) == 16


# ------------------------------------------------------------------------------ bcftools oracle

VEP_COMPARE = {
    # split-vep field -> our attribute
    "Allele": "allele",
    "Consequence": "raw_consequence",
    "SYMBOL": "symbol",
    "Gene": "gene",
    "Feature": "feature",
    "BIOTYPE": "biotype",
    "EXON": "exon",
    "INTRON": "intron",
    "HGVSc": "hgvsc",
    "HGVSp": "hgvsp",
    "Protein_position": "protein_position",
    "Amino_acids": "amino_acids",
    "HGNC_ID": "hgnc_id",
}


@needs_tool("bcftools")
@pytest.mark.parametrize("name", ["split-vep.6.vcf", "split-vep.2.vcf", "split-vep.7.vcf"])
def test_vep_fields_agree_with_bcftools_split_vep(name):
    path = VEP / name
    (spec,) = [f for f in find_annotation_fields(header_of(path)) if f.tool == "vep"]
    names = [n for n in VEP_COMPARE if n in spec.names]
    mane = next((n for n in ("MANE_SELECT", "MANE") if n in spec.names), None)
    fmt = "%CHROM\\t%POS\\t" + "\\t".join(f"%{n}" for n in names + ([mane] if mane else [])) + "\\n"
    out = subprocess.run(
        ["bcftools", "+split-vep", "-a", spec.key, "-d", "-f", fmt, str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    ours = []
    for rec in VCF(str(path)):
        for e in parse_entries(spec, rec.INFO.get(spec.key)):
            row = [rec.CHROM, str(rec.POS)]
            row += [getattr(e, VEP_COMPARE[n]) or "." for n in names]
            if mane:
                row.append(e.mane_select or ".")
            ours.append(row)
    theirs = [[unquote(x) for x in line.split("\t")] for line in out]
    assert len(ours) == len(theirs) >= 5
    assert ours == theirs


@needs_tool("bcftools")
def test_bcsq_fields_agree_with_bcftools_split_vep():
    path = VEP / "split-vep.4.vcf"
    (spec,) = find_annotation_fields(header_of(path))
    fmt = "%POS\\t%Consequence\\t%gene\\t%transcript\\t%biotype\\t%strand\\t%dna_change\\n"
    out = subprocess.run(
        ["bcftools", "+split-vep", "-a", "BCSQ", "-d", "-f", fmt, str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    ours = []
    for rec in VCF(str(path)):
        for e in parse_entries(spec, rec.INFO.get("BCSQ") or ""):
            star = "*" if e.downstream_of_stop else ""
            vals = [
                star + e.raw_consequence,
                e.symbol,
                e.feature,
                e.biotype,
                e.strand,
                e.dna_change,
            ]
            ours.append([str(rec.POS), *(v or "." for v in vals)])
    assert ours == [line.split("\t") for line in out]


def test_bcsq_terms_become_sequence_ontology_terms():
    path = VEP / "split-vep.4.vcf"
    (spec,) = find_annotation_fields(header_of(path))
    terms = Counter()
    for rec in VCF(str(path)):
        for e in parse_entries(spec, rec.INFO.get("BCSQ") or ""):
            terms.update(e.consequence)
            if "missense_variant" in e.consequence:
                pos, aa = e.protein_position, e.amino_acids
                assert aa.count("/") == 1 and e.get("amino_acid_change").startswith(pos)
    assert terms["missense_variant"] and terms["synonymous_variant"]
    assert all(t in SEVERITY for t in terms), terms


# ------------------------------------------------------------------------------ allele choice


def _records(path):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt") as fh:
        for line in fh:
            if not line.startswith("#"):
                yield line.rstrip("\n").split("\t")


def test_vep_allele_strings_agree_with_allele_num():
    """split-vep.vcf.gz has ALLELE_NUM, VEP's own record of which ALT an entry is about: our
    reading of VEP's allele strings must pick the same entries without it."""
    path = VEP / "split-vep.vcf.gz"
    (spec,) = find_annotation_fields(header_of(path))
    checked = multi = 0
    for cols in _records(path):
        ref, alts = cols[3], cols[4].split(",")
        value = dict(kv.split("=", 1) for kv in cols[7].split(";") if "=" in kv).get("CSQ")
        if not value:
            continue
        entries = parse_entries(spec, value)
        stripped = [dataclasses.replace(e, allele_num=None) for e in entries]
        for k in range(1, len(alts) + 1):
            by_num = [e.feature for e in select_for_allele(spec, entries, 0, ref, alts, k)]
            by_string = [e.feature for e in select_for_allele(spec, stripped, 0, ref, alts, k)]
            assert by_string == by_num, (cols[:5], k)
            checked += 1
            multi += len(alts) > 1
    assert checked > 800 and multi > 50


@pytest.mark.parametrize(
    "ref, alts, expected",
    [
        ("GT", ["GTT", "G"], ["TT", "-"]),  # shared first base dropped, deletion is '-'
        ("T", ["*", "TTA"], ["*", "TA"]),  # '*' does not take part
        ("TATA", ["*", "T", "CATA"], ["*", "T", "CATA"]),  # first bases differ: as written
        ("A", ["G"], ["G"]),
    ],
)
def test_vep_allele_strings(ref, alts, expected):
    assert vep_allele_strings(ref, alts) == expected


def test_vep_minimal_allele():
    assert vep_minimal_allele("CTTTA", "TTTTA") == "T"
    assert vep_minimal_allele("GT", "G") == "-"


def test_snpeff_alleles_as_written_and_missing_alt():
    """snpEff annotated only the first ALT of 1:10172 CCCTAA>C,CA; VEP's CSQ in this file has no
    Allele field, so for the second ALT the reader falls back to CSQ's (site-level) entries."""
    reader = ExistingAnnotation(header_of(SNPEFF_VEP))
    rec = next(iter(VCF(str(SNPEFF_VEP))))
    first = reader.for_allele(rec.INFO, rec.POS, rec.REF, rec.ALT, 1)
    second = reader.for_allele(rec.INFO, rec.POS, rec.REF, rec.ALT, 2)
    assert {e.tool for e in first} == {"snpeff"} and {e.allele for e in first} == {"C"}
    assert {e.tool for e in second} == {"vep"}


def test_snpeff_and_vep_agree_on_the_same_records():
    """115 records annotated by both tools: for the transcripts both report, the most severe
    consequence agrees once VEP's feature_truncation/elongation (indel length tags) are set
    aside; the few differences are splice-region calls, where the tools' rules differ."""
    fields = {f.key: f for f in find_annotation_fields(header_of(SNPEFF_VEP))}
    tally = Counter()
    differ = []
    for rec in VCF(str(SNPEFF_VEP)):
        if len(rec.ALT) != 1:
            continue
        csq = {e.feature: e for e in parse_entries(fields["CSQ"], rec.INFO.get("CSQ") or "")}
        ann = {
            e.feature: e
            for e in parse_entries(fields["ANN"], rec.INFO.get("ANN") or "")
            if e.transcript
        }
        for tx in csq.keys() & ann.keys():
            a = [t for t in csq[tx].consequence if not t.startswith("feature_")]
            b = ann[tx].consequence
            same = severity_rank(a) == severity_rank(b)
            tally[same] += 1
            if not same:
                differ.append((rec.POS, tx, a, b))
    assert tally[True] > 1000
    assert tally[False] / sum(tally.values()) < 0.01
    assert all(any("splice" in t for t in a + list(b)) for _, _, a, b in differ), differ


# ------------------------------------------------------------------------------ MANE and primary


def test_grch38_mane_fields_and_primary_entry():
    path = VEP / "split-vep.6.vcf"
    reader = ExistingAnnotation(header_of(path), path=str(path))
    picked = {}
    for rec in VCF(str(path)):
        entries = reader.for_allele(rec.INFO, rec.POS, rec.REF, rec.ALT, 1, chrom=rec.CHROM)
        assert entries and all(e.allele == rec.ALT[0] for e in entries)
        picked[rec.POS] = primary_entry(entries)
    # 1:999842 lies in HES4, whose MANE Select transcript (NM_021170.4) is chosen over the
    # canonical transcript even though the canonical one has the more severe consequence
    hes4 = picked[999842]
    assert hes4.mane_select == "NM_021170.4" and hes4.consequence == ("intron_variant",)
    assert hes4.hgvsc.endswith("c.108+24G>T") and hes4.intron == "1/3"
    # 1:12716215: MANE Select stop_gained, with VEP's HGVSp
    stop = picked[12716215]
    assert stop.consequence == ("stop_gained",) and stop.hgvsp.endswith("p.Cys13Ter")
    assert (stop.protein_position, stop.amino_acids, stop.canonical) == ("13", "C/*", True)
    # 1:979496: no MANE transcript of PERM1 in this cache; not the neighbour's MANE downstream
    assert picked[979496].symbol == "PERM1" and "missense_variant" in picked[979496].consequence
    assert picked[979560].hgvsp.endswith("p.Ala490=")  # %3D decoded


def test_primary_entry_within_a_gene_and_preferred_transcripts():
    path = VEP / "split-vep.6.vcf"
    reader = ExistingAnnotation(header_of(path))
    rec = next(r for r in VCF(str(path)) if r.POS == 979496)
    entries = reader.for_allele(rec.INFO, rec.POS, rec.REF, rec.ALT, 1)
    assert primary_entry(entries, gene="PLEKHN1").symbol == "PLEKHN1"
    chosen = primary_entry(entries, preferred=["ENST00000341290.6"])
    assert chosen.feature == "ENST00000341290"
    assert primary_entry([]) is None


# ------------------------------------------------------------------------------ bcftools '@'


def test_bcsq_links_resolve_to_the_compound_consequence():
    """bcftools csq's own test: 1:3630 T>A and 1:3632 A>C change one codon together; 3630 says
    '@3632' and 3632 holds the joint stop_lost (test/csq/ENST00000423372/snps.vcf, INFO/EXP)."""
    path = REAL / "csq" / "ENST00000423372" / "snps.vcf"
    exp = {}
    for cols in _records(path):
        info = dict(kv.split("=", 1) for kv in cols[7].split(";") if "=" in kv)
        exp[int(cols[1])] = (cols[3], cols[4], info["EXP"])
    header = [
        '##INFO=<ID=BCSQ,Number=.,Type=String,Description="Haplotype-aware consequence '
        "annotation from BCFtools/csq. Format: Consequence|gene|transcript|biotype|strand|"
        'amino_acid_change|dna_change">'
    ]
    reader = ExistingAnnotation(header)
    ref, alt, value = exp[3630]
    unresolved = reader.for_allele({"BCSQ": value}, 3630, ref, [alt], 1)
    assert [e.joint_at for e in unresolved] == [3632]
    resolved = reader.for_allele(
        {"BCSQ": value}, 3630, ref, [alt], 1, lookup_bcsq=lambda pos: exp[pos][2]
    )
    (joint,) = resolved
    assert joint.consequence == ("stop_lost",) and joint.dna_change == "3630T>A+3632A>C"
    assert (joint.protein_position, joint.amino_acids) == ("260", "*/G")
    # the record holding the joint consequence is found by its own change, too
    ref2, alt2, value2 = exp[3632]
    assert reader.for_allele({"BCSQ": value2}, 3632, ref2, [alt2], 1)[0] == joint


def test_bcsq_entries_pick_the_alt_by_dna_change():
    spec = AnnotationField(
        "BCSQ",
        "bcsq",
        (
            "Consequence",
            "gene",
            "transcript",
            "biotype",
            "strand",
            "amino_acid_change",
            "dna_change",
        ),
    )
    value = (
        "missense|G|ENST1|protein_coding|+|10A>10T|100G>A,"
        "stop_gained|G|ENST1|protein_coding|+|10A>10*|100G>T,"
        "*missense|G|ENST2|protein_coding|+|3K>3E|100G>T,"
        "intron|G2||protein_coding"
    )
    entries = parse_entries(spec, value)
    first = select_for_allele(spec, entries, 100, "G", ["A", "T"], 1)
    second = select_for_allele(spec, entries, 100, "G", ["A", "T"], 2)
    assert [e.consequence[0] for e in first] == ["missense_variant", "intron_variant"]
    assert [e.consequence[0] for e in second] == [
        "stop_gained",
        "missense_variant",
        "intron_variant",
    ]
    assert second[1].downstream_of_stop


# ------------------------------------------------------------------------------ bad input


def test_entry_with_too_many_fields_names_file_and_record():
    header = header_of(VEP / "split-vep.7.vcf")
    reader = ExistingAnnotation(header, path="in.vcf")
    too_many = "|".join(["x"] * 200)
    with pytest.raises(VcfError) as exc:
        reader.for_allele({"ANN": too_many}, 5, "A", ["G"], 1, chrom="chr1")
    msg = str(exc.value)
    assert msg.startswith("in.vcf: record chr1:5: ANN entry has 200 fields") and "\n" not in msg


def test_record_without_annotation_gives_nothing():
    reader = ExistingAnnotation(header_of(VEP / "split-vep.6.vcf"))
    assert reader and reader.keys == ["CSQ"]
    assert reader.for_allele({}, 5, "A", ["G"], 1) == []
    assert not ExistingAnnotation("##fileformat=VCFv4.2\n")
