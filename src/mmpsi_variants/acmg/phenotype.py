"""PP4's reading of a free-text phenotype: does it name EIMFS (MMPSI, migrating seizures)?

Free-text phenotypes say what a child does not have as often as what it has ("focal seizures,
not migrating"); a negated mention must not count as EIMFS for PP4. A negation counts only when
it governs the term: at most two words before it, none of them a conjunction or another term
("no fever and migrating seizures" is a migrating phenotype), and "not excluded" leaves the
term standing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

EIMFS_WORDS = ("eimfs", "mmpsi", "migrating")

_CLAUSES = re.compile(r"[;,.|/\n]|\bbut\b|\bhowever\b")

_TERM = re.compile("|".join(EIMFS_WORDS))

_GAP = r"(?:\s+(?!(?:and|or|with|then|but|not|" + "|".join(EIMFS_WORDS) + r")\b)[\w-]+){0,2}"

_NEGATED_BEFORE = re.compile(
    r"(?:\b(?:no|not|without|never)|\babsence of|\bnegative for)" + _GAP + r"\s*$|\bnon-?\s*$"
)

_NOT_ONLY = re.compile(r"\bnot only" + _GAP + r"\s*$")

_NEGATED_AFTER = re.compile(r"^[\w-]*" + _GAP + r"\s+(?:(?:is|was|been|has been)\s+)?"
                            r"(not\s+)?(?:ruled out|excluded|unlikely)\b")  # fmt: skip


def phenotype_says_eimfs(text: str) -> bool:
    """Whether a free-text phenotype names EIMFS/MMPSI (or migrating seizures) at least once
    without negating it."""
    for clause in _CLAUSES.split(text.lower()):
        for m in _TERM.finditer(clause):
            before, after = clause[: m.start()], clause[m.start() :]
            if _NEGATED_BEFORE.search(before) and not _NOT_ONLY.search(before):
                continue
            denied = _NEGATED_AFTER.match(after)
            if denied and not denied.group(1):  # "not excluded" leaves it standing
                continue
            return True
    return False


def sample_says_eimfs(
    sample: str, affected: bool | None, phenotypes: Mapping[str, str]
) -> bool | None:
    text = phenotypes.get(sample) or (phenotypes.get("*") if affected is not False else None)
    if text is None:
        return None
    return phenotype_says_eimfs(text)
