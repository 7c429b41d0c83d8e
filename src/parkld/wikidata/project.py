"""What parkld already says: parks, places and their Wikidata links, read from Turtle files.

The files are loaded into an in-memory Oxigraph store and asked with SPARQL, so the same code
reads the project's ``data/`` and a curator's ``--input parks.ttl``.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from parkld import graphs, project_files, queries
from parkld.wikidata.terms import qid_of


def solutions(
    store: ox.Store, query: str, substitutions: Mapping[ox.Variable, ox.NamedNode] | None = None
) -> list[ox.QuerySolution]:
    """Rows of a SELECT over the union of all graphs (``GRAPH ?g`` still reaches each one)."""
    result = store.query(
        query, use_default_graph_as_union=True, substitutions=dict(substitutions or {})
    )
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError("expected a SELECT query")
    return list(result)


@dataclass
class Park:
    """A parkld park with what the linker, the differ and the exporter need."""

    iri: str
    qid: str | None = None
    names: set[tuple[str, str]] = field(default_factory=set)  # (text, language)
    labels: set[tuple[str, str]] = field(default_factory=set)  # rdfs:label only
    lat: float | None = None
    lon: float | None = None
    country: str | None = None  # parkld IRI of the country
    country_qid: str | None = None
    country_names: set[str] = field(default_factory=set)
    founding: set[str] = field(default_factory=set)  # years or dates, lexical
    websites: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        """A name to show a person (English first), or the IRI."""
        ordered = sorted(self.names, key=lambda n: (n[1] != "en", n[1], n[0]))
        return ordered[0][0] if ordered else self.iri


@dataclass
class Project:
    """An in-memory view of some parkld Turtle files."""

    store: ox.Store
    files: list[Path]
    #: Subjects only claim tables state. By the tables' convention (data/README.md) a row
    #: names a registry park or a country by the registry's own slug, so such a subject is the
    #: registry's resource, not a different one whose slug a new import must avoid.
    table_only: frozenset[str] = frozenset()

    def links(self) -> dict[str, str]:
        """QID → parkld IRI for every resource that carries ``pld:wikidata``."""
        found: dict[str, str] = {}
        for row in solutions(self.store, queries.load("wikidata/project_links")):
            qid = qid_of(str(row["wd"].value)) if row["wd"] is not None else None
            if qid is not None and row["s"] is not None:
                # Two resources with one QID would be a data error; keep the first by IRI.
                iri = str(row["s"].value)
                found[qid] = min(iri, found.get(qid, iri))
        return found

    def subjects(self) -> set[str]:
        """Every IRI used as a subject (to keep new slugs from colliding with them), but those
        only claim tables state (:attr:`table_only`)."""
        rows = solutions(self.store, queries.load("wikidata/project_subjects"))
        return {str(r["s"].value) for r in rows if r["s"] is not None} - self.table_only

    def labels(self, iri: str) -> dict[str, set[str]]:
        """``rdfs:label`` values of *iri*, by language."""
        out: dict[str, set[str]] = defaultdict(set)
        for row in solutions(
            self.store,
            queries.load("wikidata/project_labels"),
            {ox.Variable("s"): ox.NamedNode(iri)},
        ):
            value = row["l"]
            if isinstance(value, ox.Literal):
                out[value.language or ""].add(value.value)
        return out

    def has(self, iri: str, predicate: str) -> bool:
        """True when *iri* has at least one value for *predicate*."""
        return bool(
            solutions(
                self.store,
                queries.load("wikidata/project_has"),
                {ox.Variable("s"): ox.NamedNode(iri), ox.Variable("p"): ox.NamedNode(predicate)},
            )
        )

    def parks(self) -> list[Park]:
        """Every named park, with names, coordinates, country, founding and website."""
        parks: dict[str, Park] = {}
        for row in solutions(self.store, queries.load("wikidata/project_parks")):
            iri = row["park"]
            if not isinstance(iri, ox.NamedNode):
                continue
            park = parks.setdefault(iri.value, Park(iri.value))
            _fill(park, row)
        return sorted(parks.values(), key=lambda p: p.iri)


def _fill(park: Park, row: ox.QuerySolution) -> None:
    wd, name, lat, lon = row["wd"], row["name"], row["lat"], row["long"]
    if isinstance(wd, ox.NamedNode):
        park.qid = park.qid or qid_of(wd.value)
    if isinstance(name, ox.Literal):
        park.names.add((name.value, name.language or ""))
        if row["isLabel"] is not None:
            park.labels.add((name.value, name.language or ""))
    if isinstance(lat, ox.Literal) and isinstance(lon, ox.Literal) and park.lat is None:
        with contextlib.suppress(ValueError):  # a bad literal is the shapes' business
            park.lat, park.lon = float(lat.value), float(lon.value)
    country, cwd, cname = row["country"], row["countryWd"], row["countryName"]
    if isinstance(country, ox.NamedNode):
        park.country = park.country or country.value
    if isinstance(cwd, ox.NamedNode):
        park.country_qid = park.country_qid or qid_of(cwd.value)
    if isinstance(cname, ox.Literal):
        park.country_names.add(cname.value)
    for var in ("year", "date"):
        value = row[var]
        if isinstance(value, ox.Literal):
            park.founding.add(value.value)
    web = row["web"]
    if isinstance(web, ox.NamedNode | ox.Literal):
        park.websites.add(web.value)


def load(files: Sequence[Path]) -> Project:
    """Parse *files* (Turtle, TriG…, and claim tables ``*.csv``, compiled against the RDF
    files given with them) into one in-memory store; DataError on bad syntax."""
    store = ox.Store()
    rdf = [
        graphs.parse_file(graphs.SourceFile(path, project_files.source_graph(path.stem), "data"))
        for path in files
        if path.suffix.lower() != ".csv"
    ]
    for loaded in rdf:
        store.extend(loaded.quads)
    tables = [path for path in files if path.suffix.lower() == ".csv"]
    if tables:
        from parkld import claims

        # A table's rows name parks of the project's Turtle data by slug: resolve them there
        # too (without loading those files: only the given files are the input).
        given = {f.source.path.resolve() for f in rdf}
        context = rdf + [
            graphs.parse_file(s)
            for s in graphs.discover(with_project=True)
            if s.role == "data" and s.path.resolve() not in given
        ]
        known = claims.known_from((str(f.source.path), f.source.graph, f.quads) for f in context)
        in_rdf = {
            q.subject.value for f in rdf for q in f.quads if isinstance(q.subject, ox.NamedNode)
        }
        in_tables: set[str] = set()
        for quads in claims.compile_tables(tables, known).graphs.values():
            store.extend(quads)
            in_tables |= {q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)}
        return Project(store, list(files), frozenset(in_tables - in_rdf))
    return Project(store, list(files))


def project_data_files(exclude: Sequence[Path] = ()) -> list[Path]:
    """The project's ``data/`` files, without *exclude* (the file being regenerated)."""
    skip = {p.resolve() for p in exclude}
    return [
        s.path
        for s in graphs.discover(with_project=True)
        if s.role in ("data", "claims") and s.path.resolve() not in skip
    ]


def with_ontology(files: Sequence[Path]) -> list[Path]:
    """*files* plus the ontology, so ``rdfs:subClassOf* pld:Park`` finds SciencePark etc."""
    onto = [s.path for s in graphs.discover(with_project=True) if s.role == "ontology"]
    return [*onto, *files]
