"""Cohort summary: one row per sample, and an interim ranking of candidate variants.

The summary joins the sample sheet (family, sex, affection, EEG, MRI, age at onset), each
sample's filtered variants (``<sample>.variants.json``) and its panel coverage
(``<sample>.coverage.json``).

Until ACMG scoring exists, the **top candidate** of a sample is chosen by a transparent interim
rule (stated in every output as ``ranking_rule``), not by pathogenicity:

1. candidates are the sample's PASS panel variants whose genotype fits an inheritance mode the
   panel gives the gene: AD/XLD any carrier; AR a homozygote or two different variants in the
   gene (a possible compound heterozygote; phase is not checked); XLR a hemizygous male or a
   homozygous female; X-linked female-limited (PCDH19) a heterozygous or homozygous female, or
   a male whose call is heterozygous (a possible mosaic), since the panel says mosaic males are
   affected and hemizygous males are not;
2. ranked by: inside a coding target (coding exon plus splice margin of the primary transcript)
   first; then fewer carriers in this cohort (the rarest first; for a pair, its commoner
   allele); then the panel's EIMFS evidence level for the gene; then core before extended tier;
   then position.

Cohort rarity is a weak stand-in for population frequency in a small cohort; a later issue
replaces this ranking with ACMG classification.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from . import __version__
from .calls import FEMALE, MALE
from .coverage import ExonTarget
from .errors import InputFileError, SampleSheetError
from .filtering import DISCLAIMER
from .panel import Panel, PanelGene
from .regions import IntervalIndex
from .samplesheet import PHENOTYPE_COLUMNS, Sample

EVIDENCE_ORDER = ("definitive", "strong", "moderate", "limited", "seed_only")
RANKING_RULE = (
    "interim (no ACMG scoring yet): PASS panel variants whose genotype fits an inheritance mode "
    "of the gene (AD/XLD any carrier; AR homozygous or two variants in the gene, phase not "
    "checked; XLR hemizygous male or homozygous female; X-linked female-limited heterozygous "
    "female or possibly mosaic male), ranked by: in a coding target first, fewest carriers in "
    "this cohort, the panel's EIMFS evidence level, core tier, position"
)


@dataclass(frozen=True)
class Candidate:
    sample: str
    gene: str
    hgnc_id: str
    variants: tuple[dict, ...]
    fits: str
    cohort_carriers: int
    coding: bool | None  # None when no targets were given
    evidence: str
    tier: str

    def sort_key(self) -> tuple:
        first = self.variants[0]
        return (
            self.coding is False,
            self.cohort_carriers,
            EVIDENCE_ORDER.index(self.evidence) if self.evidence in EVIDENCE_ORDER else 99,
            0 if self.tier == "core" else 1,
            first["chrom"],
            first["pos"],
        )

    @property
    def label(self) -> str:
        return f"{self.gene} " + " + ".join(variant_label(v) for v in self.variants)

    def to_json(self, rank: int) -> dict:
        return {
            "rank": rank,
            "gene": self.gene,
            "hgnc_id": self.hgnc_id,
            "label": self.label,
            "fits": self.fits,
            "cohort_carriers": self.cohort_carriers,
            "in_coding_target": self.coding,
            "eimfs_evidence": self.evidence,
            "tier": self.tier,
            "variants": [
                {
                    k: v.get(k)
                    for k in ("chrom", "pos", "ref", "alt", "genotype", "zygosity")
                    + ("allele_fraction", "depth")
                }
                for v in self.variants
            ],
        }


def variant_label(v: dict) -> str:
    return f"{v['chrom']}:{v['pos']} {v['ref']}>{v['alt']} ({v['zygosity']})"


def _key(v: dict) -> tuple:
    return (v["chrom"], v["pos"], v["ref"], v["alt"])


def _fits(pg: PanelGene, variants: list[dict], sex: str) -> list[tuple[tuple[dict, ...], str]]:
    """The (variants, inheritance-mode wording) groups of one gene that fit the gene's modes."""
    out: list[tuple[tuple[dict, ...], str]] = []
    detail = pg.inheritance_detail or {}
    for mode in pg.inheritance.value:
        if mode in ("AD", "XLD"):
            out += [((v,), mode) for v in variants]
        elif mode == "AR":
            out += [((v,), "AR homozygous") for v in variants if v["zygosity"] == "homozygous"]
            hets = [v for v in variants if v["zygosity"] == "heterozygous"]
            out += [
                ((a, b), "AR possible compound heterozygous (phase not checked)")
                for a, b in combinations(hets, 2)
            ]
        elif mode == "XLR":
            for v in variants:
                if (sex == MALE and v["zygosity"] == "hemizygous") or (
                    sex != MALE and v["zygosity"] == "homozygous"
                ):
                    out.append(((v,), "XLR"))
        elif mode == "X-linked-female-limited":
            for v in variants:
                if sex == FEMALE and v["zygosity"] in ("heterozygous", "homozygous"):
                    out.append(((v,), "X-linked female-limited (female carrier)"))
                elif (
                    sex == MALE
                    and v["zygosity"] == "heterozygous"
                    and detail.get("mosaic_males_affected", False)
                ):
                    out.append(((v,), "X-linked female-limited (male, possible mosaic)"))
                elif (
                    sex == MALE
                    and v["zygosity"] == "hemizygous"
                    and detail.get("hemizygous_males_affected", False)
                ):
                    out.append(((v,), "X-linked female-limited (hemizygous male)"))
    seen, unique = set(), []
    for group, mode in out:
        k = tuple(_key(v) for v in group)
        if k not in seen:
            seen.add(k)
            unique.append((group, mode))
    return unique


