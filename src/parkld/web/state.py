"""The app's state: one :class:`AppState`, made by :func:`parkld.web.create_app`, reached
through small getters, closed by :meth:`AppState.close` when the app is done.

It lives apart from the app factory so that blueprints and middleware import it without
importing the factory (which imports them): no cycle.

Who closes it: ``parkld serve`` (gunicorn's ``worker_exit`` hook in each worker, the
development server when it returns), ``parkld.web.wsgi`` at interpreter exit (``atexit``; granian
imports it), and the test fixtures that make apps. Not Flask's ``teardown_appcontext``: that
runs after every request, and the store and caches outlive requests.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from parkld.asof.held import Held
from parkld.config import Settings
from parkld.kinds import KINDS, Kinds
from parkld.linked.cache import GenerationCache
from parkld.linked.describe import Description
from parkld.linked.index import Index
from parkld.linked.jsonld import Context
from parkld.mediatypes import TABLE, Table
from parkld.reconcile.service import Catalogue
from parkld.sparql.ratelimit import RateLimiter
from parkld.store import Store, open_store

#: Key of the app's state in ``app.extensions``.
EXTENSION = "parkld"


@dataclass(frozen=True)
class Rendered:
    """A rendered representation, as cached."""

    body: bytes
    content_type: str
    etag: str


@dataclass
class AppState:
    """Everything one app holds between requests."""

    settings: Settings
    kinds: Kinds = KINDS
    #: The formats the routes offer (the shipped table unless ``create_app`` got one).
    formats: Table = TABLE
    #: The store: the caller's (tests pass one; they close it), or opened on first use in
    #: each process (after gunicorn forks) and then the app's own, closed by close().
    store: Store | None = None
    owns_store: bool = False
    # Caches per store generation (parkld.linked.cache): answers, the label index, resource
    # descriptions and the indexes of their pages, the JSON-LD context, "as of" days, the
    # reconciliation catalogue.
    responses: GenerationCache[Rendered] = field(default_factory=GenerationCache)
    index: GenerationCache[Index] = field(default_factory=lambda: GenerationCache(2))
    descriptions: GenerationCache[Description] = field(
        default_factory=lambda: GenerationCache(1024)
    )
    page_indexes: GenerationCache[Index] = field(default_factory=lambda: GenerationCache(1024))
    context: GenerationCache[Context] = field(default_factory=lambda: GenerationCache(2))
    held: GenerationCache[Held] = field(default_factory=lambda: GenerationCache(64))
    catalogue: GenerationCache[Catalogue] = field(default_factory=lambda: GenerationCache(2))
    #: When a remote store's answer (by ETag) was first made (web/negotiate.last_modified).
    first_seen: dict[str, dt.datetime] = field(default_factory=dict)
    #: The SPARQL endpoint's rate limiter, made on first use.
    limiter: RateLimiter | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def get_store(self) -> Store:
        """The store, opened on first use (once, even when threads race here)."""
        store = self.store
        if store is None:
            with self._lock:
                store = self.store
                if store is None:
                    store = self.store = open_store(self.settings)
                    self.owns_store = True
        return store

    def get_limiter(self) -> RateLimiter:
        limiter = self.limiter
        if limiter is None:
            with self._lock:
                limiter = self.limiter
                if limiter is None:
                    limiter = self.limiter = RateLimiter(
                        self.settings.store_dir / "ratelimit.sqlite3",
                        self.settings.rate_limit_per_minute,
                    )
        return limiter

    def close(self) -> None:
        """Close the store the app opened (a store passed in is its caller's) and the rate
        limiter's connections, and drop the caches. Idempotent; a closed app opens its store
        again if it serves once more."""
        with self._lock:
            store, owned = self.store, self.owns_store
            if owned:
                self.store, self.owns_store = None, False
            limiter, self.limiter = self.limiter, None
        if limiter is not None:
            limiter.close()
        if owned and store is not None:
            store.close()
        for cache in (
            self.responses,
            self.index,
            self.descriptions,
            self.page_indexes,
            self.context,
            self.held,
            self.catalogue,
        ):
            cache.clear()
        self.first_seen.clear()


def state_of(app: Any) -> AppState:
    """The state of *app* (a Flask app made by ``create_app``, or the memo in front of one)."""
    state: AppState = app.extensions[EXTENSION]
    return state


def get_state() -> AppState:
    """The running app's state."""
    return state_of(current_app)


def get_settings() -> Settings:
    """The settings of the running app."""
    return get_state().settings


def get_store() -> Store:
    """The app's store, opened on first use in each process (after gunicorn forks)."""
    return get_state().get_store()


def get_kinds() -> Kinds:
    """The registry of kinds the app serves (the shipped one unless ``create_app`` got one)."""
    return get_state().kinds


def get_formats() -> Table:
    """The media-type table the app serves (the shipped one unless ``create_app`` got one)."""
    return get_state().formats
