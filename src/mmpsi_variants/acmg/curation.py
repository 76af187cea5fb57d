"""Curator evidence: ACMG criteria a person adds per variant, from a TSV.

Columns: chrom, pos, ref, alt, code, strength, comment (a header line is allowed). The strength
may be empty or 'default' for the criterion's default; ``not_met`` records a curator's decision
that a criterion does not apply. Curator rows replace the computed result of the same code and
are marked 'curator-supplied' in every output.
"""

from __future__ import annotations

import csv
from pathlib import Path

from mmpsi_variants.acmg.combining import DEFAULT_STRENGTH, RETIRED, parse_code
from mmpsi_variants.acmg.criterion import MET, NOT_MET, Result
from mmpsi_variants.core.errors import ConfigError, InputFileError
from mmpsi_variants.core.variant import VariantKey


def read_curation(path: str | Path) -> dict[VariantKey, list[Result]]:
    """Each curated allele (its contig in canonical form) -> the curator's results; malformed
    lines name the line."""
    path = Path(path)
    if not path.exists():
        raise InputFileError("file not found; expected a curation TSV", path=str(path))
    out: dict[VariantKey, list[Result]] = {}
    with open(path, encoding="utf-8-sig") as fh:
        for lineno, row in enumerate(csv.reader(fh, delimiter="\t"), 1):
            if not row or not "".join(row).strip() or row[0].startswith("#"):
                continue
            if lineno == 1 and row[0].lower() in ("chrom", "chr", "chromosome"):
                continue
            if len(row) < 5:
                raise ConfigError(
                    f"expected chrom, pos, ref, alt, code, strength, comment; found {len(row)} "
                    "column(s)",
                    path=str(path),
                    where=f"line {lineno}",
                )
            chrom, pos, ref, alt, code = (c.strip() for c in row[:5])
            strength = row[5].strip() if len(row) > 5 else ""
            comment = row[6].strip() if len(row) > 6 else ""
            if not pos.isdigit():
                raise ConfigError(
                    f"pos {pos!r} is not a number", path=str(path), where=f"line {lineno}"
                )
            try:
                if strength.lower() == "not_met":
                    base = code.upper()
                    if base not in DEFAULT_STRENGTH or base in RETIRED:
                        raise ConfigError(f"unknown or retired criterion {code!r}")
                    result = Result(
                        base, NOT_MET, None, f"curator: {comment or 'not met'}", "curator"
                    )
                else:
                    label = (
                        code
                        if not strength or strength.lower() == "default"
                        else f"{code}_{strength}"
                    )
                    ev = parse_code(label)
                    result = Result(
                        ev.code, MET, ev.strength, f"curator: {comment}".rstrip(": "), "curator"
                    )
            except ConfigError as exc:
                raise ConfigError(exc.message, path=str(path), where=f"line {lineno}") from None
            key = VariantKey(chrom, int(pos), ref.upper(), alt.upper()).canonical
            out.setdefault(key, []).append(result)
    return out
