"""ACMG/AMP criteria: a positive and a negative case per criterion, on the demo family where
it has one, else on a small synthetic variant; and the planted demo variants' classes."""

import copy
import json

import pytest

from mmpsi_variants.acmg.combining import ALL_CODES
from mmpsi_variants.acmg.criterion import Context
from mmpsi_variants.acmg.evaluation import evaluate
from mmpsi_variants.acmg.settings import AcmgSettings
from mmpsi_variants.core.settings import load_settings
from mmpsi_variants.panel.knowledge import load_panel
from mmpsi_variants.report.record import variant_from_json

from .conftest import DEMO


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from click.testing import CliRunner

    from mmpsi_variants.cli import cli

    out = tmp_path_factory.mktemp("acmg")
    args = [
        "filter", DEMO / "demo.vcf.gz", "--genes", DEMO / "genes.gff3", "--reference",
        DEMO / "genome.fa", "--build", "none", "--ped", DEMO / "demo.ped", "-o", out,
        "--gnomad", DEMO / "gnomad.demo.vcf.gz", "--clinvar", DEMO / "clinvar.demo.vcf.gz",
        "--scores", DEMO / "revel.demo.tsv.gz",
        "--scores", f"spliceai={DEMO / 'spliceai.demo.vcf.gz'}",
        "--phenotype", "EIMFS",
    ]  # fmt: skip
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    calls = {}
    for path in out.glob("*.json"):
        doc = json.loads(path.read_text())
        for v in doc["variants"]:
            calls[(doc["sample"], v["chrom"], v["pos"])] = v
    return calls


def crit(v, code):
    return next(c for c in v["acmg"]["criteria"] if c["criterion"] == code)


