"""Whiffin's maximum credible allele frequency and tolerated allele count, and their use in
PM2 (recessive genes) and BS1."""

from __future__ import annotations

import dataclasses

import pytest

from mmpsi_variants.acmg.criterion import Context
from mmpsi_variants.acmg.evaluation import evaluate
from mmpsi_variants.acmg.frequency import gene_ceiling, max_credible_af, max_tolerated_ac
from mmpsi_variants.acmg.settings import AcmgSettings
from mmpsi_variants.core.settings import load_settings
from mmpsi_variants.panel.knowledge import load_panel
from mmpsi_variants.report.record import variant_from_json

PANEL = load_panel()
SETTINGS = AcmgSettings.from_settings(load_settings())


# (prevalence, allelic, genetic, penetrance, biallelic, expected)
FORMULA_CASES = [
    # domain.md 5h worked example: EIMFS 1/900,000, KCNT1 0.5 of cases, 0.1 per allele.
    (1 / 900_000, 0.1, 0.5, 0.5, False, 0.5 * (1 / 900_000) * 0.1 * 0.5 / 0.5),
    (1e-6, 0.5, 1.0, 1.0, True, 5e-4),  # sqrt(1e-6) * 0.5
    (1e-4, 1.0, 0.25, 1.0, True, 0.005),  # sqrt(1e-4) * sqrt(0.25)
    (1e-4, 1.0, 1.0, 0.25, False, 2e-4),  # lower penetrance raises the ceiling
]


@pytest.mark.parametrize("prev,allelic,genetic,pen,biallelic,expected", FORMULA_CASES)
def test_max_credible_af(prev, allelic, genetic, pen, biallelic, expected):
    got = max_credible_af(prev, allelic, genetic, pen, biallelic=biallelic)
    assert got == pytest.approx(expected, rel=1e-12)


def test_worked_example_magnitude():
    assert max_credible_af(1 / 900_000, 0.1, 0.5, 0.5, biallelic=False) == pytest.approx(
        5.6e-8, rel=0.01
    )


# Poisson 95% quantiles (R: qpois(0.95, lambda)).
@pytest.mark.parametrize(
    "an,af,expected", [(1000, 0.0, 0), (1000, 0.001, 3), (100_000, 1e-4, 15), (1, 0.5, 2)]
)
def test_max_tolerated_ac(an, af, expected):
    assert max_tolerated_ac(an, af) == expected


def test_max_tolerated_ac_for_a_large_mean():
    # lambda = 100,000: exp(-lambda) underflows; the quantile is near lambda + 1.645 sd.
    k = max_tolerated_ac(1_000_000, 0.1)
    assert 100_000 + 1.60 * 316.2 < k < 100_000 + 1.70 * 316.2
    with pytest.raises(ValueError):
        max_tolerated_ac(100, 0.1, confidence=1.0)


def test_gene_ceiling_forms():
    assert gene_ceiling("PNPO", None, biallelic=True) is None
    assert gene_ceiling("PNPO", 0.0005, biallelic=True).af == 0.0005
    params = {"prevalence": 1e-6, "allelic_heterogeneity": 0.5, "genetic_heterogeneity": 1.0,
              "penetrance": 1.0, "source": "curator X"}  # fmt: skip
    c = gene_ceiling("PNPO", params, biallelic=True)
    assert c.af == pytest.approx(5e-4) and "biallelic" in c.how and "curator X" in c.how


def _run(gene, population, ceilings):
    settings = dataclasses.replace(SETTINGS, max_credible_af=ceilings)
    v = {
        "chrom": "chr1", "pos": 100, "ref": "C", "alt": "T", "gene": gene,
        "zygosity": "heterozygous", "consequence": ["missense_variant"],
        "protein_position": "10", "hgvs_c": None, "hgvs_p": None, "nmd": None,
        "protein_fraction_removed": None, "lof_detail": None, "inheritance": [],
        "de_novo": None, "compound_het": None, "inheritance_fit": None,
        "population": population, "clinvar_status": "absent", "clinvar": None,
        "clinvar_protein": None, "scores": {"revel": None, "spliceai": None, "status": {}},
    }  # fmt: skip
    ctx = Context(settings=settings, panel_gene=PANEL.gene(gene))
    return {r.code: r for r in evaluate(variant_from_json(v), ctx)}


