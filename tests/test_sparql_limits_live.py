"""Crashing and expensive queries against a live ``parkld serve``: refused by the cheap bounds
in the web worker, or stopped in a query worker (which is replaced) — while concurrent normal
requests are all answered and no web worker dies."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from tests.live import LiveServer, start_server, stop_server
from tests.sparql_support import PARK, parks_store

NORMAL = (
    f"SELECT ?label WHERE {{ <{PARK}sophia> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    store_dir = parks_store(tmp_path_factory.mktemp("limits"), filler=3000)
    live = start_server(
        store_dir,
        build=False,
        env={
            "PARKLD_QUERY_TIMEOUT": "20",
            "PARKLD_QUERY_MEMORY_MB": "400",
            "PARKLD_QUERY_WORKERS": "2",
        },
    )
    yield live
    stop_server(live)


def post(server: LiveServer, query: str) -> tuple[int, str]:
    request = urllib.request.Request(
        server.sparql_url,
        data=query.encode(),
        headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read().decode()


def web_workers(server: LiveServer) -> set[int]:
    """The web workers: the server process's direct children (query workers are theirs)."""
    from tests.live import process_children

    return set(process_children().get(server.process.pid, []))


HOSTILE = {
    "3000 nested braces": ("SELECT * " + "{" * 3000 + "}" * 3000, (400,), "nests brackets"),
    "5000 unclosed braces": ("SELECT * " + "{" * 5000, (400,), "nests brackets"),
    "5000 nested parens": (
        "SELECT * { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
        (400,),
        "nests brackets",
    ),
    "10,000 ||": ("SELECT * { FILTER(" + " || ".join(["?x"] * 10_000) + ") }", (413,), "tokens"),
    # Passes the cheap bounds, overflows the engine's stack while parsing: only a query
    # worker dies (and is replaced).
    "list of 5000": ("SELECT * { ?s ?p (" + " 1" * 5000 + " ) }", (504,), "was stopped"),
    # Sorting a 10^7-row cross product by RAND() needs gigabytes: the memory limit stops it.
    "memory": ("SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY RAND() LIMIT 1", (504,), "was stopped"),
}


def test_hostile_queries_are_refused_or_stopped_and_others_are_answered(server: LiveServer) -> None:
    before = web_workers(server)
    assert before, "no web workers found"
    results: dict[str, tuple[int, str]] = {}
    normal: list[tuple[int, str]] = []

    def hostile(name: str, text: str) -> None:
        results[name] = post(server, text)

    def normal_client() -> None:
        for _ in range(15):
            normal.append(post(server, NORMAL))

    threads = [
        threading.Thread(target=hostile, args=(name, text))
        for name, (text, _, _) in HOSTILE.items()
    ]
    threads += [threading.Thread(target=normal_client) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    for name, (_, statuses, words) in HOSTILE.items():
        status, body = results[name]
        assert status in statuses and words in body, (name, status, body[:300])
    assert "PARKLD_QUERY_MEMORY_MB" in results["memory"][1]
    assert len(normal) == 30
    for status, body in normal:
        assert status == 200, body
        assert [b["label"]["value"] for b in json.loads(body)["results"]["bindings"]] == [
            "Sophia Antipolis"
        ]
    # The same web workers are serving: none crashed or was replaced.
    assert web_workers(server) == before
    status, body = post(server, "ASK {}")
    assert status == 200 and json.loads(body)["boolean"] is True
