"""Store backends behind one interface (:class:`parkld.store.base.Store`)."""

from __future__ import annotations

from parkld.config import Settings
from parkld.store.base import Bindings, QueryRequest, QueryResponse, Solutions, Store, Term

__all__ = ["Bindings", "QueryRequest", "QueryResponse", "Solutions", "Store", "Term", "open_store"]


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
