"""Issue 13: the cohort summary (HTML and TSV), built with pandas from the cohort document."""

from __future__ import annotations

import csv
import io

from mmpsi_variants.panel.knowledge import load_panel
from mmpsi_variants.report.cohort_summary import summary_html, summary_tsv, tables

PANEL = load_panel()


def _sample(sid, affected, top=None, candidates=(), **phenotype):
    return {"sample": sid, "family": sid[:7], "affected": affected, "phenotype": phenotype,
            "variants_reported": 3, "top_candidate": top,
            "candidates": [{"rank": i + 1, "label": c[0], "classification": c[1]}
                           for i, c in enumerate(candidates)]}  # fmt: skip


COHORT = {
    "tool": "mmpsi-variants", "tool_version": "0", "panel": "mmpsi", "ranking_rule": "rule",
    "samples": [
        _sample("EIMFS01", "yes", {"gene": "KCNT1", "classification": "Likely pathogenic"},
                [("KCNT1 p.(Arg474Cys)", "Likely pathogenic"), ("ALDH7A1 pair", "VUS")],
                eeg="migrating_focal_seizures;hypsarrhythmia", mri="abnormal",
                seizure_control="ineffective", deceased="no"),
        _sample("EIMFS02", "yes", {"gene": "SCN2A", "classification": "Uncertain significance"},
                [("SCN2A p.(Asp1545Glu)", "Uncertain significance")], eeg="burst_suppression",
                mri="normal", seizure_control="effective", deceased="no"),
        _sample("EIMFS03", "yes", {"gene": "KCNT1", "classification": "Pathogenic"},
                [("KCNT1 x", "Pathogenic")], seizure_control="ineffective", deceased="yes"),
        _sample("EIMFS01_FA", "no"),
    ],
}  # fmt: skip


def test_yield_genes_and_all_candidates():
    t = tables(COHORT, PANEL.disease_notes)
    assert t["yield"][0]["ours"] == "2 of 3" and t["yield"][0]["ours_pct"] == "67%"
    # The seed's totals come from the knowledge base's seed_cohort note.
    assert t["yield"][0]["seed"] == "17 of 36" and t["yield"][1]["seed"] == "17 of 26"
    assert t["genes"] == [{"gene": "KCNT1", "samples": 2}]
    page = summary_html(t, COHORT)
    assert "ALDH7A1 pair" in page  # every candidate, not only the top one
    unaffected = page[page.index("Unaffected relatives") :]
    assert "EIMFS01_FA" in unaffected and "EIMFS01_FA" not in page[: page.index("Unaffected")]


def test_outcome_tables_when_the_sheet_has_outcomes():
    t = tables(COHORT, PANEL.disease_notes)
    control = {r["value"]: r["ours"] for r in t["outcomes"] if r["outcome"] == "seizure_control"}
    assert control == {"ineffective": 2, "effective": 1}
    hyps = [r for r in t["indicators"] if r["indicator"] == "hypsarrhythmia" and r["present"]]
    assert {(r["seizure_control"], r["ours"]) for r in hyps} == {
        ("ineffective", 1),
        ("effective", 0),
    }
    rows = list(csv.reader(io.StringIO(summary_tsv(t)), delimiter="\t"))
    assert rows[0] == ["table", "row", "ours", "ours_pct", "seed", "seed_pct"]
    assert ["genes", "KCNT1", "2", "", "", ""] in rows


def test_without_outcomes_the_page_says_so():
    bare = {**COHORT, "samples": [
        {**s, "phenotype": {k: v for k, v in s["phenotype"].items() if k in ("eeg", "mri")}}
        for s in COHORT["samples"]
    ]}  # fmt: skip
    t = tables(bare, PANEL.disease_notes)
    assert t["outcomes"] == [] and "no outcome columns" in summary_html(t, bare)


def test_strings_are_escaped_in_the_summary():
    evil = {**COHORT, "samples": [_sample("<script>x</script>", "yes", None)]}
    page = summary_html(tables(evil, PANEL.disease_notes), evil)
    assert "<script>x" not in page and "&lt;script&gt;x" in page
