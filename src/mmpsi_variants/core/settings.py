"""Settings: the package defaults (``data/settings.yaml``) with a user's YAML merged over them.

Each part of the pipeline owns one top-level section (``inheritance`` today) and turns it into
its own frozen dataclasses; this module only reads, merges and validates, so adding a section is
a change to the YAML and the schema, not to this code.

>>> s = load_settings()
>>> s.section("inheritance")["de_novo"]["child"]["min_genotype_quality"]
20
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from mmpsi_variants.core.errors import ConfigError
from mmpsi_variants.core.schemas import read_yaml_mapping


@dataclass(frozen=True)
class Settings:
    """Merged and validated settings. ``path`` is the user's file, None for the defaults."""

    path: str | None
    data: dict[str, Any]

    def section(self, name: str) -> dict[str, Any]:
        """A copy of one top-level section, safe to keep or change."""
        section: dict[str, Any] = copy.deepcopy(self.data.get(name, {}))
        return section


def default_settings_path() -> Path:
    return Path(str(resources.files("mmpsi_variants").joinpath("data/settings.yaml")))


@cache
def settings_schema() -> dict[str, Any]:
    text = resources.files("mmpsi_variants").joinpath("schemas/settings.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


def _read_yaml(path: Path) -> dict[str, Any]:
    return read_yaml_mapping(path, "a settings YAML", ConfigError, "a mapping of sections")


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``override`` over ``base``: mappings merge key by key, anything else replaces."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


# Keys of earlier releases, and where their setting lives now.
MOVED = {
    ("acmg", "bs1"): "acmg.bs1.max_credible_af is now acmg.max_credible_af, per gene symbol",
}


def _has_key(data: dict[str, Any], keys: tuple[str, ...]) -> bool:
    for k in keys:
        if not isinstance(data, dict) or k not in data:
            return False
        data = data[k]
    return True


def load_settings(path: str | Path | None = None) -> Settings:
    """The defaults, with the YAML at ``path`` merged over them, validated.

    A key the schema does not know, or a value of the wrong type or range, raises
    :class:`ConfigError` naming the file and the key path (``inheritance/mosaic/min_depth``).
    """
    data = _read_yaml(default_settings_path())
    source = default_settings_path()
    if path is not None:
        source = Path(path)
        data = merge(data, _read_yaml(source))
    validator = jsonschema.Draft202012Validator(settings_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        location = "/".join(str(p) for p in err.absolute_path) or "top level"
        message = err.message
        if err.validator == "additionalProperties":
            message = f"{err.message}; expected only the keys of data/settings.yaml"
            moved = [MOVED[k] for k in MOVED if _has_key(data, k)]
            if moved:
                message += f" ({moved[0]})"
        raise ConfigError(message, path=str(source), where=location)
    _check_ranges(data, source)
    return Settings(str(path) if path is not None else None, data)


def _check_ranges(data: dict[str, Any], source: Path, where: str = "") -> None:
    """Every min_X must not exceed its max_X in the same section (a minimum allele fraction
    above the maximum would let no call through, without a word)."""
    for key, value in data.items():
        if isinstance(value, dict):
            _check_ranges(value, source, f"{where}/{key}" if where else key)
        elif key.startswith("min_") and isinstance(value, int | float):
            top = data.get("max_" + key[4:])
            if isinstance(top, int | float) and value > top:
                raise ConfigError(
                    f"{key} {value} is above max_{key[4:]} {top}; expected a minimum no larger "
                    "than the maximum",
                    path=str(source),
                    where=where or "top level",
                )
