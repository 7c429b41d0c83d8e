"""The label index: every resource's names and types, and which source each graph holds.

Every page needs labels for the things it links to: :func:`index_for` fetches them for one
page in three queries with the page's resources bound as values (a few milliseconds at any
size). Label search, the landing page, VoID and the sitemap need the whole dataset's:
:func:`build_index` reads it in three queries per store generation, kept in memory — a few
milliseconds on the shipped graph, ~10 s and ~150k names at a million triples, which is why
pages no longer use it (the first page of each web worker used to wait for it).
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from parkld import queries
from parkld.namespaces import PREFIXES
from parkld.store import Store, Term


def project_prefixes(base: str) -> dict[str, str]:
    """The standard prefixes (:data:`parkld.namespaces.PREFIXES`) plus parkld's own under *base*."""
    return {"pld": base + "ontology#", "plds": base + "shapes#", **PREFIXES}


_APOSTROPHES = frozenset("'\u2019\u02bc")


def normalise(text: str) -> str:
    """Text folded for matching: accents dropped, case folded, punctuation to spaces.

    NFKD splits "é" into "e" + a combining accent, which is then dropped; CJK characters
    count as letters and survive, so 成都 still matches 成都高新区.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    # An apostrophe joins (Xi'an is one word, "xian"); other punctuation separates.
    folded = "".join(c for c in kept.casefold() if c not in _APOSTROPHES)
    cleaned = "".join(c if c.isalnum() else " " for c in folded)
    return " ".join(cleaned.split())


@dataclass(frozen=True)
class Name:
    """One name of a resource."""

    text: str
    lang: str  # "" when untagged
    display: bool  # rdfs:label / skos:prefLabel (shown) vs alternative names (searched)


@dataclass(frozen=True)
class SourceInfo:
    """A source document as pages show it."""

    iri: str
    url: str | None
    issued: str | None


@dataclass
class Index:
    """Names, types and graph sources of the whole dataset, for one store generation."""

    base: str
    names: dict[str, list[Name]] = field(default_factory=dict)
    types: dict[str, set[str]] = field(default_factory=dict)
    graph_sources: dict[str, list[SourceInfo]] = field(default_factory=dict)
    #: (normalised text, iri, name) for search.
    search_entries: list[tuple[str, str, Name]] = field(default_factory=list)

    def label(self, iri: str, lang: str = "en") -> str:
        """The name to show for *iri*: in *lang* if there is one, then English, then any."""
        names = [n for n in self.names.get(iri, ()) if n.display]
        for wanted in (lang, "en", ""):
            for n in names:
                if n.lang == wanted or n.lang.startswith(wanted + "-"):
                    return n.text
        if names:
            return sorted(names, key=lambda n: n.lang)[0].text
        return self.short(iri)

    def has_label(self, iri: str) -> bool:
        """Whether *iri* has a display name (not just a shortened IRI)."""
        return any(n.display for n in self.names.get(iri, ()))

    def short(self, iri: str) -> str:
        """A prefixed name (``org:member``) or the IRI's last segment, for unlabelled IRIs."""
        best = ""
        for prefix, ns in project_prefixes(self.base).items():
            if iri.startswith(ns) and len(ns) > len(best):
                best = ns
                short = f"{prefix}:{iri[len(ns) :]}"
        if best:
            return short
        if iri.startswith(self.base):
            return iri[len(self.base) :]
        return iri

    def sources_of(self, graph: str) -> list[SourceInfo]:
        """The source documents of a named graph (empty for the ontology and shapes)."""
        return self.graph_sources.get(graph, [])

    def entities(self) -> list[str]:
        """Every typed resource under the base, sorted (sitemap, export, statistics)."""
        return sorted(iri for iri in self.types if iri.startswith(self.base))


def build_index(store: Store, base: str) -> Index:
    """Read names, types and graph sources of the whole dataset into an :class:`Index`.

    For label search, the landing page, VoID and the sitemap. Pages use :func:`index_for`:
    at a million triples this takes seconds (~150k names), that a few milliseconds.
    """
    index = Index(base)
    _add_names(index, store.select(queries.load("linked/labels")).rows)
    index.search_entries = [
        (normalise(name.text), iri, name) for iri, names in index.names.items() for name in names
    ]
    _add_types(index, store.select(queries.load("linked/types")).rows)
    _add_sources(index, store.select(queries.load("linked/graph_sources")).rows)
    return index


def class_counts(store: Store) -> dict[str, int]:
    """Resources per class IRI, counting instances of subclasses (rdfs:subClassOf*) too."""
    return {
        row["class"].value: int(row["n"].value)
        for row in store.select(queries.load("linked/class_counts")).rows
    }


def index_for(store: Store, base: str, iris: Iterable[str], graphs: Iterable[str]) -> Index:
    """An :class:`Index` of just *iris* (with the sources of *graphs* and their names).

    What one page needs: its subject and what it links to. Three small queries, each with the
    resources bound as values, so the cost follows the page, not the dataset.
    """
    index = Index(base)
    _add_sources(
        index,
        store.select_each(
            queries.load("linked/graph_sources_of"), "g", [ox.NamedNode(g) for g in graphs]
        ).rows,
    )
    wanted = [ox.NamedNode(iri) for iri in iris]
    wanted += [ox.NamedNode(s.iri) for ss in index.graph_sources.values() for s in ss]
    _add_names(index, store.select_each(queries.load("linked/labels_of"), "s", wanted).rows)
    _add_types(index, store.select_each(queries.load("linked/types_of"), "s", wanted).rows)
    return index


def _add_names(index: Index, rows: Iterable[Mapping[str, Term]]) -> None:
    names: dict[str, list[Name]] = defaultdict(list)
    for row in rows:
        label = row["label"]
        if isinstance(label, ox.Literal) and isinstance(row["s"], ox.NamedNode):
            names[row["s"].value].append(
                Name(label.value, label.language or "", row["kind"].value == "display")
            )
    index.names = dict(names)


def _add_types(index: Index, rows: Iterable[Mapping[str, Term]]) -> None:
    types: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        types[row["s"].value].add(row["type"].value)
    index.types = dict(types)


def _add_sources(index: Index, rows: Iterable[Mapping[str, Term]]) -> None:
    sources: dict[str, list[SourceInfo]] = defaultdict(list)
    for row in rows:
        url = row.get("url")
        issued = row.get("issued")
        sources[row["g"].value].append(
            SourceInfo(
                row["source"].value,
                url.value if url is not None else None,
                issued.value if issued is not None else None,
            )
        )
    index.graph_sources = dict(sources)
