"""The panel coverage of every sample as a MultiQC custom-content table.

MultiQC reads ``*_mqc.tsv`` files whose leading ``#`` lines name the section and plot type;
one row per sample, one column per panel gene (percentage of coding bases at the depth
threshold), after the sample's overall figures.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mmpsi_variants.core.errors import InputFileError
from mmpsi_variants.core.text import printable


def _read(path: str) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text())
        return {"sample": data["sample"], "settings": data["settings"],
                "summary": data["summary"], "genes": data["genes"]}  # fmt: skip
    except OSError as e:
        raise InputFileError(f"cannot read the coverage file ({e.strerror})", path=path) from None
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise InputFileError(
            "expected the .coverage.json of mmpsi-variants coverage (sample, settings, summary, "
            "genes)",
            path=path,
        ) from None


def _cell(text: object) -> str:
    return printable(str(text)).replace("\t", " ")


def coverage_mqc(paths: Iterable[str]) -> str:
    """The custom-content TSV for the coverage JSONs of a run."""
    docs = [_read(p) for p in paths]
    threshold = docs[0]["settings"]["min_depth"] if docs else 20
    genes = sorted({g["gene"] for d in docs for g in d["genes"]})
    lines = [
        "# id: 'mmpsi_panel_coverage'",
        "# section_name: 'Panel coverage (mmpsi-variants)'",
        f"# description: 'Percentage of the coding bases of each panel gene (with a splice "
        f"margin) at {threshold}x or more, per sample.'",
        "# plot_type: 'table'",
        "\t".join(["Sample", "mean_depth", f"pct_at_{threshold}x", "exons_below", *genes]),
    ]
    for d in docs:
        by_gene = {g["gene"]: g["pct_at_min_depth"] for g in d["genes"]}
        s = d["summary"]
        row = [d["sample"], s["mean_depth"], s["pct_at_min_depth"], s["exons_below"]]
        row += [by_gene.get(g, "") for g in genes]
        lines.append("\t".join(_cell(x) for x in row))
    return "\n".join(lines) + "\n"
