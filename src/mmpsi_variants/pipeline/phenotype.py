"""``mmpsi-variants phenotype``: every gene ranked by its match to the patient's HPO terms, as TSV.

The header says the method and the HPO release; ``genes`` keeps the listed symbols (in their
rank among all genes), ``top`` the first N.
"""

from __future__ import annotations

import logging

from mmpsi_variants.core.errors import UsageError
from mmpsi_variants.core.text import printable
from mmpsi_variants.panel.knowledge import load_panel
from mmpsi_variants.phenotype.ontology import release
from mmpsi_variants.phenotype.patient import from_terms, read_phenopacket
from mmpsi_variants.phenotype.ranking import METHOD, rank_genes

log = logging.getLogger("mmpsi_variants")

COLUMNS = ("rank", "gene", "hgnc_id", "score", "p_value", "matched_terms", "excluded_matched")


def phenotype_table(
    hpo: list[str],
    top: int | None = None,
    genes: tuple[str, ...] = (),
    phenopacket: str | None = None,
) -> str:
    if bool(hpo) == bool(phenopacket):
        raise UsageError("give the patient's terms as --hpo or as --phenopacket, one of the two")
    patient = read_phenopacket(phenopacket)[1] if phenopacket else from_terms(hpo, "--hpo")
    for message in patient.warnings:
        log.warning(message)
    terms = list(patient.terms)
    ranked = rank_genes(terms, load_panel())
    if genes:
        wanted = {g.upper() for g in genes}
        known = {r.gene.upper() for r in ranked}
        missing = sorted(wanted - known)
        if missing:
            raise UsageError(f"--genes: {', '.join(missing)} has no HPO annotation in this release")
        ranked = [r for r in ranked if r.gene.upper() in wanted]
    if top is not None:
        ranked = ranked[:top]
    rel = release()
    lines = [
        f"# mmpsi-variants phenotype (for research use): {METHOD}",
        f"# HPO release {rel['hpo_release']} with its gene annotations, as shipped in hpo3 "
        f"{rel['hpo3']}",
        f"# terms ({printable(patient.source)}): "
        + "; ".join(f"{'-' if t.excluded else ''}{t.id} {t.name}" for t in terms),
        "\t".join(COLUMNS),
    ]
    for r in ranked:
        p = "" if r.p_value is None else f"{r.p_value:.3g}"
        rank = "" if r.rank is None else str(r.rank)
        row = (rank, printable(r.gene), r.hgnc_id or "", f"{r.score or 0.0:.3f}", p,
               ";".join(r.matched_terms), ";".join(r.excluded_matched))  # fmt: skip
        lines.append("\t".join(row))
    return "\n".join(lines) + "\n"
