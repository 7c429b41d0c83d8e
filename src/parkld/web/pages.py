"""What HTML pages need beyond the description: labels, links, sources numbered, rows grouped.

Templates get a :class:`PageView` and call its methods; every string they print goes through
Jinja's autoescaping, so a label holding markup is shown as text.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox

from parkld.asof.held import Held
from parkld.kinds import KINDS, Kind, Kinds
from parkld.linked.describe import Description, Statement
from parkld.linked.index import Index, SourceInfo
from parkld.linked.iris import local_path
from parkld.namespaces import DCT, OWL, RDF_TYPE, RDFS_LABEL, SH, SKOS
from parkld.store import Term
from parkld.web.safety import link_target

SKOS_PREF = SKOS + "prefLabel"

#: Agreement properties whose values are compared source by source.
CLAIMS = ("date", "yearMonth", "year", "place", "atEvent", "adoptedAt", "party")


@dataclass
class Membership:
    """One membership row, roles gathered."""

    iri: str
    other: str
    roles: list[str]
    start: str | None
    end: str | None
    event: str | None
    graphs: list[str]


@dataclass
class Evidence:
    """A passage of a source supporting one claim, as a page shows it."""

    iri: str
    quote: str
    lang: str
    url: str | None
    retrieved: str | None
    source: str | None
    note: str | None
    graphs: list[str]


class PageView:
    """The description of one resource, shaped for its HTML page."""

    def __init__(
        self, desc: Description, index: Index, as_of: Held | None = None, kinds: Kinds = KINDS
    ) -> None:
        self.desc = desc
        #: The registry row of the resource's kind (its facts, whether it has a report…).
        self.kind = kinds.get(desc.kind) or Kind(desc.kind, desc.kind)
        self.index = index
        #: What held on the page's ``asOf`` day (the description is already cut to it).
        self.as_of = as_of
        self.base = index.base
        self.pld = self.base + "ontology#"
        # Sources numbered in order of first use, for [n] marks beside statements.
        self.source_numbers: dict[str, int] = {}
        for g in desc.graphs():
            for s in index.sources_of(g):
                self.source_numbers.setdefault(s.iri, len(self.source_numbers) + 1)

    # -- words and links -------------------------------------------------------------------
    def label(self, iri: str) -> str:
        """The name to show for *iri*."""
        return self.index.label(iri)

    def href(self, iri: str) -> str:
        """Where a link to *iri* goes: this host for our IRIs, the IRI itself otherwise.

        As of a day, local links keep ``?asOf=`` so a reader walks the graph on that day.
        """
        path = local_path(iri, self.base)
        if path is None:
            # Only http(s) is linked: a ``javascript:`` IRI in the data must not become a
            # link that runs it (it links nowhere instead).
            return link_target(iri) or "#"
        if self.as_of is None:
            return path
        path, hash_, fragment = path.partition("#")
        return f"{path}?asOf={self.as_of.day.isoformat()}{hash_}{fragment}"

    def page_link(self, path: str, predicate: str, page: int) -> str:
        """One page of one property's incoming links (keeping ``asOf``)."""
        params: dict[str, str | int] = {"in": predicate, "page": page}
        if self.as_of is not None:
            params["asOf"] = self.as_of.day.isoformat()
        return f"{path}?{urlencode(params)}"

    # -- as of a day -----------------------------------------------------------------------
    @property
    def notice(self) -> str | None:
        """Why this resource itself is not part of the chosen day, or None."""
        return self.as_of.notice(self.desc.iri) if self.as_of is not None else None

    def status_now(self) -> tuple[str, str] | None:
        """(status IRI, since) of this organisation on the chosen day, or None."""
        if self.as_of is None:
            return None
        record = self.as_of.status.get(self.desc.iri)
        if record is None:
            return None
        since = record.on or record.start
        return record.status, since.isoformat() if since else ""

    def is_iri(self, term: Term) -> bool:
        """Whether *term* is a NamedNode (a link) rather than a literal or blank node."""
        return isinstance(term, ox.NamedNode)

    def lang(self, term: Term) -> str:
        """A literal's language tag, or ``""``."""
        return term.language or "" if isinstance(term, ox.Literal) else ""

    def datatype(self, term: Term) -> str:
        """A non-string literal's datatype, shortened (``xsd:date``), or ``""``."""
        if isinstance(term, ox.Literal) and term.language is None:
            dt = term.datatype.value
            if not dt.endswith("#string"):
                return self.index.short(dt)
        return ""

    @property
    def title(self) -> str:
        """The page heading."""
        return self.label(self.desc.iri)

    @property
    def types(self) -> list[str]:
        """The resource's classes, by label."""
        return sorted(self.index.types.get(self.desc.iri, ()), key=self.label)

    # -- sources ---------------------------------------------------------------------------
    def sources(self) -> list[tuple[int, SourceInfo]]:
        """The numbered source documents this page draws on."""
        infos = {s.iri: s for g in self.desc.graphs() for s in self.index.sources_of(g)}
        return sorted(
            ((n, infos[iri]) for iri, n in self.source_numbers.items()), key=lambda item: item[0]
        )

    def marks(self, graphs: list[str] | tuple[str, ...]) -> list[tuple[int, str]]:
        """``[(n, source IRI)]`` for the graphs a statement comes from (ontology: none)."""
        found = {
            (self.source_numbers[s.iri], s.iri)
            for g in graphs
            for s in self.index.sources_of(g)
            if s.iri in self.source_numbers
        }
        return sorted(found)

    def graph_note(self, graphs: list[str] | tuple[str, ...]) -> list[str]:
        """Graphs without a source document (ontology, shapes), shortened for display."""
        return [self.index.short(g) for g in graphs if not self.index.sources_of(g)]

    # -- statements ------------------------------------------------------------------------
    def prop(self, name: str) -> str:
        """A key fact's property (a kind's ``facts`` entry) as a full IRI."""
        return name if ":" in name else self.pld + name

    def facts(self) -> list[tuple[str, list[Statement]]]:
        """The key facts of this kind of page: (property, statements) for those present."""
        out = []
        for name in self.kind.facts:
            iri = self.prop(name)
            found = [st for st in self.desc.statements if st.predicate == iri]
            if found:
                out.append((iri, found))
        return out

    def names(self) -> list[Statement]:
        """Every name in every language (rdfs:label, skos:prefLabel), sorted by language."""
        return sorted(
            (st for st in self.desc.statements if st.predicate in (RDFS_LABEL.value, SKOS_PREF)),
            key=lambda st: (self.lang(st.object), st.object.value),
        )

    def grouped(self) -> list[tuple[str, list[Statement]]]:
        """All statements grouped by property, type first, then by property label."""
        groups: dict[str, list[Statement]] = defaultdict(list)
        for st in self.desc.statements:
            groups[st.predicate].append(st)
        return sorted(groups.items(), key=lambda kv: (kv[0] != RDF_TYPE.value, self.label(kv[0])))

    def claims(self) -> tuple[list[SourceInfo], list[tuple[str, list[list[Term]]]]]:
        """Agreement claims side by side: the sources, and per property each source's values."""
        sources = [info for _, info in self.sources()]
        rows = []
        for name in CLAIMS:
            iri = self.prop(name)
            cells: list[list[Term]] = []
            for info in sources:
                cells.append(
                    [
                        st.object
                        for st in self.desc.statements
                        if st.predicate == iri
                        and any(
                            s.iri == info.iri for g in st.graphs for s in self.index.sources_of(g)
                        )
                    ]
                )
            if any(cells):
                rows.append((iri, cells))
        return sources, rows

    # -- related rows ----------------------------------------------------------------------
    def memberships(self, key: str) -> list[Membership]:
        """Rows of ``memberships`` (where this is the member) or ``members`` (its members)."""
        merged: dict[str, Membership] = {}
        for row in self.desc.related.get(key, []):
            m = row["m"].value
            item = merged.setdefault(
                m,
                Membership(
                    m,
                    row["other"].value,
                    [],
                    _value(row, "start"),
                    _value(row, "end"),
                    _value(row, "event"),
                    [],
                ),
            )
            if "role" in row and row["role"].value not in item.roles:
                item.roles.append(row["role"].value)
            if row["g"].value not in item.graphs:
                item.graphs.append(row["g"].value)
        return sorted(merged.values(), key=lambda m: self.label(m.other))

    def people(self) -> list[Membership]:
        """Members that are persons (a park's chief executive…)."""
        person = self.pld + "Person"
        return [
            m for m in self.memberships("members") if person in self.index.types.get(m.other, ())
        ]

    def organisations_members(self) -> list[Membership]:
        """Members that are not persons (an alliance's parks)."""
        person = self.pld + "Person"
        return [
            m
            for m in self.memberships("members")
            if person not in self.index.types.get(m.other, ())
        ]

    def rows(self, key: str, by: str) -> list[dict[str, Any]]:
        """Rows of a related query merged per *by* (the row's resource), as plain values.

        OPTIONAL patterns and several graphs multiply rows; one row per resource remains, with
        its first value of each variable and every graph in ``graphs``.
        """
        merged: dict[str, dict[str, Any]] = {}
        for row in self.desc.related.get(key, []):
            item = merged.setdefault(row[by].value, {"graphs": []})
            for name, term in row.items():
                item.setdefault(name, term.value)
            if "g" in row and row["g"].value not in item["graphs"]:
                item["graphs"].append(row["g"].value)
        return list(merged.values())

    def evidence(self, claim: str) -> list[Evidence]:
        """The passages supporting *claim* (this resource or one of its related claims)."""
        found: dict[str, Evidence] = {}
        for row in self.desc.related.get("evidence", []):
            if row["claim"].value != claim:
                continue
            quote = row["quote"]
            lang = (
                (quote.language if isinstance(quote, ox.Literal) else None)
                or _value(row, "lang")
                or ""
            )
            item = found.setdefault(
                row["ev"].value,
                Evidence(
                    row["ev"].value,
                    quote.value,
                    lang,
                    _value(row, "url"),
                    _value(row, "retrieved"),
                    _value(row, "source"),
                    _value(row, "note"),
                    [],
                ),
            )
            if row["g"].value not in item.graphs:
                item.graphs.append(row["g"].value)
        return list(found.values())

    def validation(self) -> tuple[str | None, bool, list[dict[str, str]]]:
        """For a report page: the resource it is about, whether it conforms, and its results
        (severity, path, value, message, shape), violations first."""
        about, conforms = None, True
        results: dict[str, dict[str, str]] = defaultdict(dict)
        for q in self.desc.document:
            if isinstance(q.subject, ox.Triple) or isinstance(q.object, ox.Triple):
                continue
            s, p, o = q.subject.value, q.predicate.value, q.object
            if s == self.desc.iri:
                if p == DCT + "subject":
                    about = o.value
                elif p == SH + "conforms":
                    conforms = o.value == "true"
            elif p.startswith(SH):
                results[s][p[len(SH) :]] = o.value
        order = {"Violation": 0, "Warning": 1, "Info": 2}
        rows = sorted(
            results.values(),
            key=lambda r: (
                order.get(r.get("resultSeverity", "").rsplit("#", 1)[-1], 3),
                r.get("resultPath", ""),
                r.get("resultMessage", ""),
            ),
        )
        for r in rows:
            r["severity"] = r.get("resultSeverity", SH + "Violation").rsplit("#", 1)[-1]
        return about, conforms, rows

    def source_graphs(self) -> dict[str, list[str]]:
        """For a source page: each graph taken from it and what the graph describes."""
        out: dict[str, list[str]] = defaultdict(list)
        for row in self.desc.related.get("graphs", []):
            out[row["g"].value].append(row["x"].value)
        return dict(out)


