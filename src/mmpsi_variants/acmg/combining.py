"""Combining ACMG/AMP evidence into a class: the points system and the 2015 rules.

- Points (Tavtigian et al., Hum Mutat 2020;41:1734, PMID 32720330): Supporting 1, Moderate 2,
  Strong 4, Very strong 8, benign evidence negative; Pathogenic >= 10, Likely pathogenic 6..9,
  VUS 0..5, Likely benign -1..-6, Benign <= -7 (benign cut-offs configurable). BA1 is a
  stand-alone Benign, applied before summing, as ClinGen applies it.
- Richards et al. 2015 Table 5 (Genet Med 2015;17:405, PMID 25741868), followed literally:
  pathogenic and benign evidence that contradict each other give VUS. One addition: PVS1 (very
  strong) with PM2_Supporting is Likely pathogenic, as the ClinGen SVI PM2 recommendation v1.0
  allows once PM2 is downgraded (Table 5 alone would leave every such null variant VUS).

Criteria are written with their strength as a suffix when it differs from the default
(``PM2_Supporting``, ``PVS1_Strong``, ``PP3_Moderate``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from mmpsi_variants.core.errors import ConfigError

PATHOGENIC = "Pathogenic"
LIKELY_PATHOGENIC = "Likely pathogenic"
VUS = "Uncertain significance"
LIKELY_BENIGN = "Likely benign"
BENIGN = "Benign"
CLASSES = (PATHOGENIC, LIKELY_PATHOGENIC, VUS, LIKELY_BENIGN, BENIGN)

SUPPORTING, MODERATE, STRONG, VERY_STRONG, STAND_ALONE = (
    "Supporting",
    "Moderate",
    "Strong",
    "VeryStrong",
    "StandAlone",
)
POINTS = {SUPPORTING: 1, MODERATE: 2, STRONG: 4, VERY_STRONG: 8}

# The 28 criteria of Richards 2015 and their default strengths.
DEFAULT_STRENGTH = {
    "PVS1": VERY_STRONG,
    **{f"PS{i}": STRONG for i in range(1, 5)},
    **{f"PM{i}": MODERATE for i in range(1, 7)},
    **{f"PP{i}": SUPPORTING for i in range(1, 6)},
    "BA1": STAND_ALONE,
    **{f"BS{i}": STRONG for i in range(1, 5)},
    **{f"BP{i}": SUPPORTING for i in range(1, 8)},
}
ALL_CODES = tuple(DEFAULT_STRENGTH)
# Retired by the ClinGen Sequence Variant Interpretation group (Biesecker & Harrison 2018,
# PMID 29543229): a reputable source's assertion without its evidence.
RETIRED = {"PP5", "BP6"}

_SUFFIX = {
    "supporting": SUPPORTING,
    "sup": SUPPORTING,
    "p": SUPPORTING,
    "moderate": MODERATE,
    "mod": MODERATE,
    "m": MODERATE,
    "strong": STRONG,
    "str": STRONG,
    "s": STRONG,
    "verystrong": VERY_STRONG,
    "very_strong": VERY_STRONG,
    "vstrong": VERY_STRONG,
    "vs": VERY_STRONG,
    "standalone": STAND_ALONE,
}
_CODE = re.compile(r"^(PVS1|PS[1-4]|PM[1-6]|PP[1-5]|BA1|BS[1-4]|BP[1-7])(?:_(.+))?$", re.I)


@dataclass(frozen=True)
class Evidence:
    """One criterion applied at a strength."""

    code: str  # PVS1, PM2 ...
    strength: str

    @property
    def benign(self) -> bool:
        return self.code.startswith("B")

    @property
    def points(self) -> int:
        if self.strength == STAND_ALONE:
            return 0  # BA1 is an override, never a number of points
        p = POINTS[self.strength]
        return -p if self.benign else p

    @property
    def label(self) -> str:
        """PM2_Supporting, or PM2 at its default strength."""
        if self.strength == DEFAULT_STRENGTH[self.code]:
            return self.code
        return f"{self.code}_{self.strength}"


def parse_code(text: str) -> Evidence:
    """``PM2_Supporting`` -> Evidence('PM2', 'Supporting'); a bare code takes its default."""
    m = _CODE.match(text.strip())
    if not m:
        raise ConfigError(
            f"unknown ACMG criterion {text!r}; expected one of the 28 codes (PVS1, PS1-PS4, "
            "PM1-PM6, PP1-PP5, BA1, BS1-BS4, BP1-BP7), optionally with a strength suffix such "
            "as PM2_Supporting or PVS1_Strong"
        )
    code = m.group(1).upper()
    if code in RETIRED:
        raise ConfigError(
            f"{code} is retired by ClinGen SVI (Biesecker and Harrison 2018, PMID 29543229) "
            "and is not used"
        )
    suffix = (m.group(2) or "").lower().replace("-", "_")
    if not suffix:
        return Evidence(code, DEFAULT_STRENGTH[code])
    strength = _SUFFIX.get(suffix) or _SUFFIX.get(suffix.replace("_", ""))
    if strength is None:
        raise ConfigError(
            f"unknown strength {m.group(2)!r} in {text!r}; expected Supporting, Moderate, "
            "Strong or VeryStrong"
        )
    if (strength == STAND_ALONE) != (code == "BA1"):
        raise ConfigError(f"{text!r}: only BA1 is stand-alone, and BA1 has no other strength")
    return Evidence(code, strength)


@dataclass(frozen=True)
class Thresholds:
    """Points cut-offs (Tavtigian 2020); the benign ones vary between guidelines."""

    pathogenic: int = 10
    likely_pathogenic: int = 6
    likely_benign: int = -1
    benign: int = -7


@dataclass(frozen=True)
class Classification:
    system: str  # "points" or "richards2015"
    classification: str
    points: int
    reason: str


def classify_points(evidence: Iterable[Evidence], t: Thresholds = Thresholds()) -> Classification:
    ev = list(evidence)
    points = sum(e.points for e in ev)
    if any(e.code == "BA1" for e in ev):
        return Classification("points", BENIGN, points, "BA1 is a stand-alone Benign criterion")
    if points >= t.pathogenic:
        cls = PATHOGENIC
    elif points >= t.likely_pathogenic:
        cls = LIKELY_PATHOGENIC
    elif points <= t.benign:
        cls = BENIGN
    elif points <= t.likely_benign:
        cls = LIKELY_BENIGN
    else:
        cls = VUS
    return Classification("points", cls, points, f"{points:+d} points")


def _counts(ev: list[Evidence]) -> tuple[Counter[str], Counter[str]]:
    """Pathogenic counts by VS/S/M/P and benign counts by SA/S/P, as Table 5 reads them.

    A very strong benign counts as strong and a moderate benign as supporting: Table 5 has
    no other benign levels.
    """
    path: Counter[str] = Counter()
    ben: Counter[str] = Counter()
    for e in ev:
        if e.benign:
            level = {
                STAND_ALONE: "SA",
                VERY_STRONG: "S",
                STRONG: "S",
                MODERATE: "P",
                SUPPORTING: "P",
            }[e.strength]
            ben[level] += 1
        else:
            level = {VERY_STRONG: "VS", STRONG: "S", MODERATE: "M", SUPPORTING: "P"}[e.strength]
            path[level] += 1
    return path, ben


def _richards_pathogenic(c: Counter[str]) -> str | None:
    vs, s, m, p = c["VS"], c["S"], c["M"], c["P"]
    # A second very strong counts as (at least) a strong.
    if vs >= 2:
        vs, s = 1, s + vs - 1
    if vs >= 1 and (s >= 1 or m >= 2 or (m == 1 and p == 1) or p >= 2):
        return PATHOGENIC
    if s >= 2:
        return PATHOGENIC
    if s == 1 and (m >= 3 or (m == 2 and p >= 2) or (m == 1 and p >= 4)):
        return PATHOGENIC
    if vs >= 1 and m == 1:
        return LIKELY_PATHOGENIC
    if s == 1 and (1 <= m <= 2 or p >= 2):
        return LIKELY_PATHOGENIC
    if m >= 3 or (m == 2 and p >= 2) or (m == 1 and p >= 4):
        return LIKELY_PATHOGENIC
    return None


def _richards_benign(c: Counter[str]) -> str | None:
    if c["SA"] >= 1 or c["S"] >= 2:
        return BENIGN
    if (c["S"] == 1 and c["P"] >= 1) or c["P"] >= 2:
        return LIKELY_BENIGN
    return None


SVI_PM2_RULE = "PVS1 + PM2_Supporting: Likely pathogenic (ClinGen SVI PM2 recommendation v1.0)"


def _svi_pm2(ev: list[Evidence]) -> bool:
    """PVS1 at very strong and PM2 at supporting: the SVI's Likely pathogenic pair."""
    return Evidence("PVS1", VERY_STRONG) in ev and Evidence("PM2", SUPPORTING) in ev


