"""The inheritance rules one at a time: the demo family with one genotype changed per case.

Each case edits the demo VCF at one record (sample columns by name), runs ``filter`` and checks
the proband's tags; the policy each case pins is in its id.
"""

from __future__ import annotations

import gzip
import json

import pytest
import yaml

from mmpsi_variants.core.settings import load_settings
from mmpsi_variants.inheritance.evidence import binomial_lower_tail, mosaic_evidence
from mmpsi_variants.inheritance.settings import InheritanceSettings
from mmpsi_variants.io.genotypes import SampleCall

from .conftest import DEMO, REAL

BASE = ["--genes", DEMO / "genes.gff3", "--reference", DEMO / "genome.fa", "--build", "none"]
NAMES = ["EIMFS01", "EIMFS01_FA", "EIMFS01_MO", "EIMFS02", "EIMFS03", "EIMFS04", "EIMFS05",
         "EIMFS06", "EIMFS07"]  # fmt: skip
KCNT1 = ("chr9", 12383)


def edited_demo(tmp_path, edits: dict, ped_text: str | None = None):
    """The demo VCF with {(chrom, pos): {sample: FORMAT string}} applied; returns (vcf, ped)."""
    with gzip.open(DEMO / "demo.vcf.gz", "rt") as fh:
        lines = fh.read().splitlines()
    for i, line in enumerate(lines):
        cols = line.split("\t")
        if line.startswith("#") or (cols[0], int(cols[1])) not in edits:
            continue
        for sample, value in edits[(cols[0], int(cols[1]))].items():
            cols[9 + NAMES.index(sample)] = value
        lines[i] = "\t".join(cols)
    vcf = tmp_path / "demo.vcf"
    vcf.write_text("\n".join(lines) + "\n")
    ped = DEMO / "demo.ped"
    if ped_text is not None:
        ped = tmp_path / "fam.ped"
        ped.write_text(ped_text)
    return vcf, ped


def run_filter(run, tmp_path, vcf, ped, *extra):
    out = tmp_path / "out"
    result = run("filter", vcf, *BASE, "--ped", ped, "-o", out, *extra)
    assert result.exit_code == 0, result.output
    docs = {p.name.split(".")[0]: json.loads(p.read_text()) for p in out.glob("*.json")}
    return docs, result


def call_at(docs, sample, chrom, pos):
    return next(v for v in docs[sample]["variants"] if (v["chrom"], v["pos"]) == (chrom, pos))


@pytest.mark.parametrize(
    "edits, tags, reason",
    [
        pytest.param(
            {"EIMFS01": "0/1:18,17:35:12"},
            ["de_novo"],
            None,
            id="modest-child-GQ-with-good-depth-and-balance-is-kept",
        ),
        pytest.param(
            {"EIMFS01": "0/1:12,5:17:12"},
            ["possible_de_novo"],
            "child GQ 12",
            id="modest-child-GQ-with-thin-evidence-is-only-possible",
        ),
        pytest.param(
            {"EIMFS01_FA": "0/0:38,0:38:0"},
            ["de_novo"],
            None,
            id="parent-hom-ref-GQ-0-with-38-clean-reads-is-accepted",
        ),
        pytest.param(
            {"EIMFS01_FA": "0/0:8,0:8:24"},
            ["possible_de_novo"],
            "depth 8 < 10",
            id="thin-parent-makes-it-possible",
        ),
        pytest.param(
            {"EIMFS01_MO": "0/0:40,1:41:99", "EIMFS01_FA": "0/0:37,1:38:99"},
            ["possible_de_novo"],
            "parents show 2 reads",
            id="two-parental-alt-reads-in-total-are-too-many",
        ),
        pytest.param(
            {"EIMFS01_MO": "0/0:35,6:41:60"},
            ["possible_parental_mosaic"],
            "called 0/0 but 6 reads",
            id="parent-with-alt-reads-is-parental-mosaicism-not-de-novo",
        ),
        pytest.param(
            {"EIMFS01": "0/1:60,10:70:45"},
            ["de_novo", "possible_mosaic"],
            None,
            id="low-fraction-child-is-a-post-zygotic-de-novo",
        ),
        pytest.param(
            {"EIMFS01_MO": "./.:0,0:0:."},
            [],
            "genotype is missing",
            id="missing-parental-genotype-leaves-the-origin-unknown",
        ),
        pytest.param(
            {"EIMFS01_MO": "0/1:20,18:38:99"},
            ["inherited_maternal"],
            "inherited from the mother",
            id="carrier-parent",
        ),
        pytest.param(
            {"EIMFS01": "1/1:0,35:35:99", "EIMFS01_MO": "0/1:20,18:38:99"},
            ["inherited_maternal", "mendelian_error", "homozygous"],
            "uniparental disomy",
            id="homozygous-child-with-a-non-carrier-father",
        ),
        pytest.param(
            {"EIMFS01_FA": "0/1:30,8:38:99"},
            ["possible_parental_mosaic", "inherited_paternal"],
            "possible mosaic",
            id="carrier-parent-at-low-fraction-is-possible-parental-mosaic",
        ),
    ],
)
def test_origin_rules_at_the_kcnt1_site(run, tmp_path, edits, tags, reason):
    vcf, ped = edited_demo(tmp_path, {KCNT1: edits})
    docs, _ = run_filter(run, tmp_path, vcf, ped)
    v = call_at(docs, "EIMFS01", *KCNT1)
    assert v["inheritance"] == tags, v["origin"]
    if reason:
        assert reason in v["origin"]