# (case id, sample, chrom, pos, code, expected status, expected label when met)
DEMO_CASES = [
    ("splice donor, NMD after skipping", "EIMFS01", "chr5", 20236, "PVS1", "met", "PVS1"),
    ("SCN1A frameshift", "EIMFS03", "chr2", 51916, "PVS1", "met", "PVS1"),
    ("missense is no null variant", "EIMFS01", "chr9", 12383, "PVS1", "not_met", None),
    ("same amino-acid change in ClinVar", "EIMFS02", "chr2", 27152, "PS1", "met", "PS1"),
    ("another change at the residue", "EIMFS01", "chr9", 12383, "PS1", "not_met", None),
    ("confirmed de novo, KCNT1 consistent", "EIMFS01", "chr9", 12383, "PS2", "met", "PS2_Moderate"),
    ("inherited from the mother", "EIMFS01", "chr5", 16273, "PS2", "not_met", None),
    ("confirmed de novo is not PM6", "EIMFS01", "chr9", 12383, "PM6", "not_met", None),
    ("SCN2A residue outside the VCEP regions", "EIMFS02", "chr2", 27152, "PM1", "not_met", None),
    ("absent from gnomAD", "EIMFS01", "chr9", 12383, "PM2", "met", "PM2_Supporting"),
    ("common in gnomAD", "EIMFS01", "chr2", 23191, "PM2", "not_met", None),
    # PM3 weighs the partner by our own class without PM3 (ClinGen SVI points), not ClinVar's.
    ("in trans with a VUS by our class", "EIMFS01", "chr5", 20236, "PM3", "not_met", None),
    (
        "in trans with a Likely pathogenic allele",
        "EIMFS01",
        "chr5",
        16273,
        "PM3",
        "met",
        "PM3",
    ),  # fmt: skip
    ("homozygous in an affected child", "EIMFS04", "chr17", 9176, "PM3", "met", "PM3_Supporting"),
    ("KCNT1 is not recessive", "EIMFS01", "chr9", 12383, "PM3", "not_met", None),
    ("in-frame deletion outside a repeat", "EIMFS02", "chr20", 11381, "PM4", "met", "PM4"),
    ("missense changes no length", "EIMFS01", "chr9", 12383, "PM4", "not_met", None),
    ("other pathogenic missense at Arg474", "EIMFS01", "chr9", 12383, "PM5", "met", "PM5"),
    ("PS1 already uses the residue", "EIMFS02", "chr2", 27152, "PM5", "not_met", None),
    ("KCNT1 missense (heuristic)", "EIMFS01", "chr9", 12383, "PP2", "met", "PP2"),
    ("not marked for SCN2A (VCEP)", "EIMFS02", "chr2", 27152, "PP2", "not_met", None),
    ("REVEL 0.85", "EIMFS01", "chr9", 12383, "PP3", "met", "PP3_Moderate"),
    ("REVEL in the indeterminate range", "EIMFS02", "chr2", 27152, "PP3", "not_met", None),
    ("phenotype already in PS2", "EIMFS01", "chr9", 12383, "PP4", "not_met", None),
    ("common synonymous", "EIMFS01", "chr2", 23191, "BA1", "met", "BA1"),
    ("absent from gnomAD", "EIMFS01", "chr9", 12383, "BA1", "not_met", None),
    ("above the SCN2A VCEP BS1 frequency", "EIMFS01", "chr2", 23191, "BS1", "met", "BS1"),
    ("absent from gnomAD", "EIMFS02", "chr2", 27152, "BS1", "not_met", None),
    ("many carriers of an SCN2A allele", "EIMFS01", "chr2", 23191, "BS2", "met", "BS2"),
    ("no homozygote of a PNPO allele", "EIMFS04", "chr17", 9176, "BS2", "not_met", None),
    ("KCNT1 missense", "EIMFS01", "chr9", 12383, "BP1", "not_met", None),
    ("partner in trans in a recessive gene", "EIMFS01", "chr5", 20236, "BP2", "not_met", None),
    ("in-frame deletion outside a repeat", "EIMFS02", "chr20", 11381, "BP3", "not_met", None),
    # Benign REVEL, but the demo SpliceAI file has no chr16: a splice effect is not ruled out.
    ("REVEL 0.12, no SpliceAI", "EIMFS07", "chr16", 37121, "BP4", "not_evaluated", None),
    ("REVEL 0.85", "EIMFS01", "chr9", 12383, "BP4", "not_met", None),
    (
        "synonymous, SpliceAI low, conservation unknown",
        "EIMFS01",
        "chr9",
        15862,
        "BP7",
        "not_evaluated",
        None,
    ),
    ("missense", "EIMFS01", "chr9", 12383, "BP7", "not_met", None),
]


@pytest.mark.parametrize("case", DEMO_CASES, ids=[f"{c[4]}: {c[0]}" for c in DEMO_CASES])
def test_demo_criterion(demo, case):
    _, sample, chrom, pos, code, status, label = case
    c = crit(demo[(sample, chrom, pos)], code)
    assert c["status"] == status, c["reason"]
    if label:
        assert c["code"] == label
        assert c["reason"]  # every decision carries its reason


# -- synthetic cases for what the demo family does not hold --------------------------------------

PANEL = load_panel()
SETTINGS = AcmgSettings.from_settings(load_settings())


def variant(**over):
    """A contract entry; the tests turn it into a record with ``rec``."""
    v = {
        "chrom": "chr1", "pos": 100, "ref": "C", "alt": "T", "gene": "KCNT1",
        "zygosity": "heterozygous", "consequence": ["missense_variant"],
        "protein_position": "474", "hgvs_c": None, "hgvs_p": None,
        "nmd": None, "protein_fraction_removed": None, "lof_detail": None, "inheritance": [],
        "de_novo": None, "compound_het": None, "inheritance_fit": None,
        "population": {"status": "absent"}, "clinvar_status": "absent", "clinvar": None,
        "clinvar_protein": None, "scores": {"revel": None, "spliceai": None, "status": {}},
    }  # fmt: skip
    v.update(copy.deepcopy(over))
    return v


