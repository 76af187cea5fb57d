"""The workflow configuration's checks beyond its schema: the files it names exist and are what
they should be, the gene models come from somewhere, and paths made absolute for another
working directory. Called by :func:`mmpsi_variants.pipeline.plan.load_plan` at parse time."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

from mmpsi_variants.core.errors import ConfigError, MmpsiError, SampleSheetError
from mmpsi_variants.io.samplesheet import SampleSheet


def with_absolute_paths(config: dict, base: str | Path) -> dict:
    """A copy of ``config`` whose file paths (reference, resources, settings, panel) are
    absolute, relative ones taken from ``base``: to run the same configuration from another
    working directory."""
    base = Path(base)
    cfg = copy.deepcopy(config)

    def absolute(path):
        return str(base / path) if path else path

    ref = cfg["reference"]
    ref["fasta"], ref["genes"] = absolute(ref["fasta"]), absolute(ref.get("genes"))
    res = cfg.get("resources") or {}
    for key in ("gnomad", "clinvar", "manifest", "sources"):
        if key in res:
            res[key] = absolute(res[key])
    if res.get("scores"):
        res["scores"] = {name: absolute(path) for name, path in res["scores"].items()}
    for key in ("settings", "panel"):
        if key in cfg:
            cfg[key] = absolute(cfg[key])
    return cfg


# The files the configuration names, with what each must be: checked at parse time, so that a
# folder or a typo given as the reference stops the dry run, not the first rule that reads it.
_CONFIG_FILES = (
    (("reference", "fasta"), "a FASTA file"),
    (("reference", "genes"), "gene models (GFF3 or GTF)"),
    (("samples",), "the samples sheet"),
    (("units",), "the units sheet"),
    (("resources", "gnomad"), "a gnomAD sites VCF"),
    (("resources", "clinvar"), "a ClinVar VCF"),
    (("resources", "sources"), "a sources YAML for `resources fetch`"),
    (("resources", "scores", "revel"), "a REVEL score file"),
    (("resources", "scores", "cadd"), "a CADD score file"),
    (("resources", "scores", "spliceai"), "a SpliceAI VCF"),
    (("settings",), "a settings YAML"),
    (("panel",), "a panel YAML"),
)


def check_config_files(config: dict) -> None:
    """Each file the configuration names is a readable file; else one line naming the key."""
    for keys, what in _CONFIG_FILES:
        node: Any = config
        for key in keys:
            node = node.get(key) if isinstance(node, dict) else None
        if not node:
            continue
        path = Path(node)
        if path.is_dir():
            problem = "is a folder"
        elif not path.exists():
            problem = "no such file"
        elif not os.access(path, os.R_OK):
            problem = "cannot be read (permission denied)"
        else:
            continue
        raise ConfigError(
            f"{node}: {problem}; expected {what}", path="config", where=".".join(keys)
        )
    regions = config.get("calling", {}).get("regions", "panel")
    if regions not in ("panel", "all") and not Path(regions).is_file():
        problem = "is a folder" if Path(regions).is_dir() else "no such file"
        raise ConfigError(
            f"{regions}: {problem}; expected panel, all or a BED file",
            path="config",
            where="calling.regions",
        )


def check_resources(config: dict) -> None:
    """Gene models from the config or a resources manifest; a manifest to fetch needs a build."""
    res = config["resources"]
    manifest = res.get("manifest")
    if not config["reference"].get("genes") and not manifest:
        raise ConfigError(
            "reference.genes: give gene models, or resources.manifest (a folder of "
            "`mmpsi-variants resources fetch`) to take them from"
        )
    if manifest and Path(manifest).name != "manifest.json":
        raise ConfigError(f"resources.manifest: expected a path ending in manifest.json, got "
                          f"{manifest!r}")  # fmt: skip
    build = res.get("build") or config["reference"]["build"]
    if manifest and not Path(manifest).exists() and build in ("none", "auto"):
        raise ConfigError(
            "resources.manifest: the manifest is missing, and fetching it needs a build: set "
            "reference.build to GRCh38 or GRCh37 (or resources.build to a section of "
            "resources.sources)"
        )


def check_sheet_phenotypes(sheet: SampleSheet) -> None:
    """The sheet's HPO terms and Phenopackets, checked against the shipped ontology before
    any job runs (the ontology is loaded only when a sample has them)."""
    from mmpsi_variants.phenotype.patient import from_terms, read_phenopacket

    for s in sheet.samples.values():
        terms, packet = s.phenotype.get("hpo"), s.phenotype.get("phenopacket")
        where = f"line {s.line} (sample {s.id})"
        if terms and packet:
            raise SampleSheetError(
                "both an hpo and a phenopacket column; give the terms in one of them",
                path=sheet.samples_path, where=where,
            )  # fmt: skip
        try:
            if terms:
                from_terms([terms], "column hpo")
            elif packet:
                read_phenopacket(packet)
        except MmpsiError as exc:
            raise SampleSheetError(str(exc), path=sheet.samples_path, where=where) from None
