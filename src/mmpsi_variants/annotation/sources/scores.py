"""In-silico scores: REVEL and CADD from tabix-indexed tables, SpliceAI from its VCF.

Score tables are tab-separated, sorted by position, bgzipped and tabix-indexed (a table without
an index gets a temporary one). The column names are settings; the defaults follow each tool's
published layout:

==================  ====================================================================
layout              columns (chrom, pos, ref, alt, score; extras kept with the result)
==================  ====================================================================
``revel``           ``chr``, ``grch38_pos``, ``ref``, ``alt``, ``REVEL`` (extras ``aaref``,
                    ``aaalt``, ``Ensembl_transcriptid``): the REVEL release file, converted
                    from CSV to TSV with a '#' before the header, indexed on ``grch38_pos``
                    (``tabix -s 1 -b 3 -e 3``)
``revel_grch37``    the same on ``hg19_pos`` (``tabix -s 1 -b 2 -e 2``)
``cadd``            ``Chrom``, ``Pos``, ``Ref``, ``Alt``, ``PHRED`` (extra ``RawScore``): CADD's
                    own files, whose header line is ``#Chrom Pos Ref Alt RawScore PHRED``
==================  ====================================================================

REVEL lists a variant once per distinct protein change (transcript set); the score reported is
the highest, and every value is kept in :attr:`ScoreResult.scores`.

SpliceAI: ``INFO/SpliceAI=ALLELE|SYMBOL|DS_AG|DS_AL|DS_DG|DS_DL|DP_AG|DP_AL|DP_DG|DP_DL``, one
entry per allele and gene, read by the header's own ``Format:`` line. The delta score of an
allele is the largest of its four DS values, over its genes (or the named gene).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast, overload

from mmpsi_variants.core.contigs import ContigMap
from mmpsi_variants.core.errors import InputFileError, VcfError
from mmpsi_variants.io.fasta import Reference
from mmpsi_variants.io.htslib import open_text
from mmpsi_variants.io.tabix import (
    IndexedVcf,
    TabixBacked,
    VcfBacked,
    VcfLine,
    Warn,
    WarnOnce,
    normalise,
    prepare_table,
    right_end,
)

STATUSES = ("found", "absent", "not_covered", "not_looked_up")


@dataclass(frozen=True)
class TableLayout:
    """Column names of a score table."""

    chrom: str
    pos: str
    ref: str
    alt: str
    score: str
    extra: tuple[str, ...] = ()


REVEL_GRCH38 = TableLayout(
    "chr", "grch38_pos", "ref", "alt", "REVEL", ("aaref", "aaalt", "Ensembl_transcriptid")
)
REVEL_GRCH37 = TableLayout(
    "chr", "hg19_pos", "ref", "alt", "REVEL", ("aaref", "aaalt", "Ensembl_transcriptid")
)
CADD = TableLayout("Chrom", "Pos", "Ref", "Alt", "PHRED", ("RawScore",))
LAYOUTS = {"revel": REVEL_GRCH38, "revel_grch37": REVEL_GRCH37, "cadd": CADD}


@dataclass(frozen=True)
class ScoreResult:
    """One tool's score for one allele."""

    status: str
    score: float | None = None
    scores: tuple[float, ...] = ()  # every matching row's score
    extra: tuple[tuple[str, str], ...] = ()  # extra columns of the row with the reported score
    source: str | None = None

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")

    def to_json(self) -> dict:
        return {
            "status": self.status,
            "score": self.score,
            "scores": list(self.scores),
            "extra": dict(self.extra),
            "source": self.source,
        }


def not_looked_up(source: str | None = None) -> ScoreResult:
    return ScoreResult("not_looked_up", source=source)


