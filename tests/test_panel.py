"""The bundled panel knowledge base: schema, contents and the rules its facts must follow."""

import copy
import csv
import re
from itertools import pairwise

import jsonschema
import pytest
import yaml

from mmpsi_variants.core.errors import PanelError
from mmpsi_variants.panel.knowledge import default_panel_path, load_panel, panel_schema

from .conftest import REAL

CORE = [
    "KCNT1", "SCN2A", "SCN1A", "PLCB1", "PCDH19", "ALDH7A1", "DOCK6",
    "PRRT2", "ALG1", "ATP7A", "WWOX", "PNPO", "SLC12A5",
]  # fmt: skip
EXTENDED_MIN = [
    "SCN8A",
    "KCNQ2",
    "SLC25A22",
    "TBC1D24",
    "HCN1",
    "GABRB3",
    "KCNT2",
    "CACNA1A",
    "QARS1",
    "BRAT1",
]


@pytest.fixture(scope="module")
def panel():
    return load_panel()


@pytest.fixture(scope="module")
def raw():
    return yaml.safe_load(default_panel_path().read_text())


def test_bundled_panel_validates_against_its_schema(raw):
    jsonschema.Draft202012Validator(panel_schema()).validate(raw)


def test_tiers_hold_the_expected_genes(panel):
    assert [g.symbol for g in panel.genes if g.tier == "core"] == CORE
    extended = {g.symbol for g in panel.genes if g.tier == "extended"}
    assert set(EXTENDED_MIN) <= extended


def test_genes_are_keyed_by_unique_hgnc_ids(panel):
    ids = [g.hgnc_id for g in panel.genes]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"HGNC:\d+", i) for i in ids)
    assert panel.gene("HGNC:18865").symbol == "KCNT1"
    assert panel.gene("QARS").symbol == "QARS1"  # the old symbol still finds the gene


def test_mane_transcripts_match_the_real_mane_table(panel):
    """Expected values from the Ensembl BioMart MANE table (tests/data/realdata/mane)."""
    with open(REAL / "mane" / "panel_genes_GRCh38_MANE_spans.tsv") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert len(rows) == 13
    for row in rows:
        g = panel.gene(row["gene"])
        assert g.ensembl_gene_id == row["ensembl_gene"].split(".")[0]
        assert g.mane_select["ensembl"] == row["mane_enst"]
        assert g.mane_select["refseq"] == row["refseq_nm"]


@pytest.mark.parametrize(
    "symbol, modes, mechanism, lof_ok",
    [
        ("KCNT1", ("AD",), "gain_of_function", False),
        ("SCN2A", ("AD",), "both", False),
        ("SCN1A", ("AD",), "loss_of_function", True),
        ("ALDH7A1", ("AR",), "loss_of_function", True),
        ("SLC12A5", ("AR",), "loss_of_function", True),
        ("PCDH19", ("X-linked-female-limited",), "loss_of_function", True),
        ("ATP7A", ("XLR",), "loss_of_function", True),
    ],
)
def test_inheritance_and_mechanism(panel, symbol, modes, mechanism, lof_ok):
    g = panel.gene(symbol)
    assert g.inheritance.value == modes
    assert g.mechanism.value == mechanism
    assert g.lof_accepted_for_phenotype is lof_ok


def test_pcdh19_female_limited_with_affected_mosaic_males(panel):
    detail = panel.gene("PCDH19").inheritance_detail
    assert detail["mosaic_males_affected"] is True
    assert detail["hemizygous_males_affected"] is False


@pytest.mark.parametrize(
    "symbol, direction, therapy_word",
    [
        ("KCNT1", "consider", "quinidine"),
        ("KCNT1", "consider", "ketogenic"),
        ("SLC12A5", "consider", "ketogenic"),
        ("SCN2A", "consider", "phenytoin"),
        ("SCN1A", "avoid", "sodium-channel"),
        ("ALDH7A1", "consider", "pyridoxine"),
        ("PNPO", "consider", "pyridoxal 5'-phosphate"),
    ],
)
def test_treatment_notes(panel, symbol, direction, therapy_word):
    notes = panel.gene(symbol).treatment_notes
    assert any(n.direction == direction and therapy_word in n.therapy.lower() for n in notes)
    assert all(n.sources for n in notes)


def test_carbamazepine_is_never_a_syndrome_wide_rule(panel, raw):
    mentions = {
        (g.symbol, n.direction)
        for g in panel.genes
        for n in g.treatment_notes
        if "carbamazepine" in (n.therapy + n.text).lower()
    }
    assert mentions == {("SCN2A", "consider"), ("SCN1A", "avoid")}
    for note in raw.get("disease_notes", []):
        if "carbamazepine" in note["text"].lower():
            assert note.get("direction") != "avoid"