def run(v, gene="KCNT1", **ctx):
    c = Context(settings=SETTINGS, panel_gene=PANEL.gene(gene), **ctx)
    return {r.code: r for r in evaluate(rec(v), c)}


def rec(v: dict):
    return variant_from_json(v)


def test_pvs1_never_for_kcnt1_truncating():
    r = run(variant(consequence=["stop_gained"], nmd="NMD_predicted"))
    assert r["PVS1"].status == "not_met" and "not the disease mechanism" in r["PVS1"].reason


def test_pvs1_nmd_escape_by_fraction():
    v = variant(gene="PNPO", consequence=["stop_gained"], nmd="NMD_escaping",
                protein_position="250", protein_fraction_removed=0.05)  # fmt: skip
    assert run(v, "PNPO")["PVS1"].strength == "Moderate"
    v["protein_fraction_removed"] = 0.4
    assert run(v, "PNPO")["PVS1"].strength == "Strong"


def test_pvs1_scn2a_vcep_codon_boundary():
    v = variant(gene="SCN2A", consequence=["stop_gained"], protein_position="1500",
                protein_fraction_removed=0.25, nmd="NMD_escaping")  # fmt: skip
    assert run(v, "SCN2A")["PVS1"].strength == "VeryStrong"  # 5' of p.Thr1591
    v["protein_position"] = "1700"
    assert run(v, "SCN2A")["PVS1"].strength == "Strong"


def test_pvs1_start_loss():
    v = variant(gene="PNPO", consequence=["start_lost"], lof_detail={"next_methionine": 40})
    assert run(v, "PNPO")["PVS1"].strength == "Supporting"


def test_pm6_assumed_de_novo_scn2a():
    dn = {"status": "de_novo", "confidence": "assumed"}
    r = run(variant(gene="SCN2A", de_novo=dn, inheritance=["de_novo"]), "SCN2A", affected=True)
    assert r["PM6"].status == "met" and r["PM6"].strength == "Supporting"
    assert r["PS2"].status == "not_met"


def test_pm1_in_a_vcep_region():
    r = run(variant(gene="SCN2A", protein_position="220"), "SCN2A")
    assert r["PM1"].status == "met"


def test_pm1_plus_pp3_capped_at_strong():
    v = variant(
        gene="SCN2A", protein_position="220", scores={"revel": 0.95, "spliceai": 0.0, "status": {}}
    )
    r = run(v, "SCN2A")
    # PP3 is capped at Moderate for the sodium-channel genes and PM1 + PP3 at Strong.
    assert r["PM1"].strength == "Moderate" and r["PP3"].strength == "Moderate"


def test_pp3_capped_for_sodium_channels():
    v = variant(gene="SCN1A", scores={"revel": 0.99, "spliceai": 0.0, "status": {}})
    assert run(v, "SCN1A")["PP3"].strength == "Moderate"
    assert (
        # KCNT1 residue 100: outside the hotspot, so PM1 does not cap PP3.
        run(variant(protein_position="100", scores={"revel": 0.99, "spliceai": 0.0, "status": {}}))[
            "PP3"
        ].strength
        == "Strong"
    )


def test_pp4_with_a_specific_phenotype():
    from dataclasses import replace

    pg = PANEL.gene("KCNT1")
    on = replace(pg, acmg={**pg.acmg, "pp4": {**pg.acmg["pp4"], "applicable": True}})
    ctx = Context(settings=SETTINGS, panel_gene=on, phenotype_eimfs=True)
    assert {x.code: x for x in evaluate(rec(variant()), ctx)}["PP4"].status == "met"
    r = run(variant(), phenotype_eimfs=True)
    assert r["PP4"].status == "not_met"  # KCNT1 itself: EIMFS has many genes
    assert run(variant(), phenotype_eimfs=False)["PP4"].status == "not_met"
    assert run(variant(), "SCN2A", phenotype_eimfs=True)["PP4"].status == "not_met"


