"""A dataset whose default graph is the merge of several graphs: each triple once.

SPARQL 1.1 (§13.2.1) makes the default graph of ``FROM <a> FROM <b>`` — or of two
``default-graph-uri`` parameters (Protocol §2.1.4) — the RDF merge of those graphs: a set.
Oxigraph evaluates it as their union, so a triple both graphs state comes back twice (and
counts twice). When a query names two or more default graphs, the graphs are copied into an
in-memory store, the merge as its default graph and the named graphs as themselves, and the
query runs there with that dataset. This runs in the query worker, under its time and memory
limits; the copy costs one pass over the graphs named, which parkld's own queries never ask.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyoxigraph as ox

from parkld.sparql import analysis


def declared_dataset(
    query: str, base_iri: str | None = None
) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The ``FROM`` and ``FROM NAMED`` graphs of *query* (canonical text), or None."""
    found = analysis.analyse(query, base_iri)
    if not found.has_dataset_clause:
        return None
    return found.from_graphs, found.from_named_graphs


def needs_merge(default_graphs: Sequence[str]) -> bool:
    """True when Oxigraph's union of *default_graphs* could repeat a triple."""
    return len(default_graphs) >= 2


def merged_store(
    store: ox.Store, default_graphs: Sequence[str], named_graphs: Sequence[str]
) -> tuple[ox.Store, dict[str, Any]]:
    """An in-memory store holding the merge as its default graph and *named_graphs* as
    named graphs, with the ``Store.query`` dataset arguments that read exactly that."""
    merged = ox.Store()
    default = ox.DefaultGraph()
    for name in dict.fromkeys(default_graphs):
        graph = ox.NamedNode(name)
        # A store holds a set of quads: adding a triple twice keeps it once.
        merged.extend(
            ox.Quad(q.subject, q.predicate, q.object, default)
            for q in store.quads_for_pattern(None, None, None, graph)
        )
    for name in dict.fromkeys(named_graphs):
        graph = ox.NamedNode(name)
        merged.extend(store.quads_for_pattern(None, None, None, graph))
    return merged, {
        "default_graph": default,
        "named_graphs": [ox.NamedNode(g) for g in dict.fromkeys(named_graphs)],
    }
