"""The hostile corpus (``tests/hostile/corpus.jsonl``) against a live ``parkld serve``.

A loopback listener that is *not* on the allow-list counts every connection it accepts; after
every query and update of the corpus has been sent (GET, form POST, direct POST and the HTML
page in turn; updates with the update token), it must have seen none. A second listener that
*is* allow-listed proves the counting works: an allowed SERVICE call reaches it.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.listener_support import CountingServer, connect_once, counting_listener
from tests.live import LiveServer, start_server, stop_server
from tests.sparql_support import parks_store

CORPUS = Path(__file__).parent / "hostile" / "corpus.jsonl"
TOKEN = "hostile-test-token"
BYPASSES = [
    "PREFIX : <http://127.0.0.1:{PORT}/> SELECT * { SERVICE:x { ?s ?p ?o } }",
    'SELECT * { ?s ?p "\\u0022" . SERVICE <http://127.0.0.1:{PORT}/sparql> { ?s ?p ?o } '
    '?s ?p "\\u0022" }',
]


@pytest.fixture(scope="module")
def listeners() -> Iterator[tuple[CountingServer, CountingServer]]:
    with counting_listener() as forbidden, counting_listener() as allowed:
        yield forbidden, allowed


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, listeners: tuple[CountingServer, CountingServer]
) -> Iterator[LiveServer]:
    store_dir = parks_store(tmp_path_factory.mktemp("hostile"))
    live = start_server(
        store_dir,
        build=False,
        env={
            "PARKLD_SERVICE_ALLOWLIST": listeners[1].url,
            "PARKLD_UPDATE_ENABLED": "1",
            "PARKLD_UPDATE_TOKEN": TOKEN,
            "PARKLD_QUERY_TIMEOUT": "5",
        },
    )
    yield live
    stop_server(live)


def send(server: LiveServer, kind: str, text: str, way: int) -> tuple[int, str]:
    """One request; *way* picks GET, form POST, direct POST or the HTML page (queries)."""
    url = server.sparql_url
    headers = {"Accept": "application/sparql-results+json, text/turtle;q=0.9"}
    data: bytes | None = None
    if kind == "update":
        headers["Authorization"] = f"Bearer {TOKEN}"
        if way % 2:
            data = urllib.parse.urlencode({"update": text}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            data = text.encode()
            headers["Content-Type"] = "application/sparql-update"
    elif way % 4 == 0:
        url += "?" + urllib.parse.urlencode({"query": text})
    elif way % 4 == 1:
        data = urllib.parse.urlencode({"query": text}).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif way % 4 == 2:
        data = text.encode()
        headers["Content-Type"] = "application/sparql-query"
    else:
        url += "?" + urllib.parse.urlencode({"query": text})
        headers["Accept"] = "text/html"
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read().decode("utf-8", "replace")


def fill(text: str, listeners: tuple[CountingServer, CountingServer]) -> str:
    return text.replace("{PORT}", str(listeners[0].port)).replace("{APORT}", str(listeners[1].port))


def test_the_listeners_count(
    listeners: tuple[CountingServer, CountingServer], server: LiveServer
) -> None:
    forbidden, allowed = listeners
    before = forbidden.connections
    connect_once(forbidden.port)
    deadline = time.monotonic() + 10  # the listener thread accepts in its own time
    while forbidden.connections == before and time.monotonic() < deadline:
        time.sleep(0.02)
    assert forbidden.connections == before + 1
    forbidden.connections = before
    # An allowed SERVICE call is made, and seen: the corpus test below can see calls.
    status, body = send(server, "query", f"SELECT * WHERE {{ SERVICE <{allowed.url}> {{ }} }}", 0)
    assert status == 200, body
    assert json.loads(body)["results"]["bindings"] == [{}]
    assert allowed.connections >= 1


@pytest.mark.parametrize("way", range(4))
def test_the_two_bypasses_of_issue_12_are_refused(
    listeners: tuple[CountingServer, CountingServer], server: LiveServer, way: int
) -> None:
    for text in BYPASSES:
        status, body = send(server, "query", fill(text, listeners), way)
        assert status in (400, 403), body
        assert "SERVICE" in body or "malformed query" in body
    assert listeners[0].connections == 0


def test_hostile_corpus_makes_no_connection(
    listeners: tuple[CountingServer, CountingServer], server: LiveServer
) -> None:
    items = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    assert len(items) >= 300
    assert {i["kind"] for i in items} == {"query", "update"}
    statuses: Counter[int] = Counter()
    for n, item in enumerate(items):
        status, body = send(server, item["kind"], fill(item["text"], listeners), n)
        statuses[status] += 1
        # Refused before evaluation (403 names the SERVICE or LOAD; 400 is a malformed text,
        # from the tokenizer or from the engine in a worker) — never a server error.
        assert status < 500, (item["name"], status, body)
        if status == 403:
            assert "SERVICE" in body or "LOAD" in body, (item["name"], body)
    assert listeners[0].connections == 0, listeners[0].paths
    assert statuses[403] > len(items) // 2  # most are refused by the allow-list itself
