"""JSON-LD people can use: compacted with the published context, the resource on top,
provenance kept in named graphs, profiles negotiated; checked with pyld and rdflib.

Every check expands the served document with a real processor and compares the quads with
what the same resource says in TriG/Turtle (blank nodes compared after RDFC-1.0
canonicalisation), so a compaction that loses or changes a statement fails.
"""

from __future__ import annotations

import gzip
import json
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from flask.testing import FlaskClient
from pyld import jsonld  # type: ignore[import-untyped]

from tests.ox_terms import literal, value

BASE = "https://w3id.org/parkld/"
PARK = BASE + "park/sophia-antipolis"
NS = "http://www.w3.org/ns/json-ld#"
PATHS = [
    "/park/sophia-antipolis",
    "/alliance/first-class-hi-tech-parks-confederation",
    "/agreement/sophia-antipolis-chengdu-sister-parks-2016",
    "/event/global-innovation-entrepreneurship-fair-2017",
    "/place/chengdu",
    "/ontology",
]


def no_remote(url: str, options: Any = None) -> Any:
    raise jsonld.JsonLdError(
        f"refused to load {url}", "loading document failed", code="loading document failed"
    )


OPTIONS = {"documentLoader": no_remote}


def canonical(quads: Any) -> set[ox.Quad]:
    dataset = ox.Dataset(list(quads))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


def pyld_quads(doc: Any) -> set[ox.Quad]:
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads", **OPTIONS})
    return canonical(ox.parse(nquads.encode(), format=ox.RdfFormat.N_QUADS))


def get(client: FlaskClient, path: str, accept: str) -> Any:
    r = client.get(path, headers={"Accept": accept})
    assert r.status_code == 200, r.data[:300]
    return r


def trig_quads(client: FlaskClient, path: str) -> set[ox.Quad]:
    body = get(client, path + ".trig", "*/*").data
    return canonical(ox.parse(body, format=ox.RdfFormat.TRIG))


def turtle_about(client: FlaskClient, path: str, iri: str) -> set[ox.Triple]:
    body = get(client, path + ".ttl", "*/*").data
    return {t for t in ox.parse(body, format=ox.RdfFormat.TURTLE) if t.subject == ox.NamedNode(iri)}


def test_context_has_terms_for_what_the_data_uses(client: FlaskClient) -> None:
    ctx = json.loads(get(client, "/context.jsonld", "*/*").data)["@context"]
    assert ctx["type"] == "@type"
    assert ctx["label"] == "http://www.w3.org/2000/01/rdf-schema#label"
    assert ctx["lat"]["@id"] == "http://www.w3.org/2003/01/geo/wgs84_pos#lat"
    assert ctx["long"]["@id"] == "http://www.w3.org/2003/01/geo/wgs84_pos#long"
    assert ctx["Park"] == BASE + "ontology#Park"
    # Every property and class the served park uses has a term or a declared prefix.
    park = json.loads(get(client, "/park/sophia-antipolis", "application/ld+json").data)
    for key in park:
        if not key.startswith("@"):
            assert key in ctx or key.split(":", 1)[0] in ctx, key


def test_park_is_the_top_node_of_the_compacted_document(client: FlaskClient) -> None:
    r = get(client, "/park/sophia-antipolis", "application/ld+json")
    doc = json.loads(r.data)
    published = json.loads(get(client, "/context.jsonld", "*/*").data)["@context"]
    assert doc["@context"] == published
    assert doc["@id"] == PARK
    assert "Park" in ([doc["type"]] if isinstance(doc["type"], str) else doc["type"])
    # Its properties, read as a program would, are what the Turtle says of the park.
    turtle = turtle_about(client, "/park/sophia-antipolis", PARK)
    country = {value(t.object) for t in turtle if t.predicate.value == BASE + "ontology#country"}
    assert {doc["country"]} == country
    labels = {
        (literal(t.object).value, literal(t.object).language)
        for t in turtle
        if t.predicate.value == "http://www.w3.org/2000/01/rdf-schema#label"
    }
    shown = doc["label"] if isinstance(doc["label"], list) else [doc["label"]]
    assert {(v["@value"], v["@language"]) for v in shown} == labels
    lat = {value(t.object) for t in turtle if t.predicate.value.endswith("wgs84_pos#lat")}
    assert {doc["lat"]} == lat
    # Provenance: each source's statements in its own named graph object.
    graphs = [n for n in doc["@included"] if "@graph" in n]
    assert graphs and all(n["@id"].startswith(BASE + "graph/") for n in graphs)
    assert any(m["@id"] == PARK for n in graphs for m in n["@graph"])


@pytest.mark.parametrize("path", PATHS)
def test_pyld_round_trip_gives_the_trig_quads(client: FlaskClient, path: str) -> None:
    doc = json.loads(get(client, path, "application/ld+json").data)
    assert pyld_quads(doc) == trig_quads(client, path)


