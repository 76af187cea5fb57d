"""Sample names made safe as file names, the JSON layout of the contract (a variant per
line), and a JSON object read back with one-line errors. :mod:`~mmpsi_variants.io.commit`
puts a run's files in place as one set.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from mmpsi_variants.core.errors import InputFileError

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str) -> str:
    """A sample name made safe to use as a file name: no path separators, no leading dot."""
    cleaned = _UNSAFE.sub("_", name).strip("._-")
    return cleaned[:100] or "sample"


def unique_filenames(samples: list[str]) -> dict[str, str]:
    """Safe, distinct file stems for every sample (``a/b`` and ``a_b`` must not collide)."""
    used: set[str] = set()
    out = {}
    for s in samples:
        stem = base = safe_filename(s)
        n = 2
        while stem.lower() in used:
            stem = f"{base}_{n}"
            n += 1
        used.add(stem.lower())
        out[s] = stem
    return out


def read_json_object(path: str | Path, expected: str) -> dict[str, Any]:
    """The JSON object in ``path``; ``expected`` (say "a Phenopacket v2 JSON object") names
    what the file should be in the error of a missing file or of anything but an object."""
    name = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputFileError(f"no such file; expected {expected}", path=name) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(f"cannot read as JSON ({exc})", path=name) from None
    if not isinstance(data, dict):
        raise InputFileError(f"expected {expected}", path=name)
    return data


def json_text(data: object) -> str:
    """JSON with one top-level key per line and one list item (a variant) per line.

    Indenting every nested field with the json module's pure-Python encoder took longer than
    the whole analysis of a panel; items written by the C encoder keep it fast and the file
    still reads, and diffs, a variant per line.
    """

    def dump(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return "".join(json_chunks(data))


class Items:
    """A list value that :func:`json_chunks` writes item by item as it is produced, so that a
    document of a hundred thousand variants is never held as one string or one list."""

    def __init__(self, items: Iterable[object], *, encoded: bool = False):
        self.items = items
        self.encoded = encoded  # the items are JSON texts already


def json_chunks(data: dict[str, Any]) -> Iterator[str]:
    """The text of :func:`json_text`, in pieces; list values may be :class:`Items`."""

    def dump(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    yield "{\n"
    for n, (key, value) in enumerate(data.items()):
        sep = ",\n" if n else ""
        if not isinstance(value, (list, Items)):
            yield f"{sep}  {dump(key)}: {dump(value)}"
            continue
        items = iter(value.items if isinstance(value, Items) else value)
        text = str if isinstance(value, Items) and value.encoded else dump
        first = next(items, _END)
        if first is _END:
            yield f"{sep}  {dump(key)}: []"
            continue
        yield f"{sep}  {dump(key)}: [\n    {text(first)}"
        for item in items:
            yield f",\n    {text(item)}"
        yield "\n  ]"
    yield "\n}\n"


_END = object()