def test_prognosis_groups_of_the_seed_cohort(panel):
    assoc = {g.symbol: g.prognosis.value for g in panel.genes if g.prognosis}
    for s in ("KCNT1", "SCN1A", "ALG1", "ATP7A", "WWOX"):
        assert assoc[s] == "poor"
    for s in ("PRRT2", "ALDH7A1", "PNPO"):
        assert assoc[s] == "better"
    assert assoc["SCN2A"] == "both"


def test_seed_figures_are_recorded_with_the_seed_as_source_and_unverified(panel):
    # Issue 12: the seed's Table 1 states 13, 14 and 6 of 36 patients; 17 of 36 causative,
    # 26 tested. Recorded with the seed as the only source, unverified; which marker each
    # Table 1 count belongs to is not known here, so no marker gets one (no guessing).
    markers = {n.get("marker", "").lower(): n for n in panel.disease_notes}
    for m in ("hypsarrhythmia", "burst suppression", "abnormal mri"):
        note = next(v for k, v in markers.items() if m in k)
        assert note["figure"] is None and note["verification"] == "U"
        assert note["sources"] == ["SEED"] and "not in the repository" in note["figure_note"]
    cohort = [n for n in panel.disease_notes if n["topic"] == "seed_cohort"]
    assert any("17 with a causative variant" in (n["figure"] or "") and "26 tested" in n["figure"]
               and "13, 14 and 6 of 36" in n["figure"] for n in cohort)  # fmt: skip
    inconsistent = next(n for n in cohort if n.get("marker") == "internal inconsistencies")
    assert "sum to 17" in inconsistent["text"] and "13" in inconsistent["text"]
    kcnt1 = panel.gene("KCNT1").prognosis
    assert "SEED" in kcnt1.sources and "seed" in kcnt1.note


def test_no_coordinates_in_the_panel():
    text = default_panel_path().read_text()
    assert not re.search(r"chr[0-9XY]+:\d", text)
    assert not re.search(r"\b\d{1,3}(,\d{3}){2,}\b", text), "looks like a genomic coordinate"


def _write(tmp_path, text):
    p = tmp_path / "panel.yaml"
    p.write_text(text)
    return p


def test_malformed_yaml_names_the_line(tmp_path):
    p = _write(tmp_path, "schema_version: 1\npanel: [unclosed\n")
    with pytest.raises(PanelError, match="line") as err:
        load_panel(p)
    assert str(p) in str(err.value)


def test_schema_violation_names_the_field(tmp_path, raw):
    bad = dict(raw)
    bad["genes"] = [dict(raw["genes"][0], tier="optional")]
    with pytest.raises(PanelError, match=r"genes/0/tier"):
        load_panel(_write(tmp_path, yaml.safe_dump(bad)))


def test_undefined_source_is_refused(tmp_path, raw):
    bad = dict(raw)
    gene = dict(raw["genes"][0])
    gene["mechanism"] = dict(gene["mechanism"], sources=["S999"])
    bad["genes"] = [gene]
    with pytest.raises(PanelError, match="S999"):
        load_panel(_write(tmp_path, yaml.safe_dump(bad)))


# ---------------------------------------------------------------- gene-specific ACMG settings
NA_CHANNEL_VCEP = ["SCN1A", "SCN2A", "SCN3A", "SCN8A", "SCN1B"]


def _acmg(panel, symbol, part):
    return panel.gene(symbol).acmg.get(part)


@pytest.mark.parametrize(
    "symbol, applicable, nmd_last_codon, verification",
    [
        ("KCNT1", False, None, "V"),
        ("KCNT2", False, None, "U"),
        ("SCN2A", True, 1591, "V2"),
        ("SCN3A", True, 1586, "V2"),
        ("SCN8A", True, 1582, "V2"),
        ("SCN1A", True, None, "V2"),  # the fact base gives no SCN1A codon
        ("SCN1B", "unknown", None, "U"),
        ("ALDH7A1", True, None, "V"),
        ("SLC12A5", True, None, "V"),
        ("PRRT2", True, None, "U"),
        ("KCNQ2", "unknown", None, "U"),
        ("TBC1D24", "unknown", None, "U"),
    ],
)
def test_pvs1_gate_and_vcep_nmd_codon(panel, symbol, applicable, nmd_last_codon, verification):
    pvs1 = _acmg(panel, symbol, "pvs1")
    assert pvs1["applicable"] is applicable or pvs1["applicable"] == applicable == "unknown"
    assert pvs1.get("nmd_last_codon") == nmd_last_codon
    assert pvs1["verification"] == verification


