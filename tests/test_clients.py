"""Real SPARQL clients against the live gunicorn server: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import csv
import io
from xml.dom.minidom import Document, Text

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, POST, TURTLE, XML, SPARQLWrapper

from tests.live import LiveServer

ONTOLOGY = "https://w3id.org/parkld/ontology"
GRAPH_COUNT = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
CLASSES = (
    f"CONSTRUCT {{ ?c a <http://www.w3.org/2002/07/owl#Class> }} "
    f"WHERE {{ GRAPH <{ONTOLOGY}> "
    "{ ?c a <http://www.w3.org/2002/07/owl#Class> FILTER(isIRI(?c)) } }"
)


def wrapper(server: LiveServer, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(server.sparql_url, agent="parkld-tests/1")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


@pytest.fixture(scope="module")
def graph_count(backend_server: LiveServer) -> int:
    rows = wrapper(backend_server, GRAPH_COUNT, JSON).queryAndConvert()
    assert isinstance(rows, dict), rows
    return int(rows["results"]["bindings"][0]["n"]["value"])


def test_sparqlwrapper_json(backend_server: LiveServer, graph_count: int) -> None:
    assert graph_count >= 3
    for method in ("GET", POST):
        rows = wrapper(backend_server, GRAPH_COUNT, JSON, method).queryAndConvert()
        assert isinstance(rows, dict), rows
        assert int(rows["results"]["bindings"][0]["n"]["value"]) == graph_count


def test_sparqlwrapper_xml(backend_server: LiveServer, graph_count: int) -> None:
    doc = wrapper(backend_server, GRAPH_COUNT, XML).queryAndConvert()
    assert isinstance(doc, Document), doc
    literal = doc.getElementsByTagName("literal")[0]
    assert isinstance(literal.firstChild, Text), literal.firstChild
    assert int(literal.firstChild.data) == graph_count


def test_sparqlwrapper_csv(backend_server: LiveServer, graph_count: int) -> None:
    body = wrapper(backend_server, GRAPH_COUNT, CSV).queryAndConvert()
    table = list(csv.reader(io.StringIO(body.decode())))  # type: ignore[union-attr]
    assert table == [["n"], [str(graph_count)]]


def test_sparqlwrapper_ask(backend_server: LiveServer) -> None:
    answer = wrapper(
        backend_server, f"ASK {{ GRAPH <{ONTOLOGY}> {{ ?s ?p ?o }} }}", JSON
    ).queryAndConvert()
    assert isinstance(answer, dict), answer
    assert answer["boolean"] is True


@pytest.mark.parametrize(
    ("fmt", "media", "syntax"),
    [
        (TURTLE, "text/turtle", "turtle"),
        (JSONLD, "application/ld+json", "json-ld"),
        (XML, "application/rdf+xml", "xml"),
    ],
)
def test_sparqlwrapper_construct(
    backend_server: LiveServer, fmt: str, media: str, syntax: str
) -> None:
    # The raw response, parsed here: SPARQLWrapper's convert() uses rdflib's deprecated
    # ConjunctiveGraph for some formats.
    result = wrapper(backend_server, CLASSES, fmt).query()
    assert result.info()["content-type"].startswith(media)
    body = result.response.read()
    if syntax == "json-ld":  # rdflib's JSON-LD parser warns (ConjunctiveGraph); Oxigraph's not
        classes = {t.subject.value for t in ox.parse(body, format=ox.RdfFormat.JSON_LD)}
    else:
        classes = {str(c) for c in Graph().parse(data=body, format=syntax).subjects()}
    assert len(classes) >= 5
    assert all(c.startswith("https://w3id.org/parkld/") for c in classes)


def test_rdflib_sparqlstore(backend_server: LiveServer, graph_count: int) -> None:
    store = SPARQLStore(backend_server.sparql_url, returnFormat="json")
    graph = Graph(store)
    rows = list(graph.query(GRAPH_COUNT))
    assert int(rows[0][0]) == graph_count  # type: ignore[index, arg-type]
    assert graph.query(f"ASK {{ GRAPH <{ONTOLOGY}> {{ ?s ?p ?o }} }}").askAnswer is True
    # A CONSTRUCT with rdflib's default returnFormat (xml): answered as RDF/XML.
    xml_store = SPARQLStore(backend_server.sparql_url)
    constructed = Graph(xml_store).query(CLASSES).graph
    assert constructed is not None and len(constructed) >= 5
    xml_store.close()
    # Triple patterns through the store API (rdflib writes the SPARQL for us).
    owl_class = URIRef("http://www.w3.org/2002/07/owl#Class")
    assert any(True for _ in graph.triples((None, None, owl_class)))
    store.close()
