"""HTTP as the best servers do it: compression negotiated on every text answer (checked on
the live gunicorn server with gzip and brotli), ETags everywhere, resumable dumps with
Last-Modified, CORS on every route with preflight, robots.txt, sitemap lastmod and dumps
that are the same bytes for the same data.
"""

from __future__ import annotations

import gzip
import http.client
import json
import urllib.parse
from pathlib import Path

import brotli  # type: ignore[import-untyped]
import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient

from parkld.build import ensure_built
from parkld.config import Settings
from parkld.linked import dumps, jsonld
from parkld.linked.void import DUMPS
from parkld.store.embedded import EmbeddedStore
from parkld.web import create_app, state_of
from tests.conftest import make_settings
from tests.live import LiveServer

QUERY = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 3000"


def fetch(
    server: LiveServer, path: str, headers: dict[str, str]
) -> tuple[int, dict[str, str], bytes]:
    """One raw GET (no client-side decoding, so the coding on the wire is what we see)."""
    conn = http.client.HTTPConnection(server.host, server.port, timeout=60)
    try:
        conn.request("GET", path, headers=headers)
        answer = conn.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        conn.close()


SPARQL_PATH = "/sparql?" + urllib.parse.urlencode({"query": QUERY})


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        (SPARQL_PATH, "application/sparql-results+json"),
        (SPARQL_PATH, "text/csv"),
        ("/park/sophia-antipolis", "text/turtle"),
        ("/park/sophia-antipolis", "application/ld+json"),
        ("/park/sophia-antipolis", "text/html"),
        ("/viz/network.json", "application/json"),
    ],
)
@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_compressed_answer_has_the_same_content(
    live_server: LiveServer, path: str, accept: str, coding: str
) -> None:
    status, plain_headers, plain = fetch(
        live_server, path, {"Accept": accept, "Accept-Encoding": "identity"}
    )
    assert status == 200 and "content-encoding" not in plain_headers
    status, headers, body = fetch(live_server, path, {"Accept": accept, "Accept-Encoding": coding})
    assert status == 200
    assert headers["content-encoding"] == coding
    assert "accept-encoding" in headers["vary"].lower()
    decoded = gzip.decompress(body) if coding == "gzip" else brotli.decompress(body)
    assert decoded == plain
    assert len(body) < len(plain)
    # The compressed answer has its own strong validator, and revalidates to 304.
    assert headers["etag"] != plain_headers["etag"]
    status, _, empty = fetch(
        live_server,
        path,
        {"Accept": accept, "Accept-Encoding": coding, "If-None-Match": headers["etag"]},
    )
    assert status == 304 and empty == b""


def test_refused_codings_are_not_used(client: FlaskClient) -> None:
    r = client.get(SPARQL_PATH, headers={"Accept-Encoding": "gzip;q=0"})
    assert r.status_code == 200 and "Content-Encoding" not in r.headers
    json.loads(r.data)


def test_sparql_get_results_and_pictures_have_etags(client: FlaskClient) -> None:
    for path in (
        SPARQL_PATH,
        "/viz/network.json",
        "/viz/map.json",
        "/network.graphml",
        "/search?q=sophia&format=json",
    ):
        first = client.get(path)
        assert first.status_code == 200, path
        etag = first.headers["ETag"]
        assert client.get(path).headers["ETag"] == etag, path
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b"", path
    posted = client.post("/sparql", data={"query": QUERY})
    assert posted.status_code == 200 and "ETag" not in posted.headers


def test_dumps_resume_with_range_and_last_modified(client: FlaskClient) -> None:
    full = client.get("/dumps/parkld.trig", headers={"Accept-Encoding": "identity"})
    assert full.status_code == 200 and full.headers["Accept-Ranges"] == "bytes"
    assert "Content-Encoding" not in full.headers
    modified = full.headers["Last-Modified"]
    part = client.get(
        "/dumps/parkld.trig", headers={"Range": "bytes=100-199", "Accept-Encoding": "identity"}
    )
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(full.data)}"
    assert part.data == full.data[100:200]
    # If-Range with the current ETag honours the range; a stale one gets the whole file.
    same = client.get(
        "/dumps/parkld.trig",
        headers={
            "Range": "bytes=0-9",
            "If-Range": full.headers["ETag"],
            "Accept-Encoding": "identity",
        },
    )
    assert same.status_code == 206 and same.data == full.data[:10]
    stale = client.get(
        "/dumps/parkld.trig",
        headers={"Range": "bytes=0-9", "If-Range": '"old"', "Accept-Encoding": "identity"},
    )
    assert stale.status_code == 200 and stale.data == full.data
    unchanged = client.get(
        "/dumps/parkld.trig", headers={"If-Modified-Since": modified, "Accept-Encoding": "identity"}
    )
    assert unchanged.status_code == 304


