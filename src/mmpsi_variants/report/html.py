"""The per-sample HTML report: one self-contained page, the answer first, then its reasons.

Rendered with jinja2 from the sample's JSON document (the contract) with autoescaping on, so
every string that came from a VCF, PED, sample sheet or resource is escaped. The page fetches
nothing: its style and its one script (table sorting) are inline, and a Content-Security-Policy
allows that script by its hash and nothing else, so a string that escaped the escaping still
could not run. The coverage plots are inline SVG.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from mmpsi_variants.report.document import DISCLAIMER
from mmpsi_variants.report.tables import refseq_hgvs

_CANDIDATE_CLASSES = ("Pathogenic", "Likely pathogenic", "Uncertain significance")
_CLASS_CSS = {
    "Pathogenic": "p",
    "Likely pathogenic": "lp",
    "Uncertain significance": "vus",
    "Likely benign": "lb",
    "Benign": "b",
}
# How the inheritance tags read in a sentence.
_ORIGIN_WORDS = {
    "de_novo": "de novo",
    "inherited_paternal": "inherited from the father",
    "inherited_maternal": "inherited from the mother",
    "mosaic": "possibly mosaic",
    "parental_mosaic": "a parent is possibly mosaic",
    "compound_heterozygous": "compound heterozygous",
    "possible_compound_heterozygous": "possibly compound heterozygous (phase unknown)",
    "homozygous": "homozygous",
    "hemizygous": "hemizygous",
    "mendelian_error": "Mendelian error",
}
_ORIGIN_TAGS = {
    "de_novo", "inherited_paternal", "inherited_maternal", "mosaic", "parental_mosaic",
    "mendelian_error",
}  # fmt: skip
_FLAG_WORDS = {
    "mechanism_mismatch": "Mechanism mismatch",
    "phenotype_mismatch": "Phenotype mismatch",
    "inheritance_misfit": "Inheritance misfit",
    "treatable_cause": "Treatable cause",
    "treatment_caution": "Treatment caution",
    "clinvar_conflict": "ClinVar conflict",
    "codon_shared_with_another_variant": "Codon shared with another variant",
    "inside_deletion": "Inside a deletion",
}
# The patient's prognostic indicators, as the sample sheet's free text names them, and the seed
# cohort's marker each one matches in the knowledge base.
_INDICATORS = {
    "hypsarrhythmia": "hypsarrhythmia",
    "burst_suppression": "burst suppression",
    "burst suppression": "burst suppression",
    "abnormal": "abnormal MRI",
}
_SORT_SCRIPT = (
    # The mark says the page's own script ran (a browser test checks it, under the CSP).
    "document.documentElement.setAttribute('data-ready','1');"
    "document.querySelectorAll('table.sortable th').forEach(function(th){"
    "th.addEventListener('click',function(){var t=th.closest('table'),b=t.tBodies[0],"
    "i=Array.prototype.indexOf.call(th.parentNode.children,th),d=th.dataset.dir==='a'?'d':'a';"
    "th.dataset.dir=d;var r=Array.prototype.slice.call(b.rows);r.sort(function(x,y){"
    "var p=x.cells[i].dataset.k||x.cells[i].textContent,q=y.cells[i].dataset.k||"
    "y.cells[i].textContent,m=parseFloat(p),n=parseFloat(q);var c=isNaN(m)||isNaN(n)?"
    "p.localeCompare(q):m-n;return d==='a'?c:-c;});r.forEach(function(e){b.appendChild(e);});"
    "});});"
)


def _csp() -> str:
    digest = base64.b64encode(hashlib.sha256(_SORT_SCRIPT.encode()).digest()).decode()
    return (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )


# The report stage's one template environment (the cohort summary renders with it too).
TEMPLATES = Environment(
    loader=PackageLoader("mmpsi_variants.report", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _wbr(text: object) -> Markup:
    """An HGVS name, escaped, that may wrap after its transcript's colon in a narrow cell."""
    return escape(str(text)).replace(":", Markup(":<wbr>"))


TEMPLATES.filters["wbr"] = _wbr


def is_candidate(v: Mapping[str, Any]) -> bool:
    """A variant or copy-number call the report presents as a candidate (P, LP or VUS)."""
    genotype = (v.get("acmg") or {}).get("genotype") or {}
    return genotype.get("classification") in _CANDIDATE_CLASSES


