"""The bounded cache that keeps annotation memory flat on a genome."""

import pytest

from mmpsi_variants.core.recent import RecentCache


def test_keeps_the_most_recent_additions():
    cache = RecentCache(3)
    for k in "abcd":
        cache.put(k, k.upper())
    assert "a" not in cache
    assert [cache.get(k) for k in "bcd"] == ["B", "C", "D"]
    assert len(cache) == 3


def test_replacing_a_key_does_not_evict():
    cache = RecentCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("a", 3)
    assert (cache.get("a"), cache.get("b")) == (3, 2)


def test_size_must_be_positive():
    with pytest.raises(ValueError):
        RecentCache(0)
