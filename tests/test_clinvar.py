"""ClinVar: allele look-ups, review stars, the protein index (PS1/PM5), real and bad files."""

from __future__ import annotations

import gzip
import re

import pytest

from mmpsi_variants.annotation.sources.clinvar import ClinVarSource
from mmpsi_variants.annotation.sources.clinvar_terms import (
    PATHOGENIC_CLASSES,
    ProteinChange,
    amino_acid,
    review_stars,
    significance_class,
)
from mmpsi_variants.core.errors import InputFileError, VcfError
from mmpsi_variants.io.fasta import Reference
from mmpsi_variants.io.gene_cache import load_gene_models

from .conftest import DEMO, REAL
from .protein_stub import CodonAnnotator
from .resource_helpers import REPEAT_START, info, toy_fasta, write_vcf

CLINVAR_REAL = REAL / "annotated" / "clinvar_grch37_subset.vcf.gz"


def truth_variants() -> dict[str, dict]:
    lines = (DEMO / "truth_variants.tsv").read_text().splitlines()
    header = lines[0].split("\t")
    return {
        row[0]: dict(zip(header, row, strict=True)) for row in (x.split("\t") for x in lines[1:])
    }


def protein_of(row: dict) -> tuple[str, int, str, str]:
    """(transcript, residue, ref aa, alt aa) from a truth row's HGVS p., e.g. p.(Arg474Cys)."""
    m = re.fullmatch(r"p\.\(([A-Z][a-z]{2})(\d+)([A-Z][a-z]{2})\)", row["hgvs_p"])
    return row["transcript"], int(m.group(2)), m.group(1), m.group(3)


@pytest.fixture(scope="module")
def demo_clinvar():
    ref = Reference(str(DEMO / "genome.fa"))
    src = ClinVarSource(DEMO / "clinvar.demo.vcf.gz", ref)
    models = load_gene_models(DEMO / "genes.gff3")
    regions = [(g.chrom, g.start, g.end) for g in models.genes]
    annotator = CodonAnnotator(DEMO / "genes.gff3", DEMO / "genome.fa")
    src.build_protein_index(regions, annotator)
    src.annotator_calls = annotator.calls
    yield src
    src.close()


# ------------------------------------------------------------------------------ vocabulary


@pytest.mark.parametrize(
    "status, stars",
    [
        ("practice_guideline", 4),
        ("reviewed_by_expert_panel", 3),
        ("criteria_provided,_multiple_submitters,_no_conflicts", 2),
        ("criteria_provided,_single_submitter", 1),
        ("criteria_provided,_conflicting_classifications", 1),
        ("criteria_provided,_conflicting_interpretations", 1),
        ("no_assertion_criteria_provided", 0),
        ("no_assertion_provided", 0),
        ("no_classification_provided", 0),
        ("no_classification_for_the_single_variant", 0),
        ("something_new", None),
    ],
)
def test_review_stars(status, stars):
    assert review_stars(status) == stars


@pytest.mark.parametrize(
    "clnsig, cls",
    [
        ("Pathogenic", "pathogenic"),
        ("Likely_pathogenic", "likely_pathogenic"),
        ("Pathogenic/Likely_pathogenic", "pathogenic_or_likely_pathogenic"),
        ("Pathogenic|risk_factor", "pathogenic"),
        ("Likely_pathogenic,_low_penetrance", "likely_pathogenic"),
        ("Uncertain_significance", "uncertain"),
        ("Benign/Likely_benign", "benign_or_likely_benign"),
        ("Conflicting_interpretations_of_pathogenicity", "conflicting"),
        ("Conflicting_classifications_of_pathogenicity", "conflicting"),
        ("drug_response", "drug_response"),
    ],
)
def test_significance_classes(clnsig, cls):
    assert significance_class(clnsig) == cls


@pytest.mark.parametrize(
    "code, three", [("R", "Arg"), ("*", "Ter"), ("arg", "Arg"), ("Ter", "Ter"), ("stop", "Ter")]
)
def test_amino_acid_codes(code, three):
    assert amino_acid(code) == three


# ------------------------------------------------------------------------------ demo: alleles


@pytest.mark.parametrize(
    "vid, significance, stars",
    [
        ("v04b_ALDH7A1_missense", "Pathogenic", 2),
        ("v09_SCN2A_common_synonymous", "Benign", 2),
        ("v01_KCNT1_denovo_missense", None, None),
        ("v02_SCN2A_missense", None, None),  # ClinVar has another ALT at this base
    ],
)
def test_demo_allele_lookups(demo_clinvar, vid, significance, stars):
    row = truth_variants()[vid]
    rec = demo_clinvar.lookup(row["chrom"], int(row["pos"]), row["ref"], row["alt"])
    if significance is None:
        assert rec is None
    else:
        assert (rec.significance, rec.stars, rec.genes[0][0]) == (significance, stars, row["gene"])
        assert rec.to_json()["variation_id"] == rec.variation_id


# ------------------------------------------------------------------------------ demo: PS1 / PM5

