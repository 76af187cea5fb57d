"""Population frequency, ClinVar and in-silico scores for an allele, as one record.

Opens the resources the user gave (gnomAD, ClinVar, score tables), looks each allele up through
their indexes, and says for every source whether the allele was found, is absent, lies where
the source has no data, or was not looked up at all: "absent from gnomAD" is evidence, "not
looked up" is not. The answers of one allele are a
:class:`~mmpsi_variants.core.record.Lookups`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from mmpsi_variants.annotation.annotator import Annotator
from mmpsi_variants.annotation.sources.clinvar import ClinVarSource
from mmpsi_variants.annotation.sources.clinvar_terms import ProteinChange, amino_acid
from mmpsi_variants.annotation.sources.gnomad import GnomadSource
from mmpsi_variants.annotation.sources.scores import ScoreTable, SpliceAISource
from mmpsi_variants.core.errors import ConfigError
from mmpsi_variants.core.record import NOT_COVERED, NOT_LOOKED_UP, Annotation, Lookups
from mmpsi_variants.io.fasta import Reference

SCORE_KINDS = ("revel", "cadd", "spliceai")


def parse_score_options(values: Iterable[str]) -> dict[str, str]:
    """``--scores [NAME=]PATH`` values to {name: path}; a bare path is REVEL."""
    out: dict[str, str] = {}
    for value in values:
        name, sep, path = value.partition("=")
        if not sep:
            name, path = "revel", value
        name = name.strip().lower()
        if name not in SCORE_KINDS:
            raise ConfigError(
                f"unknown score table {name!r} in --scores {value}; expected one of "
                f"{', '.join(SCORE_KINDS)} (for example --scores revel=revel.tsv.gz)"
            )
        out[name] = path
    return out


@dataclass
class Resources:
    """The open resource files of one run."""

    gnomad: GnomadSource | None = None
    clinvar: ClinVarSource | None = None
    scores: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def open(
        cls,
        gnomad: str | None,
        clinvar: str | None,
        scores: dict[str, str],
        reference: Reference | None,
        warn,
        *,
        gnomad_coverage: str | None = None,
    ) -> Resources:
        """``gnomad_coverage``: a BED of the regions the gnomAD file covers (a panel slice's)."""
        res = cls()
        if gnomad:
            res.gnomad = GnomadSource(gnomad, reference, coverage=gnomad_coverage, warn=warn)
        if clinvar:
            res.clinvar = ClinVarSource(clinvar, reference, warn=warn)
        for name, path in scores.items():
            if name == "spliceai":
                res.scores[name] = SpliceAISource(path, reference, warn=warn)
            else:
                res.scores[name] = ScoreTable(path, layout=name, name=name, reference=reference,
                                              warn=warn)  # fmt: skip
        return res

    def inputs(self) -> list[tuple[str, str, str | None, str | None]]:
        """(role, path, version, date) of every open resource, for provenance."""
        out = []
        if self.gnomad:
            d = self.gnomad.describe()
            out.append(("gnomad", str(self.gnomad.path), d.get("version"), d.get("date")))
        if self.clinvar:
            d = self.clinvar.describe()
            out.append(("clinvar", str(self.clinvar.path), d.get("version"), d.get("date")))
        for source in self.scores.values():
            out.append(("scores", str(source.path), None, None))
        return out

    def index_clinvar_proteins(self, regions, annotator: Annotator | None) -> None:
        """Translate the ClinVar records of the panel regions, for PS1/PM5 questions."""
        if self.clinvar is None or annotator is None:
            return
        self.clinvar.build_protein_index(regions, protein_changes(annotator))

    def lookup(self, chrom: str, pos: int, ref: str, alt: str, annotation: Annotation) -> Lookups:
        """What every open source says of one allele; ``annotation`` is its primary-transcript
        annotation (for ClinVar's protein matches)."""
        population: dict[str, Any] = (
            self.gnomad.lookup(chrom, pos, ref, alt).to_json()
            if self.gnomad
            else {"status": NOT_LOOKED_UP}
        )
        # Scores first: the warnings of the sources come in this order.
        scores = self._scores(chrom, pos, ref, alt)
        clinvar, status, protein = None, NOT_LOOKED_UP, None
        if self.clinvar is not None and not self.clinvar.covers(chrom):
            # A file without records on the contig says nothing of the allele: "absent" here
            # would read as evidence (PS1/PM5 not met) where there is none.
            status = NOT_COVERED
        elif self.clinvar is not None:
            rec = self.clinvar.lookup(chrom, pos, ref, alt)
            clinvar = rec.to_json() if rec else None
            status = "found" if rec else "absent"
            if self.clinvar.protein_index is not None and self.clinvar.in_protein_index(chrom, pos):
                # ClinVar's records are translated in the panel genes, and only with our own
                # annotator; elsewhere PS1/PM5 say they were not evaluated.
                protein = self._protein_matches(chrom, pos, ref, alt, annotation)
        return Lookups(
            gnomad_af=population.get("af") if population["status"] == "found" else None,
            population=population,
            clinvar=clinvar,
            clinvar_status=status,
            clinvar_protein=protein,
            scores=scores,
        )

    def _scores(self, chrom, pos, ref, alt) -> dict:
        out: dict[str, Any] = {name: None for name in SCORE_KINDS}
        out["status"] = {name: "not_looked_up" for name in SCORE_KINDS}
        for name, source in self.scores.items():
            result = source.lookup(chrom, pos, ref, alt)
            out["status"][name] = result.status
            out[name] = result.max_delta if name == "spliceai" else result.score
        return out

    def _protein_matches(self, chrom, pos, ref, alt, annotation: Annotation) -> dict | None:
        """ClinVar records with the same amino-acid change, or another at the same residue."""
        aa, position, transcript = (
            annotation.amino_acids,
            annotation.protein_position,
            annotation.transcript,
        )
        if (
            not aa
            or "/" not in aa
            or not position
            or not transcript
            or "missense_variant" not in (annotation.consequence or ())
        ):
            return None
        ref_aa, alt_aa = (amino_acid(x) for x in aa.split("/"))
        residue = int(str(position).split("-")[0])
        me = (chrom, pos, ref, alt)
        assert self.clinvar is not None  # the caller looked it up in ClinVar
        same = self.clinvar.same_amino_acid_change(transcript, residue, ref_aa, alt_aa, exclude=me)
        other = self.clinvar.other_missense_at_residue(transcript, residue, alt_aa, exclude=me)
        return {
            "transcript": transcript,
            "residue": residue,
            "same_amino_acid_change": [r.to_json() for r in same],
            "other_missense_same_residue": [r.to_json() for r in other],
        }

    def close(self) -> None:
        for source in (self.gnomad, self.clinvar, *self.scores.values()):
            if source is not None and hasattr(source, "close"):
                source.close()


def protein_changes(annotator: Annotator):
    """A ClinVar protein annotator backed by our own consequence engine."""

    def annotate(chrom: str, pos: int, ref: str, alt: str) -> list[ProteinChange]:
        out = []
        for a in annotator.annotate(chrom, pos, ref, alt):
            if not a.amino_acids or "/" not in a.amino_acids or not a.protein_position:
                continue
            ref_aa, alt_aa = a.amino_acids.split("/")
            if len(ref_aa) != 1 or len(alt_aa) != 1:
                continue  # PS1/PM5 compare single-residue changes
            out.append(
                ProteinChange(
                    gene=a.symbol or "",
                    transcript=a.transcript,
                    position=int(a.protein_position.split("-")[0]),
                    ref_aa=amino_acid(ref_aa),
                    alt_aa=amino_acid(alt_aa),
                    hgvs_p=a.hgvs_p or "",
                    consequence=a.consequence,
                )
            )
        return out

    return annotate