def test_parent_mosaic_is_also_tagged_in_the_parents_own_report(run, tmp_path):
    vcf, ped = edited_demo(tmp_path, {KCNT1: {"EIMFS01_FA": "0/1:30,8:38:99"}})
    docs, _ = run_filter(run, tmp_path, vcf, ped)
    assert "possible_mosaic" in call_at(docs, "EIMFS01_FA", *KCNT1)["inheritance"]


def test_rescue_can_be_switched_off_in_settings(run, tmp_path):
    vcf, ped = edited_demo(tmp_path, {KCNT1: {"EIMFS01": "0/1:18,17:35:12"}})
    user = tmp_path / "s.yaml"
    off = {"inheritance": {"de_novo": {"child": {"low_gq_rescue": {"enabled": False}}}}}
    user.write_text(yaml.safe_dump(off))
    docs, _ = run_filter(run, tmp_path, vcf, ped, "--settings", user)
    v = call_at(docs, "EIMFS01", *KCNT1)
    assert v["inheritance"] == ["possible_de_novo"] and "GQ 12" in v["de_novo"]["reason"]
    assert docs["EIMFS01"]["settings"]["settings_file"] == str(user)
    assert docs["EIMFS01"]["settings"]["inheritance"]["de_novo"]["child"]["low_gq_rescue"] == {
        **InheritanceSettings.from_settings(load_settings()).raw["de_novo"]["child"][
            "low_gq_rescue"
        ],
        "enabled": False,
    }
    assert any(i["role"] == "settings" for i in docs["EIMFS01"]["inputs"])


def test_unphased_pairs_can_be_left_out_by_policy(run, tmp_path):
    user = tmp_path / "s.yaml"
    user.write_text(yaml.safe_dump({"inheritance": {"compound_het": {"report_unphased": False}}}))
    vcf, ped = edited_demo(tmp_path, {}, ped_text="F\tEIMFS01\t0\t0\t2\t2\n")
    docs, _ = run_filter(run, tmp_path, vcf, ped, "--settings", user)
    aldh = call_at(docs, "EIMFS01", "chr5", 16273)
    assert aldh["inheritance"] == [] and aldh["compound_het"]["partners"][0]["phase"] == "unknown"
    docs, _ = run_filter(run, tmp_path, vcf, ped)
    aldh = call_at(docs, "EIMFS01", "chr5", 16273)
    assert aldh["inheritance"] == ["possible_compound_heterozygous"]
    assert aldh["inheritance_fit"]["fit"] == "partly"


