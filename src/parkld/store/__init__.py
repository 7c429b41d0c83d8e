"""Store backends behind the protocols of :mod:`parkld.store.base` (one per caller:
:class:`Reader`, :class:`QueryRunner`, :class:`GraphWriter`; :class:`Store` is all three)."""

from __future__ import annotations

from parkld.config import Settings
from parkld.store.base import (
    Answer,
    Bindings,
    Formats,
    GraphWriter,
    QueryRequest,
    QueryRunner,
    Reader,
    Serialised,
    Solutions,
    Store,
    Term,
)

__all__ = [
    "Answer",
    "Bindings",
    "Formats",
    "GraphWriter",
    "QueryRequest",
    "QueryRunner",
    "Reader",
    "Serialised",
    "Solutions",
    "Store",
    "Term",
    "open_store",
]


def open_store(settings: Settings) -> Store:
    """The store the settings name: the built embedded database, or a remote endpoint."""
    if settings.store == "remote":
        from parkld.store.remote import RemoteStore

        return RemoteStore(settings)
    from parkld.store.embedded import EmbeddedStore

    return EmbeddedStore(
        settings.store_dir,
        query_workers=settings.query_workers,
        query_memory_mb=settings.query_memory_mb,
        query_network=bool(settings.service_allowlist),
    )
