"""The workflow's sample sheets: ``samples.tsv`` (who) and ``units.tsv`` (where the data are).

``samples.tsv``: one row per sample with its family, sex, parents, affection status and
phenotype (EEG findings, MRI, age at onset). ``units.tsv``: one row per sequencing unit, giving
either FASTQ (``fq1``, optional ``fq2``), or an aligned, indexed BAM/CRAM (``bam``), or a joint
VCF of the sample's family (``vcf``). A family comes either from reads (FASTQ or BAM/CRAM, called
jointly) or from one VCF, never a mix.

Column-level checks come from the JSON Schemas (see :mod:`validation`); this module adds what a
schema cannot say: unique names, parents that exist in the same family with a fitting sex,
every sample with data, one entry point per family, an index beside each BAM/CRAM and the
family's samples present in its VCF. Every error names the file, the line and the column.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from mmpsi_variants.core.errors import PedigreeError, SampleSheetError
from mmpsi_variants.core.schemas import validate_rows
from mmpsi_variants.io.ped import Individual, check_relations

MISSING = {"", "0", "NA", "na", "."}


READS, VCF = "reads", "vcf"


@dataclass(frozen=True)
class Sample:
    """One row of samples.tsv."""

    id: str
    family: str
    sex: str  # male / female / unknown
    father: str | None
    mother: str | None
    affected: str  # yes / no / unknown
    line: int
    phenotype: dict[str, str] = field(default_factory=dict)

    @property
    def is_affected(self) -> bool:
        return self.affected == "yes"


@dataclass(frozen=True)
class Unit:
    """One row of units.tsv: a sequencing unit (lane, library) or an existing file."""

    sample: str
    unit: str
    fq1: str | None
    fq2: str | None
    bam: str | None
    vcf: str | None
    line: int

    @property
    def kind(self) -> str:
        return "fastq" if self.fq1 else ("bam" if self.bam else "vcf")


@dataclass(frozen=True)
class Family:
    id: str
    samples: tuple[str, ...]
    source: str  # reads / vcf
    vcf: str | None = None


@dataclass(frozen=True)
class SampleSheet:
    samples_path: str
    units_path: str
    samples: dict[str, Sample]
    units: tuple[Unit, ...]
    families: dict[str, Family]

    def units_of(self, sample: str) -> list[Unit]:
        return [u for u in self.units if u.sample == sample]

    def family_of(self, sample: str) -> Family:
        return self.families[self.samples[sample].family]

    def samples_by_kind(self, kind: str) -> list[str]:
        """Samples whose data are FASTQ (``fastq``), BAM/CRAM (``bam``) or a VCF (``vcf``)."""
        return [s for s in self.samples if self.units_of(s)[0].kind == kind]


PHENOTYPE_COLUMNS = ("eeg", "mri", "onset_age_days")
# Outcomes, for the cohort's tables (not phenotype: the ACMG criteria never read them).
OUTCOME_COLUMNS = ("seizure_control", "development", "deceased")
# The phenotype as HPO terms, or a Phenopacket file: the filter's --hpo and --phenopacket, not
# free text.
TERM_COLUMNS = ("hpo", "phenopacket")


_SAMPLE_COLUMNS = ("sample", "family", "sex", "father", "mother", "affected")


_UNIT_COLUMNS = ("sample", "unit", "fq1", "fq2", "bam", "vcf")


def read_tsv(path: str | Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and rows of a tab-separated sheet; empty cells are left out of each row.

    Lines starting with ``#`` and blank lines are skipped.
    """
    path = Path(path)
    if not path.is_file():
        raise SampleSheetError("file not found; expected a tab-separated sheet", path=str(path))
    rows: list[tuple[int, dict[str, str]]] = []
    header: list[str] | None = None
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for lineno, cells in enumerate(csv.reader(fh, delimiter="\t"), 1):
            if not cells or not "".join(cells).strip() or cells[0].startswith("#"):
                continue
            cells = [c.strip() for c in cells]
            if header is None:
                header = cells
                dup = sorted({c for c in header if header.count(c) > 1})
                if dup:
                    raise SampleSheetError(
                        f"column(s) {', '.join(dup)} appear twice in the header",
                        path=str(path),
                        where=f"line {lineno}",
                    )
                continue
            if len(cells) > len(header):
                raise SampleSheetError(
                    f"expected at most {len(header)} tab-separated columns (the header's), "
                    f"found {len(cells)}",
                    path=str(path),
                    where=f"line {lineno}",
                )
            rows.append((lineno, {h: c for h, c in zip(header, cells, strict=False) if c != ""}))
    if header is None:
        raise SampleSheetError("the sheet is empty; expected a header line", path=str(path))
    return header, rows