def rank_candidates(
    sample: str,
    sex: str,
    variants: list[dict],
    panel: Panel,
    carriers: dict[tuple, int],
    targets: IntervalIndex | None,
) -> list[Candidate]:
    """The sample's candidates under the interim rule, best first."""
    by_gene: dict[str, list[dict]] = defaultdict(list)
    for v in variants:
        if v.get("hgnc_id") and (v.get("filter") in (None, "PASS")):
            by_gene[v["hgnc_id"]].append(v)
    out = []
    for hgnc, vs in by_gene.items():
        pg = panel.gene(hgnc)
        if pg is None:
            continue
        for group, mode in _fits(pg, vs, sex):
            coding = None
            if targets is not None:
                coding = all(
                    bool(targets.overlapping(v["chrom"], v["pos"], v["pos"] + len(v["ref"]) - 1))
                    for v in group
                )
            out.append(
                Candidate(
                    sample=sample,
                    gene=pg.symbol,
                    hgnc_id=pg.hgnc_id,
                    variants=group,
                    fits=mode,
                    cohort_carriers=max(carriers.get(_key(v), 1) for v in group),
                    coding=coding,
                    evidence=pg.eimfs_evidence.value,
                    tier=pg.tier,
                )
            )
    return sorted(out, key=Candidate.sort_key)


def _load_json(path: str | Path, what: str) -> dict:
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"file not found; expected {what}", path=str(path))
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputFileError(
            f"not valid JSON ({exc.msg}); expected {what}",
            path=str(path),
            where=f"line {exc.lineno}",
        ) from None
    if not isinstance(doc, dict) or "sample" not in doc:
        raise InputFileError(f"expected {what} with a 'sample' field", path=str(path))
    return doc


@dataclass(frozen=True)
class CohortResult:
    summary_tsv: str
    candidates_tsv: str
    cohort: dict
    per_sample: dict[str, dict]


SUMMARY_COLUMNS = (
    "sample",
    "family",
    "sex",
    "affected",
    *PHENOTYPE_COLUMNS,
    "variants_reported",
    "candidates",
    "top_candidate",
    "top_candidate_fits",
    "coverage_exons",
    "coverage_exons_below",
    "coverage_mean_depth",
    "coverage_pct_at_min_depth",
)
CANDIDATE_COLUMNS = (
    "sample",
    "rank",
    "gene",
    "hgnc_id",
    "variants",
    "fits",
    "cohort_carriers",
    "in_coding_target",
    "eimfs_evidence",
    "tier",
)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("\t", " ").replace("\n", " ")