# A test curation, not a claim about the gene: PP4 from terms counts only terms the panel
# lists in pp4.specific_terms (the shipped panel lists none).
CURATED = "HP:0010995"  # its child HP:0034365 is what the test patient has
PATIENT_TERM = "HP:0034365"


def _curated(gene, verification="V", **extra):
    from dataclasses import replace

    pg = PANEL.gene(gene)
    pp4 = {**pg.acmg.get("pp4", {}), "applicable": True, "specific_terms": [CURATED],
           "verification": verification, "sources": ["S45"], **extra}  # fmt: skip
    return replace(pg, acmg={**pg.acmg, "pp4": pp4})


def _terms(gene, rank=1, specific=((PATIENT_TERM, CURATED),)):
    from mmpsi_variants.phenotype.ranking import GeneMatch

    matched = ("HP:0001250", *(t for t, _ in specific))
    return GeneMatch(gene, rank, 12.0, matched, specific, 5178)


def _pp4(v, panel_gene, **ctx):
    c = Context(settings=SETTINGS, panel_gene=panel_gene, **ctx)
    return {r.code: r for r in evaluate(rec(v), c)}["PP4"]


HOM = {"zygosity": "homozygous"}


@pytest.mark.parametrize(
    ("gene", "curated", "terms", "over", "status", "reason"),
    [
        ("ALDH7A1", True, _terms("ALDH7A1"), HOM, "met", f"{PATIENT_TERM} Elevated circulating"),
        # The rank is shown, never decides: a curated term counts at rank 2 as well.
        ("ALDH7A1", True, _terms("ALDH7A1", rank=2), HOM, "met", "ranks 2 of 5178 genes"),
        ("ALDH7A1", True, _terms("ALDH7A1", specific=()), HOM, "not_met",
         "none of the patient's observed terms is, or is under"),
        # Without a curated term, the best match is shown, never counted.
        ("ALDH7A1", False, _terms("ALDH7A1", specific=()), HOM, "not_met",
         "the panel curates no HPO term as highly specific for ALDH7A1"),
        ("KCNT1", False, _terms("KCNT1", specific=()), {}, "not_met",
         "the panel sets PP4 off for KCNT1"),
        ("SCN1A", False, _terms("SCN1A", specific=()), {}, "not_met", "ranks 1 of 5178"),
        # A synonymous change cannot act through the gene's mechanism.
        ("ALDH7A1", True, _terms("ALDH7A1"), {**HOM, "consequence": ["synonymous_variant"]},
         "not_met", "cannot act through the gene's mechanism"),
        # One heterozygous allele in a recessive gene does not explain the phenotype.
        ("ALDH7A1", True, _terms("ALDH7A1"), {"zygosity": "heterozygous", "inheritance_fit": {
            "fit": "partly", "modes": ["AR"], "reason": ""}}, "not_met", "recessive gene"),
        # KCNT1 acts by gain of function: a stop-gain cannot explain the phenotype, whatever
        # the panel curates.
        ("KCNT1", True, _terms("KCNT1"), {"consequence": ["stop_gained"], "nmd": "NMD_predicted"},
         "not_met", "loss of function is not the gene's mechanism"),
        # A hemizygous male in PCDH19 (female-limited) is expected to be unaffected.
        ("PCDH19", True, _terms("PCDH19"), {"chrom": "X", "zygosity": "hemizygous"}, "not_met",
         "hemizygous male"),
    ],
)  # fmt: skip
def test_pp4_from_hpo_terms(gene, curated, terms, over, status, reason):
    pg = _curated(gene) if curated else PANEL.gene(gene)
    v = variant(**{"gene": gene, **over})
    r = _pp4(v, pg, phenotype_terms=terms)
    assert r.status == status and reason in r.reason, r.reason
    # The free-text phenotype does not change what the terms decide.
    assert _pp4(v, pg, phenotype_terms=terms, phenotype_eimfs=True).status == status


