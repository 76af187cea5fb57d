"""Issue 13: the per-sample HTML report, read as a geneticist reads it (and as an attacker)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from mmpsi_variants.cli import cli

from .conftest import DEMO
from .test_filter_demo import demo_vcf_text

AFFECTED = ["EIMFS01", *[f"EIMFS0{i}" for i in range(2, 8)]]
RESOURCES = [
    "--genes", DEMO / "genes.gff3", "--reference", DEMO / "genome.fa", "--build", "none",
    "--ped", DEMO / "demo.ped", "--gnomad", DEMO / "gnomad.demo.vcf.gz",
    "--clinvar", DEMO / "clinvar.demo.vcf.gz", "--scores", f"revel={DEMO / 'revel.demo.tsv.gz'}",
    "--scores", f"spliceai={DEMO / 'spliceai.demo.vcf.gz'}",
]  # fmt: skip


def _filter(vcf, out: Path, *extra) -> None:
    args = [
        "filter", vcf, *RESOURCES,
        *[a for s in AFFECTED for a in ("--phenotype", f"{s}=eeg: migrating_focal_seizures")],
        "-o", out, *extra,
    ]  # fmt: skip
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def _text(page: str) -> str:
    """The page as a reader sees it: no markup, no style, no script."""
    body = re.sub(r"<style>.*?</style>|<script>.*?</script>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def _coverage(sample: str) -> dict:
    exons = [
        {"gene": "KCNT1", "hgnc_id": "HGNC:18865", "transcript": "ENST00000371757.7", "exon": i,
         "exon_count": 3, "chrom": "chr9", "start": 100 * i, "end": 100 * i + 50, "length": 51,
         "mean_depth": d, "pct_at_min_depth": 100.0 if d >= 20 else 40.0,
         "bases_below_min_depth": 0 if d >= 20 else 30, "min_depth_observed": int(d) - 5}
        for i, d in ((1, 60.0), (2, 12.0), (3, 55.0))
    ]  # fmt: skip
    return {
        "sample": sample,
        "settings": {"min_depth": 20},
        "summary": {
            "exons": 3,
            "exons_below": 1,
            "bases": 153,
            "mean_depth": 42.3,
            "pct_at_min_depth": 80.0,
        },  # fmt: skip
        "genes": [
            {
                "gene": "KCNT1",
                "hgnc_id": "HGNC:18865",
                "transcript": "ENST00000371757.7",
                "exons": 3,
                "exons_below": 1,
                "bases": 153,
                "mean_depth": 42.3,
                "pct_at_min_depth": 80.0,
            }
        ],  # fmt: skip
        "exons": exons,
    }


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    work = tmp_path_factory.mktemp("html")
    cov = work / "EIMFS01.coverage.json"
    cov.write_text(json.dumps(_coverage("EIMFS01")))
    out = work / "out"
    _filter(DEMO / "demo.vcf.gz", out, "--onset", "EIMFS01=21", "--coverage", f"EIMFS01={cov}")
    return {p.name.removesuffix(".report.html"): p.read_text() for p in out.glob("*.report.html")}


def test_every_reported_sample_gets_a_self_contained_page(reports):
    assert len(reports) == 9
    for page in reports.values():
        # Nothing is fetched: no external script, style, font or image.
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
        assert "@import" not in page and "url(" not in page
        assert page.count("<script>") == 1  # our table sorter, allowed by its hash alone
        assert "Content-Security-Policy" in page and "script-src 'sha256-" in html.unescape(page)
        assert "For research use only; not a diagnostic report" in page


def test_the_kcnt1_proband_report_leads_with_the_kcnt1_variant_and_its_evidence(reports):
    text = _text(reports["EIMFS01"])
    candidates = text[text.index("Candidates") :]
    assert candidates.index("KCNT1") < candidates.index("ALDH7A1")
    assert "NM_020822.3(KCNT1):c.1420C>T" in text and "p.(Arg474Cys)" in text
    assert "de novo (confirmed)" in text
    assert "All 28 criteria" in text and "PS2_Moderate" in text and "PM1" in text
    for code in ("PVS1", "BS3", "BP7", "PP5"):  # every criterion is listed, retired ones too
        assert f" {code} " in text


def test_the_quinidine_note_shows_its_sources_and_its_caution(reports):
    text = _text(reports["EIMFS01"])
    notes = text[text.index("Gene notes") :]
    assert "consider quinidine" in notes and "44.6% (25/56)" in notes
    assert "caution quinidine" in notes and "QT" in notes
    assert "[S56] Gras M et al." in notes and "[S81] Mullen SA et al." in notes


def test_the_aldh7a1_pair_is_shown_with_the_pyridoxine_note(reports):
    text = _text(reports["EIMFS01"])
    assert "c.657+1G>A" in text and "p.(Glu427Gln)" in text
    notes = text[text.index("Gene notes") :]
    assert "ALDH7A1" in notes and "Pyridoxine" in notes


def test_the_scn1a_report_cautions_against_sodium_channel_blockers(reports):
    text = _text(reports["EIMFS03"])
    assert "avoid sodium-channel blockers" in text


def test_the_prrt2_variant_reads_as_a_phenotype_mismatch(reports):
    text = _text(reports["EIMFS03"])
    assert "Phenotype mismatch" in text and "self-limited infantile epilepsy" in text


def test_coverage_section_has_an_svg_per_gene_and_names_the_low_exons(reports):
    page = reports["EIMFS01"]
    cov = page[page.index('id="coverage"') :]
    assert "<svg" in cov and "stroke-dasharray" in cov  # the threshold line
    text = _text(cov)
    assert "KCNT1" in text and "80.0" in text and " 2 " in text  # exon 2 below 20x
    assert "mosaic allele needs about 7% of the reads" in _text(page)  # 3 reads at 42x
    # Without a coverage file the report says what that means.
    assert "Coverage was not measured" in _text(reports["EIMFS02"])


def test_a_sample_without_a_candidate_leads_with_coverage():
    from mmpsi_variants.report.html import report_html

    settings = {"build": "GRCh38", "panel": "mmpsi", "tiers": ["core"]}
    head = {"sample": "S1", "sex": "male", "sex_check": None, "parentage": None,
            "settings": settings, "inputs": [], "tool": "mmpsi-variants", "tool_version": "0",
            "warnings": []}  # fmt: skip
    page = report_html(head, [], family={"family": "F", "affected": "affected",
                       "phenotype_text": None, "onset_days": None}, disease_notes=[],
                       mane={}, coverage=_coverage("S1"))  # fmt: skip
    text = _text(page)
    assert text.index("No candidate") < text.index("Panel coverage") < text.index("Limitations")


def test_strings_from_the_vcf_are_escaped_and_no_script_runs(tmp_path):
    evil = "<script>alert(1)</script>\"'&/../x"
    vcf = tmp_path / "evil.vcf"
    vcf.write_text(demo_vcf_text().replace("\tEIMFS02\t", f"\t{evil}\t"))
    out = tmp_path / "out"
    _filter(vcf, out)
    pages = list(out.glob("*.report.html"))
    assert pages and all(p.parent == out for p in pages)
    assert not any(Path(tmp_path, n).exists() for n in ("x.report.html",))
    page = next(p for p in pages if "alert" in p.read_text()).read_text()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script>") == 1


def test_a_coverage_file_that_is_not_one_stops_the_run_with_one_line(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"sample": "EIMFS01"}')
    args = ["filter", DEMO / "demo.vcf.gz", *RESOURCES, "--coverage", f"EIMFS01={bad}",
            "-o", tmp_path / "out"]  # fmt: skip
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 2
    assert str(bad) in result.output and "expected the .coverage.json" in result.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.html"))


def test_next_steps_name_the_biochemical_test_of_a_treatable_cause(reports):
    text = _text(reports["EIMFS01"])
    steps = text[text.index("Next steps") : text.index("Limitations")]
    assert "alpha-aminoadipic semialdehyde" in steps and "[S93] Bok LA et al." in steps
    assert "vanillactic" in _text(reports["EIMFS04"])  # PNPO
    assert "plasma neurochemicals" in _text(reports["EIMFS05"])  # ATP7A


def test_the_candidates_table_names_each_candidates_flags(reports):
    page = reports["EIMFS03"]
    table = _text(
        page[page.index('id="answer"') : page.index("</table>", page.index('id="answer"'))]
    )
    assert "Phenotype mismatch" in table and "Treatable cause" in table


def test_next_steps_give_the_recurrence_risk_of_a_diagnostic_genotype(reports):
    from mmpsi_variants.report.html import recurrence

    steps = _text(reports["EIMFS01"])
    steps = steps[steps.index("Next steps") : steps.index("Limitations")]
    assert "germline mosaicism" in steps  # the de novo KCNT1, Likely pathogenic
    pair = {"inheritance": ["inherited_paternal", "compound_heterozygous"],
            "inheritance_fit": {"modes": ["AR"]}, "zygosity": "heterozygous"}  # fmt: skip
    assert "25%" in recurrence(pair)
    boy = {"inheritance": ["inherited_maternal"], "inheritance_fit": {"modes": ["XLR"]},
           "zygosity": "hemizygous"}  # fmt: skip
    assert "50% for each of her sons" in recurrence(boy)
    assert recurrence({"inheritance": [], "zygosity": "heterozygous"}) is None


def test_a_homozygote_without_parents_reads_origin_not_determined(reports):
    text = _text(reports["EIMFS04"])
    answer = text[text.index("Candidates") : text.index("1. PNPO")]
    assert "homozygous; origin not determined" in answer
