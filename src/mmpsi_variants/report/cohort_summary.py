"""The cohort at a glance: diagnostic yield, the genes implicated, every affected sample with
all its candidates, and, when the sample sheet carries outcomes, the seed's three tables.

Built with pandas from the cohort document of :func:`~mmpsi_variants.report.cohort.summarise`.
The seed's figures stand beside ours where the knowledge base records them (only its cohort
totals are known; which of its Table 1 counts belongs to which row is not), always labelled as
one retrospective cohort, unverified.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from mmpsi_variants.report.document import DISCLAIMER
from mmpsi_variants.report.html import TEMPLATES

DIAGNOSTIC = ("Pathogenic", "Likely pathogenic")
OUTCOMES = ("seizure_control", "development", "deceased")
# The patient's indicators as the sample sheet writes them.
INDICATORS = {
    "hypsarrhythmia": lambda p: "hypsarrhythmia" in (p.get("eeg") or ""),
    "burst suppression": lambda p: "burst_suppression" in (p.get("eeg") or ""),
    "abnormal MRI": lambda p: (p.get("mri") or "") == "abnormal",
}
# The seed cohort's totals, as the knowledge base's seed_cohort note records them.
_SEED_FIGURE = re.compile(r"(\d+) patients; (\d+) tested; (\d+) with a causative variant")
_NOT_RECORDED = "not recorded (the seed is not in the repository)"


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:.0f}%" if d else "—"


def _frame(cohort: Mapping[str, Any]) -> pd.DataFrame:
    rows = []
    for s in cohort["samples"]:
        top = s["top_candidate"] or {}
        rows.append(
            {
                "sample": s["sample"],
                "family": s["family"],
                "affected": s["affected"],
                "diagnostic": top.get("classification") in DIAGNOSTIC,
                "top_gene": top.get("gene"),
                **{o: s["phenotype"].get(o) or "not recorded" for o in OUTCOMES},
                **{k: f(s["phenotype"]) for k, f in INDICATORS.items()},
            }
        )
    return pd.DataFrame(rows)


def _seed_totals(notes: Sequence[Mapping[str, Any]]) -> dict[str, int] | None:
    for n in notes:
        m = _SEED_FIGURE.search(n.get("figure") or "")
        if n.get("topic") == "seed_cohort" and m:
            return dict(zip(("patients", "tested", "causative"), map(int, m.groups()), strict=True))
    return None


def _seed(totals: dict[str, int] | None, of: str) -> tuple[str, str]:
    if totals is None:
        return _NOT_RECORDED, ""
    return f"{totals['causative']} of {totals[of]}", _pct(totals["causative"], totals[of])


def tables(cohort: Mapping[str, Any], disease_notes: Sequence[Mapping[str, Any]]) -> dict:
    """The summary's tables, as plain lists (for the TSV and the page)."""
    df = _frame(cohort)
    totals = _seed_totals(disease_notes)
    affected = df[df.affected == "yes"]
    n = len(affected)
    solved = affected[affected.diagnostic]
    yield_rows = []
    for measure, of in (
        ("affected samples with a P/LP genotype", "patients"),
        ("of those tested (every sample analysed here was tested)", "tested"),
    ):
        seed, seed_pct = _seed(totals, of)
        yield_rows.append(
            {
                "measure": measure,
                "ours": f"{len(solved)} of {n}",
                "ours_pct": _pct(len(solved), n),
                "seed": seed,
                "seed_pct": seed_pct,
            }
        )
    # fmt: skip
    genes = solved.groupby("top_gene").size().sort_values(ascending=False)
    gene_rows = [{"gene": g, "samples": int(k)} for g, k in genes.items()]
    outcomes_known = [o for o in OUTCOMES if (affected[o] != "not recorded").any()]
    outcome_rows = []
    for o in outcomes_known:
        for value, k in affected[o].value_counts().items():
            outcome_rows.append({"outcome": o, "value": value, "ours": int(k),
                                 "ours_pct": _pct(int(k), n), "seed": _NOT_RECORDED})  # fmt: skip
    indicator_rows = []
    if "seizure_control" in outcomes_known:
        for name in INDICATORS:
            table = pd.crosstab(affected[name], affected["seizure_control"])
            for present, row in table.iterrows():
                for control, k in row.items():
                    indicator_rows.append({"indicator": name, "present": bool(present),
                                           "seizure_control": control, "ours": int(k)})  # fmt: skip
    seed_notes = [d for d in disease_notes if d.get("topic") == "seed_cohort"]
    return {
        "affected": n,
        "yield": yield_rows,
        "genes": gene_rows,
        "outcomes": outcome_rows,
        "indicators": indicator_rows,
        "seed_notes": seed_notes,
        "samples": cohort["samples"],
    }


def summary_tsv(t: Mapping[str, Any]) -> str:
    """The tables in one long TSV: table, row, our figure, the seed's."""
    rows = [("table", "row", "ours", "ours_pct", "seed", "seed_pct")]
    rows += [("yield", r["measure"], r["ours"], r["ours_pct"], r["seed"], r["seed_pct"])
             for r in t["yield"]]  # fmt: skip
    rows += [("genes", r["gene"], str(r["samples"]), "", "", "") for r in t["genes"]]
    rows += [("outcomes", f"{r['outcome']}={r['value']}", str(r["ours"]), r["ours_pct"],
              r["seed"], "") for r in t["outcomes"]]  # fmt: skip
    rows += [("indicator_vs_seizure_control",
              f"{r['indicator']} {'present' if r['present'] else 'absent'}, {r['seizure_control']}",
              str(r["ours"]), "", "", "") for r in t["indicators"]]  # fmt: skip
    return "".join("\t".join(x.replace("\t", " ") for x in r) + "\n" for r in rows)


def summary_html(t: Mapping[str, Any], head: Mapping[str, Any]) -> str:
    return TEMPLATES.get_template("cohort.html.j2").render(t=t, head=head, disclaimer=DISCLAIMER)
