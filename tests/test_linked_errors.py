"""Bad input on the linked-data routes: unknown IRIs, odd paths, bad Accept, a dead store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from parkld import config
from parkld.publish import plan, publish
from parkld.store.remote import RemoteStore
from parkld.web import create_app
from tests.backends import BACKENDS, remote_settings, start_virtuoso

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_unknown_iri_is_404_with_a_page_for_browsers(backend_client: FlaskClient) -> None:
    r = backend_client.get("/park/no-such-park", headers={"Accept": BROWSER})
    assert r.status_code == 404
    assert r.mimetype == "text/html"
    assert "no-such-park" in r.get_data(as_text=True)
    plain = backend_client.get("/park/no-such-park", headers={"Accept": "text/turtle"})
    assert plain.status_code == 404 and plain.mimetype == "text/plain"


@pytest.mark.parametrize(
    "path",
    [
        "/park/../../etc/passwd",
        "/park/%2e%2e/%2e%2e/etc/passwd",
        "/park/..%2f..%2fetc%2fpasswd",
        "/park/sophia-antipolis%00",
        "/park/sophia-antipolis%00.ttl",
        "/park/%E2%80%AEsophia",
        "/park/sophia%20antipolis",
        "/park/sophia-antipolis/extra",
        "/park/",
        "/park//sophia-antipolis",
        "/park/.hidden",
        "/park/sophia-antipolis.exe",
        "/unknown-type/x",
        "/etc/passwd",
        "/park/sophia-antipolis\\..\\x",
    ],
)
def test_traversal_and_odd_encodings_are_404(backend_client: FlaskClient, path: str) -> None:
    r = backend_client.get(path, headers={"Accept": "text/turtle"})
    assert r.status_code == 404, (path, r.status_code)
    assert b"root:" not in r.data


@pytest.mark.parametrize(
    "accept", ["image/png", "application/pdf;q=1, text/html;q=0", "text/turtle;q=0"]
)
def test_unacceptable_accept_is_406(backend_client: FlaskClient, accept: str) -> None:
    r = backend_client.get("/park/sophia-antipolis", headers={"Accept": accept})
    assert r.status_code == 406
    assert "Accept" in r.headers.get("Vary", "")


def test_unknown_format_parameter_is_406(backend_client: FlaskClient) -> None:
    r = backend_client.get("/park/sophia-antipolis?format=pdf")
    assert r.status_code == 406
    # The formats on offer are named; what the client sent is not repeated (no reflection).
    assert "try one of turtle" in r.get_data(as_text=True)
    assert "pdf" not in r.get_data(as_text=True)


@pytest.mark.parametrize("query", ["page=abc", "page=-1", "in=notaniri"])
def test_bad_paging_parameters_are_400(backend_client: FlaskClient, query: str) -> None:
    r = backend_client.get(f"/park/sophia-antipolis?{query}")
    assert r.status_code == 400


def test_page_beyond_the_end_is_404(backend_client: FlaskClient) -> None:
    r = backend_client.get("/park/sophia-antipolis?in=http://www.w3.org/ns/org%23member&page=9")
    assert r.status_code == 404


@pytest.fixture(params=BACKENDS)
def unavailable_client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[FlaskClient]:
    """An app over a store that cannot answer: a store never built, or a stopped Virtuoso."""
    if request.param == "embedded":
        settings = config.from_env({}, store_dir=tmp_path / "never-built")
        yield create_app(settings).test_client()
        return
    # A Virtuoso of its own (the test stops it), holding the shipped graph, so the same
    # requests answer 200/404 while it runs: the 503 afterwards is the outage, not the data.
    server = start_virtuoso(tmp_path / "virtuoso")
    try:
        settings = remote_settings(server, tmp_path / "store")
        with RemoteStore(settings) as store:
            assert isinstance(store, RemoteStore)
            publish(store, plan(settings))
        running = create_app(settings).test_client()
        assert running.get("/park/sophia-antipolis", headers={"Accept": BROWSER}).status_code == 200
        assert running.get("/park/no-such-park", headers={"Accept": BROWSER}).status_code == 404
        server.stop()
        # A fresh app: the one above keeps rendered pages for a while on a remote store
        # (parkld.linked.cache, no generation to key on), which would answer from memory.
        yield create_app(settings).test_client()
    finally:
        server.stop()


def test_store_unavailable_is_503_never_404(unavailable_client: FlaskClient) -> None:
    for path in (
        "/park/sophia-antipolis",
        "/park/no-such-park",
        "/",
        "/.well-known/void",
        "/search?q=x",
        "/dumps/parkld.trig",
    ):
        r = unavailable_client.get(path, headers={"Accept": BROWSER})
        assert r.status_code == 503, (path, r.status_code)
        assert "store" in r.get_data(as_text=True)
