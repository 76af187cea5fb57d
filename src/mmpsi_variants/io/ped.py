"""PED files: families, parents, sex and affection status.

Standard six columns (family, individual, father, mother, sex, phenotype), whitespace-separated.
A header line starting with ``#`` (or naming the sex column), extra columns, and ``0``/``-9`` for
unknown values are tolerated, as peddy and slivar do.

A pedigree that cannot be true stops the run with the line to fix: an individual listed twice, a
father who is female or a mother who is male, one ID used as both a father and a mother, and an
individual who is their own ancestor. A parent named in columns 3-4 without a line of their own is
taken as a founder of the sex the role implies, with a warning (plink and peddy do the same).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from mmpsi_variants.core.errors import InputFileError, PedigreeError
from mmpsi_variants.io.genotypes import FEMALE, MALE, UNKNOWN_SEX

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
    line: int  # the PED line; for an implicit parent, the line that first names them
    extra: tuple[str, ...] = ()
    implicit: bool = False  # named as a parent only, without a line of their own

    @property
    def affected(self) -> bool:
        return self.phenotype == "affected"

    @property
    def where(self) -> str:
        return f"line {self.line}"


@dataclass(frozen=True)
class Pedigree:
    path: str
    individuals: dict[str, Individual]
    warnings: tuple[str, ...] = field(default=())

    def sex_of(self, sample: str) -> str:
        ind = self.individuals.get(sample)
        return ind.sex if ind else UNKNOWN_SEX

    def get(self, sample: str) -> Individual | None:
        return self.individuals.get(sample)

    def parents(self, sample: str) -> tuple[str | None, str | None]:
        """(father, mother) of ``sample`` as named in the PED; None when not given."""
        ind = self.individuals.get(sample)
        return (ind.father, ind.mother) if ind else (None, None)

    def children(self, sample: str) -> list[str]:
        return [i.id for i in self.individuals.values() if sample in (i.father, i.mother)]


def _looks_like_header(cols: list[str]) -> bool:
    return cols[0].startswith("#") or (len(cols) >= 6 and cols[4].lower() in ("sex", "gender"))


def read_ped(path: str | Path) -> Pedigree:
    """Parse and check a PED file; a line that cannot be true raises :class:`PedigreeError`."""
    path = Path(path)
    if not path.exists():
        raise InputFileError("file not found; expected a PED file", path=str(path))
    individuals: dict[str, Individual] = {}
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
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
            if iid in _MISSING:
                raise PedigreeError(
                    f"individual ID {iid!r} is a missing-value code; expected a sample name",
                    path=str(path),
                    where=f"line {lineno}",
                )
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
    warnings = _add_implicit_parents(individuals, str(path))
    check_relations(individuals, str(path))
    return Pedigree(str(path), individuals, tuple(warnings))


def check_relations(individuals: dict[str, Individual], path: str) -> None:
    """The checks of a pedigree as a whole: a parent's sex fits the role, one person is not
    both a father and a mother, nobody is their own ancestor. The workflow runs them on the
    sample sheet too, so that a pedigree the filter would refuse stops the dry run."""
    _check_parent_sexes(individuals, path)
    _check_no_cycles(individuals, path)


def _add_implicit_parents(individuals: dict[str, Individual], path: str) -> list[str]:
    warnings = []
    for ind in list(individuals.values()):
        for role, pid, sex in (("father", ind.father, MALE), ("mother", ind.mother, FEMALE)):
            if pid is None:
                continue
            if pid == ind.id:
                raise PedigreeError(
                    f"{ind.id} is named as their own {role}", path=path, where=ind.where
                )
            if pid not in individuals:
                individuals[pid] = Individual(
                    family=ind.family,
                    id=pid,
                    father=None,
                    mother=None,
                    sex=sex,
                    phenotype="unknown",
                    line=ind.line,
                    implicit=True,
                )
                warnings.append(
                    f"{path}: line {ind.line}: {role} {pid} of {ind.id} has no line of their own; "
                    f"taken as a founder ({sex}, phenotype unknown)"
                )
    return warnings


def _check_parent_sexes(individuals: dict[str, Individual], path: str) -> None:
    roles: dict[str, tuple[str, Individual]] = {}
    for ind in individuals.values():
        for role, pid, wrong in (("father", ind.father, FEMALE), ("mother", ind.mother, MALE)):
            if pid is None:
                continue
            parent = individuals[pid]
            # An implicit parent's sex comes from its first role; a clash is a role conflict.
            if parent.sex == wrong and not parent.implicit:
                expected = MALE if role == "father" else FEMALE
                raise PedigreeError(
                    f"{pid} is the {role} of {ind.id} but is {wrong} "
                    f"(on line {parent.line}); expected a {expected}",
                    path=path,
                    where=ind.where,
                )
            seen = roles.get(pid)
            if seen and seen[0] != role:
                raise PedigreeError(
                    f"{pid} is the {role} of {ind.id} but the {seen[0]} of {seen[1].id} "
                    f"(line {seen[1].line}); one person cannot be both",
                    path=path,
                    where=ind.where,
                )
            roles.setdefault(pid, (role, ind))


def _check_no_cycles(individuals: dict[str, Individual], path: str) -> None:
    """Nobody may be their own ancestor; the message spells out the loop."""
    done: set[str] = set()

    def visit(iid: str, trail: list[str]) -> None:
        if iid in done:
            return
        if iid in trail:
            loop = trail[trail.index(iid) :] + [iid]
            first = individuals[loop[0]]
            raise PedigreeError(
                f"{iid} is their own ancestor ({' -> parent '.join(loop)})",
                path=path,
                where=first.where,
            )
        ind = individuals[iid]
        for pid in (ind.father, ind.mother):
            if pid is not None:
                visit(pid, [*trail, iid])
        done.add(iid)

    for iid in individuals:
        visit(iid, [])


def check_against_vcf(ped: Pedigree, vcf_samples: Iterable[str]) -> list[str]:
    """Warnings for PED individuals absent from the VCF; a missing proband is an error.

    The proband of a family is its affected member the analysis is about: when a family has
    members in the VCF and affected members in the PED, but none of the affected ones was
    sequenced, there is nothing to analyse for it and we stop, naming the line. Any other member
    missing from the VCF (a parent, an affected sibling) is a warning. Families with nobody in
    the VCF are counted in one warning.
    """
    in_vcf = set(vcf_samples)
    by_family: dict[str, list[Individual]] = {}
    for ind in ped.individuals.values():
        by_family.setdefault(ind.family, []).append(ind)
    warnings = []
    absent_families = []
    for family, members in by_family.items():
        if not any(m.id in in_vcf for m in members):
            absent_families.append(family)
            continue
        affected = [m for m in members if m.affected]
        if affected and not any(m.id in in_vcf for m in affected):
            first = affected[0]
            raise PedigreeError(
                f"proband {first.id} (affected, family {family}) is not in the VCF; expected a "
                "genotype column for the affected member of a family whose relatives are in it",
                path=ped.path,
                where=first.where,
            )
        for m in members:
            if m.id in in_vcf or m.implicit:
                # An implicit parent was already warned about as a parent without a line.
                continue
            warnings.append(
                f"{ped.path}: {m.where}: {m.id} (family {family}) is in the PED but not in the VCF"
            )
    if absent_families:
        shown = ", ".join(absent_families[:5]) + (" ..." if len(absent_families) > 5 else "")
        warnings.append(
            f"{ped.path}: {len(absent_families)} famil{'y' if len(absent_families) == 1 else 'ies'}"
            f" of the PED have nobody in the VCF ({shown})"
        )
    return warnings