def test_dumps_are_precompressed_for_gzip_clients(client: FlaskClient) -> None:
    plain = client.get("/dumps/parkld.jsonld", headers={"Accept-Encoding": "identity"})
    packed = client.get("/dumps/parkld.jsonld", headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert packed.headers["ETag"] != plain.headers["ETag"]
    part = client.get(
        "/dumps/parkld.jsonld", headers={"Accept-Encoding": "gzip", "Range": "bytes=0-15"}
    )
    assert part.status_code == 206 and part.data == packed.data[:16]
    # Already gzipped: served as it is, never compressed twice.
    nq = client.get("/dumps/parkld.nq.gz", headers={"Accept-Encoding": "gzip, br"})
    assert "Content-Encoding" not in nq.headers and nq.data[:2] == b"\x1f\x8b"


@pytest.mark.parametrize(
    "path",
    [
        "/park/sophia-antipolis",
        "/search",
        "/network.graphml",
        "/network-nodes.csv",
        "/viz/map.json",
        "/sparql",
        "/context.jsonld",
        "/dumps/parkld.trig",
    ],
)
def test_cors_preflight_on_every_route(client: FlaskClient, path: str) -> None:
    r = client.options(
        path,
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "Accept",
        },
    )
    assert r.status_code in (200, 204), path
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in r.headers["Access-Control-Allow-Methods"]
    assert "Accept" in r.headers["Access-Control-Allow-Headers"]
    get = client.get(path, headers={"Origin": "https://app.example"})
    assert get.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in get.headers["Access-Control-Expose-Headers"]


def test_cors_with_a_list_of_origins(app: Flask) -> None:
    state = state_of(app)
    settings = state.settings.replace(cors_origins="https://a.example, https://b.example")
    client = create_app(settings, store=state.store).test_client()
    for path in ("/park/sophia-antipolis", "/search?q=x", "/sparql?query=ASK%7B%7D"):
        ok = client.get(path, headers={"Origin": "https://b.example"})
        assert ok.headers["Access-Control-Allow-Origin"] == "https://b.example", path
        assert "Origin" in ok.headers["Vary"]
        other = client.get(path, headers={"Origin": "https://evil.example"})
        assert "Access-Control-Allow-Origin" not in other.headers, path


def test_cors_is_granted_in_one_place(app: Flask) -> None:
    # With a list of origins, a listed origin's preflight of a POST to the endpoint is
    # answered from the route's Allow, the context document stays readable from anywhere,
    # and no module but web/http.py writes an Access-Control-Allow-* header.
    state = state_of(app)
    settings = state.settings.replace(cors_origins="https://a.example")
    client = create_app(settings, store=state.store).test_client()
    pre = client.options(
        "/sparql",
        headers={"Origin": "https://a.example", "Access-Control-Request-Method": "POST"},
    )
    assert pre.headers["Access-Control-Allow-Origin"] == "https://a.example"
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    refused = client.options(
        "/sparql",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "Access-Control-Allow-Origin" not in refused.headers
    context = client.get("/context.jsonld", headers={"Origin": "https://evil.example"})
    assert context.headers["Access-Control-Allow-Origin"] == "*"
    assert "@context" in context.get_json()
    web = Path(__file__).resolve().parents[1] / "src" / "parkld"
    writers = sorted(
        str(p.relative_to(web))
        for p in web.rglob("*.py")
        if '"Access-Control-Allow-' in p.read_text(encoding="utf-8")
    )
    assert writers == ["web/http.py"]


def test_robots_txt_allows_and_points_to_the_sitemap(
    shipped_settings: Settings, shipped_store: EmbeddedStore
) -> None:
    # The sitemap's address comes from the configured public base, not from the Host asked.
    app = create_app(
        shipped_settings.replace(public_url="https://parks.example/"), store=shipped_store
    )
    r = app.test_client().get("/robots.txt", base_url="http://other.example")
    lines = r.get_data(as_text=True).splitlines()
    assert r.mimetype == "text/plain"
    assert "User-agent: *" in lines and "Allow: /" in lines
    assert "Sitemap: https://parks.example/sitemap.xml" in lines
    assert not any(
        line.startswith("Disallow: /") and len(line) > len("Disallow: ") for line in lines
    )


def test_sitemap_has_lastmod(client: FlaskClient) -> None:
    import datetime as dt
    import xml.etree.ElementTree as ET

    r = client.get("/sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = ET.fromstring(r.data).findall("s:url", ns)
    assert urls
    days = {u.find("s:lastmod", ns).text for u in urls}  # type: ignore[union-attr]
    assert len(days) == 1
    day = dt.date.fromisoformat(days.pop())  # type: ignore[arg-type]
    assert day <= dt.datetime.now(dt.UTC).date()
    # The same day as the dumps' Last-Modified: both say when the data last changed.
    dump = client.get("/dumps/parkld.trig", headers={"Accept-Encoding": "identity"})
    assert dump.last_modified is not None and dump.last_modified.date() == day


@pytest.mark.slow
def test_two_builds_of_the_same_data_give_the_same_dump_bytes(
    tmp_path: Path, shipped_store: EmbeddedStore
) -> None:
    """Blank-node labels differ between loads; the dumps must not."""
    settings = make_settings(tmp_path / "again")
    ensure_built(settings)
    with EmbeddedStore(settings.store_dir) as other:
        base = settings.base_iri
        qa, qb = dumps.all_quads(shipped_store), dumps.all_quads(other)
        blank_a = {
            t.value for q in qa for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)
        }
        blank_b = {
            t.value for q in qb for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)
        }
        assert blank_a and blank_a != blank_b, "the two loads label blank nodes alike"
        ctx_a = jsonld.context_from_store(shipped_store, base)
        ctx_b = jsonld.context_from_store(other, base)
        for dump in DUMPS:
            assert dumps.render_dump(qa, dump, base, ctx_a) == dumps.render_dump(
                qb, dump, base, ctx_b
            ), dump.name