def test_a_curated_term_does_not_override_an_expert_panels_na():
    """The sodium-channel VCEP marks PP4 N/A (applicable: false): listing a term changes
    nothing."""
    v = variant(gene="SCN1A", consequence=["stop_gained"])
    pg = _curated("SCN1A", applicable=False)
    r = _pp4(v, pg, phenotype_terms=_terms("SCN1A"))
    assert r.status == "not_met" and "the panel sets PP4 off for SCN1A" in r.reason


def test_pp4_from_terms_not_for_an_unaffected_sample_or_an_unverified_curation():
    v = variant(gene="ALDH7A1", zygosity="homozygous")
    r = _pp4(v, _curated("ALDH7A1"), phenotype_terms=_terms("ALDH7A1"), affected=False)
    assert r.status == "not_met" and "unaffected" in r.reason
    r = _pp4(v, _curated("ALDH7A1", "U"), phenotype_terms=_terms("ALDH7A1"))
    assert r.status == "not_met" and "no verified source" in r.reason
    assert _pp4(v, _curated("ALDH7A1"), phenotype_terms=_terms("ALDH7A1")).status == "met"


def test_pp4_from_terms_needs_a_panel_gene_and_no_de_novo_criterion():
    c = Context(settings=SETTINGS, panel_gene=None, phenotype_terms=_terms("STXBP1"))
    r = {x.code: x for x in evaluate(rec(variant(gene="STXBP1")), c)}["PP4"]
    assert r.status == "not_met" and "not a panel gene" in r.reason
    de_novo = variant(gene="ALDH7A1", zygosity="homozygous", inheritance=["de_novo"],
                      de_novo={"status": "de_novo", "confidence": "confirmed"})  # fmt: skip
    r = _pp4(de_novo, _curated("ALDH7A1"), phenotype_terms=_terms("ALDH7A1"), affected=True)
    assert r.status == "not_met"
    assert "already counts in the de novo criterion" in r.reason


def test_bp1_only_where_the_panel_says():
    pg = copy.deepcopy(PANEL.gene("PNPO"))
    pg.acmg["bp1"] = {"applicable": True, "verification": "U", "sources": ["FACTBASE_U"]}
    c = Context(settings=SETTINGS, panel_gene=pg)
    r = {x.code: x for x in evaluate(rec(variant(gene="PNPO")), c)}
    assert r["BP1"].status == "met"


def test_bp2_in_cis_with_a_pathogenic_variant():
    other = variant(pos=200, clinvar={"significance_class": "pathogenic"})
    v = variant(compound_het={"partners": [{"variant": "chr1:200:C:T", "phase": "cis"}]})
    assert run(v, sample_variants=[rec(v), rec(other)])["BP2"].status == "met"


def test_bp3_and_not_pm4_in_a_repeat():
    v = variant(consequence=["inframe_deletion"], lof_detail={"in_repeat": True})
    r = run(v)
    assert r["BP3"].status == "met" and r["PM4"].status == "not_met"


def test_bs1_reduced_penetrance_allele_spared():
    pop = {"status": "found", "af": 0.01, "faf95_max": 0.01, "ac": 500, "an": 50000}
    v = variant(gene="PRRT2", consequence=["frameshift_variant"], hgvs_c="NM_145239.3:c.649dup",
                population=pop)  # fmt: skip
    r = run(v, "PRRT2")
    assert r["BS1"].status == "not_met" and "reduced-penetrance" in r["BS1"].reason
    assert r["BS2"].status == "not_met"


def test_not_evaluated_criteria_and_retired_ones():
    r = run(variant())
    for code in ("PS3", "PS4", "PP1", "BS3", "BS4", "BP5"):
        assert r[code].status == "not_evaluated" and "curator" in r[code].reason
    assert r["PP5"].status == r["BP6"].status == "retired"


def test_frequency_criteria_not_evaluated_without_gnomad():
    r = run(variant(population={"status": "not_looked_up"}))
    assert {r[c].status for c in ("PM2", "BA1", "BS1", "BS2")} == {"not_evaluated"}


