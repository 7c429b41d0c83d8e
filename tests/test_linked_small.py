"""Linked-data behaviour on small hand-made stores: hostile labels, paging, cache freshness."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from unittest.mock import patch

import pyoxigraph as ox
import pytest
from flask import Flask

from parkld import config
from parkld.linked.describe import describe
from parkld.linked.index import index_for
from parkld.store.embedded import GENERATION_RECHECK, EmbeddedStore
from parkld.web import create_app
from tests.live import write_store

FIXTURES = Path(__file__).parent / "fixtures" / "linked"
BASE = "https://w3id.org/parkld/"
ORG = "http://www.w3.org/ns/org#"
PLD = BASE + "ontology#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def _app(store_dir: Path, quads: list[ox.Quad]) -> Flask:
    write_store(store_dir, quads)
    app = create_app(config.from_env({}, store_dir=store_dir), store=EmbeddedStore(store_dir))
    app.config["TESTING"] = True
    return app


@pytest.fixture
def hostile_app(tmp_path: Path) -> Flask:
    quads = list(ox.parse(path=str(FIXTURES / "hostile.trig"), format=ox.RdfFormat.TRIG))
    return _app(tmp_path / "store", quads)


def test_labels_with_markup_are_shown_as_text(hostile_app: Flask) -> None:
    html = hostile_app.test_client().get("/park/hostile.html").get_data(as_text=True)
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html
    assert "<script>window.pwned" not in html
    assert "<img src=x" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold</b>" not in html
    # The linked country's label and the source's label are escaped too.
    assert "<script>alert(1)" not in html
    assert "</script><script>window.pwned" not in html


def test_embedded_json_ld_cannot_close_its_script_element(hostile_app: Flask) -> None:
    html = hostile_app.test_client().get("/park/hostile.html").get_data(as_text=True)
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    block = blocks[0]
    assert "<" not in block and ">" not in block and "&" not in block
    doc = json.loads(block)  # still valid JSON, and says the same as the label
    assert doc["@id"] == BASE + "park/hostile"
    assert doc["name"].startswith("<script>window.pwned=1</script>")
    assert doc["@type"] == "Place"


def test_hostile_labels_in_search_and_landing(hostile_app: Flask) -> None:
    client = hostile_app.test_client()
    page = client.get("/search?q=<script>").get_data(as_text=True)
    assert "&lt;script&gt;window.pwned" in page and "<script>window.pwned" not in page
    assert "<script>window.pwned" not in client.get("/").get_data(as_text=True)
    # Accents are optional in search: "evry genopole" finds "Évry Génopole".
    hits = client.get("/search?q=evry+genopole&format=json").get_json()
    assert [h["iri"] for h in hits] == [BASE + "park/hostile"]


def _many_members(n: int) -> list[ox.Quad]:
    g = ox.NamedNode(BASE + "graph/bulk")
    park = ox.NamedNode(BASE + "park/popular")
    alliance = ox.NamedNode(BASE + "alliance/big")
    quads = [
        ox.Quad(
            g,
            ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"),
            ox.NamedNode(BASE + "source/bulk"),
            g,
        ),
        ox.Quad(park, RDF_TYPE, ox.NamedNode(PLD + "Park"), g),
        ox.Quad(park, LABEL, ox.Literal("Popular park", language="en"), g),
        ox.Quad(alliance, RDF_TYPE, ox.NamedNode(PLD + "Alliance"), g),
    ]
    for i in range(n):
        m = ox.NamedNode(f"{BASE}membership/m{i:03d}")
        quads += [
            ox.Quad(m, RDF_TYPE, ox.NamedNode(PLD + "Membership"), g),
            ox.Quad(m, ox.NamedNode(ORG + "member"), park, g),
            ox.Quad(m, ox.NamedNode(ORG + "organization"), alliance, g),
            ox.Quad(m, LABEL, ox.Literal(f"membership {i}"), g),
        ]
    return quads


def test_incoming_links_are_paged_per_property(tmp_path: Path) -> None:
    client = _app(tmp_path / "store", _many_members(120)).test_client()
    first = client.get("/park/popular.ttl")
    triples = list(ox.parse(first.data, format=ox.RdfFormat.TURTLE))
    member = ox.NamedNode(ORG + "member")
    shown = {t.subject.value for t in triples if t.predicate == member}
    assert len(shown) == 50  # the first page only
    html = client.get("/park/popular.html").get_data(as_text=True)
    assert "(120)" in html and "Page 1 of 3" in html and 'rel="next"' in html
    last = client.get("/park/popular.ttl?in=http://www.w3.org/ns/org%23member&page=3")
    assert last.status_code == 200
    rest = {
        t.subject.value
        for t in ox.parse(last.data, format=ox.RdfFormat.TURTLE)
        if t.predicate == member
    }
    assert len(rest) == 20 and not rest & shown
    assert rest == {f"{BASE}membership/m{i:03d}" for i in range(100, 120)}


def test_a_new_store_generation_is_served_after_the_recheck_interval(tmp_path: Path) -> None:
    # Another process's write is seen once the store looks at the disk again, at most
    # GENERATION_RECHECK seconds later (the cached hot path does not stat on every request).
    store_dir = tmp_path / "store"
    app = _app(store_dir, _many_members(2))
    client = app.test_client()
    before = client.get("/park/popular.ttl")
    assert b"Popular park" in before.data
    quads = [q for q in _many_members(2) if q.predicate != LABEL]
    quads.append(
        ox.Quad(
            ox.NamedNode(BASE + "park/popular"),
            LABEL,
            ox.Literal("Renamed park", language="en"),
            ox.NamedNode(BASE + "graph/bulk"),
        )
    )
    write_store(store_dir, quads)
    time.sleep(GENERATION_RECHECK + 0.05)
    after = client.get("/park/popular.ttl", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert b"Renamed park" in after.data and b"Popular park" not in after.data


def test_another_base_iri_keeps_the_same_paths(tmp_path: Path) -> None:
    """A deployment under its own base: /park/x names <base>park/x and links stay local."""
    base = "http://data.example.org/pl/"

    def rebase(term: ox.NamedNode) -> ox.NamedNode:
        return ox.NamedNode(base + term.value[len(BASE) :]) if term.value.startswith(BASE) else term

    quads = [
        ox.Quad(
            rebase(q.subject),
            rebase(q.predicate),
            rebase(q.object) if isinstance(q.object, ox.NamedNode) else q.object,
            rebase(q.graph_name),
        )
        for q in ox.parse(path=str(FIXTURES / "hostile.trig"), format=ox.RdfFormat.TRIG)
    ]
    store_dir = tmp_path / "store"
    write_store(store_dir, quads)
    settings = config.from_env({}, store_dir=store_dir, base_iri=base)
    client = create_app(settings, store=EmbeddedStore(store_dir)).test_client()
    r = client.get("/park/hostile", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    subjects = {t.subject for t in ox.parse(r.data, format=ox.RdfFormat.TURTLE)}
    assert ox.NamedNode(base + "park/hostile") in subjects
    html = client.get("/park/hostile.html").get_data(as_text=True)
    assert '<a href="/place/nowhere">' in html
    assert client.get("/park/hostile", base_url="http://127.0.0.1:8080").status_code == 200


def test_a_page_labels_what_it_shows_and_reads_nothing_else(tmp_path: Path) -> None:
    # Pages fetch the names of the resources they mention (bound as values), not the whole
    # dataset's: a park's page names its 120 memberships, not a park it never mentions.
    store_dir = tmp_path / "store"
    other = ox.NamedNode(BASE + "park/elsewhere")
    write_store(
        store_dir,
        [
            *_many_members(120),
            ox.Quad(
                other,
                LABEL,
                ox.Literal("Elsewhere park", language="en"),
                ox.NamedNode(BASE + "graph/bulk"),
            ),
        ],
    )
    store = EmbeddedStore(store_dir)
    desc = describe(store, BASE + "park/popular", "park", base=BASE)
    index = index_for(store, BASE, desc.mentioned(), desc.graphs())
    memberships = {f"{BASE}membership/m{i:03d}" for i in range(120)}
    assert set(index.names) == memberships | {BASE + "park/popular"}
    assert index.label(BASE + "membership/m007") == "membership 7"
    assert index.label(BASE + "park/popular") == "Popular park"
    assert index.types[BASE + "park/popular"] == {PLD + "Park"}
    assert other.value not in index.names and other.value not in index.types
    assert [s.iri for s in index.sources_of(BASE + "graph/bulk")] == [BASE + "source/bulk"]


def test_select_each_binds_every_value_across_batches(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    write_store(store_dir, _many_members(120))
    store = EmbeddedStore(store_dir)
    wanted = [ox.NamedNode(f"{BASE}membership/m{i:03d}") for i in range(0, 120, 2)]
    query = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    with patch("parkld.store.base.VALUES_BATCH", 7):  # 60 values in 9 queries
        found = store.select_each(query, "s", [*wanted, wanted[0]])
    assert found.variables == ["s", "label"]
    assert sorted(found.values("s")) == sorted(w.value for w in wanted)
    assert sorted(found.values("label")) == sorted(f"membership {i}" for i in range(0, 120, 2))
