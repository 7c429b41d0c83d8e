"""Validate-then-write: the one way a change to the data reaches any store.

A change is applied to a private copy of the dataset (:meth:`GraphWriter.rewrite`: a clone of
the embedded database, an in-memory copy of the remote store's graphs), the copy is validated
against the shapes, and only a conforming copy is written. So a SPARQL Update breaking a shape
gets the same 422, with the same SHACL findings, on every backend, and changes nothing stored;
what is validated is exactly what is written (the update is evaluated once, on the copy).

A user's update is evaluated, and its result validated, in a child process whose time and
memory are bounded (:func:`bounded_update`): the web process only hands it the named graphs
as N-Quads and reads back the graphs it wrote, so an update with a runaway WHERE clause is
stopped (504) like a runaway query, and nothing stored changes.

pySHACL is slow to import: this module imports it only when a change is validated.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Mapping, Sequence
from multiprocessing.connection import Connection

import pyoxigraph as ox

from parkld import errors
from parkld.errors import (
    BadRequest,
    ParkldError,
    QueryAborted,
    QuerySyntaxError,
    QueryTimeout,
    ValidationFailed,
)
from parkld.store.base import Change, GraphWriter
from parkld.store.dataset import merged_default, named_quads

#: Address-space allowance of an update's child process when none is given, in MiB.
DEFAULT_UPDATE_MEMORY_MB = 1024
#: Seconds the child may take to validate the updated copy against the shapes (pySHACL
#: imports in ~2 s and validates the shipped data in ~2 s more).
DEFAULT_VALIDATION_TIMEOUT = 120.0


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
            # The query worker's probe words it so (parkld.sparql.evaluate.probe_update).
            raise QuerySyntaxError(f"malformed update: {exc}") from exc
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


def apply_update(
    store: GraphWriter,
    update: str,
    timeout: float,
    *,
    memory_mb: int = DEFAULT_UPDATE_MEMORY_MB,
    validation_timeout: float = DEFAULT_VALIDATION_TIMEOUT,
) -> None:
    """Apply a user's SPARQL Update (the canonical text :mod:`parkld.sparql.analysis` allowed):
    a bounded child process meets it first on an empty dataset (a syntax error comes back
    before the store is read or copied), then one applies it to a copy of the dataset and
    validates the result; only a conforming result is written. Raises QuerySyntaxError,
    BadRequest, ValidationFailed (422), QueryTimeout or QueryAborted (504) — nothing stored
    changes on any of them."""
    _in_child(update, b"", timeout, memory_mb, validation_timeout, validate=False)
    store.rewrite(bounded_update(update, timeout, memory_mb, validation_timeout))


def bounded_update(
    update: str, timeout: float, memory_mb: int, validation_timeout: float
) -> Change:
    """The change "apply *update*, then check the shapes", run in a child process: it gets
    the copy's named graphs, has *timeout* seconds to apply the update and
    *validation_timeout* more to validate, within *memory_mb* MiB more address space than it
    started with (``RLIMIT_AS``). The copy is then given the graphs the child wrote."""

    def change(dataset: ox.Store) -> None:
        before = list(named_quads(dataset))
        data = ox.serialize(before, format=ox.RdfFormat.N_QUADS) or b""
        after = _in_child(update, data, timeout, memory_mb, validation_timeout)
        _replace_changed(dataset, before, list(ox.parse(after, format=ox.RdfFormat.N_QUADS)))

    return change


def _replace_changed(dataset: ox.Store, before: list[ox.Quad], after: list[ox.Quad]) -> None:
    """Make *dataset*'s named graphs those of *after*, touching only the graphs that differ."""

    def by_graph(quads: list[ox.Quad]) -> dict[ox.NamedNode, set[ox.Triple]]:
        found: dict[ox.NamedNode, set[ox.Triple]] = {}
        for q in quads:
            assert isinstance(q.graph_name, ox.NamedNode)
            found.setdefault(q.graph_name, set()).add(q.triple)
        return found

    old, new = by_graph(before), by_graph(after)
    for graph in old.keys() | new.keys():
        triples = new.get(graph, set())
        if triples == old.get(graph, set()):
            continue
        if dataset.contains_named_graph(graph):
            dataset.remove_graph(graph)
        dataset.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)


def _in_child(
    update: str,
    data: bytes,
    timeout: float,
    memory_mb: int,
    validation_timeout: float,
    *,
    validate: bool = True,
) -> bytes:
    # forkserver: the web process has threads (forking it would copy their locks), and the
    # query executor's server, with parkld preloaded, is reused when there is one.
    ctx = multiprocessing.get_context("forkserver")
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(
        target=_child_main,
        args=(sender, update, data, memory_mb, validate),
        name="parkld-update",
    )
    child.start()
    sender.close()
    try:
        message = _receive(receiver, timeout, "applying the update", "PARKLD_QUERY_TIMEOUT")
        if message[0] == "applied":
            message = _receive(receiver, validation_timeout, "validating its result", "")
        if message[0] == "error":
            _, name, text = message
            if name == "MemoryError":
                raise QueryAborted(
                    f"the update was stopped: it needed more than {memory_mb} MiB "
                    "(PARKLD_QUERY_MEMORY_MB); nothing was changed"
                )
            found = getattr(errors, str(name), None)
            kind = found if isinstance(found, type) and issubclass(found, ParkldError) else None
            raise (kind or ParkldError)(str(text))
        result = message[1]
        assert isinstance(result, bytes)
        return result
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
        child.close()


def _receive(conn: Connection, timeout: float, doing: str, setting: str) -> tuple[object, ...]:
    if not conn.poll(timeout):
        where = f" ({setting})" if setting else ""
        raise QueryTimeout(
            f"the update was stopped: {doing} took longer than {timeout:g} s{where}; "
            "nothing was changed"
        )
    try:
        message: tuple[object, ...] = conn.recv()
    except (EOFError, OSError) as exc:
        raise QueryAborted(
            f"the update was stopped: its process died while {doing} (out of memory, "
            "PARKLD_QUERY_MEMORY_MB, or of stack); nothing was changed"
        ) from exc
    return message


def _child_main(conn: Connection, update: str, data: bytes, memory_mb: int, validate: bool) -> None:
    """In the child: load the copy, bound the address space, apply, report, validate."""
    from parkld.sparql.worker import limit_memory

    try:
        before = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
        copy = ox.Store()
        copy.extend(merged_default(before))
        del data
        limit_memory(memory_mb)
        update_change(update)(copy)
        conn.send(("applied",))
        if validate:
            check_conforms(copy, before)
        conn.send(("ok", ox.serialize(named_quads(copy), format=ox.RdfFormat.N_QUADS) or b""))
    except ParkldError as exc:
        conn.send(("error", type(exc).__name__, exc.message))
    except MemoryError:
        conn.send(("error", "MemoryError", ""))
    except Exception as exc:  # reported: a death would read as "out of memory"
        conn.send(("error", "ParkldError", f"the update failed unexpectedly: {exc}"))
    finally:
        conn.close()


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
