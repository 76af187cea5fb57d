"""The MMPSI/EIMFS gene panel: what is known about each gene, and where each gene lies.

The knowledge base is a YAML file validated against ``schemas/panel.schema.json``. It is keyed by
HGNC ID, because symbols get renamed; it holds no coordinates, which come from the gene models
the user supplies, so the same panel works on GRCh38 and GRCh37.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Generic, TypeVar

import jsonschema

from mmpsi_variants.core.errors import PanelError
from mmpsi_variants.core.schemas import read_yaml_mapping
from mmpsi_variants.io.genemodels import Gene, GeneModels

DEFAULT_PANEL = "mmpsi"
VERIFICATION_LABELS = {
    "V": "verified against the primary source",
    "V2": "from a secondary source only",
    "U": "unverified",
}


T = TypeVar("T")


@dataclass(frozen=True)
class Fact(Generic[T]):
    """A statement with its verification tag and sources."""

    value: T
    verification: str
    sources: tuple[str, ...]
    note: str | None = None

    @property
    def established(self) -> bool:
        """Only facts checked against a primary source may be presented as established."""
        return self.verification == "V"


@dataclass(frozen=True)
class TreatmentNote:
    direction: str  # consider / caution / avoid / no_established_benefit
    therapy: str
    text: str
    verification: str
    sources: tuple[str, ...]
    applies_to: str | None = None
    # The note holds for seizure onset before / from this age in days (None: any age).
    onset_before_days: int | None = None
    onset_from_days: int | None = None

    def fits_onset(self, days: int | None) -> bool | None:
        """Whether the note holds for this age at onset; None when it depends on an unknown
        age."""
        if self.onset_before_days is None and self.onset_from_days is None:
            return True
        if days is None:
            return None
        if self.onset_before_days is not None and days >= self.onset_before_days:
            return False
        return not (self.onset_from_days is not None and days < self.onset_from_days)


# PanelApp's traffic lights from the panel's EIMFS evidence level: green where the gene's link to
# EIMFS is established, amber where it is named by reviews, red where it rests on a few reports
# or only on the seed document.
CONFIDENCE = {
    "definitive": "green",
    "strong": "green",
    "moderate": "amber",
    "limited": "red",
    "seed_only": "red",
}


@dataclass(frozen=True)
class PanelGene:
    hgnc_id: str
    symbol: str
    aliases: tuple[str, ...]
    ensembl_gene_id: str | None
    tier: str
    inheritance: Fact[tuple[str, ...]]  # value: tuple of modes
    inheritance_detail: dict
    mechanism: Fact[str]  # value: gain_of_function / loss_of_function / both / unknown
    lof_accepted_for_phenotype: bool | str
    mane_select: dict | None
    mane_plus_clinical: dict | None
    prognosis: Fact[str] | None
    eimfs_evidence: Fact[str]
    treatment_notes: tuple[TreatmentNote, ...]
    hgnc_id_verification: str | None = None
    acmg: dict = field(default_factory=dict)  # gene-specific ACMG settings (schema: $defs/acmg)
    # Genotypes of the gene that cause another phenotype (schema: phenotype_mismatch).
    phenotype_mismatch: dict | None = None
    # Biochemical tests that confirm a treatable cause (schema: confirmatory_tests).
    confirmatory_tests: tuple[dict, ...] = ()

    @property
    def confidence(self) -> str:
        """green / amber / red, PanelApp-style, from the EIMFS evidence level."""
        return CONFIDENCE[self.eimfs_evidence.value]

    @property
    def preferred_transcripts(self) -> tuple[str, ...]:
        ids = []
        for pair in (self.mane_select, self.mane_plus_clinical):
            if pair:
                ids += [pair.get("ensembl"), pair.get("refseq")]
        return tuple(i for i in ids if i)


@dataclass(frozen=True)
class Panel:
    id: str
    name: str
    version: str
    path: str
    genes: tuple[PanelGene, ...]
    sources: dict
    disease: dict
    disease_notes: tuple[dict, ...]

    def gene(self, key: str) -> PanelGene | None:
        """Look a gene up by HGNC ID, symbol or alias."""
        k = key.upper()
        for g in self.genes:
            if (
                g.hgnc_id.upper() == k
                or g.symbol.upper() == k
                or k in (a.upper() for a in g.aliases)
            ):
                return g
        return None

    def select_tiers(self, tiers: Iterable[str]) -> Panel:
        tiers = set(tiers)
        unknown = tiers - {"core", "extended"}
        if unknown:
            raise PanelError(f"unknown tier(s) {sorted(unknown)}; expected core and/or extended")
        return Panel(
            self.id,
            self.name,
            self.version,
            self.path,
            tuple(g for g in self.genes if g.tier in tiers),
            self.sources,
            self.disease,
            self.disease_notes,
        )


@cache
def panel_schema() -> dict:
    text = resources.files("mmpsi_variants").joinpath("schemas/panel.schema.json").read_text()
    return json.loads(text)


def default_panel_path() -> Path:
    return Path(str(resources.files("mmpsi_variants").joinpath(f"panels/{DEFAULT_PANEL}.yaml")))


def _fact(entry: dict[str, Any], key: str) -> Fact[Any]:
    return Fact(
        value=entry[key] if key != "modes" else tuple(entry[key]),
        verification=entry["verification"],
        sources=tuple(entry.get("sources", ())),
        note=entry.get("note"),
    )


def load_panel(path: str | Path | None = None) -> Panel:
    """Read and validate a panel YAML; the packaged MMPSI panel when ``path`` is None."""
    path = Path(path) if path else default_panel_path()
    data = read_yaml_mapping(path, "a panel YAML", PanelError)
    validator = jsonschema.Draft202012Validator(panel_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        location = "/".join(str(p) for p in err.absolute_path) or "top level"
        raise PanelError(
            f"{err.message} (schema rule: {err.validator})", path=str(path), where=location
        )
    _check_references(data, path)

    genes = []
    seen: dict[str, str] = {}
    for g in data["genes"]:
        if g["hgnc_id"] in seen:
            raise PanelError(
                f"HGNC ID {g['hgnc_id']} is listed twice ({seen[g['hgnc_id']]} and {g['symbol']})",
                path=str(path),
            )
        seen[g["hgnc_id"]] = g["symbol"]
        tx = g.get("transcripts", {})
        inh = g["inheritance"]
        genes.append(
            PanelGene(
                hgnc_id=g["hgnc_id"],
                symbol=g["symbol"],
                aliases=tuple(g.get("aliases", ())),
                ensembl_gene_id=g.get("ensembl_gene_id"),
                tier=g["tier"],
                inheritance=_fact(inh, "modes"),
                inheritance_detail={
                    k: v for k, v in inh.items() if k not in ("modes", "verification", "sources")
                },
                mechanism=_fact(g["mechanism"], "type"),
                lof_accepted_for_phenotype=g["mechanism"]["lof_accepted_for_phenotype"],
                mane_select=tx.get("mane_select"),
                mane_plus_clinical=tx.get("mane_plus_clinical"),
                prognosis=_fact(g["prognosis"], "association") if "prognosis" in g else None,
                eimfs_evidence=_fact(g["eimfs_evidence"], "level"),
                treatment_notes=tuple(
                    TreatmentNote(
                        direction=n["direction"],
                        therapy=n["therapy"],
                        text=n["text"],
                        verification=n["verification"],
                        sources=tuple(n["sources"]),
                        applies_to=n.get("applies_to"),
                        onset_before_days=n.get("onset_before_days"),
                        onset_from_days=n.get("onset_from_days"),
                    )
                    for n in g.get("treatment_notes", ())
                ),
                hgnc_id_verification=g.get("hgnc_id_verification"),
                acmg=g.get("acmg", {}),
                phenotype_mismatch=g.get("phenotype_mismatch"),
                confirmatory_tests=tuple(g.get("confirmatory_tests", ())),
            )
        )
    meta = data["panel"]
    return Panel(
        id=meta["id"],
        name=meta["name"],
        version=meta["version"],
        path=str(path),
        genes=tuple(genes),
        sources=data["sources"],
        disease=meta["disease"],
        disease_notes=tuple(data.get("disease_notes", ())),
    )


def _check_references(data: dict, path: Path) -> None:
    """Every source ID used must be defined in the registry."""
    known = set(data["sources"])

    def walk(node, where):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "sources" and isinstance(value, list):
                    for sid in value:
                        if sid not in known:
                            raise PanelError(
                                f"source {sid!r} is not defined in the 'sources' registry",
                                path=str(path),
                                where=where,
                            )
                else:
                    walk(value, f"{where}/{key}" if where else key)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                label = item.get("symbol", i) if isinstance(item, dict) else i
                walk(item, f"{where}/{label}")

    walk({k: v for k, v in data.items() if k != "sources"}, "")


def resolve_gene(pg: PanelGene, models: GeneModels) -> Gene | None:
    """Find a panel gene in the gene models: HGNC ID, then Ensembl ID, then symbol, then alias.

    When an identifier matches several genes (a symbol on a patch contig), the one on a primary
    chromosome with transcripts wins.
    """
    for candidates in (
        models.by_hgnc.get(pg.hgnc_id),
        models.by_ensembl.get(pg.ensembl_gene_id or ""),
        models.by_symbol.get(pg.symbol.upper()),
        *(models.by_symbol.get(a.upper()) for a in pg.aliases),
        models.by_synonym.get(pg.symbol.upper()),
    ):
        if candidates:
            return min(candidates, key=lambda g: (not g.transcripts, len(g.chrom), g.chrom))
    return None
