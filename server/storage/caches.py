"""The process's caches of stored rows: a bounded LRU, and one valid for a single version of a table."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class LruCache(Generic[K, V]):
    """A small thread-safe LRU map; entries are validated by the caller (e.g. by updated_at)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


@dataclass(frozen=True)
class Cached(Generic[V]):
    """A cached lookup; ``value`` None records that there was nothing to find."""

    value: V | None


class VersionedCache(Generic[K, V]):
    """Lookups valid for one version of a table: any newer version (a write by any process) empties it.

    An entry is kept only if the version it was read at is still the cache's, so a read that raced a
    write can never be served after it.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._version: int | None = None
        self._items: LruCache[K, Cached[V]] = LruCache(size)
        self._lock = threading.Lock()

    def get(self, version: int, key: K) -> Cached[V] | None:
        with self._lock:
            self._move_to(version)
            return self._items.get(key)

    def fill(self, version: int, items: Iterable[tuple[K, V | None]]) -> None:
        with self._lock:
            self._move_to(version)
            for key, value in items:
                self._items.put(key, Cached(value))

    def _move_to(self, version: int) -> None:
        if self._version is None or version > self._version:  # a reader that saw an older one keeps newer entries
            self._version, self._items = version, LruCache(self.size)

    def put(self, version: int, key: K, value: V | None) -> None:
        with self._lock:
            if version == self._version:
                self._items.put(key, Cached(value))
