"""Genomic intervals: merging them, and finding those that overlap a position.

Coordinates are 1-based and inclusive, as in VCF and GFF3. Anything with ``chrom``, ``start``
and ``end`` attributes is an interval (a panel region, a gene, a coverage target).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from typing import Generic, Protocol, TypeVar


class Interval(Protocol):
    @property
    def chrom(self) -> str: ...

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


T = TypeVar("T", bound=Interval)


def merge_intervals(regions: Iterable[Interval]) -> dict[str, list[tuple[int, int]]]:
    """Overlapping regions merged per contig, so that no record is fetched twice."""
    by_chrom: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for r in sorted(regions, key=lambda r: (r.chrom, r.start)):
        ivs = by_chrom[r.chrom]
        if ivs and r.start <= ivs[-1][1] + 1:
            ivs[-1] = (ivs[-1][0], max(ivs[-1][1], r.end))
        else:
            ivs.append((r.start, r.end))
    return dict(by_chrom)


class IntervalIndex(Generic[T]):
    """Which intervals (anything with chrom, start, end) overlap a position.

    Sorted starts per contig plus the longest interval bound the scan, which is plenty for a
    panel or a genome's worth of gene spans.
    """

    def __init__(self, items: Iterable[T]):
        self._by_chrom: dict[str, list[T]] = defaultdict(list)
        for item in items:
            self._by_chrom[item.chrom].append(item)
        self._starts: dict[str, list[int]] = {}
        self._longest: dict[str, int] = {}
        for chrom, rs in self._by_chrom.items():
            rs.sort(key=lambda r: r.start)
            self._starts[chrom] = [r.start for r in rs]
            self._longest[chrom] = max(r.end - r.start + 1 for r in rs)

    def overlapping(self, chrom: str, start: int, end: int) -> list[T]:
        rs = self._by_chrom.get(chrom)
        if not rs:
            return []
        starts = self._starts[chrom]
        hi = bisect.bisect_right(starts, end)
        lo = bisect.bisect_left(starts, start - self._longest[chrom])
        return [r for r in rs[lo:hi] if r.end >= start]
