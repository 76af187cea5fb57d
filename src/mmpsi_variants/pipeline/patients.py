"""The filter's patients in HPO terms: ``--hpo`` and ``--phenopacket`` resolved to samples, each
sample's genes ranked once.

``--hpo [SAMPLE=]TERMS`` adds terms (``;``-separated, ``-`` for excluded) to one sample, or
without ``SAMPLE=`` to every sample not known to be unaffected (as ``--phenotype`` does).
``--phenopacket [SAMPLE=]FILE`` gives a sample its Phenopacket; without ``SAMPLE=`` the
packet's subject ID names the sample. A sample gets its terms from one place: both, or two
packets, is an error, as is a sample the VCF does not have.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from mmpsi_variants.core.errors import UsageError
from mmpsi_variants.inheritance.families import SampleFamily
from mmpsi_variants.panel.knowledge import Panel
from mmpsi_variants.phenotype.ontology import release
from mmpsi_variants.phenotype.patient import PatientPhenotype, from_terms, read_phenopacket
from mmpsi_variants.phenotype.ranking import METHOD, GeneMatch, PatientRanking

ALL = "*"


@dataclass(frozen=True)
class SamplePhenotype:
    patient: PatientPhenotype
    ranking: PatientRanking

    def match(self, gene: str | None, panel_symbol: str | None = None) -> GeneMatch:
        return self.ranking.match(gene, panel_symbol)

    def to_json(self) -> dict[str, object]:
        return {
            **self.patient.to_json(),
            "method": METHOD,
            **release(),
            "genes_ranked": self.ranking.size,
            "top_genes": [
                {k: v for k, v in g.to_json().items() if k != "excluded_matched"}
                for g in self.ranking.top
            ],
        }


def _split(value: str, option: str) -> tuple[str, str]:
    key, sep, rest = value.partition("=")
    if not sep:
        return ALL, value
    if not key or not rest:
        raise UsageError(f"{option} {value}: expected [SAMPLE=]VALUE")
    return key, rest


def patient_phenotypes(
    hpo: Sequence[str],
    phenopackets: Sequence[str],
    vcf_samples: Sequence[str],
    reported: Sequence[str],
    families: Mapping[str, SampleFamily],
    panel: Panel | None,
    warn: Callable[[str], None] = lambda _: None,
) -> dict[str, SamplePhenotype]:
    """Each reported sample's phenotype, from the options (see the module's docstring)."""
    unaffected = {s for s in reported if families[s].phenotype == "unaffected"}
    specs: dict[str, list[str]] = {}
    for value in hpo:
        sample, terms = _split(value, "--hpo")
        specs.setdefault(sample, []).append(terms)
    patients: dict[str, PatientPhenotype] = {}
    for value in phenopackets:
        sample, path = _split(value, "--phenopacket")
        subject, patient = read_phenopacket(path)
        for message in patient.warnings:
            warn(message)
        if sample != ALL and subject and subject != sample:
            warn(f"--phenopacket {sample}={path}: the Phenopacket's subject is {subject!r}; "
                 f"its terms are used for sample {sample} as asked")  # fmt: skip
        if sample == ALL:
            if subject not in vcf_samples:
                raise UsageError(
                    f"--phenopacket {path}: its subject {subject!r} is not a sample of the VCF; "
                    "name the sample as --phenopacket SAMPLE=FILE"
                )
            sample = subject
        if sample in patients:
            raise UsageError(f"--phenopacket: sample {sample} is given two Phenopackets")
        patients[sample] = patient
    for sample in [*specs, *patients]:
        if sample != ALL and sample not in vcf_samples:
            raise UsageError(f"--hpo/--phenopacket: {sample} is not a sample of the VCF")
    for sample, given in specs.items():
        if sample in patients:
            raise UsageError(f"sample {sample} has both --hpo and --phenopacket; give one")
        if sample != ALL:
            patients[sample] = from_terms(given, f"--hpo {sample}=")
    if ALL in specs:
        shared = from_terms(specs[ALL], "--hpo")
        for s in reported:
            if s not in unaffected:
                patients.setdefault(s, shared)
    rankings: dict[tuple, PatientRanking] = {}
    out = {}
    for s in reported:
        if s in patients:
            p = patients[s]
            ranking = rankings.get(p.terms) or rankings.setdefault(
                p.terms, PatientRanking(list(p.terms), panel)
            )
            out[s] = SamplePhenotype(p, ranking)
    return out


def onset_of(sample: str, onsets: Mapping[str, int], phenotypes: Mapping[str, SamplePhenotype]):
    """The age at seizure onset in days: as given (--onset, the sheet), else the Phenopacket's."""
    if sample in onsets:
        return onsets[sample]
    p = phenotypes.get(sample)
    return p.patient.onset_days if p else None
