"""The dataset description (VoID + DCAT), dumps, the JSON-LD context and the sitemap."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from parkld.store.embedded import EmbeddedStore
from tests.live import LiveServer
from tests.ox_terms import solutions, value

BASE = "https://w3id.org/parkld/"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"


def void_store(client: FlaskClient, accept: str = "text/turtle") -> ox.Store:
    r = client.get("/.well-known/void", headers={"Accept": accept})
    assert r.status_code == 200
    assert "Accept" in r.headers["Vary"]
    store = ox.Store()
    assert r.mimetype is not None
    fmt = {
        "text/turtle": ox.RdfFormat.TURTLE,
        "application/ld+json": ox.RdfFormat.JSON_LD,
        "application/rdf+xml": ox.RdfFormat.RDF_XML,
    }[r.mimetype]
    store.load(r.data, format=fmt)
    return store


def one(store: ox.Store, query: str) -> dict[str, str]:
    result = store.query(
        "PREFIX void: <http://rdfs.org/ns/void#> "
        "PREFIX dcat: <http://www.w3.org/ns/dcat#> "
        "PREFIX dct: <http://purl.org/dc/terms/> " + query
    )
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    rows = list(result)
    assert rows, query
    return {n: rows[0][n].value for n in names if rows[0][n] is not None}


def test_void_has_what_publishers_need(
    backend_client: FlaskClient, shipped_store: EmbeddedStore
) -> None:
    g = void_store(backend_client)
    ds = f"<{BASE}dataset>"
    found = one(
        g,
        f"SELECT ?title ?licence ?sparql ?space ?triples ?entities ?classes WHERE {{"
        f"{ds} a void:Dataset, dcat:Dataset ; dct:title ?title ; dct:license ?licence ;"
        f" void:sparqlEndpoint ?sparql ; void:uriSpace ?space ; void:triples ?triples ;"
        f" void:entities ?entities ; void:classes ?classes ; dct:publisher ?p }}",
    )
    assert found["sparql"] == BASE + "sparql"
    assert found["space"] == BASE
    assert found["licence"].startswith("https://creativecommons.org/")
    assert int(found["triples"]) == shipped_store.triple_count()
    assert int(found["entities"]) > 50 and int(found["classes"]) > 5
    dumps = [
        r["d"].value for r in solutions(g.query(f"SELECT ?d WHERE {{ {ds} <{VOID}dataDump> ?d }}"))
    ]
    assert sorted(d.rsplit("/", 1)[-1] for d in dumps) == [
        "parkld.jsonld",
        "parkld.nq.gz",
        "parkld.trig",
    ]
    examples = list(solutions(g.query(f"SELECT ?e WHERE {{ {ds} <{VOID}exampleResource> ?e }}")))
    assert len(examples) >= 2
    vocabularies = {
        r["v"].value
        for r in solutions(g.query(f"SELECT ?v WHERE {{ {ds} <{VOID}vocabulary> ?v }}"))
    }
    assert "http://www.w3.org/ns/org#" in vocabularies
    linkset = one(
        g,
        "SELECT ?n ?p WHERE { ?l a void:Linkset ; void:triples ?n ; "
        "void:linkPredicate ?p ; void:objectsTarget <http://www.wikidata.org/> }",
    )
    assert int(linkset["n"]) > 0 and linkset["p"] == BASE + "ontology#wikidata"
    dist = one(g, f"SELECT ?u WHERE {{ {ds} dcat:distribution ?d . ?d dcat:downloadURL ?u }}")
    assert dist["u"].startswith(BASE + "dumps/")


@pytest.mark.parametrize("accept", ["application/ld+json", "application/rdf+xml"])
def test_void_is_negotiated(backend_client: FlaskClient, accept: str) -> None:
    g = void_store(backend_client, accept)
    assert len(g) > 20
    html = backend_client.get("/.well-known/void", headers={"Accept": "text/html"})
    assert html.mimetype == "text/html" and "Dataset description" in html.get_data(as_text=True)
    # The dataset IRI and the root resource answer RDF clients with the same description.
    assert backend_client.get("/dataset", headers={"Accept": accept}).mimetype == accept
    assert backend_client.get("/", headers={"Accept": "text/turtle"}).mimetype == "text/turtle"


def test_dumps_hold_every_statement_with_its_graph(
    backend_client: FlaskClient, shipped_store: EmbeddedStore
) -> None:
    count = shipped_store.quad_count()
    trig = backend_client.get("/dumps/parkld.trig")
    assert trig.mimetype == "application/trig"
    quads = list(ox.parse(trig.data, format=ox.RdfFormat.TRIG))
    assert len(quads) == count
    assert all(isinstance(q.graph_name, ox.NamedNode) for q in quads)
    nq = backend_client.get("/dumps/parkld.nq.gz")
    assert nq.mimetype == "application/gzip"
    assert len(list(ox.parse(gzip.decompress(nq.data), format=ox.RdfFormat.N_QUADS))) == count
    jsonld = backend_client.get("/dumps/parkld.jsonld")
    assert len(list(ox.parse(jsonld.data, format=ox.RdfFormat.JSON_LD))) == count
    assert backend_client.get("/dumps/nothing.zip").status_code == 404


def test_jsonld_context_compacts_ontology_terms(backend_client: FlaskClient) -> None:
    r = backend_client.get("/context.jsonld")
    assert r.mimetype == "application/ld+json"
    ctx = json.loads(r.data)["@context"]
    assert ctx["Park"] == BASE + "ontology#Park"
    assert ctx["party"] == {"@id": BASE + "ontology#party", "@type": "@id"}
    # The context works: a document using it expands to the ontology's IRIs.
    doc = {
        "@context": ctx,
        "@id": BASE + "agreement/x",
        "@type": "Agreement",
        "party": BASE + "park/y",
    }
    quads = list(ox.parse(json.dumps(doc).encode(), format=ox.RdfFormat.JSON_LD))
    assert (
        ox.Quad(
            ox.NamedNode(BASE + "agreement/x"),
            ox.NamedNode(BASE + "ontology#party"),
            ox.NamedNode(BASE + "park/y"),
        )
        in quads
    )


def test_sitemap_lists_pages_at_the_configured_base(backend_client: FlaskClient) -> None:
    # The Host header is the client's to choose: the sitemap ignores it (PARKLD_PUBLIC_URL,
    # else the base IRI; see tests/test_web_safety.py).
    r = backend_client.get("/sitemap.xml", base_url="http://evil.example")
    text = r.get_data(as_text=True)
    assert r.mimetype == "application/xml"
    assert "evil.example" not in text
    assert f"<loc>{BASE}park/sophia-antipolis</loc>" in text
    assert f"<loc>{BASE}ontology</loc>" in text
    assert "#" not in text


def test_dcat_has_sizes_dates_landing_page_contact_and_keywords(client: FlaskClient) -> None:
    g = void_store(client)
    ds = f"<{BASE}dataset>"
    found = one(
        g,
        f"SELECT ?landing ?modified ?fn ?url WHERE {{ {ds} dcat:landingPage ?landing ;"
        " dct:modified ?modified ; dcat:contactPoint ?c . ?c "
        "<http://www.w3.org/2006/vcard/ns#fn> ?fn ; "
        "<http://www.w3.org/2006/vcard/ns#hasURL> ?url }",
    )
    assert found["landing"] == BASE and found["url"] == BASE
    keywords = {
        r["k"].value for r in solutions(g.query(f"SELECT ?k WHERE {{ {ds} <{DCAT}keyword> ?k }}"))
    }
    assert "technology parks" in keywords
    rows = list(
        solutions(
            g.query(
                f"SELECT ?u ?size ?issued WHERE {{ {ds} <{DCAT}distribution> ?d . "
                f"?d <{DCAT}downloadURL>"
                f" ?u ; <{DCAT}byteSize> ?size ; <{DCT}issued> ?issued }}"
            )
        )
    )
    assert len(rows) == 3
    for row in rows:
        name = row["u"].value.rsplit("/", 1)[-1]
        body = client.get(f"/dumps/{name}", headers={"Accept-Encoding": "identity"}).data
        assert int(row["size"].value) == len(body), name
        assert row["issued"].value == found["modified"]
    dump = client.get("/dumps/parkld.trig", headers={"Accept-Encoding": "identity"})
    assert dump.last_modified is not None
    assert dump.last_modified.date().isoformat() == found["modified"]


def test_service_description_and_void_name_the_same_endpoint(live_server: LiveServer) -> None:
    import urllib.request

    def graph(path: str) -> list[ox.Triple]:
        req = urllib.request.Request(live_server.base_url + path, headers={"Accept": "text/turtle"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return list(ox.parse(r.read(), format=ox.RdfFormat.TURTLE))

    sd_ns = "http://www.w3.org/ns/sparql-service-description#"
    sd = graph("/sparql")
    endpoints = {value(t.object) for t in sd if t.predicate.value == sd_ns + "endpoint"}
    void = graph("/.well-known/void")
    named = {
        value(t.object)
        for t in void
        if t.predicate.value == VOID + "sparqlEndpoint" and value(t.subject) == BASE + "dataset"
    }
    # Both name the configured public endpoint (PARKLD_PUBLIC_URL, else the base IRI's), never
    # one made from the Host asked (docs/security.md).
    assert endpoints == named == {BASE + "sparql"}
    # SD's default dataset is the dataset VoID describes, and links to the VoID document.
    default = {value(t.object) for t in sd if t.predicate.value == sd_ns + "defaultDataset"}
    assert default == {BASE + "dataset"}
    see_also = {
        value(t.object)
        for t in sd
        if value(t.subject) == BASE + "dataset" and t.predicate.value.endswith("#seeAlso")
    }
    assert see_also == {BASE + ".well-known/void"}


def test_schema_org_has_geo_on_parks_and_dates_and_location_on_events(client: FlaskClient) -> None:
    import re

    def schema(path: str) -> dict[str, Any]:
        html = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
        found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        assert found, path
        doc: dict[str, Any] = json.loads(found.group(1))
        return doc

    park = schema("/park/sophia-antipolis")
    assert park["geo"]["@type"] == "GeoCoordinates"
    assert abs(park["geo"]["latitude"] - 43.62) < 0.01
    assert abs(park["geo"]["longitude"] - 7.05) < 0.01
    event = schema("/event/global-innovation-entrepreneurship-fair-2017")
    assert event["startDate"] == "2017-05-10" and event["endDate"] == "2017-05-12"
    assert event["location"]["@id"] == BASE + "place/chengdu"
    assert event["location"]["name"]
