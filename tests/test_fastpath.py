"""The response memo in front of the app replays exactly what the app answers, per variant and
per store generation, and keeps out of the way of personal, partial and volatile requests."""

from __future__ import annotations

import time
import types
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from werkzeug.http import parse_date
from werkzeug.test import Client, TestResponse

from parkld.build import ensure_built
from parkld.store.embedded import EmbeddedStore
from parkld.web import create_app, fastpath
from parkld.web.fastpath import ResponseMemo, accept_variant, memoised
from tests.conftest import make_settings

SOPHIA = "https://w3id.org/parkld/park/sophia-antipolis"
PARKS = [
    "sophia-antipolis",
    "area-science-park",
    "andalusia-technology-park",
    "albert-einstein-science-park",
    "ashdod-hi-tech-park",
    "agro-business-park",
]
LABEL_QUERY = (
    "SELECT ?name WHERE { <" + SOPHIA + "> <http://www.w3.org/2000/01/rdf-schema#label> ?name }"
)


def memo_for(app: Flask, **kwargs: object) -> tuple[ResponseMemo, Client, Client]:
    memo = memoised(app, **kwargs)  # type: ignore[arg-type]
    memo.recheck = 0.0  # ask the store's generation on every request
    return memo, Client(memo, use_cookies=False), Client(app, use_cookies=False)


def undated(response: TestResponse) -> list[tuple[str, str]]:
    """Every header but Date, which dates each message (a replay is not the first answer's)."""
    return [(k, v) for k, v in response.headers.to_wsgi_list() if k.lower() != "date"]


def same(a: TestResponse, b: TestResponse) -> None:
    assert a.status == b.status
    assert undated(a) == undated(b)
    assert ("Date" in a.headers) == ("Date" in b.headers)
    assert a.get_data() == b.get_data()


@pytest.mark.parametrize(
    "path",
    [
        "/park/sophia-antipolis",
        "/park/sophia-antipolis.ttl",
        "/park/sophia-antipolis.jsonld",
        "/ontology",
        "/sparql?" + urllib.parse.urlencode({"query": LABEL_QUERY}),
    ],
)
@pytest.mark.parametrize(
    "accept",
    ["text/turtle", "application/ld+json", "text/html", "application/n-triples", "text/csv", ""],
)
def test_memo_replays_the_apps_bytes_for_each_variant(app: Flask, path: str, accept: str) -> None:
    memo, cached, plain = memo_for(app)
    headers = {"Accept": accept} if accept else {}
    direct = plain.get(path, headers=headers)
    first = cached.get(path, headers=headers)
    second = cached.get(path, headers=headers)
    same(first, direct)
    same(second, direct)
    if direct.status_code == 200:
        assert (memo.misses, memo.hits, len(memo)) == (1, 1, 1)
    else:  # no such variant (406): passed through, never kept
        assert direct.status_code == 406 and (memo.hits, len(memo)) == (0, 0)


