"""Literals published into Virtuoso come back as written (issue 13).

Virtuoso 7.2 stores, in a one-operation INSERT DATA request, ``"2012-01"^^xsd:gYearMonth``
after ``"2012"^^xsd:gYear`` as ``"2012"^^xsd:gYear`` (both are 2012-01-01 to it), so the
remote store loads staging graphs through the Graph Store Protocol when it is configured
(:meth:`parkld.store.remote.RemoteStore.stage`). This publishes such literals, blank nodes
among them, and reads every statement back.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from parkld.store.remote import RemoteStore
from tests import virtuoso as vt
from tests.backends import fixture_graphs

pytestmark = pytest.mark.virtuoso

XSD = "http://www.w3.org/2001/XMLSchema#"
GRAPH = ox.NamedNode("https://example.org/graph/dates")


def _lit(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def _quads() -> list[ox.Quad]:
    park = ox.NamedNode("https://example.org/park/p")
    node = ox.BlankNode("b1")
    pairs: list[
        tuple[ox.NamedNode | ox.BlankNode, str, ox.NamedNode | ox.BlankNode | ox.Literal]
    ] = [
        (park, "year", _lit("2012", "gYear")),
        (park, "yearMonth", _lit("2012-01", "gYearMonth")),
        (park, "day", _lit("2012-01-01", "date")),
        (park, "moment", _lit("2012-01-01T00:00:00", "dateTime")),
        (park, "event", node),
        (node, "yearMonth", _lit("2016-01", "gYearMonth")),
        (node, "year", _lit("2016", "gYear")),
    ]
    return [ox.Quad(s, ox.NamedNode(f"https://example.org/def#{p}"), o, GRAPH) for s, p, o in pairs]


def test_calendar_literals_keep_their_datatype(
    virtuoso_scratch: vt.VirtuosoServer, tmp_path: Path
) -> None:
    quads = _quads()
    with fixture_graphs(virtuoso_scratch, tmp_path, quads) as settings:
        assert settings.store_graph_url  # the tests' Virtuoso loads through the Graph Store
        with RemoteStore(settings) as store:
            rows = store.select(
                "SELECT ?s ?p ?o WHERE { GRAPH <https://example.org/graph/dates> { ?s ?p ?o } }"
            ).rows
    got = {(r["p"].value, r["o"] if isinstance(r["o"], ox.Literal) else "node") for r in rows}
    want = {
        (q.predicate.value, q.object if isinstance(q.object, ox.Literal) else "node") for q in quads
    }
    assert got == want
    # The blank node is one node: its two statements share a subject.
    subjects = {r["s"] for r in rows if isinstance(r["s"], ox.BlankNode)}
    assert len(subjects) == 1
