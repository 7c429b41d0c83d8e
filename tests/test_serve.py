"""``parkld serve`` for real: gunicorn on loopback, the shipped graph, curl, runaway queries."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.live import (
    LiveServer,
    ServerFactory,
    command_line,
    process_children,
    start_server,
    stop_server,
)
from tests.sparql_support import PARK, RUNAWAY, parks_store

SOPHIA = "https://w3id.org/parkld/park/sophia-antipolis"
PARKS_BY_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def _titled(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Header names in one spelling: granian sends them in lower case (HTTP ignores case)."""
    return {name.title(): value for name, value in items}


def fetch(
    url: str,
    *,
    accept: str = "*/*",
    data: bytes | None = None,
    content_type: str | None = None,
    timeout: float = 30,
) -> tuple[int, dict[str, str], bytes]:
    headers = {"Accept": accept}
    if content_type:
        headers["Content-Type"] = content_type
    req = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as answer:
            return answer.status, _titled(answer.headers.items()), answer.read()
    except urllib.error.HTTPError as err:
        return err.code, _titled(err.headers.items()), err.read()


def test_serves_the_shipped_graph(backend_server: LiveServer) -> None:
    query = urllib.parse.quote(PARKS_BY_GRAPH)
    status, headers, body = fetch(f"{backend_server.sparql_url}?query={query}")
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+json")
    graphs = {b["g"]["value"] for b in json.loads(body)["results"]["bindings"]}
    data_files = sorted(p.stem for p in (Path(__file__).parents[1] / "data").glob("*.ttl"))
    assert {f"https://w3id.org/parkld/graph/{stem}" for stem in data_files} <= graphs
    assert "https://w3id.org/parkld/ontology" in graphs
    assert headers.get("Server") == "granian"  # the default HTTP server (docs/security.md)


CURL = shutil.which("curl")
# Five distinct triples on any store. Not ``CONSTRUCT WHERE { ?s a ?t } LIMIT 5``: a triple
# stated in two sources' graphs is two solutions over the union default graph (on both
# backends), and which five solutions an unordered LIMIT keeps is the store's choice: Oxigraph
# happens to start with five different triples, Virtuoso sometimes with a repeated one (4).
FIVE_TYPES = "CONSTRUCT { ?s a ?t } WHERE { SELECT DISTINCT ?s ?t WHERE { ?s a ?t } LIMIT 5 }"


@pytest.mark.parametrize(
    ("accept", "query", "check"),
    [
        (
            "application/sparql-results+json",
            "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }",
            lambda b: int(json.loads(b)["results"]["bindings"][0]["n"]["value"]) > 100,
        ),
        ("application/sparql-results+xml", "ASK { ?s ?p ?o }", lambda b: b"<boolean>true" in b),
        (
            "text/csv",
            "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }",
            lambda b: b.splitlines()[0] == b"n" and int(b.splitlines()[1]) > 100,
        ),
        (
            "text/tab-separated-values",
            "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }",
            lambda b: b.splitlines()[0] == b"?n",
        ),
        (
            "text/turtle",
            FIVE_TYPES,
            lambda b: len(list(ox.parse(b, format=ox.RdfFormat.TURTLE))) == 5,
        ),
        (
            "application/ld+json",
            FIVE_TYPES,
            lambda b: len(list(ox.parse(b, format=ox.RdfFormat.JSON_LD))) == 5,
        ),
        (
            "application/n-triples",
            FIVE_TYPES,
            lambda b: len(list(ox.parse(b, format=ox.RdfFormat.N_TRIPLES))) == 5,
        ),
        (
            "application/rdf+xml",
            FIVE_TYPES,
            lambda b: len(list(ox.parse(b, format=ox.RdfFormat.RDF_XML))) == 5,
        ),
    ],
)
def test_curl_gets_every_format(
    backend_server: LiveServer, accept: str, query: str, check: object
) -> None:
    assert CURL, "curl is needed for this test"
    out = subprocess.run(
        [
            CURL,
            "-sS",
            "--fail-with-body",
            "-H",
            f"Accept: {accept}",
            "--data-urlencode",
            f"query={query}",
            backend_server.sparql_url,
        ],
        capture_output=True,
        timeout=30,
        check=True,
    )
    assert check(out.stdout)  # type: ignore[operator]


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


