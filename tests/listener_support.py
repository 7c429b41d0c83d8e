"""A loopback HTTP listener that counts every connection made to it (SSRF tests).

It answers any GET or POST with an empty-but-valid SPARQL JSON result (one empty solution),
so an engine that calls it as a ``SERVICE`` gets an answer, and records the request paths.
Connections are counted when accepted, before any byte is read: a client that connects and
sends nothing still counts.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socket import socket
from typing import Any

ANSWER = b'{"head":{"vars":[]},"results":{"bindings":[{}]}}'


class CountingServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.connections = 0
        self.paths: list[str] = []
        self.lock = threading.Lock()

    def verify_request(self, request: Any, client_address: Any) -> bool:
        with self.lock:
            self.connections += 1
        return True

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"


class _Handler(BaseHTTPRequestHandler):
    server: CountingServer

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        with self.server.lock:
            self.server.paths.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(ANSWER)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(ANSWER)

    do_GET = _answer  # noqa: N815 - the names http.server dispatches to
    do_POST = _answer  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def counting_listener() -> Iterator[CountingServer]:
    """A running :class:`CountingServer` on 127.0.0.1 (free port), stopped and closed after."""
    server = CountingServer()
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="counting-listener",
        daemon=True,
    )
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def connect_once(port: int) -> None:
    """Open and close one connection (to prove the counter counts)."""
    with socket() as s:
        s.connect(("127.0.0.1", port))
