"""The store interface: the only way the web app and the CLI reach data.

A store answers SPARQL with *bindings* (values travel as RDF terms, never spliced into query
text), loads whole named graphs atomically, and runs user queries under a time limit and a row
cap. Terms are Oxigraph's (:mod:`pyoxigraph`): cheap to create, picklable, and the embedded
engine's own, so the hot path converts nothing.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from parkld.mediatypes import Format
from parkld.store.querytext import with_values
from parkld.store.terms import Bindings, Term

__all__ = ["Bindings", "QueryRequest", "QueryResponse", "Solutions", "Store", "Term"]
#: Terms per VALUES block in :meth:`Store.select_each`.
VALUES_BATCH = 400


@dataclass(frozen=True)
class Solutions:
    """Rows of a SELECT, in projection order."""

    variables: list[str]
    rows: list[dict[str, Term]]

    def column(self, name: str) -> list[Term]:
        """Every bound value of one variable, in row order."""
        return [row[name] for row in self.rows if name in row]

    def values(self, name: str) -> list[str]:
        """The lexical values (IRIs as strings) of one variable, in row order."""
        return [term.value for term in self.column(name)]


@dataclass(frozen=True)
class QueryRequest:
    """A user's SPARQL query as the protocol delivers it, with the limits that apply."""

    query: str
    #: Acceptable formats for SELECT/ASK results and for graphs, best first; the store picks
    #: by the query's form. Empty means "nothing acceptable" (the caller answers 406).
    result_formats: Sequence[Format] = ()
    graph_formats: Sequence[Format] = ()
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    timeout: float = 10.0
    max_rows: int = 10_000
    base_iri: str | None = None
    #: SERVICE endpoints the query may call; anything else is refused before evaluation.
    service_allowlist: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueryResponse:
    """A serialised answer to a :class:`QueryRequest`."""

    body: bytes
    format: Format
    form: str  # "select" | "ask" | "construct" | "describe"
    count: int  # rows, or triples
    truncated: bool = False  # True when ``max_rows`` cut the result (reported to the client)
    extra: dict[str, str] = field(default_factory=dict)


class Store(ABC):
    """A SPARQL dataset: named graphs, and a default graph that is their merge (a set: a
    triple stated by several graphs is in it once)."""

    @abstractmethod
    def select(self, query: str, bindings: Bindings | None = None) -> Solutions:
        """Run a SELECT over the merge of all graphs (``GRAPH ?g`` reaches each one)."""

    def select_each(
        self, query: str, name: str, terms: Iterable[ox.NamedNode | ox.Literal]
    ) -> Solutions:
        """Run a SELECT once for all of *terms* bound in turn to ``?name``; rows concatenated.

        The terms travel as a ``VALUES`` block written from RDF terms (never text a user
        typed), in batches so that the query text stays small for any store.
        """
        unique = list(dict.fromkeys(terms))
        variables: list[str] = []
        rows: list[dict[str, Term]] = []
        for start in range(0, len(unique), VALUES_BATCH):
            found = self.select(with_values(query, name, unique[start : start + VALUES_BATCH]))
            variables = found.variables
            rows.extend(found.rows)
        return Solutions(variables, rows)

    @abstractmethod
    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        """Run an ASK."""

    @abstractmethod
    def construct(self, query: str, bindings: Bindings | None = None) -> list[ox.Triple]:
        """Run a CONSTRUCT (or DESCRIBE) and return its triples."""

    @abstractmethod
    def run(self, request: QueryRequest) -> QueryResponse:
        """Run a user query under its limits; raise QueryTimeout, QuerySyntaxError, Forbidden."""

    @abstractmethod
    def update(self, update: str) -> None:
        """Apply a SPARQL Update (the web layer checks credentials and configuration first)."""

    @abstractmethod
    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Triple]]) -> None:
        """Replace each named graph wholesale; readers see the old graph or the new, never a mix."""

    @abstractmethod
    def graph_names(self) -> list[str]:
        """IRIs of the named graphs present."""

    def triple_count(self) -> int:
        """Number of distinct triples: the size of the default graph (the merge)."""
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows
        return int(rows[0]["n"].value) if rows else 0

    def quad_count(self) -> int:
        """Number of statements in the named graphs (a triple counts once per graph)."""
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows
        return int(rows[0]["n"].value) if rows else 0

    def generation(self) -> str | None:
        """A token that changes whenever the content changes, or None when unknown.

        Caches of rendered pages key on it; a store that cannot tell (a remote endpoint written
        by others) returns None and callers fall back to a time-to-live.
        """
        return None

    def ping(self) -> None:  # noqa: B027 - optional hook, a no-op for stores that cannot fail
        """Raise StoreUnavailable when the store cannot answer."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release files, processes and connections."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