def test_pvs1_gate_agrees_with_the_mechanism(panel):
    for g in panel.genes:
        pvs1 = g.acmg.get("pvs1")
        if not pvs1:
            continue
        if pvs1["applicable"] is False:
            assert g.lof_accepted_for_phenotype is False, g.symbol
        # PVS1 allowed for the gene but LoF not the EIMFS mechanism: the report must say so.
        if pvs1["applicable"] is True and g.lof_accepted_for_phenotype is False:
            assert pvs1.get("phenotype_mismatch"), g.symbol


def test_scn2a_truncating_variants_are_flagged_as_not_explaining_eimfs(panel):
    text = _acmg(panel, "SCN2A", "pvs1")["phenotype_mismatch"]
    assert "EIMFS" in text and "neurodevelopmental" in text


@pytest.mark.parametrize(
    "symbol, first, last, inside, source",
    [
        ("SCN2A", [213, 231], [1761, 1774], [1311, 1354], "S22"),
        ("SCN1A", [212, 230], [1771, 1784], [1321, 1364], "S23"),
    ],
)
def test_pm1_pathogenic_enriched_regions_v2(panel, symbol, first, last, inside, source):
    pm1 = _acmg(panel, symbol, "pm1")
    regions = pm1["regions"]
    assert len(regions) == 16
    assert regions[0] == first and regions[-1] == last and inside in regions
    assert all(a <= b for a, b in regions)
    assert all(prev[1] < nxt[0] for prev, nxt in pairwise(regions)), "sorted, disjoint"
    assert pm1["verification"] == "V2" and pm1["sources"] == [source]
    assert [227, 247] not in regions  # an old v1 range


def test_pm1_regions_only_where_a_vcep_or_a_publication_gives_them(panel):
    assert {g.symbol for g in panel.genes if "pm1" in g.acmg} == {"SCN1A", "SCN2A", "KCNT1"}
    for g in panel.genes:
        if "pm1" in g.acmg:
            assert g.acmg["pm1"]["verification"] in ("V", "V2") and g.acmg["pm1"]["sources"]


@pytest.mark.parametrize(
    "symbol, pp3_max, bp4_max",
    [
        ("SCN1A", "Moderate", "Moderate"),
        ("SCN2A", "Moderate", "Moderate"),
        ("SCN3A", "Moderate", "Moderate"),
        ("SCN8A", "Moderate", "Moderate"),
        ("SCN1B", None, "Moderate"),  # section 6 names SCN1A/2A/3A/8A for the PP3 cap
        ("KCNT1", None, None),
    ],
)
def test_computational_caps(panel, symbol, pp3_max, bp4_max):
    comp = _acmg(panel, symbol, "computational") or {}
    assert comp.get("pp3_max") == pp3_max
    assert comp.get("bp4_max") == bp4_max


@pytest.mark.parametrize(
    "symbol, ba1_af, bs1_af, min_ac, min_an",
    [
        ("SCN2A", 2e-4, 2e-6, 5, 10000),
        ("SCN1A", 2e-4, 4e-6, 5, 10000),
    ],
)
def test_vcep_frequency_thresholds(panel, symbol, ba1_af, bs1_af, min_ac, min_an):
    freq = _acmg(panel, symbol, "frequency")
    assert freq["ba1_af"] == pytest.approx(ba1_af) and freq["bs1_af"] == pytest.approx(bs1_af)
    assert freq["bs1_af"] < freq["ba1_af"]
    assert (freq["min_ac"], freq["min_an"]) == (min_ac, min_an)
    assert freq["verification"] == "V2"


def test_scn2a_ba1_says_which_of_two_contradicting_values_it_uses(panel):
    note = _acmg(panel, "SCN2A", "frequency")["note"]
    assert "contradicts" in note and "0.02%" in note and "0.01%" in note


@pytest.mark.parametrize(
    "symbol, part, applicable, verification",
    [
        ("KCNT1", "pp2", True, "U"),
        ("KCNT1", "pp4", False, "V"),  # EIMFS is no single-gene phenotype (Richards PP4)
        ("KCNT1", "bp1", False, "V"),
        ("SCN2A", "pp2", False, "V2"),
        ("SCN2A", "pp4", False, "V2"),
        ("SCN1A", "pp2", False, "V2"),
        ("SCN1A", "pp4", False, "V2"),
        ("SCN8A", "pp2", False, "U"),  # extended from the SCN1A/SCN2A specifications
        ("SCN3A", "pp4", False, "U"),
    ],
)
def test_criterion_gates(panel, symbol, part, applicable, verification):
    entry = _acmg(panel, symbol, part)
    assert entry["applicable"] is applicable
    assert entry["verification"] == verification


