"""Cohort summary: one row per sample, and each sample's candidates in ACMG order.

The summary joins the sample sheet (family, sex, affection, EEG, MRI, age at onset), each
sample's filtered variants (``<sample>.variants.json``) and its panel coverage
(``<sample>.coverage.json``).

Candidates come from the filter's own assessment, in the filter's ranking (stated in every
output as ``ranking_rule``): the genotype's ACMG class (a recessive genotype counts as its
weaker allele, a lone allele of a recessive gene as uncertain at best), then the inheritance
fit, the variant's class and points, and the panel's EIMFS evidence for the gene. A candidate
is a PASS panel variant, with its best compound-heterozygous partner when the gene is
recessive, whose genotype is not classified (likely) benign and does not contradict the
gene's inheritance. Carriers in this cohort and whether the variant lies in a coding target
are shown beside it, not used to rank.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from mmpsi_variants import __version__
from mmpsi_variants.acmg.ranking import CLASS_ORDER
from mmpsi_variants.core.errors import InputFileError, SampleSheetError
from mmpsi_variants.core.intervals import IntervalIndex
from mmpsi_variants.core.variant import VariantKey
from mmpsi_variants.io.samplesheet import PHENOTYPE_COLUMNS, Sample
from mmpsi_variants.panel.knowledge import Panel
from mmpsi_variants.qc.coverage import ExonTarget
from mmpsi_variants.report.document import DISCLAIMER

RANKING_RULE = (
    "ACMG/AMP (mmpsi-variants filter): PASS panel variants whose genotype is not (likely) "
    "benign and does not contradict the gene's inheritance, ranked by the genotype's class (a "
    "recessive pair counts as its weaker allele; one allele of a recessive gene as uncertain "
    "at best), inheritance fit, the variant's class, its points, the panel's EIMFS evidence"
)
NOT_CANDIDATE_CLASSES = ("Likely benign", "Benign")


@dataclass(frozen=True)
class Candidate:
    sample: str
    gene: str
    hgnc_id: str
    variants: tuple[dict, ...]  # the ranked variant, then its recessive partner if any
    classification: str | None  # of the genotype
    fits: str | None
    cohort_carriers: int
    coding: bool | None  # None when no targets were given
    evidence: str
    tier: str
    confidence: str  # the panel's green / amber / red for the gene
    copy_number: dict | None = None  # a copy-number call: the candidate itself, or the partner

    @property
    def label(self) -> str:
        parts = [display_label(v) for v in self.variants]
        if self.copy_number is not None:
            parts.append(cnv_label(self.copy_number))
        return f"{self.gene} " + " + ".join(parts)

    def to_json(self, rank: int) -> dict:
        first = self.variants[0] if self.variants else self.copy_number or {}
        acmg = first.get("acmg") or {}
        return {
            "rank": rank,
            "gene": self.gene,
            "hgnc_id": self.hgnc_id,
            "label": self.label,
            "classification": self.classification,
            "classification_reason": (acmg.get("genotype") or {}).get("reason"),
            "fits": self.fits,
            "flags": [f["flag"] for f in acmg.get("flags") or []],
            "cohort_carriers": self.cohort_carriers,
            "in_coding_target": self.coding,
            "eimfs_evidence": self.evidence,
            "tier": self.tier,
            "panel_confidence": self.confidence,
            "variants": [
                {
                    k: v.get(k)
                    for k in ("chrom", "pos", "ref", "alt", "genotype", "zygosity")
                    + ("allele_fraction", "depth", "hgvs_c", "hgvs_p")
                }
                | {
                    "classification": (v.get("acmg") or {}).get("classification"),
                    "points": (v.get("acmg") or {}).get("points"),
                    "criteria": (v.get("acmg") or {}).get("met"),
                    "filter_rank": v.get("rank"),
                }
                for v in self.variants
            ],
            "copy_number": None
            if self.copy_number is None
            else {
                k: self.copy_number.get(k)
                for k in ("call", "exons", "chrom", "start", "end", "copy_number", "zygosity")
                + ("hgvs_c", "origin")
            }
            | {
                "classification": self.copy_number["acmg"]["classification"],
                "points": self.copy_number["acmg"]["points"],
                "criteria": self.copy_number["acmg"]["met"],
            },
        }


def display_label(v: dict) -> str:
    """How a candidate's variant reads in the cohort table: chrom:pos ref>alt, the protein (or
    cDNA) change, and the zygosity."""
    change = v.get("hgvs_p") or v.get("hgvs_c")
    change = f" {change.split(':')[-1]}" if change else ""
    return f"{v['chrom']}:{v['pos']} {v['ref']}>{v['alt']}{change} ({v['zygosity']})"


def cnv_label(c: dict) -> str:
    """A copy-number call as the cohort table reads it."""
    exons = f"exon{'s' if '-' in c['exons'] else ''} {c['exons']}"
    return f"{c['call']} of {exons} (copy number {c['copy_number']}, {c['zygosity']})"


def _genotype_class(v: dict) -> str | None:
    acmg = v.get("acmg") or {}
    return (acmg.get("genotype") or {}).get("classification") or acmg.get("classification")


def rank_candidates(
    sample: str,
    variants: list[dict],
    panel: Panel,
    carriers: dict[VariantKey, int],
    targets: IntervalIndex | None,
    copy_number: list[dict] | None = None,
) -> list[Candidate]:
    """The sample's candidates, best first: its variants in the order the filter ranked them,
    each copy-number call placed before the first whose genotype class is weaker."""
    sequence = _sequence_candidates(sample, variants, panel, carriers, targets, copy_number or [])
    paired = {c.copy_number["exons"] + c.gene for c in sequence if c.copy_number}
    out = list(sequence)
    for call in copy_number or []:
        cls = call["acmg"]["genotype"]["classification"]
        if cls in NOT_CANDIDATE_CLASSES or call["exons"] + call["gene"] in paired:
            continue
        pg = panel.gene(call["hgnc_id"])
        if pg is None:
            continue
        at = next(
            (i for i, c in enumerate(out) if _order(c.classification) > _order(cls)), len(out)
        )
        out.insert(at, Candidate(
            sample=sample, gene=pg.symbol, hgnc_id=pg.hgnc_id, variants=(), classification=cls,
            fits=None, cohort_carriers=1, coding=True if targets is not None else None,
            evidence=pg.eimfs_evidence.value, tier=pg.tier, confidence=pg.confidence,
            copy_number=call,
        ))  # fmt: skip
    return out


def _event_named(named: str, copy_number: list[dict]) -> dict | None:
    """The copy-number call a genotype names as its partner ("ALDH7A1 deletion of exon 7")."""
    for c in copy_number:
        if named.startswith(c["gene"] + " ") and named.endswith(" " + c["exons"]):
            return c
    return None


def _order(cls: str | None) -> int:
    return CLASS_ORDER.get(cls, 2)


def _sequence_candidates(
    sample: str,
    variants: list[dict],
    panel: Panel,
    carriers: dict[VariantKey, int],
    targets: IntervalIndex | None,
    copy_number: list[dict],
) -> list[Candidate]:
    passing = [
        v
        for v in variants
        if v.get("hgnc_id") and v.get("filter") in (None, "PASS") and panel.gene(v["hgnc_id"])
    ]
    # Looked up with the partner's label, None when a variant has no partner.
    by_label: dict[str | None, dict] = {VariantKey.of(v).label: v for v in passing}
    out, seen = [], set()
    for v in sorted(passing, key=lambda v: (v.get("rank") is None, v.get("rank") or 0)):
        fit = v.get("inheritance_fit") or {}
        cls = _genotype_class(v)
        if cls in NOT_CANDIDATE_CLASSES or fit.get("fit") == "no":
            continue
        named = ((v.get("acmg") or {}).get("genotype") or {}).get("partner")
        partner = by_label.get(named)
        group = (v, partner) if partner else (v,)
        # A partner that is no variant is a copy-number call (with_copy_number_partners).
        event = None if partner or not named else _event_named(named, copy_number)
        if frozenset(VariantKey.of(w) for w in group) in seen:
            continue
        seen.add(frozenset(VariantKey.of(w) for w in group))
        pg = panel.gene(v["hgnc_id"])
        assert pg is not None  # passing variants are in panel genes
        coding = None
        if targets is not None:
            coding = all(
                bool(targets.overlapping(w["chrom"], w["pos"], w["pos"] + len(w["ref"]) - 1))
                for w in group
            )
        out.append(
            Candidate(
                sample=sample,
                gene=pg.symbol,
                hgnc_id=pg.hgnc_id,
                variants=group,
                classification=cls,
                fits=f"{fit['fit']}: {fit['reason']}" if fit.get("fit") else None,
                cohort_carriers=max(carriers.get(VariantKey.of(w), 1) for w in group),
                coding=coding,
                evidence=pg.eimfs_evidence.value,
                tier=pg.tier,
                confidence=pg.confidence,
                copy_number=event,
            )
        )
    return out


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
    "top_candidate_class",
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
    "classification",
    "fits",
    "cohort_carriers",
    "in_coding_target",
    "eimfs_evidence",
    "tier",
    "panel_confidence",
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

    carriers: dict[VariantKey, int] = defaultdict(int)
    for doc in variant_docs.values():
        for k in {VariantKey.of(v) for v in doc["variants"] if v.get("filter") in (None, "PASS")}:
            carriers[k] += 1
    target_index = IntervalIndex(targets) if targets else None

    summary_rows = ["\t".join(SUMMARY_COLUMNS)]
    cand_rows = ["\t".join(CANDIDATE_COLUMNS)]
    per_sample: dict[str, dict] = {}
    for sid, s in samples.items():
        doc = variant_docs[sid]
        cnv = (doc.get("copy_number") or {}).get("candidates") or []
        cands = rank_candidates(sid, doc["variants"], panel, carriers, target_index, cnv)
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
            "top_candidate_class": top.classification if top else None,
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
                "variants": c.label.removeprefix(f"{c.gene} "),
                "classification": c.classification,
                "fits": c.fits,
                "cohort_carriers": c.cohort_carriers,
                "in_coding_target": c.coding,
                "eimfs_evidence": c.evidence,
                "tier": c.tier,
                "panel_confidence": c.confidence,
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