def test_every_criterion_has_cases():
    demo_codes = {c[4] for c in DEMO_CASES}
    synthetic = {"PVS1", "PM6", "PM1", "PP4", "BP1", "BP2", "BP3", "BS1", "BS2", "PP3",
                 "PS3", "PS4", "PP1", "BS3", "BS4", "BP5", "PP5", "BP6"}  # fmt: skip
    missing = set(ALL_CODES) - demo_codes - synthetic
    assert not missing, f"no case for {sorted(missing)}"


# -- the planted demo variants, classified as designed --------------------------------------------

PLANTED = [
    ("EIMFS01", "chr9", 12383, {"Likely pathogenic", "Pathogenic"}),  # KCNT1 de novo missense
    ("EIMFS01", "chr2", 23191, {"Benign"}),  # common benign synonymous: BA1
    ("EIMFS01", "chr5", 20236, {"Likely pathogenic", "Pathogenic"}),  # ALDH7A1 donor, in trans
    ("EIMFS03", "chr2", 51916, {"Likely pathogenic", "Pathogenic"}),  # SCN1A frameshift
    ("EIMFS05", "chrX", 12277, {"Likely pathogenic", "Pathogenic"}),  # ATP7A stop, hemizygous
]


@pytest.mark.parametrize("sample, chrom, pos, classes", PLANTED)
def test_planted_classes(demo, sample, chrom, pos, classes):
    assert demo[(sample, chrom, pos)]["acmg"]["classification"] in classes


def test_benign_by_ba1_is_an_override(demo):
    a = demo[("EIMFS01", "chr2", 23191)]["acmg"]
    assert "BA1" in a["met"] and a["classification"] == "Benign"


def test_flags(demo):
    scn1a = demo[("EIMFS03", "chr2", 51916)]["acmg"]["flags"]
    assert any(f["flag"] == "treatable_cause" and "avoid" in f["text"] for f in scn1a)
    kcnt1 = demo[("EIMFS01", "chr9", 12383)]["acmg"]["flags"]
    assert any(f["flag"] == "treatable_cause" and "quinidine" in f["text"] for f in kcnt1)


def test_mechanism_mismatch_flag_for_truncating_kcnt1():
    from mmpsi_variants.acmg.evaluation import flags

    c = Context(settings=SETTINGS, panel_gene=PANEL.gene("KCNT1"))
    out = flags(rec(variant(consequence=["stop_gained"])), c)
    assert any(f["flag"] == "mechanism_mismatch" for f in out)


def test_ranking_puts_the_best_candidate_first(demo):
    ranked = sorted((v for k, v in demo.items() if k[0] == "EIMFS01"), key=lambda v: v["rank"])
    # The de novo KCNT1 p.(Arg474Cys): 8 points (PS2_Moderate, PM2_Supporting, PM5, PP2,
    # PP3_Moderate), Likely pathogenic, as in the fact base's worked KCNT1 example.
    assert ranked[0]["gene"] == "KCNT1"
    assert ranked[0]["acmg"]["classification"] == "Likely pathogenic"
    assert ranked[-1]["acmg"]["classification"] in ("Benign", "Likely benign")


def test_demo_trio_ranks_the_de_novo_above_the_recessive_pair(demo):
    ranked = sorted((v for k, v in demo.items() if k[0] == "EIMFS01"), key=lambda v: v["rank"])
    assert [(v["gene"], v["pos"]) for v in ranked[:3]] == [
        ("KCNT1", 12383),
        ("ALDH7A1", 20236),
        ("ALDH7A1", 16273),
    ]
    splice = ranked[1]["acmg"]
    assert splice["classification"] == "Likely pathogenic"
    assert splice["genotype"]["classification"] == "Uncertain significance"
    assert splice["genotype"]["partner"] == "chr5:16273:C:G"


