"""Faults on a real Virtuoso: down while serving (503, then recovery), too slow (504).

A Virtuoso of its own: these tests stop it.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from parkld.errors import QueryTimeout, StoreUnavailable
from parkld.publish import plan, publish
from parkld.store.base import QueryRequest
from parkld.store.remote import RemoteStore
from tests import virtuoso as vt
from tests.backends import remote_settings, start_virtuoso
from tests.live import ServerFactory

pytestmark = [pytest.mark.virtuoso, pytest.mark.slow]
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[vt.VirtuosoServer]:
    started = start_virtuoso(tmp_path_factory.mktemp("virtuoso-faults"))
    yield started
    started.stop()


@pytest.fixture(scope="module")
def store(
    server: vt.VirtuosoServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RemoteStore]:
    settings = remote_settings(server, tmp_path_factory.mktemp("unused"))
    remote = RemoteStore(settings)
    publish(remote, plan(settings))
    yield remote
    remote.close()


def get(url: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Accept": "text/csv"})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_store_down_while_serving_then_back(
    server: vt.VirtuosoServer, store: RemoteStore, live_server_factory: ServerFactory
) -> None:
    # Without the response memo: it may replay the same query's 200 for up to
    # GENERATION_RECHECK seconds after the store died (a cache, by design), which made this
    # test pass or fail with the machine's speed.
    served = live_server_factory(env={**server.env(), "PARKLD_MEMO_BYTES": "0"})
    url = served.sparql_url + "?" + urllib.parse.urlencode({"query": COUNT})
    status, body = get(url)
    assert status == 200
    expected = body
    assert int(body.splitlines()[1]) == store.triple_count() > 1000
    server.kill()
    started = time.monotonic()
    status, body = get(url)
    assert status == 503, body
    assert "unreachable" in body and "is it running?" in body
    assert time.monotonic() - started < 10, "a dead store must fail fast, not hang"
    with pytest.raises(StoreUnavailable, match="unreachable"):
        store.ping()
    server.start()  # same database and ports: the transaction log is rolled forward
    assert get(url) == (200, expected)


def test_slow_query_is_stopped_504(store: RemoteStore) -> None:
    cross = QueryRequest(
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", timeout=1.0
    )
    started = time.monotonic()
    with pytest.raises(QueryTimeout) as stopped:
        store.run(cross)
    assert time.monotonic() - started < 15.0, "stopped well before Virtuoso's own 60 s limit"
    assert stopped.value.status == 504
    # The store is free again at once: a small query still answers.
    assert store.ask("ASK { ?s ?p ?o }") is True


def test_wrong_credentials_on_update(server: vt.VirtuosoServer, tmp_path: Path) -> None:
    bad = RemoteStore(remote_settings(server, tmp_path, store_password="wrong"))
    with pytest.raises(StoreUnavailable, match=r"refused parkld's credentials \(HTTP 401\)"):
        # The writer itself (an update would be refused by the shapes before any write).
        bad.replace_graphs(
            {
                "urn:x": [
                    ox.Triple(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.NamedNode("urn:c"))
                ]
            }
        )
    assert "urn:x" not in bad.graph_names()
    bad.close()
