"""The label index: every resource's names and types, and which source each graph holds.

Built from three queries per store generation and kept in memory. Every page needs labels for
the things it links to; looking them up here instead of one query per link keeps a page at a
handful of queries. Label search scans the same index (see :mod:`parkld.linked.search`).
Measured on the shipped graph: built in a few milliseconds; a 100k-triple graph with ~20k
labels takes well under a second and a few MB.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from parkld import queries
from parkld.store import Store

#: Namespace prefixes used to shorten IRIs that have no label (and in Turtle output).
PREFIXES: dict[str, str] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "wgs84": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "time": "http://www.w3.org/2006/time#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "sh": "http://www.w3.org/ns/shacl#",
    "vann": "http://purl.org/vocab/vann/",
    "wd": "http://www.wikidata.org/entity/",
}


def project_prefixes(base: str) -> dict[str, str]:
    """The standard prefixes plus parkld's own under *base*."""
    return {"pld": base + "ontology#", "plds": base + "shapes#", **PREFIXES}


def normalise(text: str) -> str:
    """Text folded for matching: accents dropped, case folded, punctuation to spaces.

    NFKD splits "é" into "e" + a combining accent, which is then dropped; CJK characters
    count as letters and survive, so 成都 still matches 成都高新区.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = kept.casefold()
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
                short = f"{prefix}:{iri[len(ns):]}"
        if best:
            return short
        if iri.startswith(self.base):
            return iri[len(self.base):]
        return iri

    def sources_of(self, graph: str) -> list[SourceInfo]:
        """The source documents of a named graph (empty for the ontology and shapes)."""
        return self.graph_sources.get(graph, [])

    def entities(self) -> list[str]:
        """Every typed resource under the base, sorted (sitemap, export, statistics)."""
        return sorted(iri for iri in self.types if iri.startswith(self.base))


def build_index(store: Store, base: str) -> Index:
    """Read names, types and graph sources from *store* into an :class:`Index`."""
    index = Index(base)
    names: dict[str, list[Name]] = defaultdict(list)
    for row in store.select(queries.load("linked_labels")).rows:
        label = row["label"]
        if not isinstance(label, ox.Literal):
            continue
        name = Name(label.value, label.language or "", row["kind"].value == "display")
        names[row["s"].value].append(name)
        index.search_entries.append((normalise(name.text), row["s"].value, name))
    index.names = dict(names)
    types: dict[str, set[str]] = defaultdict(set)
    for row in store.select(queries.load("linked_types")).rows:
        types[row["s"].value].add(row["type"].value)
    index.types = dict(types)
    sources: dict[str, list[SourceInfo]] = defaultdict(list)
    for row in store.select(queries.load("linked_graph_sources")).rows:
        url = row.get("url")
        issued = row.get("issued")
        sources[row["g"].value].append(SourceInfo(
            row["source"].value, url.value if url is not None else None,
            issued.value if issued is not None else None))
    index.graph_sources = dict(sources)
    return index
