"""HTTP-level limits on a live ``parkld serve``: chunked bodies obey the body limit, a
malformed chunk is a 400, and slow clients holding many connections do not stop the server
from answering a normal request."""

from __future__ import annotations

import json
import socket
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from tests.live import LiveServer, start_server, stop_server
from tests.sparql_support import parks_store

LIMIT = 65536


@pytest.fixture(scope="module", params=["default", "gunicorn", "granian"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    env = {"PARKLD_MAX_BODY_BYTES": str(LIMIT)}
    if request.param != "default":
        env["PARKLD_SERVER"] = request.param
    live = start_server(parks_store(tmp_path_factory.mktemp("http")), build=False, env=env)
    yield live
    stop_server(live)


def raw(server: LiveServer, head: bytes, body: Iterator[bytes] | None = None) -> tuple[int, str]:
    """Send *head* (and the *body* pieces) on a fresh connection; return status and body."""
    with socket.create_connection((server.host, server.port), timeout=60) as s:
        s.sendall(head)
        try:
            for piece in body or iter(()):
                s.sendall(piece)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered early and closed: read what it said
        data = b""
        try:
            while chunk := s.recv(65536):
                data += chunk
        except ConnectionResetError:
            pass
    status_line, _, rest = data.partition(b"\r\n")
    _, _, content = rest.partition(b"\r\n\r\n")
    return int(status_line.split()[1]), content.decode("utf-8", "replace")


def chunked_head(server: LiveServer) -> bytes:
    return (
        f"POST /sparql HTTP/1.1\r\nHost: {server.host}:{server.port}\r\n"
        "Content-Type: application/sparql-query\r\n"
        "Accept: application/sparql-results+json\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    ).encode()


def chunks(data: bytes, size: int = 8192) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        piece = data[start : start + size]
        yield f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    yield b"0\r\n\r\n"


def test_small_chunked_query_is_answered(server: LiveServer) -> None:
    query = b"SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    status, body = raw(server, chunked_head(server), chunks(query, 7))
    assert status == 200, body
    assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) > 0


def test_chunked_body_over_the_limit_is_413_not_cut(server: LiveServer) -> None:
    # A valid query padded with a comment: cut at the limit it would still run (the old bug).
    query = b"ASK { }\n#" + b"x" * (4 * LIMIT)
    status, body = raw(server, chunked_head(server), chunks(query))
    assert status == 413, body
    assert "PARKLD_MAX_BODY_BYTES" in body or "larger" in body.lower()


def test_malformed_chunk_is_400(server: LiveServer) -> None:
    status, body = raw(server, chunked_head(server), iter([b"zz\r\nASK {}\r\n0\r\n\r\n"]))
    assert status == 400, body


@pytest.fixture(scope="module")
def default_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(parks_store(tmp_path_factory.mktemp("slow")), build=False)
    yield live
    stop_server(live)


def test_slow_clients_do_not_block_a_normal_request(default_server: LiveServer) -> None:
    """On the default server (granian), 200 connections that send half a request line and
    then nothing are held open while a normal ``ASK {}`` is sent: it is answered. (gunicorn's
    gthread workers do not pass this: each slow client holds a thread; bench/slowloris.py
    measures both, docs/security.md has the figures.)"""
    server = default_server
    slow: list[socket.socket] = []
    try:
        for _ in range(200):
            s = socket.create_connection((server.host, server.port), timeout=30)
            s.sendall(b"GET /sparql?query=ASK HTTP/1.1\r\nHost: x\r\n")
            slow.append(s)
        time.sleep(0.5)  # let the server pick them up (workers/threads now busy if blocking)
        url = server.sparql_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})

        with urllib.request.urlopen(url, timeout=30) as answer:
            assert json.loads(answer.read())["boolean"] is True
    finally:
        for s in slow:
            s.close()
