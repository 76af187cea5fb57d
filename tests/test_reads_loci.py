"""Which loci a reads page shows, from a report's JSON (no reads needed)."""

from __future__ import annotations

import pytest

from mmpsi_variants.core.errors import InputFileError
from mmpsi_variants.report.reads import EDGE, _bedpe, candidate_loci


def _cnv(start, end, classification="Likely pathogenic"):
    return {"gene": "SCN1A", "call": "deletion", "exons": "1-26", "chrom": "chr2",
            "start": start, "end": end, "copy_number": 1, "zygosity": "heterozygous",
            "inheritance": ["de_novo"], "hgvs_c": "NM_001165963.4:c.-?_*?del",
            "acmg": {"genotype": {"classification": classification}}}  # fmt: skip


def _snv(pos=100, ref="C", alt="T", classification="Uncertain significance"):
    return {"gene": "KCNT1", "chrom": "chr9", "pos": pos, "ref": ref, "alt": alt, "rank": 1,
            "genotype": "0/1", "zygosity": "heterozygous", "inheritance": ["de_novo"],
            "hgvs_c": "ENST00000371757.7:c.1420C>T", "hgvs_p": "p.(Arg474Cys)",
            "acmg": {"genotype": {"classification": classification}}}  # fmt: skip


def test_the_report_candidates_become_loci_in_its_order_with_its_anchors():
    doc = {
        "variants": [_snv(), _snv(200, classification="Benign"), _snv(300, "CA", "C")],
        "copy_number": {"candidates": [_cnv(1000, 5000, "Benign"), _cnv(1000, 5000)]},
    }
    loci = candidate_loci(doc)
    assert [x.anchor for x in loci] == ["v1", "v2", "cnv2"]
    snv, deletion, cnv = loci
    assert (snv.start, snv.end, snv.sort_at) == (99, 100, 100)
    # An indel's reads are sorted after the shared base.
    assert (deletion.start, deletion.end, deletion.sort_at) == (299, 301, 301)
    assert snv.change == "p.(Arg474Cys) (ENST00000371757.7:c.1420C>T)"
    assert cnv.sort_at is None and not cnv.split
    assert cnv.change == "deletion of exons 1-26 (NM_001165963.4:c.-?_*?del)"
    assert _bedpe(cnv) == "chr2\t999\t5000\tchr2\t999\t5000\tcnv2\n"


def test_a_long_event_is_shown_at_its_two_ends():
    (whole_gene,) = candidate_loci({"variants": [], "copy_number": {"candidates": [
        _cnv(100_000, 185_000)]}})  # fmt: skip
    assert whole_gene.split
    first, second = _bedpe(whole_gene).split("\t")[1:3], _bedpe(whole_gene).split("\t")[4:6]
    assert [int(x) for x in first] == [99_999 - EDGE, 99_999 + EDGE]
    assert [int(x) for x in second] == [185_000 - EDGE, 185_000 + EDGE]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda v: v.pop("pos"), r"candidate v1 lacks a usable field \('pos'\)"),
        (lambda v: v.update(chrom="#chr9"), "contig '#chr9' is not a VCF contig name"),
        (lambda v: v.update(chrom="chr9</script>"), "is not a VCF contig name"),
    ],
)
def test_a_candidate_the_page_cannot_place_is_one_line_naming_the_file(change, message):
    v = _snv()
    change(v)
    with pytest.raises(InputFileError, match=message) as info:
        candidate_loci({"variants": [v]}, "x.variants.json")
    assert str(info.value).startswith("x.variants.json: ")
