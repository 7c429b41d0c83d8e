"""`parkld serve --server granian`: the same app behind granian answers like under gunicorn."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox

from parkld.build import BuildResult
from parkld.config import Settings
from tests.live import ServerFactory

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
