"""The dataset description: VoID and DCAT in one graph, served at ``/.well-known/void``.

Counts come from the store at the current generation; titles, licence and links are fixed by
the URI policy (see docs/linked-data.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pyoxigraph as ox

from parkld import __version__, mediatypes, project_files, queries
from parkld.linked.index import Index, project_prefixes
from parkld.mediatypes import Format
from parkld.namespaces import DCAT, DCT, FOAF, OWL, PROV, RDF_TYPE, VCARD, VOID, WD, XSD
from parkld.store import Store

XSD_INTEGER = ox.NamedNode(XSD + "integer")
XSD_DATE = ox.NamedNode(XSD + "date")
XSD_NON_NEGATIVE = ox.NamedNode(XSD + "nonNegativeInteger")
KEYWORDS = (
    "technology parks",
    "science parks",
    "high-tech zones",
    "alliances",
    "agreements",
    "linked data",
)
DEFAULT_LICENCE = "https://creativecommons.org/licenses/by/4.0/"
EXAMPLES = (
    "park/sophia-antipolis",
    "park/chengdu-hi-tech-zone",
    "alliance/first-class-hi-tech-parks-confederation",
    "agreement/sophia-antipolis-chengdu-sister-parks-2016",
)


@dataclass(frozen=True)
class Dump:
    """One downloadable file of the whole dataset."""

    name: str  # file name under /dumps/
    format: Format
    gzip: bool = False

    @property
    def media_type(self) -> str:
        """What the file is (DCAT mediaType); gzip is its compression (DCAT compressFormat)."""
        return self.format.media_type


DUMPS: tuple[Dump, ...] = (
    Dump("parkld.trig", mediatypes.TRIG),
    Dump("parkld.nq.gz", mediatypes.NQUADS, gzip=True),
    Dump("parkld.jsonld", mediatypes.JSONLD),
)


def dataset_iri(base: str) -> str:
    """The IRI of the dataset itself."""
    return base + "dataset"


def void_triples(
    store: Store,
    index: Index,
    *,
    endpoint: str | None = None,
    sizes: dict[str, int] | None = None,
    modified: dt.date | None = None,
) -> list[ox.Triple]:
    """The VoID + DCAT description of the dataset.

    *endpoint* is the SPARQL endpoint to name (the one the service description of the
    answering server names; default ``<base>sparql``), *sizes* the dumps' byte sizes and
    *modified* the day the data last changed (the build).
    """
    base = index.base
    ds = ox.NamedNode(dataset_iri(base))
    triples: list[ox.Triple] = []

    def add(
        s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal
    ) -> None:
        triples.append(ox.Triple(s, ox.NamedNode(p), o))

    def count(n: int) -> ox.Literal:
        return ox.Literal(str(n), datatype=XSD_INTEGER)

    add(ds, RDF_TYPE.value, ox.NamedNode(VOID + "Dataset"))
    add(ds, RDF_TYPE.value, ox.NamedNode(DCAT + "Dataset"))
    add(
        ds,
        DCT + "title",
        ox.Literal("parkld: technology parks, alliances and agreements", language="en"),
    )
    add(
        ds,
        DCT + "description",
        ox.Literal(
            "An open linked-data knowledge graph of technology parks, the alliances they form and "
            "the agreements they sign; every statement names the source document it comes from.",
            language="en",
        ),
    )
    add(ds, DCT + "license", ox.NamedNode(licence(store, base)))
    publisher = ox.BlankNode("publisher")
    add(ds, DCT + "publisher", publisher)
    add(publisher, RDF_TYPE.value, ox.NamedNode(FOAF + "Organization"))
    add(publisher, FOAF + "name", ox.Literal("parkld contributors"))
    add(ds, FOAF + "homepage", ox.NamedNode(base))
    add(ds, DCAT + "landingPage", ox.NamedNode(base))
    for word in KEYWORDS:
        add(ds, DCAT + "keyword", ox.Literal(word, language="en"))
    contact = ox.BlankNode("contact")
    add(ds, DCAT + "contactPoint", contact)
    add(contact, RDF_TYPE.value, ox.NamedNode(VCARD + "Kind"))
    add(contact, VCARD + "fn", ox.Literal("parkld contributors"))
    add(contact, VCARD + "hasURL", ox.NamedNode(base))
    day = ox.Literal(modified.isoformat(), datatype=XSD_DATE) if modified else None
    if day is not None:
        add(ds, DCT + "modified", day)
    add(ds, OWL + "versionInfo", ox.Literal(__version__))
    add(ds, VOID + "uriSpace", ox.Literal(base))
    add(ds, VOID + "sparqlEndpoint", ox.NamedNode(endpoint or base + "sparql"))
    service = ox.NamedNode(endpoint or base + "sparql")
    add(ds, DCAT + "accessService", service)
    add(service, RDF_TYPE.value, ox.NamedNode(DCAT + "DataService"))
    add(service, DCAT + "endpointURL", service)
    add(ds, VOID + "rootResource", ox.NamedNode(base))
    for dump in DUMPS:
        url = ox.NamedNode(f"{base}dumps/{dump.name}")
        add(ds, VOID + "dataDump", url)
        dist = ox.NamedNode(f"{base}dumps/{dump.name}#distribution")
        add(ds, DCAT + "distribution", dist)
        add(dist, RDF_TYPE.value, ox.NamedNode(DCAT + "Distribution"))
        add(dist, DCAT + "downloadURL", url)
        add(
            dist,
            DCAT + "mediaType",
            ox.NamedNode(f"https://www.iana.org/assignments/media-types/{dump.media_type}"),
        )
        if dump.gzip:
            add(
                dist,
                DCAT + "compressFormat",
                ox.NamedNode("https://www.iana.org/assignments/media-types/application/gzip"),
            )
        if sizes and dump.name in sizes:
            add(
                dist,
                DCAT + "byteSize",
                ox.Literal(str(sizes[dump.name]), datatype=XSD_NON_NEGATIVE),
            )
        if day is not None:  # a dump is made, so issued, by the build that changed the data
            add(dist, DCT + "issued", day)
            add(dist, DCT + "modified", day)
        add(dist, DCT + "license", ox.NamedNode(licence(store, base)))
    for path in EXAMPLES:
        if base + path in index.types:
            add(ds, VOID + "exampleResource", ox.NamedNode(base + path))
    add(ds, VOID + "vocabulary", ox.NamedNode(project_files.ontology_graph(base) + "#"))
    add(ds, VOID + "triples", count(store.triple_count()))
    add(ds, VOID + "entities", count(len(index.entities())))
    _partitions(store, index, ds, add, count)
    _linkset(store, base, ds, add, count)
    return triples


def licence(store: Store, base: str) -> str:
    """The dataset's licence IRI: the ontology's ``dct:license``, else CC BY 4.0."""
    rows = store.select(
        queries.load("linked/licence"), {"s": ox.NamedNode(project_files.ontology_graph(base))}
    ).rows
    return rows[0]["licence"].value if rows else DEFAULT_LICENCE


def _partitions(store: Store, index: Index, ds: ox.NamedNode, add, count) -> None:  # type: ignore[no-untyped-def]
    """Class and property partitions, subsets per source graph, vocabularies used."""
    per_class: dict[str, int] = {}
    for types in index.types.values():
        for t in types:
            per_class[t] = per_class.get(t, 0) + 1
    add(ds, VOID + "classes", count(len(per_class)))
    for n, cls in enumerate(sorted(per_class)):
        part = ox.BlankNode(f"class{n}")
        add(ds, VOID + "classPartition", part)
        add(part, VOID + "class", ox.NamedNode(cls))
        add(part, VOID + "entities", count(per_class[cls]))
    rows = store.select(queries.load("linked/predicate_counts")).rows
    add(ds, VOID + "properties", count(len(rows)))
    namespaces: set[str] = set()
    for n, row in enumerate(rows):
        part = ox.BlankNode(f"property{n}")
        add(ds, VOID + "propertyPartition", part)
        add(part, VOID + "property", row["p"])
        add(part, VOID + "triples", count(int(row["n"].value)))
        namespaces.add(_namespace(row["p"].value))
    for cls in per_class:
        namespaces.add(_namespace(cls))
    known = set(project_prefixes(index.base).values())
    for ns in sorted(namespaces & known):
        add(ds, VOID + "vocabulary", ox.NamedNode(ns))
    for row in store.select(queries.load("linked/graph_counts")).rows:
        graph = row["g"]
        add(ds, VOID + "subset", graph)
        add(graph, RDF_TYPE.value, ox.NamedNode(VOID + "Dataset"))
        add(graph, VOID + "triples", count(int(row["n"].value)))
        for source in index.sources_of(graph.value):
            add(graph, PROV + "wasDerivedFrom", ox.NamedNode(source.iri))


def _linkset(store: Store, base: str, ds: ox.NamedNode, add, count) -> None:  # type: ignore[no-untyped-def]
    """The links to Wikidata (``pld:wikidata``) as a VoID linkset."""
    predicate = base + "ontology#wikidata"
    rows = store.select(queries.load("linked/predicate_counts")).rows
    n = next((int(r["n"].value) for r in rows if r["p"].value == predicate), 0)
    linkset = ox.NamedNode(dataset_iri(base) + "/wikidata-links")
    wikidata = ox.NamedNode("http://www.wikidata.org/")
    add(ds, VOID + "subset", linkset)
    add(linkset, RDF_TYPE.value, ox.NamedNode(VOID + "Linkset"))
    add(linkset, VOID + "subjectsTarget", ds)
    add(linkset, VOID + "objectsTarget", wikidata)
    add(linkset, VOID + "linkPredicate", ox.NamedNode(predicate))
    add(linkset, VOID + "triples", count(n))
    add(wikidata, RDF_TYPE.value, ox.NamedNode(VOID + "Dataset"))
    add(wikidata, VOID + "uriSpace", ox.Literal(WD))
    add(wikidata, VOID + "sparqlEndpoint", ox.NamedNode("https://query.wikidata.org/sparql"))


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]
