"""`panel --bed --merge`: the calling regions bcftools reads, without overlaps."""

from __future__ import annotations

import pytest

from .conftest import DEMO


def _bed(text):
    return [
        (c, int(s), int(e), n) for c, s, e, n, *_ in (ln.split("\t") for ln in text.splitlines())
    ]


@pytest.mark.parametrize("padding", [0, 1000, 4000, 20000])
def test_merged_regions_cover_the_regions_without_overlap(run, padding):
    args = ["panel", "--bed", "--genes", DEMO / "genes.gff3", "--padding", padding]
    plain = _bed(run(*args).stdout)
    merged = _bed(run(*args, "--merge").stdout)
    by_chrom = {}
    for c, s, e, n in merged:
        by_chrom.setdefault(c, []).append((s, e, set(n.split(","))))
    for ivs in by_chrom.values():
        ivs.sort()
        assert all(a[1] < b[0] for a, b in zip(ivs, ivs[1:], strict=False)), "overlap or touch"
    for c, s, e, name in plain:
        holders = [iv for iv in by_chrom[c] if iv[0] <= s and e <= iv[1]]
        assert len(holders) == 1 and name in holders[0][2]
    assert len(merged) <= len(plain)
    if padding == 20000:
        assert len(merged) < len(plain)  # genes 6 kb apart must merge