def classify_richards(evidence: Iterable[Evidence]) -> Classification:
    ev = list(evidence)
    points = sum(e.points for e in ev)
    path, ben = _counts(ev)
    p_cls, b_cls = _richards_pathogenic(path), _richards_benign(ben)
    svi = p_cls is None and _svi_pm2(ev)
    if svi:
        p_cls = LIKELY_PATHOGENIC
    has_path, has_ben = sum(path.values()) > 0, sum(ben.values()) > 0
    if (p_cls or b_cls) and has_path and has_ben:
        why = "BA1 met alongside pathogenic evidence" if ben["SA"] else "benign evidence too"
        return Classification(
            "richards2015",
            VUS,
            points,
            f"conflicting evidence: pathogenic evidence and {why}; Table 5 gives VUS",
        )
    if svi:
        return Classification("richards2015", LIKELY_PATHOGENIC, points, SVI_PM2_RULE)
    if p_cls:
        return Classification("richards2015", p_cls, points, f"Table 5: {p_cls}")
    if b_cls:
        return Classification("richards2015", b_cls, points, f"Table 5: {b_cls}")
    return Classification("richards2015", VUS, points, "no Table 5 rule is met")


def classify(
    codes: Iterable[str | Evidence], system: str = "points", thresholds: Thresholds = Thresholds()
) -> Classification:
    """The class of a set of criteria, e.g. ``classify(["PVS1", "PM2_Supporting"])``.

    The same function ``filter`` uses; ``system`` is "points" (default) or "richards2015".
    """
    ev = [c if isinstance(c, Evidence) else parse_code(c) for c in codes]
    seen = Counter(e.code for e in ev)
    twice = [c for c, n in seen.items() if n > 1]
    if twice:
        raise ConfigError(f"criterion {twice[0]} given more than once")
    if system == "points":
        return classify_points(ev, thresholds)
    if system in ("richards2015", "richards"):
        return classify_richards(ev)
    raise ConfigError(f"unknown combining system {system!r}; expected points or richards2015")