def _none(value: str | None) -> str | None:
    return None if value is None or value in MISSING else value


def load_samples(path: str | Path, schema: dict[str, Any] | None = None) -> dict[str, Sample]:
    """Parse and check samples.tsv; return samples in file order."""
    path = str(path)
    header, rows = read_tsv(path)
    if schema is not None:
        validate_rows(rows, schema, path=path)
    missing = [c for c in ("sample", "family", "sex") if c not in header]
    if missing:
        raise SampleSheetError(
            f"missing column(s) {', '.join(missing)}; expected at least sample, family, sex",
            path=path,
            where="header",
        )
    samples: dict[str, Sample] = {}
    seen_folded: dict[str, int] = {}
    for lineno, row in rows:
        sid = row.get("sample")
        where = f"line {lineno}"
        if not sid or not row.get("family"):
            col = "sample" if not sid else "family"
            raise SampleSheetError(
                "a value is required here", path=path, where=f"{where}, column {col}"
            )
        # Sample names become file names, which must not collide on case-insensitive disks.
        folded = sid.lower()
        if folded in seen_folded:
            raise SampleSheetError(
                f"sample {sid!r} is listed twice (first on line {seen_folded[folded]}; names "
                "are compared ignoring case)",
                path=path,
                where=f"{where}, column sample",
            )
        seen_folded[folded] = lineno
        samples[sid] = Sample(
            id=sid,
            family=row["family"],
            sex=row.get("sex", "unknown"),
            father=_none(row.get("father")),
            mother=_none(row.get("mother")),
            affected=row.get("affected", "unknown"),
            line=lineno,
            phenotype={c: row[c] for c in header if c not in _SAMPLE_COLUMNS and c in row},
        )
    if not samples:
        raise SampleSheetError("no samples; expected one row per sample", path=path)
    _check_parents(samples, path)
    return samples


def _check_parents(samples: dict[str, Sample], path: str) -> None:
    for s in samples.values():
        for column, parent, wrong_sex in (
            ("father", s.father, "female"),
            ("mother", s.mother, "male"),
        ):
            if parent is None:
                continue
            where = f"line {s.line} (sample {s.id}), column {column}"
            if parent == s.id:
                raise SampleSheetError("a sample cannot be its own parent", path=path, where=where)
            p = samples.get(parent)
            if p is None:
                raise SampleSheetError(
                    f"{parent!r} is not a sample in this sheet; list the parent as a row, or "
                    "write 0 for a parent without data",
                    path=path,
                    where=where,
                )
            if p.family != s.family:
                raise SampleSheetError(
                    f"{parent!r} belongs to family {p.family!r}, not {s.family!r}",
                    path=path,
                    where=where,
                )
            if p.sex == wrong_sex:
                raise SampleSheetError(
                    f"{parent!r} is listed as {p.sex} on line {p.line}", path=path, where=where
                )
    _check_as_pedigree(samples, path)


def _check_as_pedigree(samples: dict[str, Sample], path: str) -> None:
    """What the filter checks in the PED derived from this sheet, checked now (before
    alignment and calling), with the sheet's lines named."""
    individuals = {
        s.id: Individual(
            family=s.family,
            id=s.id,
            father=s.father,
            mother=s.mother,
            sex=s.sex,
            phenotype="unknown",
            line=s.line,
        )
        for s in samples.values()
    }
    try:
        check_relations(individuals, path)
    except PedigreeError as exc:
        line = int((exc.where or "line 0").split()[-1])
        sample = next(s for s in samples.values() if s.line == line)
        column = "father" if sample.father else "mother"
        raise SampleSheetError(
            exc.message, path=path, where=f"line {line} (sample {sample.id}), column {column}"
        ) from None