def _pop(faf, ac=20, an=100_000):
    return {"status": "found", "af": faf, "faf95_max": faf, "ac": ac, "an": an}


WHIFFIN_PNPO = {
    "prevalence": 1e-6,
    "allelic_heterogeneity": 0.5,
    "genetic_heterogeneity": 1.0,
    "penetrance": 1.0,
}  # fmt: skip  (biallelic ceiling 5e-4)

# (gene, population, settings ceilings, criterion, expected status, text in the reason)
CRITERIA_CASES = [
    # PNPO is recessive: without a ceiling PM2 uses the 1e-4 heuristic ...
    ("PNPO", _pop(3e-4), {}, "PM2", "not_met", "heuristic"),
    ("PNPO", _pop(3e-4), {}, "BS1", "not_evaluated", "acmg.max_credible_af"),
    # ... with Whiffin's parameters, 3e-4 is below the 5e-4 ceiling: PM2, not BS1.
    ("PNPO", _pop(3e-4), {"PNPO": WHIFFIN_PNPO}, "PM2", "met", "Whiffin biallelic"),
    ("PNPO", _pop(3e-4), {"PNPO": WHIFFIN_PNPO}, "BS1", "not_met", "Whiffin biallelic"),
    ("PNPO", _pop(8e-4), {"PNPO": WHIFFIN_PNPO}, "PM2", "not_met", "Whiffin"),
    ("PNPO", _pop(8e-4), {"PNPO": WHIFFIN_PNPO}, "BS1", "met", "Whiffin"),
    # A frequency given directly.
    ("PNPO", _pop(8e-4), {"PNPO": 0.001}, "BS1", "not_met", "settings"),
    # ATP7A is X-linked recessive: Whiffin's autosomal formulas do not apply, a frequency does.
    ("ATP7A", _pop(1e-4), {"ATP7A": WHIFFIN_PNPO}, "BS1", "not_evaluated", "max_credible_af"),
    # Without a usable ceiling an X-linked recessive gene takes the dominant-style count.
    ("ATP7A", _pop(1e-4), {"ATP7A": WHIFFIN_PNPO}, "PM2", "not_met", "more than 1"),
    ("ATP7A", _pop(1e-4), {"ATP7A": 1e-5}, "BS1", "met", "settings"),
    # The panel's VCEP value wins over the settings for SCN2A (2e-6 with AC >= 5).
    ("SCN2A", _pop(1e-5), {"SCN2A": 0.5}, "BS1", "met", "VCEP"),
]


@pytest.mark.parametrize("gene,pop,ceilings,code,status,text", CRITERIA_CASES)
def test_ceiling_in_criteria(gene, pop, ceilings, code, status, text):
    r = _run(gene, pop, ceilings)[code]
    assert r.status == status, r.reason
    assert text in r.reason


@pytest.mark.parametrize(
    "entry,ok",
    [
        ("0.0005", True),
        (
            "{prevalence: 1.0e-6, allelic_heterogeneity: 0.5, genetic_heterogeneity: 1,"
            " penetrance: 1, source: curator}",
            True,
        ),  # fmt: skip
        ("{prevalence: 1.0e-6}", False),  # parameters missing
        ("2", False),  # not a frequency
    ],
)
def test_settings_entry_is_validated(tmp_path, entry, ok):
    from mmpsi_variants.core.errors import ConfigError

    path = tmp_path / "settings.yaml"
    path.write_text(f"acmg:\n  max_credible_af:\n    PNPO: {entry}\n")
    if ok:
        assert "PNPO" in load_settings(path).section("acmg")["max_credible_af"]
    else:
        with pytest.raises(ConfigError, match="max_credible_af"):
            load_settings(path)