def candidate_rows(
    variants: Sequence[Mapping[str, Any]], head: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The report's candidates in its order, each with its anchor in the page: sequence
    variants (v1, v2, ...) then copy-number calls (cnv1, ... numbered among all calls)."""
    rows: list[dict[str, Any]] = [
        {"c": v, "kind": "variant", "anchor": f"v{i}"}
        for i, v in enumerate((v for v in variants if is_candidate(v)), 1)
    ]
    calls = (head.get("copy_number") or {}).get("candidates") or []
    rows += [
        {"c": c, "kind": "cnv", "anchor": f"cnv{i}"}
        for i, c in enumerate(calls, 1)
        if is_candidate(c)
    ]
    return rows


def origin_words(v: Mapping[str, Any]) -> str:
    """Where the allele came from, in words (the inheritance tags in a sentence)."""
    tags = list(v.get("inheritance") or [])
    words = []
    for t in tags:
        if t == "de_novo":
            confidence = (v.get("de_novo") or {}).get("confidence") or v.get("de_novo_confidence")
            words.append(f"de novo ({confidence})" if confidence else "de novo")
        else:
            words.append(_ORIGIN_WORDS.get(t, t.replace("_", " ")))
    if not set(tags) & _ORIGIN_TAGS:
        # Zygosity and pairing say nothing of where the allele came from.
        words.append("origin not determined")
    return "; ".join(words)


def recurrence(v: Mapping[str, Any]) -> str | None:
    """The recurrence risk that follows from the genotype's inheritance, by Mendel's arithmetic
    (the gene's mode is the knowledge base's; a genetic counsellor refines it)."""
    tags = set(v.get("inheritance") or [])
    modes = set((v.get("inheritance_fit") or {}).get("modes") or [])
    zyg = v.get("zygosity")
    if "de_novo" in tags:
        return (
            "de novo: the recurrence risk for the parents' further children is low but not "
            "zero, since a parent may carry it in their germline (germline mosaicism)"
        )
    recessive = modes and not modes & {"AD", "XLD", "X-linked-female-limited"}
    if (
        recessive
        and "AR" in modes
        and (zyg == "homozygous" or tags & {"compound_heterozygous"})
        and tags & {"inherited_paternal", "inherited_maternal", "compound_heterozygous"}
    ):
        return "autosomal recessive, both parents carriers: 25% for each further child"
    if "XLR" in modes and zyg == "hemizygous" and "inherited_maternal" in tags:
        return "X-linked recessive, inherited from the mother: 50% for each of her sons"
    parent = tags & {"inherited_paternal", "inherited_maternal"}
    if modes & {"AD"} and zyg == "heterozygous" and parent:
        who = "father" if "inherited_paternal" in parent else "mother"
        return f"autosomal dominant, inherited from the {who}: 50% for each of the {who}'s children"
    return None


def _indicators(phenotype: str) -> list[str]:
    text = phenotype.lower()
    seen = []
    for word, marker in _INDICATORS.items():
        if word == "abnormal":
            hit = re.search(r"mri\s*:\s*abnormal", text) is not None
        else:
            hit = word in text
        if hit and marker not in seen:
            seen.append(marker)
    return seen


def _coverage_svg(exons: list[Mapping[str, Any]], threshold: int) -> str:
    """Mean depth per exon as bars (the minimum as a tick), with the threshold drawn."""
    if not exons:
        return ""
    ordered = sorted(exons, key=lambda e: e["exon"])
    width, height, pad = max(120, 8 * len(ordered)), 48, 2
    top = max(max(e["mean_depth"] for e in ordered), threshold * 1.5, 1.0)
    bar = (width - pad) / len(ordered)

    def y(d: float) -> float:
        return height - (height - 4) * min(d, top) / top

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="depth per exon">'
    ]
    for i, e in enumerate(ordered):
        x = pad + i * bar
        low = e["pct_at_min_depth"] < 100
        colour = "#c0392b" if low else "#5b7fa6"
        parts.append(
            f'<rect x="{x:.1f}" y="{y(e["mean_depth"]):.1f}" width="{max(bar - 1, 1):.1f}" '
            f'height="{height - y(e["mean_depth"]):.1f}" fill="{colour}">'
            f"<title>exon {int(e['exon'])}: mean {float(e['mean_depth']):.0f}x, min "
            f"{int(e['min_depth_observed'])}x</title></rect>"
        )
    ty = y(threshold)
    parts.append(
        f'<line x1="0" x2="{width}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#222" '
        'stroke-dasharray="3,2"/></svg>'
    )
    return "".join(parts)


def _coverage(coverage: Mapping[str, Any] | None, genes: set[str]) -> dict[str, Any] | None:
    if coverage is None:
        return None
    threshold = int(coverage["settings"]["min_depth"])
    by_gene: dict[str, list[Mapping[str, Any]]] = {}
    for e in coverage["exons"]:
        by_gene.setdefault(e["gene"], []).append(e)
    rows = []
    for g in coverage["genes"]:
        exons = by_gene.get(g["gene"], [])
        below = sorted(int(e["exon"]) for e in exons if e["pct_at_min_depth"] < 100)
        rows.append(
            {
                **g,
                "below": below,
                "svg": _coverage_svg(exons, threshold),
                "has_variant": g["gene"] in genes,
            }
        )
    # Genes with a candidate first, then the worst covered.
    rows.sort(key=lambda r: (not r["has_variant"], r["pct_at_min_depth"], r["gene"]))
    return {"threshold": threshold, "summary": coverage["summary"], "genes": rows}


def report_html(
    head: Mapping[str, Any],
    variants: Sequence[Mapping[str, Any]],
    *,
    family: Mapping[str, Any],
    disease_notes: list[Mapping[str, Any]],
    mane: Mapping[str, Mapping[str, str]],
    coverage: Mapping[str, Any] | None = None,
    confirmatory_tests: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    mosaic_min_alt_reads: int = 3,
    generated: datetime | None = None,
    plots: Mapping[str, str] | None = None,
    reads_page: str | None = None,
) -> str:
    """The report page of one sample (``head``: the JSON document without its variants;
    ``plots``: each copy-number plot's path as a ``data:`` URI, since the page loads nothing)."""
    candidates = [v for v in variants if is_candidate(v)]
    genes_with_variants = sorted({v["gene"] for v in candidates if v.get("gene")})
    notes_by_gene: dict[str, list[Mapping[str, Any]]] = {}
    for v in candidates:
        if v.get("gene") and v["gene"] not in notes_by_gene:
            notes_by_gene[v["gene"]] = v.get("notes") or []
    phenotype = family.get("phenotype_text") or ""
    indicators = _indicators(phenotype)
    seed = [
        n for n in disease_notes
        if (n.get("marker") or "").lower() in indicators
    ]  # fmt: skip
    cov = _coverage(coverage, set(genes_with_variants))
    depth = (coverage or {}).get("summary", {}).get("mean_depth")
    detectable = (
        round(mosaic_min_alt_reads / depth, 3) if isinstance(depth, int | float) and depth else None
    )
    cnv = head.get("copy_number") or {
        "status": "not_assessed",
        "reason": "no copy-number table was given",
        "reference_samples": [],
        "candidates": [],
    }
    cnv_rows = [
        {
            "c": c,
            "origin": origin_words(c),
            "css": _CLASS_CSS.get(str(c["acmg"]["genotype"]["classification"]), ""),
            "anchor": f"cnv{i}",
            "candidate": is_candidate(c),
            "plot": (plots or {}).get(c.get("plot") or ""),
        }
        for i, c in enumerate(cnv.get("candidates") or [], 1)
    ]
    names = {t["id"]: t["name"] for t in (head.get("phenotype") or {}).get("terms") or []}
    total = (head.get("phenotype") or {}).get("genes_ranked")

    def phenotype_words(match: Mapping[str, Any]) -> str:
        """A gene's match to the patient's terms, in words (escaped by the template)."""
        rank = match.get("rank_among_genes")
        if match.get("score") is None:
            return "the gene has no HPO annotations in this release"
        if rank is None:
            return "none of the patient's HPO terms matches the gene's annotations"
        terms = [f"{t} {names.get(t, '')}".strip() for t in match.get("matched_terms") or []]
        return (f"ranks {rank} of {total} genes by the patient's HPO terms (score "
                f"{match.get('score')}); matched: {'; '.join(terms) or 'none'}")  # fmt: skip

    view = {
        "phenotype_words": phenotype_words,
        "head": head,
        "cnv": cnv,
        "cnv_rows": cnv_rows,
        "cnv_candidates": [
            r
            for r in cnv_rows
            if r["c"]["acmg"]["genotype"]["classification"] in _CANDIDATE_CLASSES
        ],
        "family": family,
        "disclaimer": DISCLAIMER,
        "generated": (generated or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC"),
        "candidates": [
            {
                "v": v,
                "origin": origin_words(v),
                "refseq": refseq_hgvs(v, mane),
                "recurrence": recurrence(v),
                "css": _CLASS_CSS.get(
                    str(((v.get("acmg") or {}).get("genotype") or {}).get("classification")), ""
                ),
                "anchor": f"v{i}",
            }
            for i, v in enumerate(candidates, 1)
        ],
        "others": [v for v in variants if v not in candidates],
        "notes_by_gene": notes_by_gene,
        "tests": confirmatory_tests or {},
        "indicators": indicators,
        "seed": seed,
        "coverage": cov,
        "detectable_fraction": detectable,
        "flag_words": _FLAG_WORDS,
        "reads_page": reads_page,
        "csp": _csp(),
        "script": _SORT_SCRIPT,
    }
    return TEMPLATES.get_template("sample.html.j2").render(**view)