@pytest.mark.parametrize("symbol", NA_CHANNEL_VCEP)
def test_sodium_channel_vcep_genes_have_pp2_pp4_bp1_off(panel, symbol):
    for part in ("pp2", "pp4", "bp1"):
        assert _acmg(panel, symbol, part)["applicable"] is False, part


def test_bp1_off_for_every_core_gene(panel):
    for g in panel.genes:
        if g.tier == "core":
            assert g.acmg["bp1"]["applicable"] is False, g.symbol


@pytest.mark.parametrize("symbol", ["KCNT1", "SCN2A", "SCN1A"])
def test_de_novo_phenotype_is_consistent_not_highly_specific(panel, symbol):
    # EIMFS has more than 20 genes: no gene-phenotype pair is marked highly specific.
    entry = _acmg(panel, symbol, "de_novo_phenotype")
    assert entry["specificity"] == "consistent" and entry["sources"]


def test_de_novo_specificity_set_only_where_the_fact_base_suggests_it(panel):
    assert {g.symbol for g in panel.genes if "de_novo_phenotype" in g.acmg} == {
        "KCNT1",
        "SCN2A",
        "SCN1A",
    }


@pytest.mark.parametrize(
    "symbol, heterozygotes, homozygotes, hemizygotes",
    [
        ("KCNT1", False, None, None),  # reduced penetrance (p.Arg398Gln)
        ("PRRT2", False, None, None),  # reduced penetrance
        ("SCN2A", True, None, None),  # heuristic: early onset, near full penetrance
        ("PCDH19", False, None, False),  # about 80% penetrance in females: off
        ("ATP7A", False, None, True),
        ("ALDH7A1", False, True, None),
        ("SLC12A5", False, True, None),
    ],
)
def test_bs2_genotypes_counted(panel, symbol, heterozygotes, homozygotes, hemizygotes):
    bs2 = _acmg(panel, symbol, "bs2")
    assert bs2.get("heterozygotes") is heterozygotes
    assert bs2.get("homozygotes") is homozygotes
    assert bs2.get("hemizygotes") is hemizygotes


def test_bs2_counts_homozygotes_in_every_recessive_gene(panel):
    recessive = [
        g for g in panel.genes if g.inheritance.value == ("AR",) and g.symbol != "SCN1B"
    ]  # SCN1B (DEE52 recessive) has no BS2 entry: the fact base gives none
    assert len(recessive) >= 11
    for g in recessive:
        bs2 = g.acmg["bs2"]
        assert bs2["homozygotes"] is True and bs2["heterozygotes"] is False, g.symbol


@pytest.mark.parametrize(
    "symbol, key, value, verification, source",
    [
        ("PRRT2", "hgvs_c", "c.649dup", "V2", "S34"),
        ("KCNT1", "hgvs_p", "p.(Arg398Gln)", "V", "S36"),
    ],
)
def test_reduced_penetrance_alleles(panel, symbol, key, value, verification, source):
    alleles = _acmg(panel, symbol, "reduced_penetrance_alleles")
    hit = [a for a in alleles if a.get(key) == value]
    assert len(hit) == 1
    assert hit[0]["verification"] == verification and source in hit[0]["sources"]
    assert "BS1/BS2" in hit[0]["note"]


def test_heuristic_acmg_settings_are_tagged_unverified(panel):
    """A rule the fact base calls its own suggestion must never read as established."""
    seen = 0
    for g in panel.genes:
        for part, entry in g.acmg.items():
            for e in entry if isinstance(entry, list) else [entry]:
                note = e.get("note", "").lower()
                if note.startswith(("heuristic", "fact base suggestion")):
                    seen += 1
                    assert e["verification"] == "U", (g.symbol, part)
    assert seen >= 4


@pytest.mark.parametrize(
    "part, bad, where",
    [
        ("computational", {"pp3_max": "High", "verification": "V2", "sources": ["S22"]},
         "acmg/computational/pp3_max"),
        ("pm1", {"regions": [[1, 2, 3]], "verification": "V2", "sources": ["S22"]},
         "acmg/pm1/regions/0"),
        ("pvs1", {"applicable": True, "sources": ["S22"]}, "acmg/pvs1"),
        ("frequency", {"ba1_af": 0, "verification": "V2", "sources": ["S22"]},
         "acmg/frequency/ba1_af"),
        ("pp2", {"applicable": True, "verification": "U", "sources": ["S999"]}, "S999"),
    ],
)  # fmt: skip
def test_malformed_acmg_settings_are_refused(tmp_path, raw, part, bad, where):
    data = copy.deepcopy(raw)
    data["genes"][0]["acmg"][part] = bad
    with pytest.raises(PanelError, match=re.escape(where)):
        load_panel(_write(tmp_path, yaml.safe_dump(data)))
