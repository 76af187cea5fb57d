"""PED files: families, parents, sex and affection status.

Standard six columns (family, individual, father, mother, sex, phenotype), whitespace-separated.
A header line starting with ``#``, extra columns, and ``0``/``-9`` for unknown values are
tolerated, as peddy and slivar do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .calls import FEMALE, MALE, UNKNOWN_SEX
from .errors import InputFileError, PedigreeError

_MISSING = {"0", "-9", ".", ""}
_SEX = {"1": MALE, "2": FEMALE, "m": MALE, "f": FEMALE, "male": MALE, "female": FEMALE}
_PHENOTYPE = {"2": "affected", "1": "unaffected"}


@dataclass(frozen=True)
class Individual:
    family: str
    id: str
    father: str | None
    mother: str | None
    sex: str  # male / female / unknown
    phenotype: str  # affected / unaffected / unknown
    line: int
    extra: tuple[str, ...] = ()

    @property
    def affected(self) -> bool:
        return self.phenotype == "affected"


@dataclass(frozen=True)
class Pedigree:
    path: str
    individuals: dict[str, Individual]

    def sex_of(self, sample: str) -> str:
        ind = self.individuals.get(sample)
        return ind.sex if ind else UNKNOWN_SEX

    def get(self, sample: str) -> Individual | None:
        return self.individuals.get(sample)


def _looks_like_header(cols: list[str]) -> bool:
    return cols[0].startswith("#") or (len(cols) >= 6 and cols[4].lower() in ("sex", "gender"))


def read_ped(path: str | Path) -> Pedigree:
    """Parse a PED file; malformed lines raise :class:`PedigreeError` naming the line."""
    path = Path(path)
    if not path.exists():
        raise InputFileError("file not found; expected a PED file", path=str(path))
    individuals: dict[str, Individual] = {}
    with open(path, encoding="utf-8", errors="replace") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            cols = re.split(r"\t" if "\t" in line else r"\s+", line.strip())
            if _looks_like_header(cols):
                continue
            if len(cols) < 6:
                raise PedigreeError(
                    f"expected 6 columns (family, individual, father, mother, sex, phenotype), "
                    f"found {len(cols)}",
                    path=str(path),
                    where=f"line {lineno}",
                )
            fam, iid, father, mother, sex, pheno = (c.strip() for c in cols[:6])
            if iid in individuals:
                raise PedigreeError(
                    f"individual {iid!r} is listed twice (first on line {individuals[iid].line})",
                    path=str(path),
                    where=f"line {lineno}",
                )
            individuals[iid] = Individual(
                family=fam,
                id=iid,
                father=None if father in _MISSING else father,
                mother=None if mother in _MISSING else mother,
                sex=_SEX.get(sex.lower(), UNKNOWN_SEX),
                phenotype=_PHENOTYPE.get(pheno, "unknown"),
                line=lineno,
                extra=tuple(cols[6:]),
            )
    if not individuals:
        raise PedigreeError("no individuals found; expected PED lines", path=str(path))
    return Pedigree(str(path), individuals)
