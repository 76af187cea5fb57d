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


def test_entry_text_is_json_dumps_to_the_byte(run, tmp_path):
    """The writer encodes each distinct ACMG criterion once; the text must not differ from
    json.dumps by a byte, whatever the entry holds (demo variants, and edge cases)."""
    import json

    from mmpsi_variants.report.record import entry_text

    from .conftest import DEMO

    result = run("filter", DEMO / "demo.vcf.gz", "--genes", DEMO / "genes.gff3", "--reference",
                 DEMO / "genome.fa", "--ped", DEMO / "demo.ped", "-o", tmp_path)  # fmt: skip
    assert result.exit_code == 0, result.output
    entries = [v for p in tmp_path.glob("*.json") for v in json.loads(p.read_text())["variants"]]
    assert entries
    odd = dict(entries[0])
    odd["acmg"] = {"criteria": [{"code": "X", "reason": 'é \u0000 "q"'}], "met": []}
    for entry in [*entries, odd, {**odd, "acmg": None}, {**odd, "acmg": {"criteria": []}}]:
        assert entry_text(entry) == json.dumps(entry, ensure_ascii=False)