def load_units(
    path: str | Path, samples: dict[str, Sample], schema: dict[str, Any] | None = None
) -> tuple[Unit, ...]:
    """Parse and check units.tsv against the samples."""
    path = str(path)
    header, rows = read_tsv(path)
    if schema is not None:
        validate_rows(rows, schema, path=path)
    units: list[Unit] = []
    seen: dict[tuple[str, str], int] = {}
    for lineno, row in rows:
        sid, uid = row.get("sample"), row.get("unit")
        label = f"line {lineno} (sample {sid})"
        if not sid or not uid:
            col = "sample" if not sid else "unit"
            raise SampleSheetError(
                "a value is required here", path=path, where=f"{label}, column {col}"
            )
        if sid not in samples:
            raise SampleSheetError(
                f"sample {sid!r} is not in the samples sheet",
                path=path,
                where=f"{label}, column sample",
            )
        if (sid, uid) in seen:
            raise SampleSheetError(
                f"unit {uid!r} of sample {sid!r} is listed twice "
                f"(first on line {seen[(sid, uid)]})",
                path=path,
                where=f"{label}, column unit",
            )
        seen[(sid, uid)] = lineno
        given = [c for c in ("fq1", "bam", "vcf") if row.get(c)]
        if len(given) != 1:
            found = ", ".join(given) if given else "none of them"
            raise SampleSheetError(
                f"give exactly one of fq1 (with fq2 for paired reads), bam (BAM or CRAM) or vcf; "
                f"found {found}",
                path=path,
                where=f"{label}, column {'fq1' if not given else given[-1]}",
            )
        if row.get("fq2") and not row.get("fq1"):
            raise SampleSheetError(
                "fq2 is given without fq1", path=path, where=f"{label}, column fq1"
            )
        units.append(
            Unit(sid, uid, row.get("fq1"), row.get("fq2"), row.get("bam"), row.get("vcf"), lineno)
        )
    return tuple(units)


def sheet_families(
    samples: dict[str, Sample], units: tuple[Unit, ...], units_path: str
) -> dict[str, Family]:
    by_sample: dict[str, list[Unit]] = {}
    for u in units:
        by_sample.setdefault(u.sample, []).append(u)
    families: dict[str, list[str]] = {}
    for s in samples.values():
        families.setdefault(s.family, []).append(s.id)
        us = by_sample.get(s.id)
        if not us:
            raise SampleSheetError(
                f"sample {s.id!r} (samples sheet line {s.line}) has no row here; give its "
                "FASTQ, BAM/CRAM or VCF",
                path=units_path,
            )
        kinds = {u.kind for u in us}
        if len(us) > 1 and kinds != {"fastq"}:
            u = next(u for u in us if u.kind != "fastq")
            raise SampleSheetError(
                f"sample {s.id!r} has {len(us)} units; a {u.kind.upper()} must be the sample's "
                "only unit (FASTQ units of several lanes are merged)",
                path=units_path,
                where=f"line {u.line} (sample {s.id}), column {u.kind}",
            )
    out = {}
    for fid, members in families.items():
        vcf_units = [by_sample[m][0] for m in members if by_sample[m][0].kind == "vcf"]
        read_units = [by_sample[m][0] for m in members if by_sample[m][0].kind != "vcf"]
        if vcf_units and read_units:
            v, r = vcf_units[0], read_units[0]
            raise SampleSheetError(
                f"family {fid!r} mixes reads (sample {r.sample}, line {r.line}) and a VCF "
                f"(sample {v.sample}); a family comes either from reads or from one VCF",
                path=units_path,
                where=f"line {v.line} (sample {v.sample}), column vcf",
            )
        if vcf_units:
            # A unit of kind "vcf" has its vcf column given (load_units checks it).
            paths = {cast(str, u.vcf) for u in vcf_units}
            if len(paths) > 1:
                u = vcf_units[-1]
                raise SampleSheetError(
                    f"the samples of family {fid!r} name different VCFs "
                    f"({', '.join(sorted(paths))}); give the family's one joint VCF on every row",
                    path=units_path,
                    where=f"line {u.line} (sample {u.sample}), column vcf",
                )
            out[fid] = Family(fid, tuple(members), VCF, vcf_units[0].vcf)
        else:
            out[fid] = Family(fid, tuple(members), READS)
    return out


_PED_SEX = {"male": "1", "female": "2"}


_PED_AFFECTED = {"yes": "2", "no": "1"}


def ped_text(samples: dict[str, Sample], family: str | None = None, path: str | None = None) -> str:
    """The samples (of one family, or all) as a six-column PED, tab-separated, no header."""
    lines = []
    for s in samples.values():
        if family is not None and s.family != family:
            continue
        lines.append(
            "\t".join(
                [
                    s.family,
                    s.id,
                    s.father or "0",
                    s.mother or "0",
                    _PED_SEX.get(s.sex, "0"),
                    _PED_AFFECTED.get(s.affected, "0"),
                ]
            )
        )
    if not lines:
        raise SampleSheetError(
            f"no sample of family {family!r} in the sheet; expected a family of its "
            "'family' column",
            path=path,
        )
    return "\n".join(lines) + "\n"
