"""Validate-then-write: the one way a change to the data reaches any store.

A change is applied to a private copy of the dataset (:meth:`GraphWriter.rewrite`: a clone of
the embedded database, an in-memory copy of the remote store's graphs), the copy is validated
against the shapes, and only a conforming copy is written. So a SPARQL Update breaking a shape
gets the same 422, with the same SHACL findings, on every backend, and changes nothing stored;
what is validated is exactly what is written (the update is evaluated once, on the copy).

pySHACL is slow to import: this module imports it only when a change is validated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import pyoxigraph as ox

from parkld.errors import BadRequest, QuerySyntaxError, ValidationFailed
from parkld.store.base import Change, GraphWriter, QueryRunner
from parkld.store.dataset import named_quads


def check_conforms(dataset: ox.Store, before: Sequence[ox.Quad] = ()) -> None:
    """Raise ValidationFailed unless the named graphs of *dataset* conform to the shapes, but
    for violations that *before* (the dataset before the change) had already.

    A store may hold violations no change made: Virtuoso, for one, keeps a ``gYear`` and a
    ``gYearMonth`` of the same instant as one value, so a park founded "2012-01" reads back
    as founded "2012" there. A change is refused for the violations it brings, not for those.
    They are looked for only when the changed dataset does not conform (the usual case, on
    a store that conforms, costs one validation).
    """
    from parkld.validate import Finding, validate_quads  # pyshacl is heavy: writers only

    report = validate_quads(named_quads(dataset))
    if report.conforms:
        return
    violations = report.violations

    def key(f: Finding) -> tuple[str | None, ...]:
        return (f.focus, f.path, f.value, f.message, f.shape)

    if before:
        known = {key(f) for f in validate_quads(before).violations}
        violations = [f for f in violations if key(f) not in known]
        if not violations:
            return
    first = violations[0]
    raise ValidationFailed(
        f"the change would break {len(violations)} shape constraint(s), so nothing "
        f"was changed; first: {first.focus} {first.path or ''}: {first.message}"
    )


def validated(change: Change) -> Change:
    """*change*, followed by the shapes' verdict on its result (raising stops the write)."""

    def checked(dataset: ox.Store) -> None:
        before = list(named_quads(dataset))
        change(dataset)
        check_conforms(dataset, before)

    return checked


def _default_triples(store: ox.Store) -> set[ox.Triple]:
    return {q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}


def update_change(update: str) -> Change:
    """A SPARQL Update as a change to a dataset copy.

    The default graph is the merge of the named graphs, so an update must write into named
    graphs (GRAPH / WITH); one that changes the default graph otherwise is refused.
    """

    def change(dataset: ox.Store) -> None:
        before = _default_triples(dataset)
        try:
            dataset.update(update)
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc
        except (OSError, RuntimeError, ValueError) as exc:
            raise BadRequest(f"the update could not be applied: {exc}") from exc
        after = _default_triples(dataset)
        if after != before and after != {q.triple for q in named_quads(dataset)}:
            raise BadRequest(
                "the update writes to the default graph, which is the merge of the named "
                "graphs (each triple once): write into a named graph with GRAPH <…> or "
                "WITH <…>; nothing was changed"
            )

    return change


class UpdatableStore(QueryRunner, GraphWriter, Protocol):
    """What applying a user's update needs: the engine's first look, then a writer."""


def apply_update(store: UpdatableStore, update: str, timeout: float) -> None:
    """Apply a user's SPARQL Update (the canonical text :mod:`parkld.sparql.analysis` allowed):
    the engine meets it first where time and memory are bounded, then it runs on a copy of the
    dataset, which is validated and only then written. Raises QuerySyntaxError, BadRequest,
    ValidationFailed (422) — nothing stored changes on any of them."""
    store.check_update(update, timeout)
    store.rewrite(validated(update_change(update)))


def replace_graphs(store: GraphWriter, graphs: Mapping[str, Iterable[ox.Triple]]) -> None:
    """Replace named graphs wholesale, once the dataset with the new graphs conforms."""
    materialised = {iri: list(triples) for iri, triples in graphs.items()}

    def change(dataset: ox.Store) -> None:
        for iri, triples in materialised.items():
            graph = ox.NamedNode(iri)
            if dataset.contains_named_graph(graph):
                dataset.remove_graph(graph)
            dataset.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)

    store.rewrite(validated(change))
