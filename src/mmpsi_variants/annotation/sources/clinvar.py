"""ClinVar from its VCF: look-up by allele, and by protein change for PS1 and PM5.

The ClinVar VCF (``clinvar.vcf.gz`` from NCBI) has one record per variant with INFO CLNSIG,
CLNSIGCONF, CLNREVSTAT, CLNDN, GENEINFO, MC, CLNHGVS, ALLELEID and RS; the ID column is the
Variation ID. Review stars follow ClinVar's review-status scale:

=============================================================  =====
CLNREVSTAT                                                     stars
=============================================================  =====
practice_guideline                                             4
reviewed_by_expert_panel                                       3
criteria_provided,_multiple_submitters,_no_conflicts           2
criteria_provided,_single_submitter                            1
criteria_provided,_conflicting_classifications (interpretations 1
in older files)
no_assertion_criteria_provided, no_classification_*, ...       0
=============================================================  =====

The protein index answers "is this amino-acid change known?" (PS1) and "is another missense
change at this residue known?" (PM5). It is built for the panel regions only: every ClinVar
record there is translated by a caller-supplied ``protein_annotator`` (our consequence engine,
or a stub in tests), so ClinVar's protein names and ours use the same transcripts.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from mmpsi_variants.annotation.sources.clinvar_terms import (
    ClinVarRecord,
    ProteinChange,
    amino_acid,
    review_stars,
    significance_class,
    transcript_key,
)
from mmpsi_variants.core.contigs import canonical
from mmpsi_variants.core.errors import InputFileError, VcfError
from mmpsi_variants.io.fasta import Reference
from mmpsi_variants.io.tabix import IndexedVcf, VcfBacked, VcfLine, Warn, normalise

ProteinAnnotator = Callable[[str, int, str, str], Iterable[ProteinChange]]


class ProteinIndex:
    """ClinVar records by (transcript, residue)."""

    def __init__(self) -> None:
        self._by_residue: dict[tuple[str, int], list[ClinVarRecord]] = defaultdict(list)
        self.n_records = 0
        self.n_changes = 0

    def add(self, record: ClinVarRecord, changes: Iterable[ProteinChange]) -> None:
        added = False
        for change in changes:
            key = (change.transcript_key, change.position)
            self._by_residue[key].append(dataclasses.replace(record, protein=change))
            self.n_changes += 1
            added = True
        self.n_records += added

    def at_residue(self, transcript: str, position: int) -> list[ClinVarRecord]:
        return list(self._by_residue.get((transcript_key(transcript), position), ()))


def _keep(
    rec: ClinVarRecord,
    exclude: tuple | None,
    min_stars: int,
    significance: Collection[str] | None,
) -> bool:
    if exclude is not None and rec.key == exclude:
        return False
    if rec.stars < min_stars:
        return False
    return significance is None or rec.significance_class in significance


def _best_first(records: Iterable[ClinVarRecord]) -> list[ClinVarRecord]:
    return sorted(records, key=lambda r: (-r.stars, r.pos, r.alt, r.variation_id))


class ClinVarSource(VcfBacked):
    """A ClinVar VCF read through its tabix index.

    ``reference`` enables left-alignment of both sides (see :mod:`resource_files`).
    """

    def __init__(
        self, path: str | Path, reference: Reference | None = None, *, warn: Warn | None = None
    ):
        self.path = Path(path)
        self.reference = reference
        self.vcf = IndexedVcf(self.path, kind="ClinVar", reference=reference, warn=warn)
        if "CLNSIG" not in self.vcf.info_defs:
            self.vcf.close()
            found = ", ".join(sorted(self.vcf.info_defs)[:10]) or "none"
            raise InputFileError(
                "no CLNSIG INFO field in the header; expected a ClinVar VCF "
                f"(INFO fields found: {found})",
                path=str(self.path),
            )
        self.date = self.vcf.meta.get("fileDate")
        self.source = self.vcf.meta.get("source")
        self.protein_index: ProteinIndex | None = None
        self._protein_spans: dict[str, list[tuple[int, int]]] = {}

    def describe(self) -> dict:
        """Version and date for the JSON ``inputs`` entry (ClinVar versions by date)."""
        return {"version": self.date, "date": self.date}

    # -- parsing
    def _records(self, line: VcfLine) -> list[ClinVarRecord]:
        info = line.info_dict()
        clnsig = unquote(info.get("CLNSIG", ""))
        revstat = info.get("CLNREVSTAT", "")
        stars = review_stars(revstat)
        if stars is None:
            self.vcf.warnings(
                f"revstat:{revstat}",
                f"{self.path}: unknown review status {revstat!r} (first at {line.chrom}:"
                f"{line.pos}); counted as 0 stars",
            )
            stars = 0
        conflicts = []
        # Real files escape the separator: Benign(1)%3BLikely_benign(2); older ones use '|'.
        for item in filter(None, re.split(r"[;|]", unquote(info.get("CLNSIGCONF", "")))):
            name, _, count = item.partition("(")
            try:
                conflicts.append((name, int(count.rstrip(")")) if count else 0))
            except ValueError:
                raise VcfError(
                    f"CLNSIGCONF item {item!r}: expected Significance(count)",
                    path=str(self.path),
                    where=line.where,
                ) from None
        genes = tuple(
            tuple(g.split(":", 1)) if ":" in g else (g, "")
            for g in filter(None, info.get("GENEINFO", "").split("|"))
        )
        mc = tuple(
            part.split("|", 1)[1] if "|" in part else part
            for part in filter(None, info.get("MC", "").split(","))
        )
        common: dict[str, Any] = dict(
            variation_id=line.id,
            allele_id=info.get("ALLELEID") or None,
            significance=clnsig,
            significance_class=significance_class(clnsig),
            conflicts=tuple(conflicts),
            review_status=revstat,
            stars=stars,
            diseases=tuple(filter(None, unquote(info.get("CLNDN", "")).split("|"))),
            genes=genes,
            molecular_consequences=mc,
            hgvs=tuple(filter(None, info.get("CLNHGVS", "").split(","))),
            rs=tuple(filter(None, info.get("RS", "").split(","))),
        )
        out = []
        for allele in self.vcf.split(line):
            written = f"{line.chrom}:{line.pos}:{line.ref}:{line.alts[allele.allele_index - 1]}"
            out.append(
                ClinVarRecord(
                    chrom=line.chrom,
                    pos=allele.pos,
                    ref=allele.ref,
                    alt=allele.alt,
                    record=written,
                    **common,
                )
            )
        return out

    # -- allele look-up
    def covers(self, chrom: str) -> bool:
        """Whether the file holds records on ``chrom`` (warns once when it does not)."""
        return self.vcf.resolve_contig(chrom) is not None

    def lookup_all(self, chrom: str, pos: int, ref: str, alt: str) -> list[ClinVarRecord]:
        """Every ClinVar record of this allele, best reviewed first."""
        name, query, hits = self.vcf.matching(chrom, pos, ref, alt)
        if name is None:
            return []
        out, lines = [], []
        for line, _idx in hits:
            if line in lines:
                continue
            lines.append(line)
            out += [r for r in self._records(line) if (r.pos, r.ref, r.alt) == query.key[1:]]
        return _best_first(out)

    def lookup(self, chrom: str, pos: int, ref: str, alt: str) -> ClinVarRecord | None:
        """The ClinVar record of this allele (the best reviewed when there are several)."""
        found = self.lookup_all(chrom, pos, ref, alt)
        return found[0] if found else None

    # -- protein index
    def build_protein_index(
        self,
        regions: Iterable[tuple[str, int, int]],
        protein_annotator: ProteinAnnotator,
        *,
        missense_candidates_only: bool = True,
    ) -> ProteinIndex:
        """Translate every ClinVar record inside ``regions`` and index it by residue.

        ``regions`` are (chrom, start, end), 1-based inclusive, in the caller's contig names;
        ``protein_annotator(chrom, pos, ref, alt)`` receives the normalised allele with the
        caller's contig name and returns its :class:`ProteinChange` per transcript (none for
        a non-coding allele). With ``missense_candidates_only``, records that cannot change a
        single residue (indels, and records whose MC lists consequences but no missense) are
        skipped: PS1 and PM5 concern missense changes, and this keeps the number of
        translations small. Returns the index, also kept for the query methods.
        """
        index = ProteinIndex()
        seen: set[tuple] = set()
        regions = list(regions)
        self._protein_spans = {}
        for chrom, start, end in regions:
            self._protein_spans.setdefault(canonical(chrom), []).append((start, end))
        for chrom, start, end in regions:
            name = self.vcf.resolve_contig(chrom)
            if name is None:
                continue
            for line in self.vcf.fetch(name, start, end):
                for rec in self._records(line):
                    if rec.pos < start or rec.pos > end:
                        continue  # a long REF reaching in; its own region will list it
                    ident = (rec.key, rec.variation_id)
                    if ident in seen:
                        continue
                    seen.add(ident)
                    if missense_candidates_only and not _missense_candidate(rec):
                        continue
                    index.add(rec, protein_annotator(chrom, rec.pos, rec.ref, rec.alt))
        self.protein_index = index
        return index

    def in_protein_index(self, chrom: str, pos: int) -> bool:
        """Whether the protein index covers this position: only there can PS1/PM5 be asked."""
        spans = self._protein_spans.get(canonical(chrom), ()) if self.protein_index else ()
        return any(start <= pos <= end for start, end in spans)

    def _require_index(self) -> ProteinIndex:
        if self.protein_index is None:
            raise RuntimeError("call build_protein_index() before protein queries")
        return self.protein_index

    def _exclude_key(self, exclude: tuple[str, int, str, str] | None):
        if exclude is None:
            return None
        allele, _ = normalise(*exclude, self.reference)
        return allele.key

    def same_amino_acid_change(
        self,
        transcript: str,
        position: int,
        ref_aa: str,
        alt_aa: str,
        *,
        exclude: tuple[str, int, str, str] | None = None,
        min_stars: int = 0,
        significance: Collection[str] | None = None,
    ) -> list[ClinVarRecord]:
        """ClinVar records with the same amino-acid change on this transcript (PS1).

        ``exclude`` is the queried allele itself (chrom, pos, ref, alt), which PS1 must not
        count; ``significance`` restricts to classes such as :data:`PATHOGENIC_CLASSES`.
        Each result carries the matching change in ``.protein``; best reviewed first.
        """
        ref_aa, alt_aa = amino_acid(ref_aa), amino_acid(alt_aa)
        excl = self._exclude_key(exclude)
        hits = [
            r
            for r in self._require_index().at_residue(transcript, position)
            if _change(r).ref_aa == ref_aa
            and _change(r).alt_aa == alt_aa
            and _keep(r, excl, min_stars, significance)
        ]
        return _best_first(hits)

    def other_missense_at_residue(
        self,
        transcript: str,
        position: int,
        alt_aa: str,
        *,
        ref_aa: str | None = None,
        exclude: tuple[str, int, str, str] | None = None,
        min_stars: int = 0,
        significance: Collection[str] | None = None,
    ) -> list[ClinVarRecord]:
        """ClinVar missense records at this residue with a different amino acid (PM5)."""
        alt_aa = amino_acid(alt_aa)
        ref_aa = amino_acid(ref_aa) if ref_aa else None
        excl = self._exclude_key(exclude)
        hits = [
            r
            for r in self._require_index().at_residue(transcript, position)
            if _change(r).is_missense
            and _change(r).alt_aa != alt_aa
            and (ref_aa is None or _change(r).ref_aa == ref_aa)
            and _keep(r, excl, min_stars, significance)
        ]
        return _best_first(hits)


def _change(rec: ClinVarRecord) -> ProteinChange:
    """The protein change of a record from the protein index, where it is always set."""
    assert rec.protein is not None
    return rec.protein


def _missense_candidate(rec: ClinVarRecord) -> bool:
    if len(rec.ref) != len(rec.alt) or len(rec.ref) > 3:
        return False
    mc = rec.molecular_consequences
    return not mc or "missense_variant" in mc