def test_pyld_frames_the_park_by_type(client: FlaskClient) -> None:
    doc = json.loads(get(client, "/park/sophia-antipolis", "application/ld+json").data)
    framed = jsonld.frame(doc, {"@context": doc["@context"], "@type": "Park"}, OPTIONS)
    nodes = framed.get("@graph", [framed])
    assert [n["@id"] for n in nodes] == [PARK]
    # Framing embeds the country, with the labels the document carries for it.
    assert nodes[0]["country"]["@id"] == doc["country"]
    assert nodes[0]["country"]["label"]
    # Framing without any context (as in the issue) finds it too.
    bare = jsonld.frame(doc, {"@type": BASE + "ontology#Park"}, OPTIONS)
    assert [n["@id"] for n in bare.get("@graph", [bare])] == [PARK]


# rdflib's own JSON-LD parser calls its deprecated Dataset.default_context and ConjunctiveGraph.
@pytest.mark.filterwarnings(
    "ignore:Dataset.default_context:DeprecationWarning",
    "ignore:ConjunctiveGraph is deprecated:DeprecationWarning",
)
def test_rdflib_reads_the_park_from_the_default_graph(client: FlaskClient) -> None:
    body = get(client, "/park/sophia-antipolis", "application/ld+json").data
    dataset = rdflib.Dataset()
    dataset.parse(data=body, format="json-ld")
    default = dataset.graph(rdflib.graph.DATASET_DEFAULT_GRAPH_ID)
    found = {(str(p), str(o)) for _, p, o in default.triples((rdflib.URIRef(PARK), None, None))}
    turtle = turtle_about(client, "/park/sophia-antipolis", PARK)
    assert found == {(t.predicate.value, value(t.object)) for t in turtle}


@pytest.mark.parametrize(
    ("accept", "shape", "mimetype"),
    [
        (f'application/ld+json;profile="{NS}compacted"', "compacted", "application/ld+json"),
        (f'application/ld+json; profile="{NS}expanded"', "expanded", "application/ld+json"),
        (f'application/ld+json;profile="{NS}flattened"', "flattened", "application/ld+json"),
        (
            f'application/ld+json;profile="{NS}flattened {NS}compacted"',
            "flattened",
            "application/ld+json",
        ),
        (
            'application/ld+json;profile="http://example.org/unknown"',
            "compacted",
            "application/ld+json",
        ),
        ("application/json", "compacted", "application/json"),
        (
            f'text/turtle;q=0.5, application/ld+json;profile="{NS}expanded"',
            "expanded",
            "application/ld+json",
        ),
    ],
)
def test_profiles_and_plain_json_are_negotiated(
    client: FlaskClient, accept: str, shape: str, mimetype: str
) -> None:
    r = get(client, "/park/sophia-antipolis", accept)
    assert r.mimetype == mimetype
    doc = json.loads(r.data)
    if shape == "expanded":
        assert isinstance(doc, list) and all("@context" not in n for n in doc)
        assert any(n["@id"] == PARK and BASE + "ontology#country" in n for n in doc)
    elif shape == "flattened":
        assert "@id" not in doc and any(n["@id"] == PARK for n in doc["@graph"])
    else:
        assert doc["@id"] == PARK
    assert pyld_quads(doc) == trig_quads(client, "/park/sophia-antipolis")
    # The negotiated variant has a URL of its own that answers the same bytes.
    again = client.get(r.headers["Content-Location"], headers={"Accept": "image/png"})
    assert again.status_code == 200 and again.data == r.data


def test_unknown_json_ld_profile_alone_still_gets_json_ld(client: FlaskClient) -> None:
    r = get(
        client,
        "/park/sophia-antipolis",
        f'application/ld+json;profile="{NS}expanded";q=0,text/turtle;q=0.1',
    )
    assert r.mimetype == "text/turtle"


def test_json_ld_dump_is_flattened_with_the_context(client: FlaskClient) -> None:
    doc = json.loads(get(client, "/dumps/parkld.jsonld", "*/*").data)
    published = json.loads(get(client, "/context.jsonld", "*/*").data)["@context"]
    assert doc["@context"] == published
    assert any(n.get("type") == "Park" for g in doc["@graph"] for n in g.get("@graph", [g]))
    nq = gzip.decompress(get(client, "/dumps/parkld.nq.gz", "*/*").data)
    assert pyld_quads(doc) == canonical(ox.parse(nq, format=ox.RdfFormat.N_QUADS))


def test_void_in_json_ld_is_compacted_too(client: FlaskClient) -> None:
    doc = json.loads(get(client, "/.well-known/void", "application/ld+json").data)
    assert doc["@id"] == BASE + "dataset"
    turtle = canonical(
        ox.Quad(t.subject, t.predicate, t.object)
        for t in ox.parse(
            get(client, "/.well-known/void.ttl", "*/*").data, format=ox.RdfFormat.TURTLE
        )
    )
    assert pyld_quads(doc) == turtle
