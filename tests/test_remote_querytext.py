"""The remote store's reading of SPARQL text and its chunking, without a server."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from parkld.errors import Forbidden, StoreUnavailable
from parkld.store import querytext
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
