"""The Wikidata client against real loopback servers: happy path, cache, batches, failures."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from parkld import queries
from parkld.errors import ConfigError, UpstreamError
from parkld.store.querytext import with_values
from parkld.wikidata.client import WikidataClient
from parkld.wikidata.records import LANGUAGES
from parkld.wikidata.terms import PARK_CLASSES, item, parse_point
from tests.oxigraph_server import free_port, oxigraph_server
from tests.wikidata_helpers import EMPTY_RESULTS, SNAPSHOT, fault_server

UA = "parkld-tests/0.1 (https://w3id.org/parkld/; tests@example.invalid)"
QUERY = "SELECT ?item WHERE { ?item ?p ?o } LIMIT 1"


def client(url: str, tmp_path: Path, **kw: object) -> WikidataClient:
    waits: list[float] = []
    c = WikidataClient(
        url,
        UA,
        timeout=kw.pop("timeout", 5.0),  # type: ignore[arg-type]
        cache_dir=tmp_path / "cache",
        sleep=waits.append,
        show_progress=False,
        **kw,  # type: ignore[arg-type]
    )
    c.waits = waits  # type: ignore[attr-defined]
    return c


def test_point_is_longitude_first() -> None:
    assert parse_point("Point(7.05 43.622222222)") == (43.622222222, 7.05)
    assert parse_point("Point(200 10)") is None


def test_batched_values_escape_literals() -> None:
    text = with_values(
        queries.load("wikidata/candidates_by_name"),
        "key",
        [ox.Literal('x" } DROP ALL {', language="en")],
    )
    assert 'VALUES ?key { "x\\" } DROP ALL {"@en }' in text
    ox.Store().query(text)  # still one well-formed query


@pytest.mark.parametrize("name", ["parks", "facts", "candidates_by_country", "candidates_by_name"])
def test_wikidata_queries_ask_for_parkld_classes_and_languages(name: str) -> None:
    # The .rq files write the classes and languages out; they must stay those of the code.
    text = queries.load(f"wikidata/{name}")
    languages = ", ".join(f'"{lang}"' for lang in LANGUAGES)
    assert f"IN ({languages})" in text
    if name != "facts":
        assert "VALUES ?class { " + " ".join(f"wd:{q}" for q in PARK_CLASSES) + " }" in text


def test_empty_user_agent_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="User-Agent"):
        WikidataClient("http://127.0.0.1:1/query", " ")


def test_batches_user_agent_and_cache(tmp_path: Path) -> None:
    with oxigraph_server([SNAPSHOT], tmp_path) as server:
        c = client(server.query_url, tmp_path)
        template = (
            "SELECT ?item ?coord WHERE { ?item <http://www.wikidata.org/prop/direct/P625> ?coord }"
        )
        rows = c.select_batched(
            template,
            "item",
            [item("Q986206"), item("Q1359930"), item("Q11940149")],
            batch_size=2,
        )
        assert {r["item"].value.rsplit("/", 1)[1] for r in rows} == {
            "Q986206",
            "Q1359930",
            "Q11940149",
        }
        assert len(list((tmp_path / "cache").rglob("*.srj"))) == 2  # two batches
    # The server is gone: the same batches come from the cache.
    again = c.select_batched(
        template,
        "item",
        [item("Q986206"), item("Q1359930"), item("Q11940149")],
        batch_size=2,
    )
    assert len(again) == 3


def test_user_agent_is_sent(tmp_path: Path) -> None:
    with fault_server([(200, {}, EMPTY_RESULTS)]) as server:
        assert client(server.url, tmp_path).select(QUERY) == []
    assert server.requests[0]["User-Agent"] == UA


def test_429_then_success_honours_retry_after(tmp_path: Path) -> None:
    script = [(429, {"Retry-After": "7"}, b"slow down"), (200, {}, EMPTY_RESULTS)]
    with fault_server(script) as server:
        c = client(server.url, tmp_path)
        assert c.select(QUERY) == []
    assert c.waits == [7.0]  # type: ignore[attr-defined]
    assert len(server.requests) == 2


def test_retry_after_beyond_limit_fails_clearly(tmp_path: Path) -> None:
    with (
        fault_server([(429, {"Retry-After": "3600"}, b"")]) as server,
        pytest.raises(UpstreamError, match=r"HTTP 429.*3600 s, more than"),
    ):
        client(server.url, tmp_path, max_wait=60.0).select(QUERY)


def test_500_retries_with_backoff_then_fails(tmp_path: Path) -> None:
    with fault_server([(500, {}, b"boom")]) as server:
        c = client(server.url, tmp_path, retries=2)
        with pytest.raises(UpstreamError, match=r"HTTP 500.*gave up after 3 attempts"):
            c.select(QUERY)
    assert c.waits == [1.0, 2.0]  # type: ignore[attr-defined]
    assert not list((tmp_path / "cache").rglob("*.srj"))  # failures are never cached


def test_malformed_json(tmp_path: Path) -> None:
    with (
        fault_server([(200, {}, b'{"head": {"vars": [')]) as server,
        pytest.raises(UpstreamError, match="malformed SPARQL JSON"),
    ):
        client(server.url, tmp_path).select(QUERY)


def test_timeout(tmp_path: Path) -> None:
    with (
        fault_server([(200, {}, EMPTY_RESULTS)], delay=1.5) as server,
        pytest.raises(UpstreamError, match=r"no answer within 0.3 s \(timeout\)"),
    ):
        client(server.url, tmp_path, timeout=0.3, retries=1).select(QUERY)


def test_endpoint_down(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(UpstreamError, match=r"cannot reach Wikidata endpoint .*refused"):
        client(url, tmp_path).select(QUERY)
