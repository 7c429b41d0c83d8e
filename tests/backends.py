"""One parametrised fixture, ``backend``, so the same tests run on every store parkld supports.

``backend`` is session-scoped and parametrised ``embedded`` | ``virtuoso``: the shipped graph
in the embedded Oxigraph store (the session's build), and the same graph published with
``parkld.publish`` into a real Virtuoso on loopback (:mod:`tests.virtuoso`). On top of it:

* ``backend_client`` — a Flask test client of an app over that backend's store;
* ``backend_server`` — a real ``parkld serve`` (``tests.live``) over that backend.

To run a test module on both backends, import the fixtures and ask for them instead of
``client`` / ``live_server``::

    from tests.backends import *  # noqa: F403 - the fixtures

    def test_count(backend_client): ...

(or list ``"tests.backends"`` in the root conftest's ``pytest_plugins`` once, and drop the
imports). Virtuoso cases skip without Virtuoso, saying how to install it, and fail in CI.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from parkld import config
from parkld.config import Settings
from parkld.publish import plan, publish
from parkld.store.base import Store
from parkld.store.remote import RemoteStore
from parkld.web import create_app
from tests import virtuoso as vt
from tests.live import LiveServer, ServerFactory

BACKENDS = ("embedded", "virtuoso")
#: The fixtures, for ``from tests.backends import *`` in a test module.
__all__ = ["backend", "backend_client", "backend_server", "virtuoso", "virtuoso_shipped"]


@dataclass
class Backend:
    """A store holding the shipped graph, and how to point ``parkld serve`` at it."""

    name: str
    settings: Settings
    store: Store
    env: dict[str, str] = field(default_factory=dict)


def start_virtuoso(directory: Path) -> vt.VirtuosoServer:
    """A running Virtuoso with a fresh database (skips or fails when not installed)."""
    vt.require()
    server = vt.VirtuosoServer(directory)
    server.start()
    return server


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[vt.VirtuosoServer]:
    """The session's Virtuoso; tests that stop or wipe a server start their own."""
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso_shipped(virtuoso: vt.VirtuosoServer, shipped_settings: Settings
                     ) -> vt.VirtuosoServer:
    """The session's Virtuoso holding the shipped graph, published as `parkld publish` does."""
    settings = remote_settings(virtuoso, shipped_settings.store_dir)
    store = RemoteStore(settings)
    try:
        publish(store, plan(settings))
    finally:
        store.close()
    return virtuoso


def remote_settings(server: vt.VirtuosoServer, store_dir: Path, **changes: object) -> Settings:
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
    app = create_app(backend.settings, store=backend.store)
    app.config["TESTING"] = True
    return app.test_client()


@pytest.fixture(scope="session")
def backend_server(backend: Backend, request: pytest.FixtureRequest) -> LiveServer:
    """A real ``parkld serve`` over the backend (the session's live server when embedded)."""
    if backend.name == "embedded":
        server: LiveServer = request.getfixturevalue("live_server")
        return server
    factory: ServerFactory = request.getfixturevalue("live_server_factory")
    return factory(env=backend.env)
