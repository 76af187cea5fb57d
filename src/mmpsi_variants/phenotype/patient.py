"""A patient's phenotype as the filter reads it: HPO terms given as options or in the sample
sheet, or a GA4GH Phenopacket (v2 JSON), checked against the shipped ontology.

From a Phenopacket come its phenotypic features (``excluded: true`` ones as excluded terms)
and the age at seizure onset: the earliest onset, given as an age, of a feature that is a
seizure (HP:0001250 or a term under it), else the onset of its first disease with an age. An
onset given only as an ontology class ("Neonatal onset") is kept as text; the notes that depend
on onset need days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from mmpsi_variants.core.errors import InputFileError, UsageError
from mmpsi_variants.io.outputs import read_json_object
from mmpsi_variants.phenotype.ontology import Term, check_term, ontology, parse_terms

SEIZURE = "HP:0001250"

_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T[\dHMS.]*)?$")


@dataclass(frozen=True)
class PatientPhenotype:
    terms: tuple[Term, ...]
    source: str  # where the terms came from: an option, the sample sheet, a Phenopacket file
    onset_days: int | None = None
    onset: str | None = None  # as the Phenopacket gives it, when it gives one
    # What the reader should know but that does not stop the run (a label that is not the
    # ontology's name for the ID, say).
    warnings: tuple[str, ...] = ()

    @property
    def observed(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if not t.excluded)

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "terms": [t.to_json() for t in self.terms],
            "onset": self.onset,
            "onset_days": self.onset_days,
        }


def from_terms(specs: list[str], where: str) -> PatientPhenotype:
    """The phenotype from HPO IDs as a user writes them (see :func:`parse_terms`)."""
    terms = parse_terms(specs, where)
    _need_observed(terms, where)
    return PatientPhenotype(tuple(terms), where)


def _need_observed(terms: list[Term], where: str) -> None:
    if not any(not t.excluded for t in terms):
        raise UsageError(f"{where}: no observed HPO term (only excluded ones); give at least one")


def iso_days(duration: str) -> int | None:
    """Whole days of an ISO 8601 age (``P1M``, ``P3W2D``, ``P1Y6M``), None if not one."""
    m = _DURATION.match(duration)
    if not m or duration in ("P", "PT"):
        return None
    years, months, weeks, days = (int(x) if x else 0 for x in m.groups())
    return int(years * 365.25 + months * 30.4375 + weeks * 7 + days)


def read_phenopacket(path: str | Path) -> tuple[str, PatientPhenotype]:
    """The subject's ID and phenotype from a Phenopacket v2 JSON file."""
    from google.protobuf.json_format import ParseDict, ParseError
    from phenopackets import Phenopacket

    name = str(path)
    data = read_json_object(path, "a Phenopacket v2 JSON object")
    try:
        packet = ParseDict(data, Phenopacket())
    except ParseError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputFileError(f"not a Phenopacket v2 ({first})", path=name) from None
    terms: list[Term] = []
    seen: dict[str, bool] = {}
    warnings: list[str] = []
    for i, feature in enumerate(packet.phenotypic_features):
        where = f"{name}: phenotypicFeatures[{i}]"
        hpo_id = feature.type.id
        try:
            term = check_term(hpo_id, feature.excluded, where)
        except UsageError as exc:
            raise InputFileError(str(exc).removeprefix(f"{where}: "), path=name,
                                 where=f"phenotypicFeatures[{i}]") from None  # fmt: skip
        label = feature.type.label.strip()
        if label and label.casefold() != term.name.casefold():
            warnings.append(f"{name}: phenotypicFeatures[{i}]: {term.id} is {term.name!r} in "
                            f"the HPO, the file calls it {label!r}; the ID is used")  # fmt: skip
        if term.id in seen:
            if seen[term.id] != term.excluded:
                raise InputFileError(f"{term.id} ({term.name}) is both observed and excluded",
                                     path=name, where=f"phenotypicFeatures[{i}]")  # fmt: skip
            continue  # a feature listed twice (with two onsets, say) is one term
        seen[term.id] = term.excluded
        terms.append(term)
    try:
        _need_observed(terms, name)
        parse_terms([("-" if t.excluded else "") + t.id for t in terms], name)
    except UsageError as exc:
        raise InputFileError(str(exc).removeprefix(f"{name}: "), path=name) from None
    onset, days = _onset(packet)
    subject = packet.subject.id or ""
    patient = PatientPhenotype(tuple(terms), f"Phenopacket {name}", days, onset, tuple(warnings))
    return subject, patient


def _onset(packet) -> tuple[str | None, int | None]:
    """The age at seizure onset (see the module's docstring), as text and in days."""
    hpo = ontology()
    seizures = []
    for feature in packet.phenotypic_features:
        if feature.excluded or not feature.HasField("onset"):
            continue
        term = hpo.get_hpo_object(feature.type.id)
        if term.id == SEIZURE or any(p.id == SEIZURE for p in term.all_parents):
            seizures.append(feature.onset)
    diseases = [d.onset for d in packet.diseases if d.HasField("onset")]
    for onsets, pick in ((seizures, min), (diseases, lambda aged: aged[0])):
        aged = [(days, o.age.iso8601duration) for o in onsets if o.HasField("age")
                if (days := iso_days(o.age.iso8601duration)) is not None]  # fmt: skip
        if aged:
            days, text = pick(aged)
            return text, days
    for o in seizures + diseases:
        if o.HasField("ontology_class"):
            return f"{o.ontology_class.label} ({o.ontology_class.id})", None
    return None, None