def test_duo_reports_origin_unknown_not_de_novo(run, tmp_path):
    ped = "F\tEIMFS01\tEIMFS01_FA\tNOT_SEQUENCED\t2\t2\nF\tEIMFS01_FA\t0\t0\t1\t1\n"
    vcf, ped = edited_demo(tmp_path, {}, ped_text=ped)
    docs, result = run_filter(run, tmp_path, vcf, ped)
    v = call_at(docs, "EIMFS01", *KCNT1)
    assert v["inheritance"] == [] and v["de_novo"] is None
    assert "not carried by the father" in v["origin"]
    assert "the mother (NOT_SEQUENCED) is not in the VCF" in v["origin"]
    # The ALDH7A1 pair: the paternal one is known, the other could be maternal: phase unknown.
    assert call_at(docs, "EIMFS01", "chr5", 16273)["inheritance"] == [
        "possible_compound_heterozygous"
    ]


def test_failed_parentage_leaves_the_de_novo_assumed(run, tmp_path):
    """A PED naming the wrong father: the check fails and the de novo is only assumed (PM6)."""
    ped = (
        "F\tEIMFS01\tEIMFS02\tEIMFS01_MO\t2\t2\nF\tEIMFS02\t0\t0\t1\t1\nF\tEIMFS01_MO\t0\t0\t2\t1\n"
    )
    vcf, ped = edited_demo(tmp_path, {}, ped_text=ped)
    docs, result = run_filter(run, tmp_path, vcf, ped)
    v = call_at(docs, "EIMFS01", *KCNT1)
    assert v["de_novo"]["confidence"] == "assumed" and v["de_novo"]["acmg_eligibility"] == "PM6"
    assert v["de_novo"]["parentage"] == "failed"
    assert any("and its father EIMFS02" in w for w in docs["EIMFS01"]["warnings"])


def test_mosaic_needs_depth_and_a_real_shortfall():
    st = InheritanceSettings.from_settings(load_settings()).mosaic

    def het(alt, total):
        return SampleCall("s", "0/1", 1, 2, "heterozygous", total, round(alt / total, 4), 99.0,
                          False, None, alt, (0, 1))  # fmt: skip

    assert mosaic_evidence(het(9, 49), st)  # the demo PCDH19 boy
    assert mosaic_evidence(het(4, 16), st) is None  # too shallow
    assert mosaic_evidence(het(2, 40), st) is None  # too few ALT reads to trust
    assert mosaic_evidence(het(14, 40), st) is None  # 35%: above the fraction limit
    assert mosaic_evidence(het(8, 25), st) is None  # 32%
    assert binomial_lower_tail(0, 10) == pytest.approx(0.5**10)
    assert binomial_lower_tail(5, 10) == pytest.approx(0.623046875)


# --- read-backed phasing -------------------------------------------------------------------------

SINGLE_GENE_GFF = """##gff-version 3
chr21\ttest\tgene\t{start}\t{end}\t.\t+\t.\tID=gene:G1;Name=TESTGENE;biotype=protein_coding
"""


def _phasing_vcf(tmp_path, gts, fmt="GT:AD:DP:GQ:PS", extra_header=""):
    head = [
        "##fileformat=VCFv4.2",
        "##contig=<ID=chr21,length=46709983>",
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">',
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
        '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set">',
        extra_header,
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tkid",
    ]
    body = [
        f"chr21\t{1000 + 100 * i}\t.\tA\tG\t50\tPASS\t.\t{fmt}\t{gt}" for i, gt in enumerate(gts)
    ]
    path = tmp_path / "p.vcf"
    path.write_text("\n".join(x for x in head if x) + "\n" + "\n".join(body) + "\n")
    gff = tmp_path / "g.gff3"
    gff.write_text(SINGLE_GENE_GFF.format(start=500, end=5000))
    return path, gff