def summarise(
    samples: dict[str, Sample],
    variant_files: list[str | Path],
    coverage_files: list[str | Path],
    panel: Panel,
    targets: list[ExonTarget] | None = None,
) -> CohortResult:
    """Join sheet, variants and coverage; rank candidates; build every output."""
    variant_docs: dict[str, dict] = {}
    for path in variant_files:
        doc = _load_json(path, "a <sample>.variants.json from mmpsi-variants filter")
        variant_docs[doc["sample"]] = doc
    coverage_docs: dict[str, dict] = {}
    for path in coverage_files:
        doc = _load_json(path, "a <sample>.coverage.json from mmpsi-variants coverage")
        coverage_docs[doc["sample"]] = doc
    for name, docs in (("variants", variant_docs), ("coverage", coverage_docs)):
        unknown = sorted(set(docs) - set(samples))
        if unknown:
            raise SampleSheetError(
                f"{name} file(s) for sample(s) not in the samples sheet: {', '.join(unknown)}"
            )
    absent = [s for s in samples if s not in variant_docs]
    if absent:
        raise InputFileError(
            f"no variants file for sample(s) {', '.join(absent)}; expected one "
            "<sample>.variants.json per sample of the sheet"
        )

    carriers: dict[tuple, int] = defaultdict(int)
    for doc in variant_docs.values():
        for k in {_key(v) for v in doc["variants"] if v.get("filter") in (None, "PASS")}:
            carriers[k] += 1
    target_index = IntervalIndex(targets) if targets else None

    summary_rows = ["\t".join(SUMMARY_COLUMNS)]
    cand_rows = ["\t".join(CANDIDATE_COLUMNS)]
    per_sample: dict[str, dict] = {}
    for sid, s in samples.items():
        doc = variant_docs[sid]
        cands = rank_candidates(sid, s.sex, doc["variants"], panel, carriers, target_index)
        cov = coverage_docs.get(sid)
        top = cands[0] if cands and s.is_affected else None
        entry = {
            "sample": sid,
            "family": s.family,
            "sex": s.sex,
            "affected": s.affected,
            "phenotype": {c: s.phenotype.get(c) for c in PHENOTYPE_COLUMNS}
            | {k: v for k, v in s.phenotype.items() if k not in PHENOTYPE_COLUMNS},
            "variants_reported": len(doc["variants"]),
            "top_candidate": top.to_json(1) if top else None,
            "candidates": [c.to_json(i + 1) for i, c in enumerate(cands)],
            "coverage": None
            if cov is None
            else {
                "summary": cov["summary"],
                "min_depth": cov["settings"].get("min_depth"),
                "exons_below": [
                    f"{e['gene']} exon {e['exon']}/{e['exon_count']}" for e in cov["exons_below"]
                ],
            },
        }
        per_sample[sid] = entry
        cs = cov["summary"] if cov else {}
        row = {
            "sample": sid,
            "family": s.family,
            "sex": s.sex,
            "affected": s.affected,
            **{c: s.phenotype.get(c) for c in PHENOTYPE_COLUMNS},
            "variants_reported": len(doc["variants"]),
            "candidates": len(cands),
            "top_candidate": top.label if top else None,
            "top_candidate_fits": top.fits if top else None,
            "coverage_exons": cs.get("exons"),
            "coverage_exons_below": cs.get("exons_below"),
            "coverage_mean_depth": cs.get("mean_depth"),
            "coverage_pct_at_min_depth": cs.get("pct_at_min_depth"),
        }
        summary_rows.append("\t".join(_cell(row[c]) for c in SUMMARY_COLUMNS))
        for i, c in enumerate(cands, 1):
            crow = {
                "sample": sid,
                "rank": i,
                "gene": c.gene,
                "hgnc_id": c.hgnc_id,
                "variants": " + ".join(variant_label(v) for v in c.variants),
                "fits": c.fits,
                "cohort_carriers": c.cohort_carriers,
                "in_coding_target": c.coding,
                "eimfs_evidence": c.evidence,
                "tier": c.tier,
            }
            cand_rows.append("\t".join(_cell(crow[k]) for k in CANDIDATE_COLUMNS))
    head = {
        "tool": "mmpsi-variants",
        "tool_version": __version__,
        "disclaimer": DISCLAIMER,
        "panel": f"{panel.id} {panel.version}",
        "ranking_rule": RANKING_RULE,
    }
    cohort = {**head, "samples": list(per_sample.values())}
    per_sample_docs = {sid: {**head, **entry} for sid, entry in per_sample.items()}
    return CohortResult(
        "\n".join(summary_rows) + "\n", "\n".join(cand_rows) + "\n", cohort, per_sample_docs
    )
