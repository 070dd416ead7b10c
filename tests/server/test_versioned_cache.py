"""The cache of rows valid for one version of a table (ratings): new versions empty it, stale reads are dropped."""

from __future__ import annotations

from deftly.server.storage.caches import VersionedCache


def test_entries_hold_for_their_version_only() -> None:
    cache: VersionedCache[str, int] = VersionedCache(10)
    assert cache.get(1, "a") is None
    cache.put(1, "a", 5)
    cache.put(1, "b", None)

    hit, absent = cache.get(1, "a"), cache.get(1, "b")

    assert hit is not None and hit.value == 5
    assert absent is not None and absent.value is None, "knowing there is no row is cached too"
    assert cache.get(2, "a") is None, "a newer version of the table empties the cache"
    assert cache.get(2, "b") is None


def test_a_read_that_raced_a_write_is_not_kept() -> None:
    cache: VersionedCache[str, int] = VersionedCache(10)
    cache.get(1, "a")  # a search sees version 1 and goes to fetch "a"
    cache.get(2, "b")  # meanwhile another search has seen version 2

    cache.put(1, "a", 5)  # the first search's rows, read under version 1

    assert cache.get(2, "a") is None


def test_fill_replaces_an_older_version_and_the_size_is_bounded() -> None:
    cache: VersionedCache[str, int] = VersionedCache(2)
    cache.fill(1, [("old", 1)])
    assert cache.get(1, "old") is not None

    cache.fill(3, [("a", 1), ("b", 2), ("c", 3)])

    assert cache.get(3, "old") is None and cache.get(3, "a") is None
    assert [entry.value for entry in (cache.get(3, "b"), cache.get(3, "c")) if entry] == [2, 3]