@pytest.mark.parametrize("http_server", ["gunicorn", "granian"])
def test_runaway_query_is_stopped_while_others_are_served(
    live_server_factory: ServerFactory, tmp_path_factory: pytest.TempPathFactory, http_server: str
) -> None:
    store_dir = parks_store(tmp_path_factory.mktemp("runaway"), filler=3000)
    # Both servers start a web worker's query pool before the worker runs threads (gunicorn's
    # post_worker_init hook; granian's import of parkld.web.wsgi), so the worker forks its
    # query workers itself: what the process-tree checks below look at.
    server = live_server_factory(
        {"PARKLD_QUERY_TIMEOUT": "2", "PARKLD_WORKERS": "1", "PARKLD_SERVER": http_server},
        store_dir=store_dir,
        build=False,
    )
    result: dict[str, object] = {}
    # The web worker forked its two query workers itself (it had one thread then): no fork
    # server yet. Replacing a killed worker needs one, started only when that happens.
    (web,) = process_children()[server.process.pid]
    assert len(process_children()[web]) == 2
    assert not [p for p in server.descendants() if "forkserver" in command_line(p)]

    def runaway() -> None:
        started = time.monotonic()
        result["answer"] = fetch(
            server.sparql_url, data=RUNAWAY.encode(), content_type="application/sparql-query"
        )
        result["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.4)
    # A second client is answered while the runaway query runs.
    q = urllib.parse.quote(f"ASK {{ <{PARK}sophia> ?p ?o }}")
    status, _, body = fetch(f"{server.sparql_url}?query={q}", timeout=5)
    assert status == 200 and json.loads(body)["boolean"] is True, server.log()
    assert thread.is_alive()
    thread.join(timeout=10)
    status, _headers, body = result["answer"]  # type: ignore[misc]
    assert status == 504
    assert b"ran longer than 2 s and was stopped" in body
    assert 1.9 <= float(result["seconds"]) <= 4.0  # type: ignore[arg-type]
    # The worker was killed: nothing under the server keeps a core busy afterwards. A surviving
    # runaway would burn ~1 s of CPU per second for minutes; the replacement worker's boot
    # burns some CPU too, briefly (longer on a loaded machine), so look for a quiet second
    # within a few seconds rather than demanding one right away.
    rates = []
    for _ in range(6):
        before = _cpu_seconds(server.descendants())
        time.sleep(1.0)
        rates.append(_cpu_seconds(server.descendants()) - before)
        if rates[-1] < 0.3:
            break
    assert rates[-1] < 0.3, f"CPU still busy after the timeout: {rates} s/s"
    # And the endpoint still answers, the killed worker replaced through a fork server.
    status, _, body = fetch(f"{server.sparql_url}?query={q}", timeout=5)
    assert status == 200 and json.loads(body)["boolean"] is True
    assert [p for p in server.descendants() if "forkserver" in command_line(p)]


def test_a_server_that_built_its_store_stops_at_once(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # The build runs in a spawned process: web workers forked from a process that had run
    # RocksDB's loader threads hung at exit in RocksDB's thread-joining destructor, and each
    # needed gunicorn's 10 s graceful timeout and a SIGKILL to stop.
    server = start_server(
        tmp_path_factory.mktemp("fresh-build"),
        env={"PARKLD_LOG_LEVEL": "INFO", "PARKLD_SERVER": "gunicorn"},
    )
    try:
        q = urllib.parse.quote(f"ASK {{ <{SOPHIA}> ?p ?o }}")
        status, _, body = fetch(f"{server.sparql_url}?query={q}", timeout=10)
        assert status == 200 and json.loads(body)["boolean"] is True
        started = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=20)
        assert time.monotonic() - started < 5, server.log()
        assert "Shutting down: Master" in server.log()
        assert "SIGKILL" not in server.log()
        assert "building in a separate process" in server.log()
    finally:
        stop_server(server)