P, LP, VUS, LB = "Pathogenic", "Likely pathogenic", "Uncertain significance", "Likely benign"
# (modes, zygosity, own class, partner (class, phase) or None, expected genotype class)
GENOTYPE_CASES = [
    (["AD"], "heterozygous", P, None, P),
    (["AD", "AR"], "heterozygous", P, (VUS, "trans"), P),  # a dominant mode applies alone
    (["AR"], "homozygous", LP, None, LP),
    (["AR"], "heterozygous", P, None, VUS),  # a lone allele of a recessive gene
    (["AR"], "heterozygous", LB, None, LB),
    (["AR"], "heterozygous", P, (LP, "trans"), LP),
    (["AR"], "heterozygous", P, (VUS, "unknown"), VUS),
    (["AR"], "heterozygous", VUS, (P, "trans"), VUS),
    (["AR"], "heterozygous", P, (P, "cis"), VUS),  # in cis: still one allele
    (["XLR"], "heterozygous", P, None, VUS),
    (["X-linked-female-limited"], "heterozygous", VUS, None, VUS),
    (["X-linked-female-limited"], "hemizygous", P, None, VUS),  # a misfit (fit "no")
]


@pytest.mark.parametrize("modes,zygosity,own,partner,expected", GENOTYPE_CASES)
def test_genotype_class(modes, zygosity, own, partner, expected):
    from mmpsi_variants.acmg.ranking import with_genotype_classes

    def entry(pos, cls, partners):
        fit = "no" if zygosity == "hemizygous" and "X-linked-female-limited" in modes else "yes"
        return {
            "chrom": "chr1",
            "pos": pos,
            "ref": "A",
            "alt": "G",
            "zygosity": zygosity,
            "inheritance": [],
            "inheritance_fit": {"fit": fit, "modes": modes},
            "compound_het": {"partners": partners},
            "acmg": {"classification": cls},
        }

    variants = [entry(10, own, [])]
    if partner:
        variants[0]["compound_het"]["partners"] = [{"variant": "chr1:20:A:G", "phase": partner[1]}]
        variants.append(entry(20, partner[0], []))
    (first, *_) = with_genotype_classes([rec(v) for v in variants])
    assert first.acmg["genotype"]["classification"] == expected


def test_rank_order():
    from mmpsi_variants.acmg.ranking import rank_key

    names = {}

    def entry(name, genotype, fit, cls, points, evidence):
        genotype = {"classification": genotype, "gene_evidence": evidence}
        acmg = {"classification": cls, "points": points, "genotype": genotype}
        pos = names[name] = len(names) + 1  # every variant otherwise alike
        return rec(
            {"chrom": "chr1", "pos": pos, "ref": "A", "alt": "G", "acmg": acmg,
             "inheritance": [], "inheritance_fit": {"fit": fit}}
        )  # fmt: skip

    variants = [
        entry("vus-het-in-AR", VUS, "partly", LP, 9, "definitive"),
        entry("seed-gene", LP, "yes", LP, 9, "seed_only"),
        entry("moderate-gene", LP, "yes", LP, 9, "moderate"),
        entry("partly-fit", LP, "partly", LP, 9, "definitive"),
        entry("fewer-points", LP, "yes", LP, 7, "definitive"),
        entry("pathogenic", P, "yes", P, 10, "limited"),
        entry("vus-fits", VUS, "yes", VUS, 3, "limited"),
        entry("misfit", P, "no", P, 12, "definitive"),
    ]
    by_pos = {pos: name for name, pos in names.items()}
    assert [by_pos[v.pos] for v in sorted(variants, key=rank_key)] == [
        "pathogenic",
        "moderate-gene",
        "seed-gene",
        "fewer-points",
        "partly-fit",
        "vus-fits",
        "vus-het-in-AR",
        "misfit",
    ]


