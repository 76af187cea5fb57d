"""Gene-linked clinical notes for a variant, each carrying its verification status and sources.

A note built on an unverified fact says so in its own text; nothing here is presented as
established unless the knowledge base marks it verified against a primary source.
"""

from __future__ import annotations

from mmpsi_variants.panel.knowledge import VERIFICATION_LABELS, Fact, Panel, PanelGene

_MECHANISM_WORDS = {
    "gain_of_function": "gain of function",
    "loss_of_function": "loss of function",
    "both": "gain or loss of function, depending on the variant",
    "unknown": "not established",
}


def _sources(panel: Panel, ids) -> list[dict]:
    out = []
    for sid in ids:
        entry = panel.sources.get(sid, {})
        out.append({"id": sid, **{k: v for k, v in entry.items() if k != "note"}})
    return out


def _note(panel: Panel, kind: str, text: str, verification: str, sources, **extra) -> dict:
    established = verification == "V"
    if not established:
        text = f"{text} [{VERIFICATION_LABELS[verification]}]"
    return {
        "kind": kind,
        **extra,
        "text": text,
        "verification": verification,
        "established": established,
        "sources": _sources(panel, sources),
    }


def _fact_note(panel: Panel, kind: str, text: str, fact: Fact) -> dict:
    return _note(panel, kind, text, fact.verification, fact.sources)


def gene_notes(panel: Panel, pg: PanelGene) -> list[dict]:
    """The notes every variant in ``pg`` carries: treatment, mechanism, inheritance, evidence."""
    notes = [
        _note(
            panel,
            "treatment",
            n.text,
            n.verification,
            n.sources,
            direction=n.direction,
            therapy=n.therapy,
            applies_to=n.applies_to,
        )
        for n in pg.treatment_notes
    ]
    lof = pg.lof_accepted_for_phenotype
    lof_texts: dict[bool | str, str] = {
        True: "loss of function is an accepted mechanism for this phenotype",
        False: "loss of function is not an accepted mechanism for this phenotype",
    }
    lof_text = lof_texts.get(
        lof, "whether loss of function causes this phenotype is not established"
    )
    notes.append(
        _fact_note(
            panel,
            "mechanism",
            f"{pg.symbol} disease mechanism: {_MECHANISM_WORDS[pg.mechanism.value]}; {lof_text}",
            pg.mechanism,
        )
    )
    notes.append(
        _fact_note(
            panel,
            "inheritance",
            f"{pg.symbol} inheritance: {', '.join(pg.inheritance.value)}",
            pg.inheritance,
        )
    )
    notes.append(
        _fact_note(
            panel,
            "eimfs_evidence",
            f"{pg.symbol} evidence as an EIMFS gene: {pg.eimfs_evidence.value.replace('_', ' ')}",
            pg.eimfs_evidence,
        )
    )
    if pg.prognosis and pg.prognosis.value != "unknown":
        notes.append(
            _fact_note(
                panel,
                "prognosis",
                f"{pg.symbol} was associated with a {pg.prognosis.value} prognosis in the seed "
                "cohort"
                if pg.prognosis.value != "both"
                else f"{pg.symbol} appears in both the poorer- and better-prognosis groups of the "
                "seed cohort",
                pg.prognosis,
            )
        )
    return notes


def notes_summary(notes: list[dict]) -> str:
    """Treatment notes in one TSV cell: 'consider quinidine [V]; avoid ...'."""
    return "; ".join(
        f"{n['direction']} {n['therapy']} [{n['verification']}]"
        for n in notes
        if n["kind"] == "treatment"
    )
