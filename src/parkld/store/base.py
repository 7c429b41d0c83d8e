"""What each caller needs from a store, as one protocol per caller, and :class:`Store`, all three.

* :class:`Reader` — **trusted reads with bindings** (pages, VoID, pictures, linking): parkld's
  own queries, values travelling as RDF terms, never spliced into query text.
* :class:`QueryRunner` — **a user's query under its limits** (time, row cap, SERVICE
  allow-list): an :class:`~parkld.sparql.answers.Answer` (solutions, a boolean or triples, and
  whether the cap cut it), serialised above the store by :mod:`parkld.sparql.answers`.
* :class:`GraphWriter` — **writing graphs**: replace, stage then swap, content hashes, and
  :meth:`GraphWriter.rewrite` (a change applied to a private copy, then made current). It
  checks nothing: :mod:`parkld.writes` validates against the shapes before any writer writes.

The embedded (:mod:`.embedded`) and remote (:mod:`.remote`) backends implement all three.
Terms are Oxigraph's (:mod:`pyoxigraph`): cheap to create, picklable, and the embedded engine's
own, so the hot path converts nothing.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, Self

import pyoxigraph as ox

from parkld.sparql import answers
from parkld.sparql.answers import Answer, Formats, QueryRequest, Serialised
from parkld.store.querytext import with_values
from parkld.store.terms import Bindings, Term

__all__ = [
    "Answer",
    "Bindings",
    "Formats",
    "GraphWriter",
    "QueryRequest",
    "QueryRunner",
    "Reader",
    "Serialised",
    "Solutions",
    "Store",
    "Term",
]
#: Terms per VALUES block in :meth:`Store.select_each`.
VALUES_BATCH = 400
#: Triples per update request when a remote store loads a staging graph.
CHUNK_TRIPLES = 2000


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


class Reader(Protocol):
    """Trusted reads: parkld's own queries over the merge of all graphs, with bindings."""

    def select(self, query: str, bindings: Bindings | None = None) -> Solutions:
        """Run a SELECT over the merge of all graphs (``GRAPH ?g`` reaches each one)."""
        ...

    def select_each(
        self, query: str, name: str, terms: Iterable[ox.NamedNode | ox.Literal]
    ) -> Solutions:
        """Run a SELECT once for all of *terms* bound in turn to ``?name``; rows concatenated."""
        ...

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        """Run an ASK."""
        ...

    def construct(self, query: str, bindings: Bindings | None = None) -> list[ox.Triple]:
        """Run a CONSTRUCT (or DESCRIBE) and return its triples."""
        ...

    def graph_names(self) -> list[str]:
        """IRIs of the named graphs present."""
        ...

    def triple_count(self) -> int:
        """Number of distinct triples: the size of the default graph (the merge)."""
        ...

    def quad_count(self) -> int:
        """Number of statements in the named graphs (a triple counts once per graph)."""
        ...

    def generation(self) -> str | None:
        """A token that changes whenever the content changes, or None when unknown."""
        ...

    def ping(self) -> None:
        """Raise StoreUnavailable when the store cannot answer."""
        ...


class QueryRunner(Protocol):
    """A user's query, or update text, met by the engine only under the request's limits."""

    def run(self, request: QueryRequest) -> Answer:
        """The answer as terms, cut at ``max_rows``; raise QueryTimeout, QuerySyntaxError,
        Forbidden (a SERVICE off the allow-list)."""
        ...

    def run_serialised(self, request: QueryRequest, formats: Formats) -> Serialised:
        """The answer written by :func:`parkld.sparql.answers.serialise` in the first of
        *formats* that fits its form (NotAcceptable when none does)."""
        ...

    def start(self) -> None:
        """Start what running queries needs (the embedded store's worker processes), so the
        first query does not pay for it."""
        ...


#: A change to a private copy of the dataset: its named graphs, and in its default graph
#: their merge (each triple once), as the store holds them.
Change = Callable[[ox.Store], None]


class GraphWriter(Protocol):
    """Writing whole named graphs; readers see a graph's old content or its new, never a mix.

    Nothing here checks the shapes: :mod:`parkld.writes` validates first.
    """

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Triple]]) -> None:
        """Replace each named graph wholesale (an empty one is removed)."""
        ...

    def rewrite(self, change: Change) -> None:
        """Apply *change* to a private copy of the current dataset, then make the named graphs
        it changed current (the default graph is re-derived as their merge). A change that
        raises changes nothing."""
        ...

    def stage(
        self,
        graph: str,
        triples: Sequence[ox.Triple],
        progress: Callable[[int], None] | None = None,
        chunk: int = CHUNK_TRIPLES,
    ) -> str:
        """Load *triples* beside the live *graph*, where no reader looks; return a handle for
        :meth:`swap`."""
        ...

    def swap(self, graph: str, staging: str | None, content_hash: str | None) -> None:
        """Make the staged content that of *graph* (None: drop it) and record its hash (None:
        forget it), in one step for readers."""
        ...

    def content_hashes(self) -> dict[str, str]:
        """The content hash recorded for each written graph."""
        ...

    def merged_hash(self) -> str | None:
        """The hash recorded with the default graph (the merge) by :meth:`derive_merge`."""
        ...

    def derive_merge(self, content_hash: str) -> None:
        """Make the default graph the merge of the named graphs (if it is not kept so at every
        write) and record *content_hash* for it."""
        ...


class Store(ABC):
    """A SPARQL dataset: named graphs, and a default graph that is their merge (a set: a
    triple stated by several graphs is in it once).

    A :class:`Reader`, a :class:`QueryRunner` and a :class:`GraphWriter`: what the CLI and the
    app hold. The shared behaviour is here; each backend supplies the rest.
    """

    # -- Reader --------------------------------------------------------------------------
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

    # -- QueryRunner ---------------------------------------------------------------------
    @abstractmethod
    def run(self, request: QueryRequest) -> Answer:
        """Run a user query under its limits (see :class:`QueryRunner`)."""

    def run_serialised(self, request: QueryRequest, formats: Formats) -> Serialised:
        """Run a user query, serialised above the backend by :mod:`parkld.sparql.answers`."""
        return answers.serialise(self.run(request), formats)

    def start(self) -> None:  # noqa: B027 - optional hook: most stores have nothing to start
        """See :meth:`QueryRunner.start`."""

    # -- GraphWriter ---------------------------------------------------------------------
    @abstractmethod
    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Triple]]) -> None:
        """Replace each named graph wholesale; readers see the old graph or the new, never a mix."""

    @abstractmethod
    def rewrite(self, change: Change) -> None:
        """See :meth:`GraphWriter.rewrite`."""

    @abstractmethod
    def stage(
        self,
        graph: str,
        triples: Sequence[ox.Triple],
        progress: Callable[[int], None] | None = None,
        chunk: int = CHUNK_TRIPLES,
    ) -> str:
        """See :meth:`GraphWriter.stage`."""

    @abstractmethod
    def swap(self, graph: str, staging: str | None, content_hash: str | None) -> None:
        """See :meth:`GraphWriter.swap`."""

    @abstractmethod
    def content_hashes(self) -> dict[str, str]:
        """See :meth:`GraphWriter.content_hashes`."""

    @abstractmethod
    def merged_hash(self) -> str | None:
        """See :meth:`GraphWriter.merged_hash`."""

    @abstractmethod
    def derive_merge(self, content_hash: str) -> None:
        """See :meth:`GraphWriter.derive_merge`."""

    # -- lifetime ------------------------------------------------------------------------
    def close(self) -> None:  # noqa: B027 - optional hook
        """Release files, processes and connections."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
