"""A dataset as parkld stores it: named graphs, and in the default graph their merge.

The embedded store keeps the merge in each database; the remote store rebuilds the same
shape in memory for a change (:meth:`parkld.store.remote.RemoteStore.rewrite`), and the
validate-then-write service reads the named graphs of either.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox


def merged_default(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    """*quads* (all in named graphs), each also as a default-graph quad: the stored merge.

    The store keeps one copy of a quad, so a triple stated by several graphs is once in the
    default graph.
    """
    for quad in quads:
        yield quad
        yield ox.Quad(quad.subject, quad.predicate, quad.object, ox.DefaultGraph())


def rederive_default(store: ox.Store) -> None:
    """Make the default graph of *store* the merge of its named graphs again."""
    default = ox.DefaultGraph()
    merged = {
        q.triple
        for q in store.quads_for_pattern(None, None, None, None)
        if not isinstance(q.graph_name, ox.DefaultGraph)
    }
    present = {q.triple for q in store.quads_for_pattern(None, None, None, default)}
    for t in present - merged:
        store.remove(ox.Quad(t.subject, t.predicate, t.object, default))
    store.extend(ox.Quad(t.subject, t.predicate, t.object, default) for t in merged - present)


def named_quads(store: ox.Store) -> Iterator[ox.Quad]:
    """The quads of the named graphs (the default graph is derived from them)."""
    return (
        q
        for q in store.quads_for_pattern(None, None, None, None)
        if not isinstance(q.graph_name, ox.DefaultGraph)
    )
