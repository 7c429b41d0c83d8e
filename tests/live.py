"""A real ``parkld serve`` (gunicorn) for tests, on a free loopback port.

Start one with :func:`running_server` (a context manager), or use the session fixtures:

* ``live_server`` — the shipped graph, served as the README says (``parkld serve``);
* ``live_server_factory`` — ``factory(env={...}, store_dir=..., build=False)`` starts another
  server with extra ``PARKLD_*`` settings (or a store prepared by :func:`write_store`); every
  server it started is stopped at the end of the session.

The server runs with a private ``PARKLD_STORE_DIR`` and none of the caller's ``PARKLD_*``
variables; its output goes to ``server.log`` in that directory, shown when start-up fails.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from parkld.build import BuildResult
from parkld.config import Settings
from parkld.store.embedded import write_database

PARKLD = Path(sys.executable).parent / "parkld"


@dataclass
class LiveServer:
    """A running server: where it answers and how to reach its process."""

    host: str
    port: int
    store_dir: Path
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def sparql_url(self) -> str:
        return f"{self.base_url}/sparql"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def descendants(self) -> list[int]:
        """Process ids below the gunicorn master (web workers, fork server, query workers)."""
        children = process_children()
        found, todo = [], [self.process.pid]
        while todo:
            for child in children.get(todo.pop(), []):
                found.append(child)
                todo.append(child)
        return found


def process_children() -> dict[int, list[int]]:
    """Every process's children (by parent pid), read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    return children


def command_line(pid: int) -> str:
    """A process's command line ('' once it has gone)."""
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def write_store(store_dir: Path, quads: Iterable[ox.Quad]) -> Path:
    """A store directory laid out like a build (for ``parkld serve --no-build``)."""
    build = store_dir / "builds" / "fixture"
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    write_database(build, quads)
    (build / "COMPLETE").write_text("fixture\n")
    (build / "generation").touch()
    link = store_dir / "current"
    link.unlink(missing_ok=True)
    link.symlink_to("builds/fixture")
    return store_dir


def _wait_until_up(server: LiveServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    url = server.sparql_url + "?query=ASK%7B%7D"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"parkld serve exited with {server.process.returncode}:\n" + server.log()
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError("parkld serve did not answer in time:\n" + server.log())


def start_server(
    store_dir: Path,
    *,
    env: Mapping[str, str] | None = None,
    build: bool = True,
    args: Iterable[str] = (),
    timeout: float = 90,
) -> LiveServer:
    """Start ``parkld serve`` and wait until ``/sparql`` answers."""
    store_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PARKLD_")}
    environ.update(
        {
            "PARKLD_STORE_DIR": str(store_dir),
            "PARKLD_HOST": "127.0.0.1",
            "PARKLD_PORT": str(port),
            "PARKLD_WORKERS": "2",
            "PARKLD_THREADS": "4",
            "PARKLD_LOG_LEVEL": "WARNING",
        }
    )
    environ.update(env or {})
    command = [str(PARKLD), "serve", *args]
    if not build:
        command.append("--no-build")
    log_path = store_dir / f"server-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, env=environ, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = LiveServer("127.0.0.1", port, store_dir, process, log_path)
    try:
        _wait_until_up(server, timeout)
    except BaseException:
        stop_server(server)
        raise
    return server


def stop_server(server: LiveServer) -> None:
    """SIGTERM the gunicorn master (it stops its workers), SIGKILL if it lingers."""
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=5)


@contextmanager
def running_server(store_dir: Path, **options: object) -> Iterator[LiveServer]:
    """``start_server`` as a context manager."""
    server = start_server(store_dir, **options)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        stop_server(server)


ServerFactory = Callable[..., LiveServer]


@pytest.fixture(scope="session")
def live_server_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerFactory]:
    """Start servers with extra environment variables; all are stopped after the session."""
    started: list[LiveServer] = []

    def factory(
        env: Mapping[str, str] | None = None,
        *,
        store_dir: Path | None = None,
        build: bool = True,
        args: Iterable[str] = (),
    ) -> LiveServer:
        directory = store_dir or tmp_path_factory.mktemp("live-store")
        server = start_server(directory, env=env, build=build, args=args)
        started.append(server)
        return server

    yield factory
    for server in started:
        stop_server(server)


@pytest.fixture(scope="session")
def live_server(
    live_server_factory: ServerFactory, shipped_settings: Settings, shipped_build: BuildResult
) -> LiveServer:
    """The shipped graph served by ``parkld serve`` (reusing the session's build)."""
    return live_server_factory(store_dir=shipped_settings.store_dir)
