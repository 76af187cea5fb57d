"""The JSON writer: same content as json.dumps, one top-level key and one list item per line."""

from __future__ import annotations

import json

import pytest

from mmpsi_variants.io.outputs import json_text

DOCS = [
    {},
    {"sample": "S1", "variants": []},
    {"sample": "Ünïcode\u2028", "variants": [{"a": [1, [2, 3]], "b": None}, {"c": 1.5}]},
    {"summary": {"n": 1}, "warnings": ["x", "y"], "nan": float("nan")},
    {1: "non-string key", None: [1]},  # falls back to json.dumps
    [1, 2],  # not a dict: falls back as well
]


@pytest.mark.parametrize("doc", DOCS)
def test_same_content_as_json_dumps(doc):
    text = json_text(doc)
    assert text.endswith("\n")
    assert json.dumps(json.loads(text), sort_keys=True) == json.dumps(
        json.loads(json.dumps(doc)), sort_keys=True
    )


def test_a_variant_per_line():
    doc = {"sample": "S1", "variants": [{"pos": 1}, {"pos": 2}]}
    lines = json_text(doc).splitlines()
    assert '    {"pos": 1},' in lines and '    {"pos": 2}' in lines
