"""The per-sample copy-number table (``<sample>.cnv.tsv``): written by ``mmpsi-variants cnv``,
read back by ``filter --cnv``. One module holds both sides, so the format is said once.

The table has comment lines first (``# sample:``, ``# skipped:`` when the run was too small,
``# note:`` for what was left out, ``# reference samples:``), then a header and one row per
called gene segment. Light on purpose: the filter reads it without pandas or CNVkit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from mmpsi_variants import __version__
from mmpsi_variants.core.errors import InputFileError

TSV_COLUMNS = (
    "gene", "exons", "chrom", "start", "end", "copy_number", "log2", "call", "bins", "quality",
    "ci_low", "ci_high",
)  # fmt: skip
CALLS = ("deletion", "duplication")
SUFFIX = ".cnv.tsv"


@dataclass(frozen=True)
class CnvCall:
    gene: str
    exons: str  # HGVS exon numbers of the primary transcript, "9-10" or "4"
    chrom: str
    start: int  # 1-based, inclusive: the span of the called bins
    end: int
    copy_number: int
    log2: float
    call: str  # deletion or duplication
    bins: int
    ci_low: float
    ci_high: float

    @property
    def quality(self) -> str:
        return f"95% CI of log2 {self.ci_low:.2f} to {self.ci_high:.2f}"

    @property
    def exon_range(self) -> tuple[int, int]:
        first, _, last = self.exons.partition("-")
        return int(first), int(last or first)

    def overlaps(self, other: CnvCall) -> bool:
        return self.chrom == other.chrom and self.start <= other.end and other.start <= self.end


@dataclass
class SampleCnv:
    sample: str
    calls: list[CnvCall] = field(default_factory=list)
    skipped: str | None = None  # why the sample was not called at all
    notes: list[str] = field(default_factory=list)
    reference_samples: list[str] = field(default_factory=list)
    ratios: object | None = None  # per bin (a DataFrame) when just called; None when read back
    path: str | None = None  # the table it was read from

    @property
    def x_called(self) -> bool:
        return not any(n.startswith("chrX not called") for n in self.notes)


def cnv_tsv(result: SampleCnv) -> str:
    lines = [
        f"# mmpsi-variants {__version__} cnv (CNVkit; for research use)",
        f"# sample: {result.sample}",
    ]
    if result.skipped:
        lines.append(f"# skipped: {result.skipped}")
    lines += [f"# note: {n}" for n in result.notes]
    if result.reference_samples:
        lines.append(f"# reference samples: {', '.join(result.reference_samples)}")
    lines.append("\t".join(TSV_COLUMNS))
    for c in result.calls:
        row = (c.gene, c.exons, c.chrom, c.start, c.end, c.copy_number, c.log2, c.call,
               c.bins, c.quality, c.ci_low, c.ci_high)  # fmt: skip
        lines.append("\t".join(str(v) for v in row))
    return "\n".join(lines) + "\n"


def _number(text: str, kind: type, path: str, line: int, column: str):
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or (kind is float and not math.isfinite(value)):
        raise InputFileError(
            f"{column} {text!r} is not {'an integer' if kind is int else 'a number'}",
            path=path,
            where=f"line {line}",
        )
    return value


def read_cnv_tsv(path: str | Path) -> SampleCnv:
    """A table of ``mmpsi-variants cnv``, checked line by line; the sample is the one its
    ``# sample:`` line names (else the file name's ``<sample>.cnv.tsv``)."""
    path = str(path)
    try:
        text = Path(path).read_text()
    except FileNotFoundError:
        raise InputFileError("file not found; expected a <sample>.cnv.tsv", path=path) from None
    except (OSError, UnicodeDecodeError) as e:
        why = e.strerror if isinstance(e, OSError) else "not text"
        raise InputFileError(f"cannot read the copy-number table ({why})", path=path) from None
    name = Path(path).name
    result = SampleCnv(name[: -len(SUFFIX)] if name.endswith(SUFFIX) else name, path=path)
    header_seen = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("#"):
            key, _, value = line[1:].strip().partition(":")
            value = value.strip()
            if key == "sample" and value:
                result.sample = value
            elif key == "skipped":
                result.skipped = value
            elif key == "note":
                result.notes.append(value)
            elif key == "reference samples":
                result.reference_samples = [s.strip() for s in value.split(",") if s.strip()]
            continue
        fields = line.split("\t")
        if not header_seen:
            if tuple(fields) != TSV_COLUMNS:
                raise InputFileError(
                    f"expected the header {' '.join(TSV_COLUMNS)} of mmpsi-variants cnv",
                    path=path,
                    where=f"line {number}",
                )
            header_seen = True
            continue
        if len(fields) != len(TSV_COLUMNS):
            raise InputFileError(
                f"expected {len(TSV_COLUMNS)} tab-separated fields, found {len(fields)}",
                path=path,
                where=f"line {number}",
            )
        row = dict(zip(TSV_COLUMNS, fields, strict=True))
        if row["call"] not in CALLS:
            raise InputFileError(
                f"call {row['call']!r}; expected deletion or duplication", path=path,
                where=f"line {number}",
            )  # fmt: skip
        parts = row["exons"].split("-")
        if not 1 <= len(parts) <= 2 or not all(p.isdigit() for p in parts):
            raise InputFileError(
                f"exons {row['exons']!r}; expected an exon number or a range such as 5-7",
                path=path,
                where=f"line {number}",
            )

        def num(col: str, kind: type, n: int = number, r: dict = row):
            return _number(r[col], kind, path, n, col)

        result.calls.append(
            CnvCall(
                row["gene"],
                row["exons"],
                row["chrom"],
                num("start", int),
                num("end", int),
                num("copy_number", int),
                num("log2", float),
                row["call"],
                num("bins", int),
                num("ci_low", float),
                num("ci_high", float),
            )  # fmt: skip
        )
    if not header_seen:
        raise InputFileError("no header line; expected the table of mmpsi-variants cnv", path=path)
    return result
