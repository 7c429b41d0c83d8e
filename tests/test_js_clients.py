"""JavaScript linked-data clients against the live server: jsonld.js frames a park by
``@type``; Comunica answers ``SELECT * { <park> ?p ?o }`` from the park's own document (quads
in the default graph) and from the SPARQL endpoint.

The clients come from npm (``tests/js/package.json``, installed by ``.ci/run``).
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from tests.js_support import require_js_clients, run_js
from tests.live import LiveServer

BASE = "https://w3id.org/parkld/"
PARK = BASE + "park/sophia-antipolis"


@pytest.fixture(scope="module", autouse=True)
def _clients() -> None:
    require_js_clients()


def turtle_about(server: LiveServer, iri: str) -> set[tuple[str, str]]:
    import urllib.request

    with urllib.request.urlopen(f"{server.base_url}/park/sophia-antipolis.ttl") as r:
        body = r.read()
    return {
        (t.predicate.value, t.object.value)
        for t in ox.parse(body, format=ox.RdfFormat.TURTLE)
        if t.subject == ox.NamedNode(iri)
    }


def trig_quads(server: LiveServer) -> set[ox.Quad]:
    import urllib.request

    with urllib.request.urlopen(f"{server.base_url}/park/sophia-antipolis.trig") as r:
        return set(ox.parse(r.read(), format=ox.RdfFormat.TRIG))


@pytest.mark.parametrize("accept", ["application/ld+json", "application/json"])
def test_jsonld_js_frames_the_park_by_type(live_server: LiveServer, accept: str) -> None:
    out = run_js(
        "jsonld-client.mjs", f"{live_server.base_url}/park/sophia-antipolis", accept, "Park"
    )
    assert out["contentType"].startswith(accept)
    framed = out["framed"]
    nodes = framed.get("@graph", [framed])
    assert [n["@id"] for n in nodes] == [PARK]
    assert nodes[0]["country"]["@id"] == BASE + "place/france"
    # jsonld.js's toRDF gives back exactly the statements of the TriG document.
    quads = set(ox.parse(out["nquads"].encode(), format=ox.RdfFormat.N_QUADS))
    assert quads == trig_quads(live_server)


def test_comunica_queries_the_park_document(live_server: LiveServer) -> None:
    rows = run_js(
        "comunica-client.mjs",
        f"SELECT * {{ <{PARK}> ?p ?o }}",
        f"{live_server.base_url}/park/sophia-antipolis",
    )
    found = {(r["p"]["value"], r["o"]["value"]) for r in rows}
    assert found == turtle_about(live_server, PARK)


def test_comunica_queries_the_endpoint(live_server: LiveServer) -> None:
    rows = run_js(
        "comunica-client.mjs",
        f"SELECT DISTINCT ?p ?o {{ <{PARK}> ?p ?o }}",
        f"sparql@{live_server.sparql_url}",
    )
    found = {(r["p"]["value"], r["o"]["value"]) for r in rows}
    assert found == turtle_about(live_server, PARK)
