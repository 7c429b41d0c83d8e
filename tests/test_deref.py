"""Dereferencing entity IRIs: the W3C "Best Practice Recipes" checks for every entity type.

For each type, one shipped resource is asked for with no Accept header, each RDF format, HTML
and the mixed q-value headers of the recipes; the answer must be 200 with the right
Content-Type and a body (parsed, not grepped) that describes the requested IRI.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from parkld.kinds import KINDS
from parkld.store.embedded import EmbeddedStore
from tests.live import LiveServer

BASE = "https://w3id.org/parkld/"

# (Accept header or None, expected media type)
RECIPE_HEADERS = [
    (None, "text/turtle"),
    ("*/*", "text/turtle"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("text/turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/n-triples", "application/n-triples"),
    ("text/html", "text/html"),
    ("application/rdf+xml;q=0.5,text/html;q=.3", "application/rdf+xml"),
    ("text/html;q=0.5,application/rdf+xml;q=.3", "text/html"),
    ("application/rdf+xml;q=0.5,text/html;q=0.5", "text/html"),
    ("text/html,application/rdf+xml", "text/html"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),  # Chrome
]
PARSERS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/trig": ox.RdfFormat.TRIG,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}


def _one_per_type(store: EmbeddedStore) -> list[str]:
    rows = store.select("SELECT DISTINCT ?s WHERE { ?s a ?t } ORDER BY ?s").values("s")
    chosen = []
    for kind in KINDS.entity_segments():
        found = [iri for iri in rows if iri.startswith(f"{BASE}{kind}/")]
        if found:
            chosen.append(found[0][len(BASE) - 1 :])
    return chosen


@pytest.fixture(scope="module")
def entity_paths(shipped_store: EmbeddedStore) -> list[str]:
    return _one_per_type(shipped_store)


def test_every_main_entity_type_is_present(entity_paths: list[str]) -> None:
    kinds = {p.split("/")[1] for p in entity_paths}
    assert {"park", "alliance", "agreement", "event", "person", "source", "place"} <= kinds


def describes(body: bytes, media_type: str, iri: str) -> bool:
    """Whether *body* (parsed as *media_type*) says something about *iri*."""
    if media_type == "text/html":
        text = body.decode()
        return f"<code>{iri}</code>" in text and "<h1>" in text
    quads = list(ox.parse(body, format=PARSERS[media_type]))
    return any(q.subject == ox.NamedNode(iri) for q in quads)


def check(
    client: FlaskClient, path: str, accept: str | None, expected: str, iri: str | None = None
) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    r = client.get(path, headers=headers, follow_redirects=True)
    assert r.status_code == 200, (path, accept, r.data[:200])
    assert r.mimetype == expected, (path, accept, r.mimetype)
    assert "Accept" in r.headers.get("Vary", "")
    assert describes(r.data, expected, iri or BASE + path.lstrip("/")), (path, accept)


@pytest.mark.parametrize(("accept", "expected"), RECIPE_HEADERS)
def test_recipe_checks_for_each_entity_type(
    backend_client: FlaskClient, entity_paths: list[str], accept: str | None, expected: str
) -> None:
    for path in entity_paths:
        check(backend_client, path, accept, expected)


@pytest.mark.parametrize(("accept", "expected"), RECIPE_HEADERS)
def test_recipe_checks_for_the_ontology_and_shapes(
    backend_client: FlaskClient, accept: str | None, expected: str
) -> None:
    check(backend_client, "/ontology", accept, expected, BASE + "ontology")
    check(backend_client, "/shapes", accept, expected, BASE + "shapes")


def test_ontology_terms_and_vocabularies_dereference(backend_client: FlaskClient) -> None:
    # A hash IRI: the client strips the fragment and gets the whole ontology.
    r = backend_client.get("/ontology", headers={"Accept": "text/turtle"})
    assert describes(r.data, "text/turtle", BASE + "ontology#Park")
    page = backend_client.get("/ontology", headers={"Accept": "text/html"}).data.decode()
    assert 'id="Park"' in page and 'id="party"' in page
    check(backend_client, "/ontology/0.1.0", "text/turtle", "text/turtle", BASE + "ontology")
    check(backend_client, "/vocab/park-kind", "text/turtle", "text/turtle")
    check(backend_client, "/vocab/park-kind/technology-park", "text/html", "text/html")
    shapes = backend_client.get("/shapes", headers={"Accept": "text/html"}).data.decode()
    assert 'id="Node-shapes"'.lower() in shapes.lower() and "plds:" in shapes


@pytest.mark.parametrize("ext", ["ttl", "jsonld", "nt", "rdf", "html", "trig", "nq"])
def test_extension_urls_need_no_negotiation(backend_client: FlaskClient, ext: str) -> None:
    r = backend_client.get(f"/park/sophia-antipolis.{ext}", headers={"Accept": "image/png"})
    assert r.status_code == 200
    expected = {
        "ttl": "text/turtle",
        "jsonld": "application/ld+json",
        "nt": "application/n-triples",
        "rdf": "application/rdf+xml",
        "html": "text/html",
        "trig": "application/trig",
        "nq": "application/n-quads",
    }
    assert r.mimetype == expected[ext]
    assert describes(r.data, expected[ext], BASE + "park/sophia-antipolis")
    assert "Content-Location" not in r.headers


def test_format_parameter_overrides_accept(backend_client: FlaskClient) -> None:
    r = backend_client.get("/park/sophia-antipolis?format=jsonld", headers={"Accept": "text/html"})
    assert r.mimetype == "application/ld+json"
    assert describes(r.data, "application/ld+json", BASE + "park/sophia-antipolis")


def test_negotiated_answer_names_its_document_and_alternates(backend_client: FlaskClient) -> None:
    r = backend_client.get("/park/sophia-antipolis", headers={"Accept": "text/turtle"})
    assert r.headers["Content-Location"] == "/park/sophia-antipolis.ttl"
    links = r.headers["Link"]
    for ext, mt in [
        ("html", "text/html"),
        ("jsonld", "application/ld+json"),
        ("rdf", "application/rdf+xml"),
        ("nt", "application/n-triples"),
    ]:
        assert f'</park/sophia-antipolis.{ext}>; rel="alternate"; type="{mt}"' in links
    assert 'type="text/turtle"' not in links  # only the *other* representations
    same = backend_client.get(r.headers["Content-Location"])
    assert same.data == r.data


def test_etag_gives_304(backend_client: FlaskClient) -> None:
    r = backend_client.get("/park/sophia-antipolis.ttl")
    etag = r.headers["ETag"]
    again = backend_client.get("/park/sophia-antipolis.ttl", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""


def test_statement_sources_in_trig(backend_client: FlaskClient) -> None:
    """Each statement sits in the graph of its source; each graph names its source document."""
    r = backend_client.get("/agreement/sophia-antipolis-chengdu-sister-parks-2016.trig")
    quads = list(ox.parse(r.data, format=ox.RdfFormat.TRIG))
    agreement = ox.NamedNode(BASE + "agreement/sophia-antipolis-chengdu-sister-parks-2016")
    place = ox.NamedNode(BASE + "ontology#place")
    claims = {
        q.graph_name.value: q.object.value
        for q in quads
        if q.subject == agreement
        and q.predicate == place
        and isinstance(q.graph_name, ox.NamedNode)
    }
    assert len(set(claims.values())) >= 2, "sources disagree about the place; both are kept"
    # The default graph merges them, for quad clients that only read the default graph.
    merged = {
        q.object.value
        for q in quads
        if q.subject == agreement
        and q.predicate == place
        and isinstance(q.graph_name, ox.DefaultGraph)
    }
    assert merged == set(claims.values())
    derived = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
    for graph in claims:
        sources = [
            q.object.value
            for q in quads
            if q.subject == ox.NamedNode(graph) and q.predicate == derived
        ]
        assert sources and all(s.startswith(BASE + "source/") for s in sources)


def test_turtle_has_labels_of_linked_resources_and_provenance(backend_client: FlaskClient) -> None:
    r = backend_client.get("/park/sophia-antipolis", headers={"Accept": "text/turtle"})
    triples = list(ox.parse(r.data, format=ox.RdfFormat.TURTLE))
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    france = ox.NamedNode(BASE + "place/france")
    assert any(t.subject == france and t.predicate == label for t in triples)
    doc = ox.NamedNode(BASE + "park/sophia-antipolis.ttl")
    derived = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
    assert any(t.subject == doc and t.predicate == derived for t in triples)
    # Incoming links: the memberships naming the park as member.
    member = ox.NamedNode("http://www.w3.org/ns/org#member")
    assert any(
        t.predicate == member and t.object.value.endswith("/park/sophia-antipolis") for t in triples
    )


def test_head_matches_get(backend_client: FlaskClient) -> None:
    get = backend_client.get("/park/sophia-antipolis.ttl")
    head = backend_client.head("/park/sophia-antipolis.ttl")
    assert head.status_code == 200 and head.data == b""
    assert head.headers["ETag"] == get.headers["ETag"]


def test_running_server_answers_like_curl(backend_server: LiveServer) -> None:
    """``curl -L -H 'Accept: text/turtle'`` on an entity IRI of ``parkld serve``."""
    import urllib.request

    for path in (
        "/park/sophia-antipolis",
        "/alliance/first-class-hi-tech-parks-confederation",
        "/agreement/sophia-antipolis-chengdu-sister-parks-2016",
        "/ontology",
    ):
        request = urllib.request.Request(
            backend_server.base_url + path, headers={"Accept": "text/turtle"}
        )
        with urllib.request.urlopen(request, timeout=10) as r:
            assert r.status == 200
            assert r.headers.get_content_type() == "text/turtle"
            assert r.headers["Content-Location"] == path + ".ttl"
            assert describes(r.read(), "text/turtle", BASE + path.lstrip("/"))
        html = urllib.request.Request(
            backend_server.base_url + path, headers={"Accept": "text/html"}
        )
        with urllib.request.urlopen(html, timeout=10) as r:
            page = r.read().decode()
            # Links stay on the serving host: root-relative, never the canonical w3id.org URL.
            assert '<a href="/park/' in page or path == "/ontology"
            assert '<a href="https://w3id.org/parkld/' not in page


def test_landing_page_embeds_dataset_json_ld(backend_client: FlaskClient) -> None:
    import json
    import re

    html = backend_client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert block is not None
    doc = json.loads(block.group(1))
    assert doc["@type"] == "Dataset" and doc["distribution"]
    assert 'href="/park/sophia-antipolis"' in html


def test_resources_are_readable_cross_origin(backend_client: FlaskClient) -> None:
    r = backend_client.get(
        "/park/sophia-antipolis",
        headers={"Accept": "application/ld+json", "Origin": "https://example.org"},
    )
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "Link" in r.headers["Access-Control-Expose-Headers"]
