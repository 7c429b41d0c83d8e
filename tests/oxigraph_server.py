"""A real SPARQL server for tests: ``oxigraph serve-read-only`` on a free loopback port.

Use :func:`oxigraph_server` as a context manager (or through a pytest fixture that wraps it)::

    with oxigraph_server([fixture_ttl], tmp_path) as server:
        client = WikidataClient(endpoint=server.query_url, ...)

The data is loaded with ``oxigraph load`` into a fresh directory, then served read-only; the
server is stopped (and waited for) on exit, even when the test fails.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

OXIGRAPH = Path(sys.executable).parent / "oxigraph"


@dataclass(frozen=True)
class OxigraphServer:
    """Where a running server answers."""

    port: int

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.base_url}/query"


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(url: str, proc: subprocess.Popen[bytes], deadline: float) -> None:
    probe = url + "?query=ASK%7B%7D"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"oxigraph exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(probe, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.05)
    raise RuntimeError("oxigraph did not become ready in time")


@contextmanager
def oxigraph_server(
    files: Sequence[Path], workdir: Path, *, timeout: float = 20.0
) -> Iterator[OxigraphServer]:
    """Load *files* into a new database under *workdir* and serve it on a free port."""
    location = workdir / f"oxigraph-{time.monotonic_ns()}"
    location.mkdir(parents=True)
    if files:
        subprocess.run(
            [str(OXIGRAPH), "load", "--location", str(location), "--file", *map(str, files)],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
    port = free_port()
    proc = subprocess.Popen(
        [
            str(OXIGRAPH),
            "serve-read-only",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = OxigraphServer(port)
    try:
        _wait_ready(server.query_url, proc, time.monotonic() + timeout)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
