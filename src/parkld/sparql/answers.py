"""A user query's answer as RDF terms, the row cap, and its one serialisation.

Both backends build an :class:`Answer` the same way — :func:`solutions`, :func:`triples` or
:func:`boolean`, which read one row past ``max_rows`` to know that the result was cut — and
:func:`serialise` writes it in the first acceptable format (SPARQL results for SELECT/ASK, an
RDF syntax for CONSTRUCT/DESCRIBE) through :mod:`parkld.sparql.results`. Nothing else caps or
serialises a user query's result.

The embedded store's query worker calls :func:`serialise` itself (the bytes cross the process
boundary ~2x faster than the terms would), the remote store's caller calls it on the terms the
store returned: one function, wherever it runs.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from parkld import mediatypes
from parkld.errors import NotAcceptable
from parkld.mediatypes import Format
from parkld.sparql import results

#: A value in a solution: an RDF term, or a triple term (RDF-star).
Value = results.Value


@dataclass(frozen=True)
class QueryRequest:
    """A user's SPARQL query as the protocol delivers it, with the limits that apply."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    timeout: float = 10.0
    max_rows: int = 10_000
    base_iri: str | None = None
    #: SERVICE endpoints the query may call; anything else is refused before evaluation.
    service_allowlist: tuple[str, ...] = ()


@dataclass(frozen=True)
class Formats:
    """What the client accepts, best first: SPARQL results formats for SELECT/ASK, RDF
    syntaxes for CONSTRUCT/DESCRIBE. Empty means "nothing acceptable" (406)."""

    results: tuple[Format, ...] = (mediatypes.SPARQL_JSON,)
    graphs: tuple[Format, ...] = (mediatypes.TURTLE,)

    def names(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The format names (picklable, for a query worker)."""
        return tuple(f.name for f in self.results), tuple(f.name for f in self.graphs)

    @classmethod
    def from_names(cls, results_: Sequence[str], graphs: Sequence[str]) -> Formats:
        def known(names: Sequence[str]) -> tuple[Format, ...]:
            return tuple(f for f in (mediatypes.by_name(n) for n in names) if f is not None)

        return cls(known(results_), known(graphs))


@dataclass(frozen=True)
class Answer:
    """A query's result as terms, cut at the row cap.

    ``form`` is "select", "ask", "construct" or "describe"; only the matching field is set.
    """

    form: str
    variables: tuple[str, ...] = ()
    rows: tuple[Mapping[str, Value], ...] = ()
    boolean: bool | None = None
    triples: tuple[ox.Triple, ...] = ()
    truncated: bool = False  # True when max_rows cut the result (reported to the client)
    #: The query's own prefixes, offered to the graph serialisers.
    prefixes: Mapping[str, str] = field(default_factory=dict)

    @property
    def count(self) -> int:
        """Rows, triples, or 1 for an ASK."""
        if self.form == "ask":
            return 1
        return len(self.triples) if self.form in ("construct", "describe") else len(self.rows)


@dataclass(frozen=True)
class Serialised:
    """An :class:`Answer` written in one format."""

    body: bytes
    format: Format
    form: str
    count: int
    truncated: bool = False


def solutions(
    variables: Sequence[str], rows: Iterable[Mapping[str, Value]], max_rows: int
) -> Answer:
    """A SELECT's answer: the first *max_rows* rows, and whether more existed."""
    kept = tuple(itertools.islice(rows, max_rows + 1))
    return Answer("select", tuple(variables), rows=kept[:max_rows], truncated=len(kept) > max_rows)


def triples(
    found: Iterable[ox.Triple],
    max_rows: int,
    form: str = "construct",
    prefixes: Mapping[str, str] | None = None,
) -> Answer:
    """A CONSTRUCT's or DESCRIBE's answer: the first *max_rows* triples, and whether more
    existed."""
    kept = tuple(itertools.islice(found, max_rows + 1))
    return Answer(
        form, triples=kept[:max_rows], truncated=len(kept) > max_rows, prefixes=prefixes or {}
    )


def boolean(value: bool) -> Answer:
    """An ASK's answer."""
    return Answer("ask", boolean=value)


def serialise(answer: Answer, formats: Formats) -> Serialised:
    """*answer* in the first acceptable format of its kind; NotAcceptable when there is none."""
    if answer.form in ("construct", "describe"):
        if not formats.graphs:
            raise NotAcceptable("no acceptable RDF format for a CONSTRUCT/DESCRIBE result")
        fmt = formats.graphs[0]
        body = results.write_triples(answer.triples, fmt, answer.prefixes)
    else:
        if not formats.results:
            raise NotAcceptable("no acceptable SPARQL results format for a SELECT/ASK result")
        fmt = formats.results[0]
        if answer.form == "ask":
            body = results.write_boolean(bool(answer.boolean), fmt)
        else:
            body = results.write_solutions(answer.variables, answer.rows, fmt)
    return Serialised(body, fmt, answer.form, answer.count, answer.truncated)
