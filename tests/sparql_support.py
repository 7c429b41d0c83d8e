"""Small helpers shared by the SPARQL tests: fixture stores and a heavy query."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from tests.live import write_store

FIXTURES = Path(__file__).parent / "fixtures" / "sparql"
PARKS = FIXTURES / "parks.trig"
PARK = "https://w3id.org/parkld/park/"
GRAPH = "https://w3id.org/parkld/graph/"
#: Five-way cross join: about 3000^5 combinations, far beyond any test's time limit.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?t ?h . ?i ?u ?j }"


def parks_quads() -> list[ox.Quad]:
    return list(ox.parse(path=str(PARKS), format=ox.RdfFormat.TRIG))


def filler_quads(n: int = 3000) -> list[ox.Quad]:
    graph = ox.NamedNode(GRAPH + "filler")
    return [
        ox.Quad(ox.NamedNode(f"{PARK}filler{i}"), ox.NamedNode(PARK + "p"), ox.Literal(i), graph)
        for i in range(n)
    ]


def parks_store(store_dir: Path, *, filler: int = 0) -> Path:
    """A store with the park fixture (and *filler* extra triples, for heavy queries)."""
    return write_store(store_dir, parks_quads() + (filler_quads(filler) if filler else []))