# For every planted missense allele: the ClinVar Variation IDs that a PS1 query (same amino-acid
# change, other nucleotide change) and a PM5 query (other missense at the residue) return. The
# anchors are described in resources/demo/README.md (ClinVar table, "role" column).
PROTEIN_CASES = [
    ("v01_KCNT1_denovo_missense", [], ["9800005"]),  # Arg474His is Pathogenic: PM5
    ("v02_SCN2A_missense", ["9800002"], []),  # Asp1545Glu via GAT>GAG: PS1
    ("v04b_ALDH7A1_missense", [], []),  # the ClinVar record is this very allele
    ("v05_PNPO_hom_missense", [], []),
    ("v07_PCDH19_missense", [], []),
    ("v12a_SLC12A5_multiallelic_alt1", [], []),
    ("v16_WWOX_missing_gt", [], []),
]


@pytest.mark.parametrize("vid, ps1, pm5", PROTEIN_CASES, ids=[c[0] for c in PROTEIN_CASES])
def test_demo_ps1_pm5_queries(demo_clinvar, vid, ps1, pm5):
    row = truth_variants()[vid]
    tx, residue, ref_aa, alt_aa = protein_of(row)
    me = (row["chrom"], int(row["pos"]), row["ref"], row["alt"])
    same = demo_clinvar.same_amino_acid_change(tx, residue, ref_aa, alt_aa, exclude=me)
    other = demo_clinvar.other_missense_at_residue(tx, residue, alt_aa, exclude=me)
    assert [r.variation_id for r in same] == ps1
    assert [r.variation_id for r in other] == pm5


def test_ps1_anchor_details(demo_clinvar):
    (hit,) = demo_clinvar.same_amino_acid_change(
        "ENST00000375437.7", 1545, "Asp", "Glu", exclude=("chr2", 27152, "T", "A")
    )
    assert (hit.significance, hit.stars, hit.alt) == ("Pathogenic", 3, "G")
    assert hit.protein.hgvs_p == "p.(Asp1545Glu)" and hit.is_pathogenic_or_likely
    # the neonatal SCN2A transcript numbers this residue the same way
    assert demo_clinvar.same_amino_acid_change("ENST00000631182", 1545, "D", "E")
    # filters: stars and significance
    assert demo_clinvar.same_amino_acid_change("ENST00000375437", 1545, "D", "E", min_stars=4) == []
    assert demo_clinvar.same_amino_acid_change(
        "ENST00000375437", 1545, "D", "E", significance=PATHOGENIC_CLASSES
    )
    # the ClinVar allele itself, excluded, leaves nothing
    assert (
        demo_clinvar.same_amino_acid_change(
            "ENST00000375437", 1545, "Asp", "Glu", exclude=("2", 27152, "T", "G")
        )
        == []
    )


def test_pm5_anchor_details(demo_clinvar):
    (hit,) = demo_clinvar.other_missense_at_residue("ENST00000371757.7", 474, "Cys")
    assert hit.protein.alt_aa == "His" and hit.significance_class == "pathogenic"
    # asking about His itself: no *other* missense at the residue
    assert demo_clinvar.other_missense_at_residue("ENST00000371757.7", 474, "His") == []
    assert demo_clinvar.other_missense_at_residue("ENST00000371757.7", 474, "C", ref_aa="Gly") == []


def test_index_translates_only_missense_candidates(demo_clinvar):
    # 6 ClinVar records, 5 of them missense candidates (the Benign one is synonymous by MC);
    # all lie in demo genes.
    assert demo_clinvar.annotator_calls == 5
    assert demo_clinvar.protein_index.n_records == 5


def test_protein_queries_need_the_index():
    with ClinVarSource(DEMO / "clinvar.demo.vcf.gz") as src, pytest.raises(RuntimeError):
        src.same_amino_acid_change("ENST00000375437", 1545, "Asp", "Glu")


def test_dict_annotator_and_regions_in_other_contig_names():
    """A fake annotator (a dict): regions named '9' reach the file's 'chr9' records."""
    change = ProteinChange(
        "KCNT1", "NM_020822.3", 474, "Arg", "His", "p.(Arg474His)", ("missense_variant",)
    )
    table = {("9", 12384, "G", "A"): [change]}
    seen = []

    def annotator(chrom, pos, ref, alt):
        seen.append((chrom, pos, ref, alt))
        return table.get((chrom, pos, ref, alt), [])

    with ClinVarSource(DEMO / "clinvar.demo.vcf.gz") as src:
        index = src.build_protein_index([("9", 12000, 13000)], annotator)
        assert seen == [("9", 12384, "G", "A")]
        assert index.n_changes == 1
        hits = src.other_missense_at_residue("NM_020822", 474, "Cys")
        assert [h.variation_id for h in hits] == ["9800005"]
        assert src.same_amino_acid_change("NM_020822.3", 474, "R", "H")[0].protein is change


# ------------------------------------------------------------------------------ real ClinVar


