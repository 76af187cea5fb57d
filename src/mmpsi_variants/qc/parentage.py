"""The parentage check: Mendelian errors between a child and each parent, over the genome.

A de novo call is only as good as the family it comes from: a sample swap or a non-paternity
turns inherited variants into false de novos. Each parent-child pair's rate of Mendelian errors
at informative, well-covered sites decides whether the parents are confirmed, and with them
whether a de novo may be called confirmed (PS2).
"""

from __future__ import annotations

from dataclasses import dataclass

from mmpsi_variants.core.contigs import CHR_X, CHR_Y, MITO
from mmpsi_variants.io.genotypes import UNKNOWN_SEX
from mmpsi_variants.io.ped import Pedigree
from mmpsi_variants.qc.sex import is_male_pattern


def ped_where(ped: Pedigree, sample: str) -> str:
    ind = ped.get(sample)
    return f"{ped.path} line {ind.line}" if ind else ped.path


@dataclass(frozen=True)
class ParentageSettings:
    min_depth: int
    min_genotype_quality: float
    max_error_rate: float
    min_informative_sites: int
    max_informative_sites: int


def relevant_parents(child: tuple[int, ...], region: str, child_sex: str) -> tuple[str, ...]:
    """The parents whose alleles the child's genotype at a site must come from."""
    male = is_male_pattern(child, child_sex)
    if region == MITO:
        return ()
    if region == CHR_Y:
        return ("father",) if male else ()
    if region == CHR_X and male:
        return ("mother",)
    return ("father", "mother")


def mendelian_status(
    child: tuple[int, ...],
    father: tuple[int, ...] | None,
    mother: tuple[int, ...] | None,
    region: str,
    child_sex: str = UNKNOWN_SEX,
) -> tuple[bool, bool]:
    """(error, missing) for one trio at one site, from the GT allele indices (-1 = missing).

    A missing or unsequenced parent is a wildcard: the site can still be an error through the
    other parent (child 1/1, father 0/0, mother ./.), and it also counts as missing. On chrX a
    boy's alleles must come from his mother and his father is not consulted; on chrY a boy's
    from his father. A heterozygous call in a boy outside the PAR is an error in itself.

    >>> from mmpsi_variants.core.contigs import AUTOSOME
    >>> mendelian_status((0, 1), (0, 0), (0, 0), AUTOSOME)
    (True, False)
    >>> mendelian_status((1, 1), (0, 0), (-1, -1), AUTOSOME)
    (True, True)
    >>> mendelian_status((1,), (0,), (0, 1), CHR_X)
    (False, False)
    """
    if region == MITO:
        return False, False
    if not child or any(a < 0 for a in child):
        return False, True
    roles = relevant_parents(child, region, child_sex)
    if not roles:
        return False, False
    relevant = {r: (father if r == "father" else mother) for r in roles}
    sets: dict[str, set[int] | None] = {}
    missing = False
    for role, gt in relevant.items():
        if gt is None or not gt or any(a < 0 for a in gt):
            sets[role] = None
            missing = True
        else:
            sets[role] = set(gt)
    if len(relevant) == 1:
        (only,) = sets.values()
        if len(set(child)) > 1:
            return True, missing  # two different alleles where a boy has one copy
        return (only is not None and child[0] not in only), missing
    if len(child) != 2:
        # A haploid call where two copies are expected: take it as homozygous.
        child = (child[0], child[0])
    a, b = child
    f, m = sets["father"], sets["mother"]

    def fits(x, y):
        return (f is None or x in f) and (m is None or y in m)

    return not (fits(a, b) or fits(b, a)), missing


@dataclass
class PairCounts:
    informative: int = 0
    errors: int = 0


@dataclass
class TrioCounts:
    good: int = 0
    good_alt: int = 0
    error: int = 0
    missing: int = 0


@dataclass(frozen=True)
class PairCheck:
    parent: str
    role: str
    informative_sites: int
    opposite_homozygotes: int
    status: str  # passed / failed / not_assessed
    reason: str

    @property
    def error_rate(self) -> float | None:
        if not self.informative_sites:
            return None
        return self.opposite_homozygotes / self.informative_sites

    def to_json(self) -> dict:
        rate = self.error_rate
        return {
            "parent": self.parent,
            "role": self.role,
            "informative_sites": self.informative_sites,
            "opposite_homozygotes": self.opposite_homozygotes,
            "error_rate": None if rate is None else round(rate, 5),
            "status": self.status,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Parentage:
    child: str
    father: str | None  # as named in the PED
    mother: str | None
    pairs: tuple[PairCheck, ...]
    trio: TrioCounts | None
    capped: bool
    max_informative_sites: int

    @property
    def status(self) -> str:
        """passed / failed / not_assessed / no_parents_sequenced."""
        if not self.pairs:
            return "no_parents_sequenced"
        states = {p.status for p in self.pairs}
        if "failed" in states:
            return "failed"
        if "not_assessed" in states:
            return "not_assessed"
        return "passed"

    def passed_for(self, role: str) -> bool:
        return any(p.role == role and p.status == "passed" for p in self.pairs)

    def to_json(self) -> dict:
        trio = None
        if self.trio is not None:
            informative = self.trio.good_alt + self.trio.error
            trio = {
                "informative_sites": informative,
                "mendelian_errors": self.trio.error,
                "error_rate": round(self.trio.error / informative, 5) if informative else None,
                "sites_missing": self.trio.missing,
            }
        return {
            "status": self.status,
            "father": self.father,
            "mother": self.mother,
            "pairs": [p.to_json() for p in self.pairs],
            "trio": trio,
            "capped": self.capped,
            "max_informative_sites": self.max_informative_sites,
        }


def pair_check(child, parent, role, counts: PairCounts, ps, ped, warn_list) -> PairCheck:
    n, e = counts.informative, counts.errors
    if n < ps.min_informative_sites:
        return PairCheck(
            parent,
            role,
            n,
            e,
            "not_assessed",
            f"{n} informative sites (at least {ps.min_informative_sites} needed; calls of a "
            "gene panel alone rarely have enough: call the exome or genome to check parentage)",
        )
    rate = e / n
    text = (
        f"{e} opposite homozygotes over {n} informative sites ({rate:.2%}; "
        f"at most {ps.max_error_rate:.2%} for a parent)"
    )
    if rate <= ps.max_error_rate:
        return PairCheck(parent, role, n, e, "passed", text)
    warn_list.append(
        f"parentage: {child} ({ped_where(ped, child)}) and its {role} {parent}: {text}; "
        f"check for a sample swap, non-{'paternity' if role == 'father' else 'maternity'} "
        "or a PED error"
    )
    return PairCheck(parent, role, n, e, "failed", text)
