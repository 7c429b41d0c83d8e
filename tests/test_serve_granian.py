"""`parkld serve --server granian`: the same app behind granian answers like under gunicorn."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from parkld.build import BuildResult
from parkld.cli.serve import stop_timeout
from parkld.config import Settings
from tests.live import PARKLD, ServerFactory, free_port, process_children

SOPHIA = "https://w3id.org/parkld/park/sophia-antipolis"


def get(url: str, accept: str) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers.get("Content-Type", ""), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def test_granian_serves_queries_pages_and_errors(
    live_server_factory: ServerFactory, shipped_settings: Settings, shipped_build: BuildResult
) -> None:
    server = live_server_factory(
        {"PARKLD_SERVER": "granian"}, store_dir=shipped_settings.store_dir, build=False
    )
    query = (
        "SELECT ?name WHERE { <" + SOPHIA + "> "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?name FILTER(lang(?name) = 'en') }"
    )
    status, ctype, body = get(
        server.sparql_url + "?" + urllib.parse.urlencode({"query": query}), "text/csv"
    )
    assert (status, ctype.split(";")[0]) == (200, "text/csv")
    assert {row["name"] for row in csv.DictReader(io.StringIO(body.decode()))} == {
        "Sophia Antipolis"
    }
    status, ctype, body = get(server.base_url + "/park/sophia-antipolis", "text/turtle")
    assert (status, ctype.split(";")[0]) == (200, "text/turtle")
    subjects = {t.subject for t in ox.parse(body, format=ox.RdfFormat.TURTLE)}
    assert ox.NamedNode(SOPHIA) in subjects
    status, _, body = get(
        server.sparql_url + "?query=SELECT%20%3Fs%20WHERE%20%7B", "application/sparql-results+json"
    )
    assert status == 400 and b"malformed query" in body
    status, _, _ = get(server.base_url + "/park/no-such-park", "text/turtle")
    assert status == 404


def test_a_granian_worker_imports_nothing_the_server_did_not_preload(
    shipped_settings: Settings, shipped_build: BuildResult
) -> None:
    # `parkld serve` imports the app's modules before granian forks its workers: a worker's
    # import of parkld.web.wsgi (its app, store and query pool) then loads no parkld, Flask,
    # werkzeug or Jinja module of its own — the cold start's largest cost, paid once.
    script = (
        "import sys\n"
        "from parkld.web import preload\n"
        "preload()\n"
        "before = set(sys.modules)\n"
        "import parkld.web.wsgi\n"
        "from parkld.web import state_of\n"
        "assert state_of(parkld.web.wsgi.app).get_store().executor().pids()\n"
        "print('\\n'.join(sorted(set(sys.modules) - before)))\n"
    )
    env = {
        **os.environ,
        "PARKLD_STORE_DIR": str(shipped_settings.store_dir),
        "PARKLD_LOG_LEVEL": "WARNING",
    }
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    new = out.stdout.split()
    assert "parkld.web.wsgi" in new
    own = [m for m in new if m.split(".")[0] in {"parkld", "flask", "werkzeug", "jinja2"}]
    assert own == ["parkld.web.wsgi"], own


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_worker_loading_its_app_stops_on_a_stop_signal(signum: signal.Signals) -> None:
    # A forked granian worker inherits its main process's handlers, which only set a flag in
    # the main's memory: a stop that arrives while the worker loads the app must end it, not
    # be lost (the worker would then serve on, and the main would wait for it).
    script = (
        "import os, signal, sys\n"
        "caught = []\n"
        "for s in (signal.SIGTERM, signal.SIGINT):\n"
        "    signal.signal(s, lambda *a: caught.append(a[0]))\n"
        "from parkld.cli.serve import load_worker_app\n"
        "dumps = load_worker_app('json:dumps')\n"
        "print(dumps({'loaded': True}), flush=True)\n"
        f"os.kill(os.getpid(), {int(signum)})\n"
        "print('survived', caught, flush=True)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.stdout.splitlines() == ['{"loaded": true}'], out.stdout + out.stderr
    assert out.returncode == -signum


def test_parkld_serve_stops_when_told_to_as_its_workers_start(
    shipped_settings: Settings, shipped_build: BuildResult, tmp_path: Path
) -> None:
    # SIGTERM sent the moment granian's workers exist (they are importing the app, opening
    # the store and forking their query workers): `parkld serve` exits, cleanly, within its
    # stop bound, and leaves no process behind. Before, about one such stop in four hung.
    settings_env = {
        "PARKLD_STORE_DIR": str(shipped_settings.store_dir),
        "PARKLD_LOG_LEVEL": "WARNING",
        "PARKLD_QUERY_TIMEOUT": "2",
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARKLD_")} | settings_env
    bound = stop_timeout(Settings(query_timeout=2.0)) + 8  # the kill bound, and a margin
    for attempt in range(4):
        # Marks every process of this attempt's tree, however late it was forked or reparented.
        marker = f"STOP_TEST_ATTEMPT={os.getpid()}-{attempt}-{time.monotonic_ns()}"
        command = [str(PARKLD), "serve", "--server", "granian", "--no-build"]
        command += ["--port", str(free_port())]
        log = tmp_path / f"serve-{attempt}.log"
        with log.open("wb") as log_file:
            process = subprocess.Popen(
                command,
                env=env | dict([marker.split("=")]),
                stdout=subprocess.DEVNULL,
                stderr=log_file,
            )
        try:
            deadline = time.monotonic() + 60
            while len(process_children().get(process.pid, [])) < 2:
                assert process.poll() is None and time.monotonic() < deadline, "no workers"
                time.sleep(0.002)
            process.send_signal(signal.SIGTERM)
            returncode = process.wait(timeout=bound)
        finally:
            if process.poll() is None:
                for pid in marked(marker):
                    os.kill(pid, signal.SIGKILL)
                process.wait()
        assert returncode == 0, f"attempt {attempt}: exit {returncode}\n{log.read_text()}"
        deadline = time.monotonic() + 10
        while left := marked(marker):
            assert time.monotonic() < deadline, f"attempt {attempt}: left behind {left}"
            time.sleep(0.05)


def marked(marker: str) -> list[int]:
    """The running processes (not zombies) whose environment holds ``marker``."""
    wanted = marker.encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:  # gone, or not ours to read
            continue
        if wanted in environ and state != "Z":
            found.append(int(entry.name))
    return found