def test_sparql_results_are_replayed_and_volatile_queries_are_not(app: Flask) -> None:
    memo, cached, _ = memo_for(app)
    url = "/sparql?" + urllib.parse.urlencode({"query": LABEL_QUERY})
    one = cached.get(url, headers={"Accept": "text/csv"})
    two = cached.get(url, headers={"Accept": "text/csv"})
    assert "Sophia Antipolis" in two.get_data(as_text=True)
    assert one.get_data() == two.get_data() and memo.hits == 1
    for query in [
        "SELECT (NOW() AS ?t) {}",
        "SELECT (rand () AS ?r) {}",
        "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    ]:
        url = "/sparql?" + urllib.parse.urlencode({"query": query})
        cached.get(url)
        cached.get(url)
    assert len(memo) == 1 and memo.hits == 1


def test_if_none_match_gets_304_from_the_memo(app: Flask) -> None:
    memo, cached, _ = memo_for(app)
    first = cached.get("/park/sophia-antipolis.ttl")
    etag = first.headers["ETag"]
    again = cached.get("/park/sophia-antipolis.ttl", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag and "Content-Type" not in again.headers
    assert "Accept" in again.headers["Vary"]
    assert memo.hits == 1
    other = cached.get("/park/sophia-antipolis.ttl", headers={"If-None-Match": '"nope"'})
    assert other.status_code == 200 and other.get_data() == first.get_data()


def test_head_has_the_headers_and_no_body(app: Flask) -> None:
    memo, cached, plain = memo_for(app)
    get = cached.get("/park/sophia-antipolis", headers={"Accept": "text/turtle"})
    head = cached.head("/park/sophia-antipolis", headers={"Accept": "text/turtle"})
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["Content-Length"] == str(len(get.get_data()))
    assert undated(head) == undated(get)
    assert memo.hits == 1
    # A HEAD first (nothing kept yet) is the app's own HEAD answer, and keeps nothing.
    memo.invalidate()
    head = cached.head("/park/area-science-park.ttl")
    same(head, plain.head("/park/area-science-park.ttl"))
    assert head.get_data() == b"" and len(memo) == 0


@pytest.mark.parametrize("header", ["Authorization", "Cookie", "Range", "Content-Type"])
def test_personal_partial_or_bodied_requests_bypass_the_memo(app: Flask, header: str) -> None:
    memo, cached, _ = memo_for(app)
    for _ in range(2):
        answer = cached.get("/park/sophia-antipolis.ttl", headers={header: "x=1"})
        assert answer.status_code == 200
        subjects = {t.subject for t in ox.parse(answer.get_data(), format=ox.RdfFormat.TURTLE)}
        assert ox.NamedNode(SOPHIA) in subjects
    assert (memo.hits, memo.misses, len(memo)) == (0, 0, 0)


def test_accept_spellings_share_an_entry_and_variants_do_not(app: Flask) -> None:
    memo, cached, _ = memo_for(app)
    spellings = ["text/turtle", "text/turtle;q=1.0", "text/turtle, image/x-unknown;q=0.5"]
    bodies = {
        cached.get("/park/sophia-antipolis", headers={"Accept": a}).get_data() for a in spellings
    }
    assert len(bodies) == 1 and len(memo) == 1 and memo.hits == 2
    jsonld = cached.get("/park/sophia-antipolis", headers={"Accept": "application/ld+json"})
    assert jsonld.headers["Content-Type"].startswith("application/ld+json")
    assert len(memo) == 2
    # Same qualities for the table's types, different wording: one key; a real change: two.
    assert accept_variant("text/turtle") == accept_variant("text/turtle ;q=1")
    assert accept_variant("text/turtle") != accept_variant("text/*")
    assert accept_variant("text/html") != accept_variant("*/*")


def test_varied_headers_separate_entries(app: Flask) -> None:
    memo, cached, plain = memo_for(app)
    variants = [
        {},
        {"Origin": "https://a.example"},
        {"Origin": "https://b.example"},
        {"Accept-Encoding": "gzip"},
        {"Accept-Encoding": "br;q=1, gzip;q=0.5"},
    ]
    for headers in variants:
        same(
            cached.get("/park/sophia-antipolis.ttl", headers=headers),
            plain.get("/park/sophia-antipolis.ttl", headers=headers),
        )
    assert len(memo) == len(variants) and memo.hits == 0
    same(
        cached.get("/park/sophia-antipolis.ttl", headers={"Origin": "https://b.example"}),
        plain.get("/park/sophia-antipolis.ttl", headers={"Origin": "https://b.example"}),
    )
    assert memo.hits == 1


def test_the_bound_evicts_least_recently_used(app: Flask) -> None:
    probe, probe_client, _ = memo_for(app)
    probe_client.get(f"/park/{PARKS[0]}.ttl")
    limit = probe.size * 3  # room for about two of these documents (one may be 4x smaller)
    memo, cached, _ = memo_for(app, max_bytes=limit)
    for slug in PARKS:
        assert cached.get(f"/park/{slug}.ttl").status_code == 200
        assert memo.size <= limit
    assert 0 < len(memo) < len(PARKS)
    misses = memo.misses
    cached.get(f"/park/{PARKS[0]}.ttl")  # the oldest was dropped
    assert memo.misses == misses + 1
    cached.get(f"/park/{PARKS[-1]}.ttl")  # the newest is still there
    assert memo.misses == misses + 1


def test_zero_bytes_turns_it_off(app: Flask) -> None:
    memo, cached, _ = memo_for(app, max_bytes=0)
    cached.get("/park/sophia-antipolis.ttl")
    cached.get("/park/sophia-antipolis.ttl")
    assert (memo.hits, memo.misses, len(memo)) == (0, 0, 0)


def test_a_generation_change_empties_it(app: Flask) -> None:
    token = ["one"]
    memo = ResponseMemo(app, lambda: token[0], recheck=0.0)
    cached = Client(memo)
    cached.get("/park/sophia-antipolis.ttl")
    cached.get("/park/sophia-antipolis.ttl")
    assert memo.hits == 1
    token[0] = "two"  # what a rebuild does to the store's generation
    cached.get("/park/sophia-antipolis.ttl")
    assert (memo.hits, memo.misses, len(memo)) == (1, 2, 1)


def test_an_update_is_seen_at_the_next_request(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "store", update_enabled=True, update_token="t0ken")
    ensure_built(settings)
    with EmbeddedStore(settings.store_dir, query_workers=1) as store:
        memo, cached, _ = memo_for(create_app(settings, store=store))
        before = cached.get("/park/sophia-antipolis.ttl")
        assert b"a memo note" not in before.get_data()
        assert cached.get("/park/sophia-antipolis.ttl").get_data() == before.get_data()
        assert memo.hits == 1
        graph = "https://w3id.org/parkld/graph/urenio-2017-07-04-chengdu-partnership"
        update = (
            f"INSERT DATA {{ GRAPH <{graph}> {{ <{SOPHIA}> "
            '<http://www.w3.org/2000/01/rdf-schema#comment> "a memo note"@en } }'
        )
        done = cached.post(
            "/sparql", data={"update": update}, headers={"Authorization": "Bearer t0ken"}
        )
        assert done.status_code == 204
        after = cached.get("/park/sophia-antipolis.ttl")
        comments = {
            t.object
            for t in ox.parse(after.get_data(), format=ox.RdfFormat.TURTLE)
            if t.predicate.value.endswith("rdf-schema#comment")
        }
        assert ox.Literal("a memo note", language="en") in comments
        assert after.headers["ETag"] != before.headers["ETag"]


def test_the_host_asked_is_in_the_key(app: Flask) -> None:
    # Each host asked gets its own entry (an answer that named the host could never be
    # replayed to another); the sitemap itself names the configured base, never the Host.
    memo, cached, plain = memo_for(app)
    for host in ["a.example", "b.example", "a.example"]:
        answer = cached.get("/sitemap.xml", headers={"Host": host})
        same(answer, plain.get("/sitemap.xml", headers={"Host": host}))
        assert host not in answer.get_data(as_text=True)
        assert "<loc>https://w3id.org/parkld/" in answer.get_data(as_text=True)
    assert len(memo) == 2 and memo.hits == 1


def test_a_replay_is_dated_when_it_is_sent(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    memo, cached, _ = memo_for(app)
    first = cached.get("/park/sophia-antipolis.jsonld")
    assert "Date" in first.headers, "the app dates its answers (make_conditional)"
    sent = parse_date(first.headers["Date"])
    assert sent is not None
    later = sent.timestamp() + 3600
    clock = types.SimpleNamespace(time=lambda: later, monotonic=time.monotonic)
    monkeypatch.setattr(fastpath, "time", clock)
    replay = cached.get("/park/sophia-antipolis.jsonld")
    assert memo.hits == 1 and replay.get_data() == first.get_data()
    replayed = parse_date(replay.headers["Date"])
    assert replayed is not None and replayed.timestamp() == int(later)
    assert undated(replay) == undated(first)