class ScoreTable(TabixBacked):
    """A tabix-indexed score table (REVEL, CADD or any table with the same five columns).

    ``layout`` is a :class:`TableLayout` or a key of :data:`LAYOUTS`; ``name`` labels results
    and messages.
    """

    def __init__(
        self,
        path: str | Path,
        layout: TableLayout | str = "revel",
        *,
        name: str | None = None,
        reference: Reference | None = None,
        warn: Warn | None = None,
    ):
        self.path = Path(path)
        if isinstance(layout, str):
            if layout not in LAYOUTS:
                raise InputFileError(
                    f"unknown score table layout {layout!r}; expected one of "
                    f"{', '.join(LAYOUTS)} or explicit column names",
                    path=str(self.path),
                )
            name = name or layout.split("_")[0].upper()
            layout = LAYOUTS[layout]
        self.layout = layout
        self.name = name or layout.score
        self.reference = reference
        self._warn = WarnOnce(warn)
        header, skip = self._read_header()
        self.columns = header
        self.col = {role: self._column(header, getattr(layout, role)) for role in _ROLES}
        self.extra_cols = [(c, self._column(header, c, required=False)) for c in layout.extra]
        self._open_tabix(
            lambda tmp: prepare_table(self.path, tmp, self.col["chrom"], self.col["pos"], skip),
            "mmpsi-scores-",
        )
        self.contigs = ContigMap(self._tabix.contigs)

    # -- set-up
    def _read_header(self) -> tuple[list[str], int]:
        """Column names, and how many header lines lack the '#' (to skip when indexing)."""
        last_hash, first = None, None
        with open_text(self.path, "a tab-separated score table") as fh:
            for line in fh:
                if line.startswith("#"):
                    last_hash = line
                    continue
                first = line
                break
        if last_hash is not None:
            text, skip = last_hash.lstrip("#"), 0
        elif first is not None:
            text, skip = first, 1
        else:
            raise InputFileError(
                f"no header line; expected {self.name} columns", path=str(self.path)
            )
        if "\t" not in text and "," in text:
            raise InputFileError(
                "comma-separated; tabix needs a tab-separated table: convert it with "
                "tr ',' '\\t', put '#' before the header line, then bgzip and tabix it",
                path=str(self.path),
                where="header line",
            )
        return [c.strip() for c in text.rstrip("\n").split("\t")], skip

    @overload
    def _column(self, header: list[str], name: str, required: Literal[True] = True) -> int: ...

    @overload
    def _column(self, header: list[str], name: str, required: bool) -> int | None: ...

    def _column(self, header: list[str], name: str, required: bool = True) -> int | None:
        if name in header:
            return header.index(name)
        lowered = [c.lower() for c in header]
        if name.lower() in lowered:
            return lowered.index(name.lower())
        if not required:
            return None
        raise InputFileError(
            f"no column {name!r} in the header; expected the {self.name} columns "
            f"{', '.join(getattr(self.layout, r) for r in _ROLES)} (set the column names in the "
            f"settings); found: {', '.join(header[:12])}",
            path=str(self.path),
            where="header line",
        )

    @property
    def warnings(self) -> list[str]:
        return self._warn.messages

    def describe(self) -> dict:
        return {"version": self.name, "date": None}

    # -- look-up
    def lookup(self, chrom: str, pos: int, ref: str, alt: str) -> ScoreResult:
        """The score of one allele; ``found``, ``absent`` (contig in the table, allele not) or
        ``not_covered`` (contig not in the table)."""
        name = self.contigs.get(chrom)
        if name is None:
            have = ", ".join(self.contigs.target_names[:8]) or "none"
            self._warn(
                f"contig:{chrom}",
                f"{self.path}: no rows on contig {chrom} (the table has: {have}); {self.name} "
                "look-ups there are reported as not covered",
            )
            return ScoreResult("not_covered", source=self.name)
        query, _ = normalise(chrom, pos, ref, alt, self.reference)
        last = right_end(query, self.reference)
        rows = []
        for line in self._tabix.fetch(name, query.pos - 1, last + max(len(query.ref), 1)):
            row = self._row(line)
            if row is None:
                continue
            rpos, rref, ralt, score, extra = row
            allele, _ = normalise(chrom, rpos, rref, ralt, self.reference)
            if (allele.pos, allele.ref, allele.alt) == (query.pos, query.ref, query.alt):
                rows.append((score, extra))
        if not rows:
            return ScoreResult("absent", source=self.name)
        best = max(rows, key=lambda r: r[0])
        return ScoreResult(
            "found",
            score=best[0],
            scores=tuple(sorted(r[0] for r in rows)),
            extra=best[1],
            source=self.name,
        )

    def _row(self, line: str):
        cols = line.rstrip("\n").split("\t")
        c = self.col
        need = max(c.values())
        where = f"row {cols[0]}:{cols[c['pos']]}" if len(cols) > need else "a row"
        if len(cols) <= need:
            raise InputFileError(
                f"expected at least {need + 1} tab-separated columns, found {len(cols)}",
                path=str(self.path),
                where=where,
            )
        pos_text, score_text = cols[c["pos"]], cols[c["score"]]
        if not pos_text.isdigit():
            if pos_text in (".", ""):
                return None  # REVEL rows without a position on this build
            raise InputFileError(
                f"position {pos_text!r} is not an integer", path=str(self.path), where=where
            )
        if score_text in (".", "", "NA"):
            return None
        try:
            score = float(score_text)
        except ValueError:
            raise InputFileError(
                f"{self.layout.score} value {score_text!r} is not a number",
                path=str(self.path),
                where=where,
            ) from None
        extra = tuple((n, cols[i]) for n, i in self.extra_cols if i is not None and i < len(cols))
        return int(pos_text), cols[c["ref"]], cols[c["alt"]], score, extra


