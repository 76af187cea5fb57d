"""A cache that keeps only the most recently added entries.

Records of a sorted VCF visit the genes in order, so a transcript once passed is rarely needed
again: keeping every built object would make memory grow with the input (a whole genome builds
every transcript), and the garbage collector would walk all of them again and again.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class RecentCache(Generic[K, V]):
    """At most ``size`` entries; adding one more drops the oldest addition."""

    def __init__(self, size: int):
        if size < 1:
            raise ValueError("size must be at least 1")
        self.size = size
        self._data: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        return self._data.get(key)

    def put(self, key: K, value: V) -> V:
        data = self._data
        if key not in data and len(data) >= self.size:
            # Not a plain dict: after many deletions at its front, finding a dict's first key
            # means scanning the holes they left.
            data.popitem(last=False)
        data[key] = value
        return value

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data
