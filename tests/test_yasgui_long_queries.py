"""Long queries on both servers parkld runs under: GET up to the limit, POST beyond, a clear 414.

A live ``parkld serve`` under granian and under gunicorn, on a one-triple store, is sent the
same query padded to 5 KB, 20 KB and 100 KB (a comment: the query stays the same), by GET and
by POST. What the client must get: the answer while the request target fits
``MAX_TARGET_BYTES``; beyond it, 414 with a message saying to use POST; by POST, the answer at
any of these sizes.
"""

from __future__ import annotations

import csv
import http.client
import io
import urllib.parse

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from parkld.web.urilimit import MAX_TARGET_BYTES
from tests.live import LiveServer, ServerFactory, write_store

SUBJECT, PREDICATE, VALUE = "http://example.org/s", "http://example.org/p", "a value"
QUERY = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }\n"


def padded(size: int) -> str:
    """The query, followed by a comment making it *size* characters long."""
    return QUERY + "#" + "x" * (size - len(QUERY) - 1)


@pytest.fixture(scope="module", params=["granian", "gunicorn"])
def kind(request: pytest.FixtureRequest) -> str:
    """The HTTP server ``parkld serve`` runs under."""
    name: str = request.param
    return name


@pytest.fixture(scope="module")
def server(
    kind: str, live_server_factory: ServerFactory, tmp_path_factory: pytest.TempPathFactory
) -> LiveServer:
    graph = ox.NamedNode(SUBJECT + "/graph")
    quad = ox.Quad(ox.NamedNode(SUBJECT), ox.NamedNode(PREDICATE), ox.Literal(VALUE), graph)
    store = write_store(tmp_path_factory.mktemp(f"long-{kind}"), [quad])
    return live_server_factory({"PARKLD_SERVER": kind}, store_dir=store, build=False)


def send(
    server: LiveServer, method: str, target: str, body: bytes | None = None, **headers: str
) -> tuple[int, str, str]:
    """(status, content type, body) of one request on its own connection."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=60)
    try:
        connection.request(method, target, body=body, headers={"Accept": "text/csv", **headers})
        answer = connection.getresponse()
        return answer.status, answer.getheader("Content-Type") or "", answer.read().decode()
    finally:
        connection.close()


def get(server: LiveServer, query: str) -> tuple[int, str, str]:
    return send(server, "GET", "/sparql?" + urllib.parse.urlencode({"query": query}))


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


ANSWER = [["s", "p", "o"], [SUBJECT, PREDICATE, VALUE]]


def test_a_get_within_the_limit_is_answered(server: LiveServer) -> None:
    query = padded(5000)  # gunicorn's default request-line limit (4,094) refused this
    assert len(urllib.parse.urlencode({"query": query})) < MAX_TARGET_BYTES
    status, _, body = get(server, query)
    assert status == 200, body
    assert rows(body) == ANSWER


@pytest.mark.parametrize("size", [MAX_TARGET_BYTES, 20_000])
def test_a_longer_get_gets_414_saying_to_post(server: LiveServer, size: int) -> None:
    status, media_type, body = get(server, padded(size))
    assert status == 414
    assert media_type.startswith("text/plain")
    assert body.startswith("414 URI Too Long: the request target is ")
    assert f"more than the {MAX_TARGET_BYTES} this server reads" in body
    assert "by POST" in body and "application/sparql-query" in body


def test_a_100_kb_get_gets_414(server: LiveServer, kind: str) -> None:
    """Beyond 65,534 bytes granian (hyper) answers 414 itself, with an empty body: parkld
    never sees the request. gunicorn's worker gives parkld's message at any length."""
    status, _, body = get(server, padded(100_000))
    assert status == 414
    if kind == "gunicorn":
        assert "by POST" in body
    else:
        assert body == ""


@pytest.mark.parametrize("size", [5000, 20_000, 100_000])
def test_post_answers_at_any_of_these_sizes(server: LiveServer, size: int) -> None:
    query = padded(size)
    form = urllib.parse.urlencode({"query": query}).encode()
    status, _, body = send(
        server, "POST", "/sparql", form, **{"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 200, body
    assert rows(body) == ANSWER
    status, _, body = send(
        server,
        "POST",
        "/sparql",
        query.encode(),
        **{"Content-Type": "application/sparql-query"},
    )
    assert status == 200, body
    assert rows(body) == ANSWER


def test_a_browser_gets_the_message_as_a_page(client: FlaskClient) -> None:
    target = "/sparql?" + urllib.parse.urlencode({"query": padded(9000)})
    answer = client.get(target, headers={"Accept": "text/html"})
    assert answer.status_code == 414
    page = answer.get_data(as_text=True)
    assert "<h1>414 URI Too Long</h1>" in page and "send a long SPARQL query by POST" in page
    assert answer.headers["Content-Security-Policy"]


def test_the_limit_holds_on_every_route(client: FlaskClient) -> None:
    path = "/park/" + "x" * MAX_TARGET_BYTES
    answer = client.get(path)
    assert answer.status_code == 414
    assert "by POST" in answer.get_data(as_text=True)
    # and just within it, the route answers as usual (404: no such park)
    assert client.get("/park/" + "x" * (MAX_TARGET_BYTES - len("/park/"))).status_code == 404
