"""Caches keyed by the store's generation: rendered responses and the label index.

A build, an update or a graph replacement changes the store's generation; the first request
after that finds the cache stale and drops it whole, so nothing served is older than the data.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from parkld.store import Store

V = TypeVar("V")

#: Stores that cannot tell their generation (a remote endpoint) are re-read this often.
REMOTE_TTL_SECONDS = 60.0


def generation(store: Store) -> str:
    """A token that changes whenever the store's content may have changed.

    ``store.generation()`` where the store knows it (the embedded store: its build and write
    stamp); otherwise a token that changes every :data:`REMOTE_TTL_SECONDS`.
    """
    token = store.generation()
    if token is not None:
        return token
    return f"ttl:{int(time.monotonic() // REMOTE_TTL_SECONDS)}"


class GenerationCache(Generic[V]):
    """A bounded LRU map, emptied when the store generation moves on. Thread-safe."""

    def __init__(self, maxsize: int = 4096) -> None:
        self.maxsize = maxsize
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._items: OrderedDict[Hashable, V] = OrderedDict()

    def get_or_make(self, gen: str, key: Hashable, make: Callable[[], V]) -> V:
        """The cached value for *key* in generation *gen*, made (outside the lock) if missing."""
        with self._lock:
            if gen != self._generation:
                self._items.clear()
                self._generation = gen
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()  # two threads may both make it; the result is the same, so keep one
        with self._lock:
            if gen == self._generation:
                self._items[key] = value
                if len(self._items) > self.maxsize:
                    self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._items.clear()
            self._generation = None