def test_curator_evidence_is_merged_and_marked(run, tmp_path):
    tsv = tmp_path / "curation.tsv"
    tsv.write_text("chrom\tpos\tref\talt\tcode\tstrength\tcomment\n"
                   "chr9\t12383\tC\tT\tPS3\tStrong\tpatch clamp: gain of function\n")  # fmt: skip
    out = tmp_path / "out"
    result = run("filter", DEMO / "demo.vcf.gz", "--genes", DEMO / "genes.gff3", "--reference",
                 DEMO / "genome.fa", "--build", "none", "--curation", tsv, "--sample", "EIMFS01",
                 "-o", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "EIMFS01.variants.json").read_text())
    v = next(x for x in doc["variants"] if x["pos"] == 12383)
    ps3 = crit(v, "PS3")
    assert ps3["status"] == "met" and ps3["source"] == "curator" and "patch clamp" in ps3["reason"]


def test_bad_curation_line(run, tmp_path):
    tsv = tmp_path / "c.tsv"
    tsv.write_text("chr9\t12383\tC\tT\tPX9\tStrong\n")
    result = run("filter", DEMO / "demo.vcf.gz", "--genes", DEMO / "genes.gff3", "--curation",
                 tsv, "-o", tmp_path / "o")  # fmt: skip
    assert result.exit_code == 2 and "line 1" in result.stderr and "PX9" in result.stderr


@pytest.mark.parametrize(
    "text,expected",
    [
        ("EIMFS", True),
        ("MMPSI from day 10", True),
        ("migrating focal seizures from 6 weeks", True),
        ("infantile spasms; migrating focal seizures", True),
        ("developmental delay", False),
        ("not migrating", False),
        ("focal seizures, not migrating", False),
        ("non-migrating focal seizures", False),
        ("no EIMFS", False),
        ("child of non-consanguineous parents with MMPSI", True),
        ("no fever and migrating focal seizures", True),
        ("EIMFS with absent speech", True),
        ("MMPSI not excluded", True),
        ("not only migrating focal seizures but also spasms", True),
        ("initially not migrating then migrating focal seizures", True),
        ("absence seizures and migrating focal seizures", True),
        ("without clear migrating pattern", False),
        ("EIMFS was ruled out", False),
        ("EIMFS ruled out", False),
        ("MMPSI excluded by video-EEG", False),
        ("without migrating seizures, but MMPSI suspected", True),
    ],
)
def test_phenotype_text_for_pp4(text, expected):
    from mmpsi_variants.acmg.phenotype import phenotype_says_eimfs

    assert phenotype_says_eimfs(text) is expected


def _pm5(run, tmp_path, *mode):
    from .test_filter_demo import load

    out = tmp_path / "out"
    result = run("filter", DEMO / "demo.vcf.gz", "--genes", DEMO / "genes.gff3", "--reference",
                 DEMO / "genome.fa", "--clinvar", DEMO / "clinvar.demo.vcf.gz", "-o", out,
                 *mode)  # fmt: skip
    assert result.exit_code == 0, result.output
    v = load(out)[0][("EIMFS01", "chr9", 12383, "C", "T")]
    return next(c for c in v["acmg"]["criteria"] if c["criterion"] == "PM5")


def test_pm5_is_asked_in_research_mode_too(run, tmp_path):
    """Regression: with --no-panel ClinVar's protein index was built over no region at all, so
    KCNT1 p.(Arg474Cys) lost PM5 ("no other pathogenic missense change at this residue") and
    fell from Pathogenic to Likely pathogenic. The index now covers the panel file's genes."""
    assert _pm5(run, tmp_path)["status"] == "met"
    assert _pm5(run, tmp_path, "--no-panel")["status"] == "met"


def test_pm5_not_evaluated_outside_the_protein_index(run, tmp_path):
    """Where ClinVar's records were not translated (outside the indexed genes), PM5 cannot be
    answered: "not evaluated", never "not met"."""
    from mmpsi_variants.acmg.criterion import Result
    from mmpsi_variants.acmg.pathogenic import pm5

    v = rec(variant(clinvar_status="absent", clinvar_protein=None, amino_acids="R/C"))
    c = Context(settings=SETTINGS, panel_gene=PANEL.gene("KCNT1"))
    assert pm5(v, c, Result("PS1", "not_met", None, "")).status == "not_evaluated"
