"""The bundled panel knowledge base: schema, contents and the rules its facts must follow."""

import csv
import re

import jsonschema
import pytest
import yaml

from mmpsi_variants.errors import PanelError
from mmpsi_variants.panel import default_panel_path, load_panel, panel_schema

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


def test_disease_notes_name_the_eeg_and_mri_markers_without_inventing_figures(panel):
    markers = {n.get("marker", "").lower(): n for n in panel.disease_notes}
    for m in ("hypsarrhythmia", "burst suppression", "abnormal mri"):
        note = next(v for k, v in markers.items() if m in k)
        # domain.md has no figures for these: they must stay unverified and empty.
        assert note["figure"] is None and note["verification"] == "U"


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
