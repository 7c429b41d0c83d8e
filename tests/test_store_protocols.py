"""Both backends are every protocol a caller asks for (checked by mypy on this file, and at run
time by the abstract methods each backend must implement)."""

from __future__ import annotations

from parkld.store.base import GraphWriter, QueryRunner, Reader, Store
from parkld.store.embedded import EmbeddedStore
from parkld.store.remote import RemoteStore


def as_reader(store: Store) -> Reader:
    return store


def as_runner(store: Store) -> QueryRunner:
    return store


def as_writer(store: Store) -> GraphWriter:
    return store


def test_every_backend_implements_every_method() -> None:
    for backend in (EmbeddedStore, RemoteStore):
        assert issubclass(backend, Store)
        assert sorted(backend.__abstractmethods__) == [], backend.__name__


def test_the_protocols_name_what_callers_use() -> None:
    # The writer protocol is what publish needs, and no backend-only method is.
    needed = {"content_hashes", "merged_hash", "stage", "swap", "derive_merge"}
    assert needed <= set(dir(GraphWriter))
    assert {"run", "run_serialised", "start"} <= set(dir(QueryRunner))
    assert {"select", "select_each", "ask", "construct"} <= set(dir(Reader))
    assert "executor" not in dir(Store) and "recorded_hashes" not in dir(GraphWriter)
