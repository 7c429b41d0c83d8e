"""One AppState per app: made by create_app, closed by close() (which closes the store the app
opened itself, and leaves a store passed in to its caller)."""

from __future__ import annotations

from flask import Flask

from parkld.build import BuildResult
from parkld.config import Settings
from parkld.store.embedded import EmbeddedStore
from parkld.web import AppState, create_app, state_of
from parkld.web.state import get_store


def _handle(store: EmbeddedStore) -> object:
    """The store's open read-only pyoxigraph handle, None once closed."""
    return store._snapshot._store


def test_close_closes_the_store_the_app_opened(
    shipped_settings: Settings, shipped_build: BuildResult
) -> None:
    app = create_app(shipped_settings)
    state = state_of(app)
    assert isinstance(state, AppState) and state.store is None  # opened on first use
    client = app.test_client()
    answer = client.get("/park/sophia-antipolis", headers={"Accept": "text/turtle"})
    assert answer.status_code == 200 and b"sophia-antipolis" in answer.data
    store = state_of(app).store  # the same state (a fresh expression, for mypy's narrowing)
    assert isinstance(store, EmbeddedStore) and state.owns_store
    assert _handle(store) is not None
    state.close()
    assert state_of(app).store is None
    # EmbeddedStore.close() drops its read-only handle (and stops its query workers).
    assert _handle(store) is None
    state.close()  # idempotent
    # A closed app opens a store again if asked to serve once more.
    again = client.get("/park/sophia-antipolis", headers={"Accept": "text/turtle"})
    assert again.data == answer.data
    state.close()


def test_close_leaves_a_store_passed_in_open(app: Flask, shipped_store: EmbeddedStore) -> None:
    state = state_of(app)
    with app.app_context():
        assert get_store() is shipped_store
    state.close()
    assert state.store is shipped_store and not state.owns_store
    assert shipped_store.ask("ASK { ?s ?p ?o }")
