"""What the filter's HTML report needs beyond the sample's document: the family, the
phenotype and age at onset, the knowledge base's seed figures and MANE pairs, the coverage.

Coverage files are read and checked when the run starts, before any output is written.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mmpsi_variants.core.errors import InputFileError
from mmpsi_variants.pipeline.inputs import FilterInputs
from mmpsi_variants.pipeline.patients import onset_of
from mmpsi_variants.report.html import report_html

_COVERAGE_KEYS = ("settings", "summary", "genes", "exons")


def read_coverage(path: str) -> dict[str, Any]:
    """A coverage JSON of ``mmpsi-variants coverage``, checked for what the report reads."""
    try:
        data = json.loads(Path(path).read_text())
    except OSError as e:
        raise InputFileError(f"cannot read the coverage file ({e.strerror})", path=path) from None
    except (ValueError, UnicodeDecodeError) as e:
        raise InputFileError(
            f"not JSON ({e}); expected the .coverage.json of mmpsi-variants coverage", path=path
        ) from None
    missing = [k for k in _COVERAGE_KEYS if not isinstance(data, dict) or k not in data]
    if missing or not isinstance(data["settings"].get("min_depth"), int):
        raise InputFileError(
            f"missing {', '.join(missing) or 'settings.min_depth'}; expected the .coverage.json "
            "of mmpsi-variants coverage",
            path=path,
        )
    return data


def _data_uri(path: str) -> str:
    """A PNG as a data: URI, for a page that loads nothing."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        why = f"cannot read the copy-number plot ({e.strerror})"
        raise InputFileError(why, path=path) from None
    if not data.startswith(b"\x89PNG"):
        raise InputFileError("not a PNG; expected the plot of mmpsi-variants cnv", path=path)
    return "data:image/png;base64," + base64.b64encode(data).decode()


@dataclass
class ReportPages:
    inputs: FilterInputs
    coverage: dict[str, dict[str, Any]]
    mane: dict[str, dict[str, str]]  # gene symbol -> its MANE Select pair (for RefSeq c.)
    tests: dict[str, list[dict[str, Any]]]  # gene symbol -> confirmatory tests, sources cited

    @classmethod
    def of(cls, inputs: FilterInputs) -> ReportPages:
        cov = {s: read_coverage(p) for s, p in inputs.options.coverage.items()}
        unknown = sorted(set(cov) - {"*", *inputs.samples})
        if unknown:
            raise InputFileError(
                f"--coverage names sample {unknown[0]!r}, which is not reported; expected one "
                f"of {', '.join(inputs.samples)}",
                path=inputs.options.coverage[unknown[0]],
            )
        panel = inputs.known_genes
        citations = panel.sources
        tests = {
            g.symbol: [
                {**t, "sources": [{"id": s, "citation": (citations.get(s) or {}).get("citation")}
                                  for s in t["sources"]]}
                for t in g.confirmatory_tests
            ]
            for g in panel.genes
            if g.confirmatory_tests
        }  # fmt: skip
        mane = {g.symbol: g.mane_select or {} for g in panel.genes}
        return cls(inputs, cov, mane, tests)

    def renderer(
        self, sample: str, stem: str
    ) -> Callable[[dict[str, Any], list[dict[str, Any]]], str]:
        inputs = self.inputs
        fam = inputs.families[sample]
        ind = inputs.ped.get(sample) if inputs.ped else None
        affected = fam.phenotype
        texts = inputs.options.phenotypes
        text = texts.get(sample) or (texts.get("*") if affected == "affected" else None)
        family = {
            "family": ind.family if ind else None,
            "affected": affected,
            "phenotype_text": text,
            "onset_days": onset_of(sample, inputs.options.onsets, inputs.patients),
        }
        panel = inputs.known_genes
        coverage = self.coverage.get(sample) or self.coverage.get("*")

        def render(head: dict[str, Any], variants: list[dict[str, Any]]) -> str:
            found = (head.get("copy_number") or {}).get("candidates") or []
            plots = {c["plot"]: _data_uri(c["plot"]) for c in found if c.get("plot")}
            return report_html(
                head,
                variants,
                family=family,
                disease_notes=list(panel.disease_notes),
                mane=self.mane,
                coverage=coverage,
                confirmatory_tests=self.tests,
                mosaic_min_alt_reads=inputs.inheritance.mosaic.min_alt_reads,
                plots=plots,
                reads_page=f"{stem}.reads.html" if inputs.options.reads_pages else None,
            )

        return render
