"""The remote store's reading of SPARQL text and its chunking, without a server."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from parkld.errors import Forbidden, StoreUnavailable
from parkld.sparql import analysis
from parkld.store import deviations, querytext
from parkld.store.remote import RemoteStore, bnode_safe_chunks, is_hidden
from tests.conftest import make_settings


@pytest.mark.parametrize(
    ("query", "form", "dataset"),
    [
        ("PREFIX ex: <http://ex/> SELECT ?from WHERE { ?s ex:from ?from }", "select", False),
        ("CONSTRUCT { ?s ?p ?o } FROM <http://g> WHERE { ?s ?p ?o }", "construct", True),
        ("# SELECT in a comment\nASK { ?s ?p 'FROM' }", "ask", False),
        ("DESCRIBE <http://x>", "describe", False),
    ],
)
def test_shape(query: str, form: str, dataset: bool) -> None:
    found = querytext.shape(query)
    assert (found.form, found.has_dataset) == (form, dataset)


def test_bindings_open_the_where_group_not_the_template() -> None:
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    text = querytext.with_bindings(query, {"s": ox.NamedNode("http://x/a")}, querytext.shape(query))
    assert text == "CONSTRUCT { ?s ?p ?o } WHERE { VALUES (?s) { (<http://x/a>) }  ?s ?p ?o }"
    tricky = ox.Literal('a "b" \\ }', language="en")
    query = "SELECT ?o WHERE { ?s ?p ?o }"
    text = querytext.with_bindings(query, {"o": tricky}, querytext.shape(query))
    assert ox.Store().query(text) is not None  # still one well-formed query
    assert '"a \\"b\\" \\\\ }"@en' in text


def test_builtins_refused() -> None:
    with pytest.raises(Forbidden):
        querytext.check_builtins("SELECT (<bif:sys_stat>('x') AS ?v) {}")
    querytext.check_builtins("SELECT ?s { ?s <http://ex/bif:x> ?o }")


def test_chunks_keep_blank_node_groups_together() -> None:
    b = ox.BlankNode("b")
    p = ox.NamedNode("http://ex/p")
    triples = [ox.Triple(ox.NamedNode(f"http://ex/{i}"), p, ox.Literal(str(i))) for i in range(5)]
    triples += [ox.Triple(ox.NamedNode("http://ex/s"), p, b), ox.Triple(b, p, ox.Literal("x"))]
    chunks = list(bnode_safe_chunks(triples, 2))
    assert sum(map(len, chunks)) == 7
    assert any(len([t for t in c if b in (t.subject, t.object)]) == 2 for c in chunks)


def test_hidden_graphs() -> None:
    assert is_hidden("http://www.openlinksw.com/schemas/virtrdf#")
    assert is_hidden("http://localhost:8890/sparql")
    assert not is_hidden("https://w3id.org/parkld/graph/x")


def test_unreachable_store_is_503(tmp_path: object) -> None:
    settings = make_settings(
        tmp_path,  # type: ignore[arg-type]
        store="remote",
        store_query_url="http://127.0.0.1:9/sparql",
    )
    store = RemoteStore(settings)
    with pytest.raises(StoreUnavailable, match="unreachable") as down:
        store.select("SELECT * WHERE { ?s ?p ?o }")
    assert down.value.status == 503


@pytest.mark.parametrize(
    ("query", "reasons"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", ()),
        ("SELECT * WHERE { ?s ?p ?o }", ()),
        ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", ()),
        ("SELECT ?s WHERE { ?s ?p ?o FILTER(?o = 1 || ?o != 2) }", ()),
        ("SELECT ?s WHERE { ?s <urn:p>? ?o }", ()),
        ("SELECT (MIN(?o) AS ?m) WHERE { ?s ?p ?o }", ("MIN",)),
        ("SELECT (max(?o) AS ?m) (MIN(?o) AS ?n) WHERE { ?s ?p ?o }", ("MAX", "MIN")),
        ("SELECT ?s WHERE { ?s ?p ?o FILTER(?o <= 3) }", ("an ordering comparison",)),
        ("SELECT ?s WHERE { ?s ?p ?o FILTER(?o>?s) }", ("an ordering comparison",)),
        (
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            "SELECT ?c ?d WHERE { ?c rdfs:subClassOf+ ?d }",
            ("a transitive property path",),
        ),
        ("SELECT ?c WHERE { ?c a/(<urn:p>|<urn:q>)* ?d }", ("a transitive property path",)),
        ("SELECT ?c WHERE { ?c a* ?d }", ("a transitive property path",)),
        (
            "SELECT ?s FROM <urn:a> FROM <urn:b> WHERE { ?s ?p ?o }",
            ("two or more default graphs",),
        ),
        ("SELECT ?s FROM <urn:a> FROM NAMED <urn:b> WHERE { ?s ?p ?o }", ()),
        # A comparison spelled inside a string or an IRI is no comparison.
        ('SELECT ?s WHERE { ?s <urn:p> "a < b" }', ()),
    ],
)
def test_constructs_the_store_gets_wrong(query: str, reasons: tuple[str, ...]) -> None:
    assert deviations.found(analysis.analyse(query)) == reasons


def test_two_protocol_default_graphs_are_a_deviation() -> None:
    found = analysis.analyse("SELECT ?s WHERE { ?s ?p ?o }")
    assert deviations.found(found, ("urn:a", "urn:b")) == ("two or more default graphs",)
    assert deviations.found(found, ("urn:a",)) == ()