_ROLES = ("chrom", "pos", "ref", "alt", "score")

# ------------------------------------------------------------------------------ SpliceAI
SPLICEAI_FIELDS = ("ALLELE", "SYMBOL", "DS_AG", "DS_AL", "DS_DG", "DS_DL", "DP_AG", "DP_AL",
                   "DP_DG", "DP_DL")  # fmt: skip


@dataclass(frozen=True)
class SpliceAIEntry:
    """SpliceAI's prediction for one allele in one gene."""

    allele: str
    symbol: str
    ds_ag: float | None
    ds_al: float | None
    ds_dg: float | None
    ds_dl: float | None
    dp_ag: int | None
    dp_al: int | None
    dp_dg: int | None
    dp_dl: int | None

    @property
    def max_delta(self) -> float | None:
        values = [v for v in (self.ds_ag, self.ds_al, self.ds_dg, self.ds_dl) if v is not None]
        return max(values) if values else None

    @property
    def max_kind(self) -> str | None:
        """Which delta is the largest: 'DS_AG', 'DS_AL', 'DS_DG' or 'DS_DL'."""
        pairs = [
            (v, k)
            for v, k in (
                (self.ds_ag, "DS_AG"),
                (self.ds_al, "DS_AL"),
                (self.ds_dg, "DS_DG"),
                (self.ds_dl, "DS_DL"),
            )
            if v is not None
        ]
        return max(pairs)[1] if pairs else None


@dataclass(frozen=True)
class SpliceAIResult:
    status: str
    max_delta: float | None = None
    max_kind: str | None = None
    entries: tuple[SpliceAIEntry, ...] = ()
    source: str | None = None

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")

    def to_json(self) -> dict:
        return {
            "status": self.status,
            "max_delta": self.max_delta,
            "max_kind": self.max_kind,
            "genes": [e.symbol for e in self.entries],
            "source": self.source,
        }


SPLICEAI_NOT_LOOKED_UP = SpliceAIResult("not_looked_up", source="SpliceAI")