@pytest.mark.parametrize(
    "gts, fmt, header, phase, by, tag",
    [
        (["0|1:20,20:40:99:1000", "1|0:20,20:40:99:1000"], None, "", "trans", "read_backed",
         "compound_heterozygous"),
        (["0|1:20,20:40:99:1000", "0|1:20,20:40:99:1000"], None, "", "cis", "read_backed", None),
        (["0|1:20,20:40:99:1000", "1|0:20,20:40:99:2000"], None, "", "unknown", None,
         "possible_compound_heterozygous"),
        (["0/1:20,20:40:99:.", "0/1:20,20:40:99:."], None, "", "unknown", None,
         "possible_compound_heterozygous"),
        # GATK ReadBackedPhasing / whatshap --tag HP: "<set>-<hap>" per GT allele
        (["0/1:20,20:40:99:7-2,7-1", "0/1:20,20:40:99:7-1,7-2"], "GT:AD:DP:GQ:HP",
         '##FORMAT=<ID=HP,Number=.,Type=String,Description="Read-backed phasing haplotypes">',
         "trans", "read_backed", "compound_heterozygous"),
    ],
)  # fmt: skip
def test_read_backed_phasing(run, tmp_path, gts, fmt, header, phase, by, tag):
    vcf, gff = _phasing_vcf(tmp_path, gts, fmt or "GT:AD:DP:GQ:PS", header)
    out = tmp_path / "o"
    result = run("filter", vcf, "--no-panel", "--genes", gff, "-o", out)
    assert result.exit_code == 0, result.output
    first = json.loads((out / "kid.variants.json").read_text())["variants"][0]
    assert first["gene"] == "TESTGENE"
    (partner,) = first["compound_het"]["partners"]
    assert (partner["phase"], partner["phased_by"]) == (phase, by)
    assert first["inheritance"] == ([tag] if tag else [])
    assert first["inheritance_fit"]["fit"] == "unknown"  # not a panel gene: no mode


def test_real_gatk_physical_phasing_puts_a_pair_in_cis(run, tmp_path):
    """NA24143 in the GIAB chr21 slice: 0|1 at 618260 and 618270, both PS 618260 (GATK)."""
    gff = tmp_path / "g.gff3"
    gff.write_text(SINGLE_GENE_GFF.format(start=618250, end=618280))
    vcf = REAL / "chr21_trio" / "Ashkenazim.vcf.gz"
    out = tmp_path / "o"
    result = run("filter", vcf, "--no-panel", "--genes", gff, "--sample", "NA24143", "-o", out)
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "NA24143.variants.json").read_text())
    pair = {v["pos"]: v for v in doc["variants"] if v["gene"] == "TESTGENE"}
    assert set(pair) == {618260, 618270}
    assert pair[618260]["genotype"] == "0|1" and pair[618260]["phase_set"] == 618260
    assert pair[618260]["compound_het"]["partners"] == [
        {"variant": "chr21:618270:" + pair[618270]["ref"] + ":" + pair[618270]["alt"],
         "phase": "cis", "phased_by": "read_backed"}
    ]  # fmt: skip
    assert pair[618260]["inheritance"] == []


def test_one_parent_alone_cannot_phase_a_pair(run, tmp_path):
    """The father carries both ALDH7A1 variants and the mother is not sequenced: the child may
    have one from each parent or both from the father, so the phase stays unknown (with the
    mother sequenced and 0/0 at both, the pair would be in cis)."""
    ped = "F\tEIMFS01\tEIMFS01_FA\tNOT_SEQUENCED\t2\t2\nF\tEIMFS01_FA\t0\t0\t1\t1\n"
    edits = {("chr5", 16273): {"EIMFS01_FA": "0/1:20,18:38:99"}}
    vcf, duo = edited_demo(tmp_path, edits, ped_text=ped)
    docs, _ = run_filter(run, tmp_path, vcf, duo)
    partner = call_at(docs, "EIMFS01", "chr5", 16273)["compound_het"]["partners"][0]
    assert partner["phase"] == "unknown"
    edits[("chr5", 16273)]["EIMFS01_MO"] = "0/0:40,0:40:99"
    vcf, ped = edited_demo(tmp_path, edits)
    docs, _ = run_filter(run, tmp_path, vcf, ped)
    aldh = call_at(docs, "EIMFS01", "chr5", 16273)
    assert aldh["compound_het"]["partners"][0] == {
        "variant": "chr5:20236:C:T", "phase": "cis", "phased_by": "parents"
    }  # fmt: skip
    assert aldh["inheritance"] == ["inherited_paternal"]
    assert (
        aldh["inheritance_fit"]["fit"] == "partly" and "in cis" in aldh["inheritance_fit"]["reason"]
    )
