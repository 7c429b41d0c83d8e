"""Describing one resource: its statements with their sources, incoming links paged by
property, and the rows a page of its type needs (memberships, agreements, status history…).

The pipeline is trifid's: exists? → describe → (negotiate and serialise, in the web layer).
Every query binds the resource IRI as ``?s``; nothing is spliced into query text except the
page's LIMIT/OFFSET, which are integers this module computes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from parkld import project_files, queries
from parkld.errors import NotFound
from parkld.kinds import KINDS, Kinds
from parkld.store import Store, Term

#: Incoming links shown per property before paging.
PAGE_SIZE = 50


@dataclass(frozen=True)
class Statement:
    """``<subject> <predicate> object``, said by one or more named graphs."""

    subject: str
    predicate: str
    object: Term
    graphs: tuple[str, ...]


@dataclass(frozen=True)
class IncomingGroup:
    """One page of the resources linking to the subject through one property."""

    predicate: str
    total: int
    page: int
    page_size: int
    items: tuple[tuple[str, tuple[str, ...]], ...]  # (linking resource IRI, its graphs)

    @property
    def pages(self) -> int:
        """How many pages the whole group fills."""
        return max(1, -(-self.total // self.page_size))


@dataclass
class Description:
    """What parkld says about one IRI."""

    iri: str
    kind: str  # first path segment: park, alliance, ontology…
    statements: list[Statement] = field(default_factory=list)
    incoming: list[IncomingGroup] = field(default_factory=list)
    #: Rows for the type-specific parts of the page, by name (``memberships``, ``members``…).
    related: dict[str, list[dict[str, Term]]] = field(default_factory=dict)
    #: Per name in ``related``, the variables naming the resources a row is about (the
    #: kind's :class:`parkld.kinds.Related`): what "as of a day" filters on.
    row_subjects: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Whole-document resources (ontology, shapes) carry their graph's statements here.
    document: list[ox.Quad] = field(default_factory=list)

    def values(self, predicate: str) -> list[Term]:
        """The distinct objects of *predicate*, in order."""
        seen: list[Term] = []
        for st in self.statements:
            if st.predicate == predicate and st.object not in seen:
                seen.append(st.object)
        return seen

    def mentioned(self) -> set[str]:
        """Every IRI a page or RDF view of this description may name (and so label)."""
        found = {self.iri}
        for st in self.statements:
            found.add(st.predicate)
            if isinstance(st.object, ox.NamedNode):
                found.add(st.object.value)
        for group in self.incoming:
            found.add(group.predicate)
            found.update(x for x, _ in group.items)
        for rows in self.related.values():
            found.update(
                t.value for row in rows for t in row.values() if isinstance(t, ox.NamedNode)
            )
        for q in self.document:
            found.update(
                t.value for t in (q.subject, q.predicate, q.object) if isinstance(t, ox.NamedNode)
            )
        return found

    def graphs(self) -> list[str]:
        """Every named graph any shown statement comes from, sorted."""
        found = {g for st in self.statements for g in st.graphs}
        found |= {g for group in self.incoming for _, gs in group.items for g in gs}
        found |= {
            q.graph_name.value for q in self.document if isinstance(q.graph_name, ox.NamedNode)
        }
        return sorted(found)


def exists(store: Store, iri: str) -> bool:
    """Whether the store mentions *iri* at all."""
    return bool(store.select(queries.load("linked/exists"), {"s": ox.NamedNode(iri)}).rows)


def describe(
    store: Store,
    iri: str,
    kind: str,
    *,
    base: str,
    page_property: str | None = None,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    kinds: Kinds = KINDS,
) -> Description:
    """Describe *iri*; raise NotFound when the store does not mention it.

    With *page_property*, the incoming links are only that property's *page*; otherwise every
    property's first page. The related lists are those *kinds* gives the *kind*.
    """
    subject = ox.NamedNode(iri)
    if kind in ("ontology", "shapes"):
        return _document(store, iri, kind, base)
    if not exists(store, iri):
        raise NotFound(f"no resource {iri}")
    desc = Description(iri, kind)
    out: dict[tuple[str, Term], list[str]] = defaultdict(list)
    for row in store.select(queries.load("linked/out"), {"s": subject}).rows:
        out[(row["p"].value, row["o"])].append(row["g"].value)
    desc.statements = [Statement(iri, p, o, tuple(gs)) for (p, o), gs in out.items()]
    desc.incoming = _incoming(store, subject, page_property, page, page_size)
    registered = kinds.get(kind)
    for related in registered.related if registered is not None else ():
        desc.related[related.key] = store.select(related.text(), {"s": subject}).rows
        desc.row_subjects[related.key] = related.subjects
    return desc


def _incoming(
    store: Store, subject: ox.NamedNode, only: str | None, page: int, page_size: int
) -> list[IncomingGroup]:
    counts = {
        row["p"].value: int(row["n"].value)
        for row in store.select(queries.load("linked/in_counts"), {"s": subject}).rows
    }
    if only is not None:
        counts = {p: n for p, n in counts.items() if p == only}
        if not counts or page < 1 or (page - 1) * page_size >= counts[only]:
            raise NotFound("no such page of incoming links")
    else:
        page = 1
    groups: list[IncomingGroup] = []
    if only is None and all(n <= page_size for n in counts.values()):
        # The common case: one query fetches every incoming link.
        items: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
        for row in store.select(queries.load("linked/in_all"), {"s": subject}).rows:
            items[row["p"].value].append((row["x"].value, tuple(row["graphs"].value.split())))
        return [
            IncomingGroup(p, counts.get(p, len(v)), 1, page_size, tuple(v))
            for p, v in sorted(items.items())
        ]
    text = (
        queries.load("linked/in_page")
        .replace("{limit}", str(int(page_size)))
        .replace("{offset}", str(int((page - 1) * page_size)))
    )
    for predicate, total in sorted(counts.items()):
        rows = store.select(text, {"s": subject, "p": ox.NamedNode(predicate)}).rows
        groups.append(
            IncomingGroup(
                predicate,
                total,
                page,
                page_size,
                tuple((r["x"].value, tuple(r["graphs"].value.split())) for r in rows),
            )
        )
    return groups


def _document(store: Store, iri: str, kind: str, base: str) -> Description:
    """The ontology or the shapes: the whole named graph, whatever path version was asked."""
    graph = (
        project_files.ontology_graph(base)
        if kind == "ontology"
        else project_files.shapes_graph(base)
    )
    rows = store.select(queries.load("linked/graph"), {"g": ox.NamedNode(graph)}).rows
    if not rows:
        raise NotFound(f"no {kind} graph in the store")
    desc = Description(iri, kind)
    desc.document = [
        ox.Quad(r["s"], r["p"], r["o"], r["g"])  # type: ignore[arg-type]
        for r in rows
    ]
    return desc