class SpliceAISource(VcfBacked):
    """A SpliceAI VCF (precomputed scores or SpliceAI's own output), tabix-indexed."""

    def __init__(
        self, path: str | Path, reference: Reference | None = None, *, warn: Warn | None = None
    ):
        self.path = Path(path)
        self.vcf = IndexedVcf(self.path, kind="SpliceAI", reference=reference, warn=warn)
        spec = self.vcf.info_defs.get("SpliceAI")
        desc = (spec or {}).get("Description", "")
        if spec is None or "Format:" not in desc:
            self.vcf.close()
            raise InputFileError(
                "no INFO/SpliceAI with a 'Format:' description in the header; expected a "
                "SpliceAI VCF (INFO SpliceAI=ALLELE|SYMBOL|DS_AG|DS_AL|DS_DG|DS_DL|...)",
                path=str(self.path),
            )
        self.fields = tuple(f.strip() for f in desc.split("Format:", 1)[1].strip().split("|"))
        missing = [f for f in SPLICEAI_FIELDS[:6] if f not in self.fields]
        if missing:
            self.vcf.close()
            raise InputFileError(
                f"INFO/SpliceAI format lacks {', '.join(missing)}; expected "
                + "|".join(SPLICEAI_FIELDS),
                path=str(self.path),
            )
        m = re.match(r"SpliceAI(v[\d.]+)", desc)
        self.version = f"SpliceAI {m.group(1)}" if m else None

    def describe(self) -> dict:
        return {"version": self.version, "date": self.vcf.meta.get("fileDate")}

    def lookup(
        self, chrom: str, pos: int, ref: str, alt: str, gene: str | None = None
    ) -> SpliceAIResult:
        """SpliceAI's largest delta score for one allele (in ``gene`` when it is scored there,
        else over all the genes SpliceAI scored it in)."""
        name, _query, hits = self.vcf.matching(chrom, pos, ref, alt)
        if name is None:
            return SpliceAIResult("not_covered", source="SpliceAI")
        entries: list[SpliceAIEntry] = []
        for line, idx in hits:
            entries += self._entries(line, line.alts[idx - 1])
        if not entries:
            return SpliceAIResult("absent", source="SpliceAI")
        if gene and any(e.symbol == gene for e in entries):
            entries = [e for e in entries if e.symbol == gene]
        scored = [e for e in entries if e.max_delta is not None]
        if not scored:
            return SpliceAIResult("found", entries=tuple(entries), source="SpliceAI")
        best = max(scored, key=lambda e: cast(float, e.max_delta))  # scored: not None
        return SpliceAIResult(
            "found", best.max_delta, best.max_kind, tuple(entries), source="SpliceAI"
        )

    def _entries(self, line: VcfLine, alt: str) -> list[SpliceAIEntry]:
        raw = line.info_dict().get("SpliceAI", "")
        out = []
        single_alt = len(line.alts) == 1
        for item in filter(None, raw.split(",")):
            parts = item.split("|")
            if len(parts) != len(self.fields):
                raise VcfError(
                    f"SpliceAI entry {item!r} has {len(parts)} fields; the header's format has "
                    f"{len(self.fields)}",
                    path=str(self.path),
                    where=line.where,
                )
            values = dict(zip(self.fields, parts, strict=True))
            if values["ALLELE"] != alt and not single_alt:
                continue
            out.append(
                SpliceAIEntry(
                    values["ALLELE"],
                    values["SYMBOL"],
                    *(_num(values.get(k), float, line, self.path) for k in SPLICEAI_FIELDS[2:6]),
                    *(_num(values.get(k), int, line, self.path) for k in SPLICEAI_FIELDS[6:]),
                )
            )
        return out


def _num(text: str | None, kind, line: VcfLine, path: Path):
    if text is None or text in ("", "."):
        return None
    try:
        return kind(float(text)) if kind is int else kind(text)
    except ValueError:
        raise VcfError(
            f"SpliceAI value {text!r} is not a number", path=str(path), where=line.where
        ) from None
