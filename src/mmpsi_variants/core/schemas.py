"""Validate the workflow's configuration and sample sheets against JSON Schemas.

The schemas live with the workflow (``workflow/schemas/*.schema.yaml``); this module turns a
schema violation into one line that names the place to fix: the config key
(``calling.caller``) or the sheet's line and column (``line 3 (sample EIMFS02), column sex``),
and what was expected. Defaults written in the config schema are filled in, so the rules can
rely on every key being present.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, cast

import jsonschema
import yaml
from jsonschema.protocols import Validator

from mmpsi_variants.core.errors import ConfigError, InputFileError, MmpsiError, SampleSheetError


def read_yaml_mapping(
    path: Path, what: str, error: type[MmpsiError], top: str = "a mapping"
) -> dict[str, Any]:
    """A YAML file's top-level mapping (empty for an empty file); a missing file, invalid
    YAML (with its line) or another top-level type raises ``error`` naming the file."""
    if not path.exists():
        raise InputFileError(f"file not found; expected {what}", path=str(path))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else None
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise error(f"{problem}; expected valid YAML", path=str(path), where=where) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise error(f"expected {top} at the top level of {what}", path=str(path))
    return data


def load_schema(path: str | Path) -> dict[str, Any]:
    """A JSON Schema from a YAML or JSON file."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def _fill_defaults(validator_class: type[Validator]) -> type[Validator]:
    validate_props = validator_class.VALIDATORS["properties"]

    def set_defaults(
        validator: Validator, properties: dict[str, Any], instance: Any, schema: dict[str, Any]
    ) -> Iterator[jsonschema.ValidationError]:
        if isinstance(instance, dict):
            for name, sub in properties.items():
                if isinstance(sub, dict) and "default" in sub and name not in instance:
                    instance[name] = json.loads(json.dumps(sub["default"]))
        yield from validate_props(validator, properties, instance, schema)

    # types-jsonschema leaves ``extend`` unannotated.
    extended: type[Validator] = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
        validator_class, {"properties": set_defaults}
    )
    return extended


_DefaultFiller = _fill_defaults(jsonschema.Draft202012Validator)


def _expected(error: jsonschema.ValidationError) -> str:
    """What the schema wanted, in words, for the common validators."""
    # Errors from ``iter_errors`` always carry these (never the stubs' ``Unset``).
    value: Any
    inst: Any
    v, value, inst = error.validator, error.validator_value, error.instance
    described = error.schema.get("description") if isinstance(error.schema, dict) else None
    if v == "enum":
        return f"expected one of {', '.join(str(x) for x in value)}; found {inst!r}"
    if v == "pattern":
        return f"{described or f'expected text matching {value}'}; found {inst!r}"
    if v == "type":
        kinds = value if isinstance(value, list) else [value]
        return f"expected {' or '.join(kinds)}; found {inst!r}"
    if v in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        return f"expected a value with {v} {value}; found {inst!r}"
    if v == "minLength" and value == 1:
        return "must not be empty"
    if v == "minItems":
        return f"expected at least {value} item(s)"
    if v == "additionalProperties":
        schema = cast(Mapping[str, Any], error.schema)
        extra = sorted(set(inst) - set(schema.get("properties", {})))
        return f"unknown key(s) {', '.join(extra)}"
    return described or error.message


def _first_error(validator: Validator, instance: Any) -> jsonschema.ValidationError | None:
    errors = sorted(validator.iter_errors(instance), key=lambda e: (list(e.path), e.validator))
    return errors[0] if errors else None


def validate_config(
    config: dict[str, Any], schema: dict[str, Any], *, source: str = "config"
) -> dict[str, Any]:
    """Check ``config`` against ``schema`` in place, filling defaults; return it.

    Raises :class:`ConfigError` naming the key path, e.g. ``config: calling.caller: expected
    one of bcftools, freebayes; found 'gatk'``.
    """
    error = _first_error(_DefaultFiller(schema), config)
    if error is None:
        return config
    keys = [str(k) for k in error.path]
    if error.validator == "required":
        required, instance = cast(list[str], error.validator_value), cast(Any, error.instance)
        missing = [k for k in required if k not in instance]
        keys.append(missing[0] if missing else "?")
        raise ConfigError("required key is missing", path=source, where=".".join(keys))
    raise ConfigError(_expected(error), path=source, where=".".join(keys) or "(top level)")


def validate_rows(
    rows: list[tuple[int, dict[str, Any]]],
    schema: dict[str, Any],
    *,
    path: str | Path,
    key_column: str = "sample",
) -> None:
    """Check each row (line number, {column: value}) of a sheet against ``schema``.

    Empty cells are absent from the row, so ``required`` names a missing value. Raises
    :class:`SampleSheetError` naming the line, the row's key and the column.
    """
    validator = jsonschema.Draft202012Validator(schema)
    for lineno, row in rows:
        error = _first_error(validator, row)
        if error is None:
            continue
        label = f"line {lineno}"
        if row.get(key_column):
            label += f" ({key_column} {row[key_column]})"
        if error.validator == "required":
            required, instance = cast(list[str], error.validator_value), cast(Any, error.instance)
            missing = [k for k in required if k not in instance]
            column: str | None = missing[0] if missing else "?"
            raise SampleSheetError(
                "a value is required here", path=str(path), where=f"{label}, column {column}"
            )
        column = str(error.path[0]) if error.path else None
        where = f"{label}, column {column}" if column else label
        raise SampleSheetError(_expected(error), path=str(path), where=where)
