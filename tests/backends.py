"""One parametrised fixture, ``backend``, so the same tests run on every store parkld supports.

Registered for every module by ``pytest_plugins = ["tests.backends"]`` in the root conftest:
tests ask for the fixtures by name.

``backend`` is session-scoped and parametrised ``embedded`` | ``virtuoso``: the shipped graph
in the embedded Oxigraph store (the session's build), and the same graph published with
``parkld.publish`` into a real Virtuoso on loopback (:mod:`tests.virtuoso`). On top of it:

* ``backend_client`` — a Flask test client of an app over that backend's store;
* ``backend_server`` — a real ``parkld serve`` (``tests.live``) over that backend.

A test that asks for one of them runs once per backend, with ids ``[embedded…]`` and
``[virtuoso…]`` (``pytest -k virtuoso`` runs only the latter); the Virtuoso cases carry the
``virtuoso`` mark. They skip without Virtuoso, saying how to install it, and fail in CI.

Virtuoso servers in a session
-----------------------------
* ``virtuoso`` (via ``virtuoso_shipped``) holds **only the shipped graph**. The remote store's
  default graph is the union of every graph it can see, so anything else published there
  would show up in the shipped-graph tests' counts, graph lists and dumps.
* ``virtuoso_scratch`` is a second server for the **small fixture datasets** (the park
  fixture of ``tests/sparql_support.py``, the W3C protocol data). A module publishes its
  quads with :func:`fixture_backend` (module-scoped) and they are dropped when the module's
  fixture ends, so two modules never see each other's graphs; each gets a fresh
  ``RemoteStore`` and ``parkld serve``, so no cached graph list outlives its data.
  A second server costs a few seconds once; clearing the shipped server instead would make
  every shipped-graph test depend on test order and on 5-second graph-list caches.
* Tests that stop, kill or wipe a Virtuoso start their own (``start_virtuoso``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from parkld import config
from parkld.config import Settings
from parkld.publish import plan, publish
from parkld.store.base import Store
from parkld.store.embedded import EmbeddedStore
from parkld.store.remote import RemoteStore
from parkld.web import create_app
from tests import virtuoso as vt
from tests.live import LiveServer, ServerFactory, write_store

#: The backends, as fixture parameters; the Virtuoso one carries the ``virtuoso`` mark.
BACKENDS = ("embedded", pytest.param("virtuoso", marks=pytest.mark.virtuoso))


@dataclass
class Backend:
    """A store holding a dataset, and how to point ``parkld serve`` at it."""

    name: str
    settings: Settings
    store: Store
    env: dict[str, str] = field(default_factory=dict)

    def client(self, **changes: object) -> FlaskClient:
        """A test client of an app over this store, with *changes* to its settings."""
        app = create_app(self.settings.replace(**changes), store=self.store)
        app.config["TESTING"] = True
        return app.test_client()

    def serve(self, factory: ServerFactory, env: dict[str, str] | None = None) -> LiveServer:
        """``parkld serve`` over this store (the embedded store's directory is served as is)."""
        return factory({**self.env, **(env or {})}, store_dir=self.settings.store_dir, build=False)


def start_virtuoso(directory: Path) -> vt.VirtuosoServer:
    """A running Virtuoso with a fresh database (skips or fails when not installed)."""
    vt.require()
    server = vt.VirtuosoServer(directory)
    server.start()
    return server


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[vt.VirtuosoServer]:
    """The session's Virtuoso for the shipped graph; tests that stop or wipe one start their own."""
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso_scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[vt.VirtuosoServer]:
    """The session's Virtuoso for small fixture datasets (see the module docstring)."""
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso-scratch"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso_shipped(virtuoso: vt.VirtuosoServer, shipped_settings: Settings) -> vt.VirtuosoServer:
    """The session's Virtuoso holding the shipped graph, published as `parkld publish` does."""
    settings = remote_settings(virtuoso, shipped_settings.store_dir)
    store = RemoteStore(settings)
    try:
        publish(store, plan(settings))
    finally:
        store.close()
    return virtuoso


def remote_settings(server: vt.VirtuosoServer, store_dir: Path, **changes: Any) -> Settings:
    """Settings for a remote store on *server*, isolated from the caller's environment."""
    return config.from_env({}, store_dir=store_dir, **{**server.settings_changes(), **changes})


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest, shipped_settings: Settings) -> Iterator[Backend]:
    """The shipped graph on each backend in turn."""
    if request.param == "embedded":
        yield Backend("embedded", shipped_settings, request.getfixturevalue("shipped_store"))
        return
    server: vt.VirtuosoServer = request.getfixturevalue("virtuoso_shipped")
    settings = remote_settings(server, shipped_settings.store_dir)
    store = RemoteStore(settings)
    yield Backend("virtuoso", settings, store, server.env())
    store.close()


@pytest.fixture
def backend_client(backend: Backend) -> FlaskClient:
    """A test client of the app over the backend's store."""
    return backend.client()


@pytest.fixture(scope="session")
def backend_server(backend: Backend, request: pytest.FixtureRequest) -> LiveServer:
    """A real ``parkld serve`` over the backend (the session's live server when embedded)."""
    if backend.name == "embedded":
        server: LiveServer = request.getfixturevalue("live_server")
        return server
    factory: ServerFactory = request.getfixturevalue("live_server_factory")
    return factory(env=backend.env)


# -- small fixture datasets on both backends -------------------------------------------------
def _by_graph(quads: Iterable[ox.Quad]) -> dict[str, list[ox.Triple]]:
    graphs: dict[str, list[ox.Triple]] = {}
    for quad in quads:
        # The default graph is the union of the named graphs on both backends: fixture data
        # must sit in named graphs to mean the same thing on each.
        assert isinstance(quad.graph_name, ox.NamedNode), f"not in a named graph: {quad}"
        graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
    return graphs


@contextmanager
def fixture_graphs(
    server: vt.VirtuosoServer, store_dir: Path, quads: Iterable[ox.Quad]
) -> Iterator[Settings]:
    """*quads* published into *server* (any graphs left there dropped first), dropped after."""
    settings = remote_settings(server, store_dir)
    with RemoteStore(settings) as store:
        # A module interrupted before its cleanup (Ctrl-C, a crash) may have left graphs.
        store.replace_graphs({graph: [] for graph in store.graph_names()})
        store.replace_graphs(_by_graph(quads))
        try:
            yield settings
        finally:
            store.replace_graphs({graph: [] for graph in store.graph_names()})


@contextmanager
def fixture_backend(
    request: pytest.FixtureRequest, store_dir: Path, quads: list[ox.Quad]
) -> Iterator[Backend]:
    """*quads* on the backend named by ``request.param`` (for a module's own parametrised
    fixture): an embedded store in *store_dir*, or graphs in the scratch Virtuoso."""
    if request.param == "embedded":
        write_store(store_dir, quads)
        with EmbeddedStore(store_dir, query_workers=1) as store:
            yield Backend("embedded", config.from_env({}, store_dir=store_dir), store)
        return
    server: vt.VirtuosoServer = request.getfixturevalue("virtuoso_scratch")
    with fixture_graphs(server, store_dir, quads) as settings, RemoteStore(settings) as store:
        yield Backend("virtuoso", settings, store, server.env())