def _value(row: dict[str, Term], key: str) -> str | None:
    term = row.get(key)
    return term.value if term is not None else None


DOC_SECTIONS = (
    ("Classes", OWL + "Class"),
    ("Object properties", OWL + "ObjectProperty"),
    ("Datatype properties", OWL + "DatatypeProperty"),
    ("Concept schemes", SKOS + "ConceptScheme"),
    ("Concepts", SKOS + "Concept"),
    ("Node shapes", SH + "NodeShape"),
    ("Property shapes", SH + "PropertyShape"),
)


@dataclass
class DocTerm:
    """One documented term of the ontology or the shapes."""

    iri: str
    anchor: str
    #: (property, value, the value's own statements when it is a blank node: a property
    #: shape, an OWL restriction, an RDF list cell…)
    facts: list[tuple[str, Term, list[tuple[str, Term]]]]


def document_sections(view: PageView) -> list[tuple[str, list[DocTerm]]]:
    """The ontology/shapes page: terms by kind, each with its statements (label, comment…)."""
    by_subject: dict[str, list[tuple[str, Term]]] = defaultdict(list)
    blanks: dict[str, list[tuple[str, Term]]] = defaultdict(list)
    types: dict[str, set[str]] = defaultdict(set)
    for q in view.desc.document:
        pair = (q.predicate.value, q.object)
        if isinstance(q.subject, ox.BlankNode):
            blanks[q.subject.value].append(pair)  # type: ignore[arg-type]
            continue
        if not isinstance(q.subject, ox.NamedNode):
            continue
        by_subject[q.subject.value].append(pair)  # type: ignore[arg-type]
        if q.predicate == RDF_TYPE and isinstance(q.object, ox.NamedNode):
            types[q.subject.value].add(q.object.value)

    def facts(iri: str) -> list[tuple[str, Term, list[tuple[str, Term]]]]:
        rows = sorted(by_subject[iri], key=lambda f: (f[0] != RDF_TYPE.value, f[0]))
        return [
            (p, o, sorted(blanks.get(o.value, [])) if isinstance(o, ox.BlankNode) else [])
            for p, o in rows
        ]

    sections = []
    for title, cls in DOC_SECTIONS:
        terms = [
            DocTerm(
                iri, iri.rsplit("#", 1)[-1] if "#" in iri else iri.rsplit("/", 1)[-1], facts(iri)
            )
            for iri in sorted(by_subject, key=view.label)
            if cls in types[iri]
        ]
        if terms:
            sections.append((title, terms))
    return sections