def test_real_clinvar_subset_every_record_parses():
    """The real 2019 GRCh37 file (unindexed: temporary index); every record is read."""
    with gzip.open(CLINVAR_REAL, "rt") as fh:
        lines = [x.rstrip("\n").split("\t") for x in fh if not x.startswith("#")]
    with ClinVarSource(CLINVAR_REAL) as src:
        assert src.date == "2019-10-07"
        seen = []
        src.build_protein_index(
            [("chr1", 1, 250_000_000)],
            lambda *a: seen.append(a) or [],
            missense_candidates_only=False,
        )
        assert len(seen) == len(lines) == 72
        for cols in lines:
            info_map = dict(kv.split("=", 1) for kv in cols[7].split(";") if "=" in kv)
            rec = src.lookup("chr1", int(cols[1]), cols[3], cols[4])
            assert rec.variation_id == cols[2]
            assert rec.significance == info_map["CLNSIG"]
            assert rec.review_status == info_map["CLNREVSTAT"]
            assert rec.stars == review_stars(info_map["CLNREVSTAT"]) is not None
            assert rec.rs == ((info_map["RS"],) if "RS" in info_map else ())


@pytest.mark.parametrize(
    "pos, ref, alt, fields",
    [
        # a nonsense variant without assertion criteria: 0 stars
        (949523, "C", "T", dict(stars=0, allele_id="181485", molecular_consequences=("nonsense",))),
        # a duplication: CLNHGVS as written
        (949696, "C", "CG", dict(hgvs=("NC_000001.10:g.949699dup",), stars=0)),
        # conflicting, with the escaped CLNSIGCONF separator (%3B)
        (
            955619,
            "G",
            "C",
            dict(
                stars=1,
                significance_class="conflicting",
                conflicts=(("Benign", 1), ("Likely_benign", 2), ("Uncertain_significance", 1)),
            ),
        ),
        # two submitters, no conflicts: 2 stars
        (
            955597,
            "G",
            "T",
            dict(stars=2, genes=(("AGRN", "375790"),)),
        ),
    ],
)
def test_real_clinvar_fields(pos, ref, alt, fields):
    with ClinVarSource(CLINVAR_REAL) as src:
        rec = src.lookup("1", pos, ref, alt)
    for name, value in fields.items():
        assert getattr(rec, name) == value, name


def test_indel_lookup_is_left_aligned(tmp_path):
    ref = Reference(str(toy_fasta(tmp_path)))
    left = REPEAT_START - 1
    seq = ref.fetch("chr1", left - 1, left + 3)
    vcf = write_vcf(
        tmp_path / "cv.vcf.gz",
        [info("CLNSIG", ".", "String"), info("CLNREVSTAT", ".", "String")],
        [
            f"chr1\t{left}\t555\t{seq}\t{seq[0]}\t.\t.\t"
            "CLNSIG=Pathogenic;CLNREVSTAT=reviewed_by_expert_panel"
        ],
        index=False,
    )
    with ClinVarSource(vcf, ref) as src:
        right = left + 15
        rec = src.lookup("chr1", right, ref.fetch("chr1", right - 1, right + 3), "G")
        assert (rec.variation_id, rec.stars, rec.pos) == ("555", 3, left)


# ------------------------------------------------------------------------------ bad input


def test_vcf_without_clnsig_is_refused(tmp_path):
    vcf = write_vcf(tmp_path / "x.vcf.gz", [info("AF")], ["chr1\t5\t.\tA\tG\t.\t.\tAF=0.1"])
    with pytest.raises(InputFileError, match="expected a ClinVar VCF"):
        ClinVarSource(vcf)


def test_unknown_review_status_is_warned_once_and_counts_zero(tmp_path):
    vcf = write_vcf(
        tmp_path / "x.vcf.gz",
        [info("CLNSIG", ".", "String"), info("CLNREVSTAT", ".", "String")],
        [
            "chr1\t5\t1\tA\tG\t.\t.\tCLNSIG=Pathogenic;CLNREVSTAT=new_status",
            "chr1\t9\t2\tA\tG\t.\t.\tCLNSIG=Pathogenic;CLNREVSTAT=new_status",
        ],
    )
    seen = []
    with ClinVarSource(vcf, warn=seen.append) as src:
        assert src.lookup("chr1", 5, "A", "G").stars == 0
        assert src.lookup("chr1", 9, "A", "G").stars == 0
    assert len(seen) == 1 and "new_status" in seen[0]


def test_malformed_conflict_list_names_the_record(tmp_path):
    vcf = write_vcf(
        tmp_path / "x.vcf.gz",
        [info("CLNSIG", ".", "String"), info("CLNSIGCONF", ".", "String")],
        ["chr1\t5\t1\tA\tG\t.\t.\tCLNSIG=Conflicting;CLNSIGCONF=Benign(x)"],
    )
    with ClinVarSource(vcf) as src, pytest.raises(VcfError) as exc:
        src.lookup("chr1", 5, "A", "G")
    assert "record chr1:5" in str(exc.value) and str(vcf) in str(exc.value)
