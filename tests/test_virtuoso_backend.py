"""The same questions asked of the embedded store and of Virtuoso get the same answers.

Every test here is parametrised over ``backend`` (embedded | virtuoso, see tests/backends.py)
and compares with the embedded store's answer, or asserts content directly. Blank nodes are
left out of comparisons: their labels are each store's own.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest

from parkld import mediatypes
from parkld.errors import BadRequest, Forbidden, QuerySyntaxError
from parkld.store.base import Formats, QueryRequest, Solutions
from parkld.store.embedded import EmbeddedStore
from tests.backends import Backend
from tests.live import LiveServer

BASE = "https://w3id.org/parkld/"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"

pytestmark = pytest.mark.virtuoso


def rows_of(solutions: Solutions) -> list[tuple[str, ...]]:
    """Rows as N-Triples-style strings, blank nodes masked."""
    return [
        tuple(
            "_:" if isinstance(t, ox.BlankNode) else str(t)
            for t in (row.get(v) or ox.Literal("UNBOUND") for v in solutions.variables)
        )
        for row in solutions.rows
    ]


def ground(triples: list[ox.Triple]) -> set[str]:
    return {
        str(t)
        for t in triples
        if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)
    }


def a_resource(store: EmbeddedStore) -> ox.NamedNode:
    """A data resource with a label (the first, for a stable choice)."""
    rows = store.select(
        "SELECT ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l . "
        f"FILTER(STRSTARTS(STR(?s), '{BASE}') && !CONTAINS(STR(?s), '#')) }} ORDER BY ?s LIMIT 1"
    )
    term = rows.rows[0]["s"]
    assert isinstance(term, ox.NamedNode)
    return term


SELECTS = [
    "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class "
    "ORDER BY DESC(?n) ?class",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } "
    "ORDER BY ?s STR(?label) LANG(?label)",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?lang (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(isLiteral(?o)) "
    "BIND(LANG(?o) AS ?lang) } GROUP BY ?lang ORDER BY ?lang",
]


@pytest.mark.parametrize("query", SELECTS)
def test_select_matches_embedded(
    backend: Backend, shipped_store: EmbeddedStore, query: str
) -> None:
    expected = shipped_store.select(query)
    got = backend.store.select(query)
    assert got.variables == expected.variables
    assert rows_of(got) == rows_of(expected)
    assert got.rows, "the shipped graph answers every query here"


def test_union_default_graph_excludes_store_system_graphs(
    backend: Backend, shipped_store: EmbeddedStore
) -> None:
    # Virtuoso keeps ~2,500 triples of its own (virtrdf#); none may leak into parkld's dataset.
    got = backend.store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
    assert got.values("g") == shipped_store.graph_names()
    leaked = backend.store.ask(
        "ASK { ?s ?p ?o FILTER(STRSTARTS(STR(?p), 'http://www.openlinksw.com/')) }"
    )
    assert leaked is False


def test_graph_names_and_count(backend: Backend, shipped_store: EmbeddedStore) -> None:
    assert backend.store.graph_names() == shipped_store.graph_names()
    assert backend.store.triple_count() == shipped_store.triple_count()


def test_bindings_select_ask_construct(backend: Backend, shipped_store: EmbeddedStore) -> None:
    resource = a_resource(shipped_store)
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?p ?o"
    got = backend.store.select(query, {"s": resource})
    assert rows_of(got) == rows_of(shipped_store.select(query, {"s": resource}))
    assert {row["s"] for row in got.rows} == {resource}
    assert backend.store.ask("ASK { ?s ?p ?o }", {"s": resource}) is True
    assert backend.store.ask("ASK { ?s ?p ?o }", {"s": ox.NamedNode(BASE + "nope")}) is False
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    triples = backend.store.construct(construct, {"s": resource})
    assert ground(triples) == ground(shipped_store.construct(construct, {"s": resource}))
    assert triples


def test_literal_binding_with_quotes_and_language(
    backend: Backend, shipped_store: EmbeddedStore
) -> None:
    # A value with quotes, a backslash and non-ASCII text travels as a term, not as text.
    tricky = ox.Literal('成都 "x" \\ }', language="zh")
    query = "SELECT ?s ?o WHERE { ?s ?p ?o }"
    assert backend.store.select(query, {"o": tricky}).rows == []
    label = shipped_store.select(
        "SELECT ?o WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o "
        "FILTER(LANG(?o) != '') } ORDER BY ?o LIMIT 1"
    ).rows[0]["o"]
    assert isinstance(label, ox.Literal)
    query = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"
    expected = shipped_store.select(query, {"o": label})
    got = backend.store.select(query, {"o": label})
    assert rows_of(got) == rows_of(expected) != []


@pytest.mark.parametrize(
    "fmt",
    [mediatypes.SPARQL_JSON, mediatypes.SPARQL_XML, mediatypes.SPARQL_CSV, mediatypes.SPARQL_TSV],
)
def test_run_select_same_bytes_and_row_cap(
    backend: Backend, shipped_store: EmbeddedStore, fmt: mediatypes.Format
) -> None:
    request = QueryRequest(
        "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } "
        "ORDER BY ?s STR(?label) LANG(?label)",
        max_rows=7,
    )
    # Serialised by the embedded worker and above the remote store: one serialiser, so the
    # same bytes.
    expected = shipped_store.run_serialised(request, Formats((fmt,), ()))
    got = backend.store.run_serialised(request, Formats((fmt,), ()))
    assert (got.form, got.count, got.truncated) == ("select", 7, True)
    assert got.body == expected.body
    assert got.format is fmt
    terms = backend.store.run(request)
    assert (terms.form, terms.count, terms.truncated) == ("select", 7, True)
    assert terms.rows == shipped_store.run(request).rows


def test_run_ask_and_construct(backend: Backend, shipped_store: EmbeddedStore) -> None:
    ask = QueryRequest("ASK { ?s a ?c }")
    json_only = Formats((mediatypes.SPARQL_JSON,), ())
    assert (
        backend.store.run_serialised(ask, json_only).body
        == shipped_store.run_serialised(ask, json_only).body
    )
    assert backend.store.run(ask).boolean is True
    resource = a_resource(shipped_store)
    construct = QueryRequest(
        f"CONSTRUCT {{ <{resource.value}> ?p ?o }} WHERE {{ <{resource.value}> ?p ?o }}"
    )
    ntriples = Formats((), (mediatypes.NTRIPLES,))
    got = backend.store.run_serialised(construct, ntriples)
    expected = shipped_store.run_serialised(construct, ntriples)
    assert (got.form, got.count, got.truncated) == ("construct", expected.count, False)
    assert set(got.body.decode().splitlines()) == set(expected.body.decode().splitlines())
    assert set(backend.store.run(construct).triples) == set(shipped_store.run(construct).triples)


def test_run_errors_are_the_embedded_ones(backend: Backend, shipped_store: EmbeddedStore) -> None:
    for text in ("SELECT * WHERE { ?s ?p }", "ASK { ?s ?p }"):
        request = QueryRequest(text)
        with pytest.raises(QuerySyntaxError) as expected:
            shipped_store.run(request)
        with pytest.raises(QuerySyntaxError) as got:
            backend.store.run(request)
        assert got.value.message == expected.value.message
    service = QueryRequest("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    with pytest.raises(Forbidden) as refused:
        backend.store.run(service)
    assert "SERVICE <http://127.0.0.1:9/sparql> is not allowed" in refused.value.message


def test_virtuoso_builtins_refused(backend: Backend) -> None:
    request = QueryRequest("SELECT (<bif:sys_stat>('st_dbms_ver') AS ?v) WHERE {}")
    if backend.name == "embedded":
        # Oxigraph knows no bif: functions: the query is refused as not evaluable (400).
        with pytest.raises(BadRequest, match="not supported"):
            backend.store.run(request)
        return
    # Virtuoso would run its SQL built-ins (system information, files): refused before sending.
    with pytest.raises(Forbidden, match="built-in SQL functions"):
        backend.store.run(request)


# -- through `parkld serve` ---------------------------------------------------------------
def fetch(server: LiveServer, path: str, accept: str) -> tuple[int, str, bytes]:
    request = urllib.request.Request(server.base_url + path, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers.get("Content-Type", ""), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def test_served_sparql_endpoint(
    backend: Backend, backend_server: LiveServer, shipped_store: EmbeddedStore
) -> None:
    query = SELECTS[0]
    status, ctype, body = fetch(
        backend_server, "/sparql?" + urllib.parse.urlencode({"query": query}), "text/csv"
    )
    assert (status, ctype.split(";")[0]) == (200, "text/csv")
    expected = shipped_store.run_serialised(
        QueryRequest(query), Formats((mediatypes.SPARQL_CSV,), ())
    )
    assert body == expected.body
    status, _, body = fetch(
        backend_server, "/sparql?query=SELECT%20*%20WHERE%20%7B", "application/sparql-results+json"
    )
    assert status == 400
    assert b"malformed query" in body


def test_served_dereference(
    backend: Backend, backend_server: LiveServer, shipped_store: EmbeddedStore
) -> None:
    resource = a_resource(shipped_store)
    path = "/" + resource.value[len(BASE) :]
    status, ctype, body = fetch(backend_server, path, "application/n-triples")
    assert status == 200, body[:300]
    assert ctype.startswith("application/n-triples")
    served = {line for line in body.decode().splitlines() if line and "_:" not in line}
    own = {
        f"{t} ."
        for t in shipped_store.construct(
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"s": resource}
        )
        if not isinstance(t.object, ox.BlankNode)
    }
    local = backend_server.base_url + "/"
    # Served locally, IRIs under the base may be rewritten to the local host.
    assert {line.replace(local, BASE) for line in served} >= own
