"""A description as RDF: quads for TriG/N-Quads/JSON-LD, triples for the graph formats.

Dataset formats keep each statement in the named graph of its source, and say which source
document each graph was taken from: that is the per-statement provenance. They also carry
every statement once more in the default graph, merged, because quad clients (Comunica, link
traversal) match triple patterns against the default graph only. Graph formats
(Turtle, N-Triples, RDF/XML) cannot name graphs, so they carry the same statements plus a
provenance section: the document describing the resource, ``prov:wasDerivedFrom`` every source
it draws on, and ``rdfs:seeAlso`` its TriG version for statement-level sources.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from parkld import mediatypes
from parkld.linked import jsonld
from parkld.linked.describe import Description
from parkld.linked.index import Index, project_prefixes
from parkld.mediatypes import Format
from parkld.namespaces import FOAF, PROV, RDF_TYPE, RDFS, RDFS_LABEL, SCHEMA

RDFS_SEE_ALSO = ox.NamedNode(RDFS + "seeAlso")
PROV_DERIVED = ox.NamedNode(PROV + "wasDerivedFrom")
FOAF_TOPIC = ox.NamedNode(FOAF + "primaryTopic")
FOAF_DOCUMENT = ox.NamedNode(FOAF + "Document")
SCHEMA_URL = ox.NamedNode(SCHEMA + "url")
DEFAULT = ox.DefaultGraph()


def description_quads(desc: Description, index: Index) -> list[ox.Quad]:
    """The statements, incoming links, labels of linked resources and graph provenance."""
    if desc.document:
        return list(desc.document)
    subject = ox.NamedNode(desc.iri)
    quads: list[ox.Quad] = []
    linked: set[str] = set()
    for st in desc.statements:
        for g in st.graphs:
            quads.append(ox.Quad(subject, ox.NamedNode(st.predicate), st.object, ox.NamedNode(g)))
        if isinstance(st.object, ox.NamedNode):
            linked.add(st.object.value)
    for group in desc.incoming:
        for x, graphs in group.items:
            linked.add(x)
            for g in graphs:
                quads.append(
                    ox.Quad(
                        ox.NamedNode(x), ox.NamedNode(group.predicate), subject, ox.NamedNode(g)
                    )
                )
    # Labels of what the resource links to, so a reader needs no second request.
    for iri in sorted(linked - {desc.iri}):
        for name in index.names.get(iri, ()):
            if name.display:
                quads.append(
                    ox.Quad(ox.NamedNode(iri), RDFS_LABEL, _literal(name.text, name.lang), DEFAULT)
                )
    quads.extend(provenance_quads(desc.graphs(), index))
    return quads


def with_default_graph(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """*quads* plus a default-graph copy of each named-graph statement (no duplicates)."""
    seen: dict[ox.Quad, None] = {}
    for q in quads:
        seen.setdefault(q, None)
    for q in list(seen):
        if not isinstance(q.graph_name, ox.DefaultGraph):
            seen.setdefault(ox.Quad(q.subject, q.predicate, q.object, DEFAULT), None)
    return list(seen)


def canonical(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """*quads* with blank nodes relabelled by RDFC-1.0 and in a fixed order, so the same
    statements always serialise to the same bytes (the store's blank-node labels change with
    every load)."""
    data = list(quads)
    if any(isinstance(t, ox.BlankNode) for q in data for t in (q.subject, q.object, q.graph_name)):
        dataset = ox.Dataset(data)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        data = list(dataset)
    return sorted(data, key=_order)


def _order(q: ox.Quad) -> tuple[str, str, str, str]:
    graph = "" if isinstance(q.graph_name, ox.DefaultGraph) else str(q.graph_name)
    return graph, str(q.subject), str(q.predicate), str(q.object)


def provenance_quads(graphs: Iterable[str], index: Index) -> list[ox.Quad]:
    """``<graph> prov:wasDerivedFrom <source>`` (in the graph) and each source's label and URL."""
    quads: list[ox.Quad] = []
    for g in graphs:
        for source in index.sources_of(g):
            node = ox.NamedNode(source.iri)
            quads.append(ox.Quad(ox.NamedNode(g), PROV_DERIVED, node, ox.NamedNode(g)))
            for name in index.names.get(source.iri, ()):
                if name.display:
                    quads.append(ox.Quad(node, RDFS_LABEL, _literal(name.text, name.lang), DEFAULT))
            if source.url:
                quads.append(ox.Quad(node, SCHEMA_URL, ox.NamedNode(source.url), DEFAULT))
    return quads


def _literal(text: str, lang: str) -> ox.Literal:
    return ox.Literal(text, language=lang) if lang else ox.Literal(text)


def document_triples(
    desc: Description, index: Index, document_iri: str, trig_iri: str
) -> list[ox.Triple]:
    """The provenance section of a graph-format description (see the module docstring)."""
    doc = ox.NamedNode(document_iri)
    triples = [
        ox.Triple(doc, RDF_TYPE, FOAF_DOCUMENT),
        ox.Triple(doc, FOAF_TOPIC, ox.NamedNode(desc.iri)),
        ox.Triple(doc, RDFS_SEE_ALSO, ox.NamedNode(trig_iri)),
    ]
    sources = sorted({s.iri for g in desc.graphs() for s in index.sources_of(g)})
    triples += [ox.Triple(doc, PROV_DERIVED, ox.NamedNode(s)) for s in sources]
    return triples


def serialise(
    quads: list[ox.Quad],
    fmt: Format,
    base: str,
    extra_triples: Iterable[ox.Triple] = (),
    *,
    context: jsonld.Context | None = None,
    top: str | None = None,
) -> bytes:
    """*quads* in *fmt*: dataset formats keep graphs (and add the merged default graph),
    graph formats merge them (no duplicates). JSON-LD is compacted with *context* (required
    for it), *top* being the described resource."""
    assert isinstance(fmt.oxigraph, ox.RdfFormat)
    if fmt.kind is mediatypes.Kind.DATASET:
        quads = with_default_graph(quads)
    quads = canonical(quads)
    if fmt.media_type in (mediatypes.JSONLD.media_type, mediatypes.JSON.media_type):
        assert context is not None, "JSON-LD needs the context"
        return jsonld.serialise(quads, context, profile=fmt.profile or jsonld.COMPACTED, top=top)
    prefixes = (
        project_prefixes(base)
        if fmt in (mediatypes.TURTLE, mediatypes.TRIG, mediatypes.RDFXML)
        else None
    )
    if fmt.kind is mediatypes.Kind.DATASET:
        data: list[ox.Quad] | list[ox.Triple] = quads
    else:
        seen: dict[ox.Triple, None] = {}
        for q in quads:
            seen.setdefault(ox.Triple(q.subject, q.predicate, q.object), None)
        for t in extra_triples:
            seen.setdefault(t, None)
        data = list(seen)
    out = ox.serialize(data, format=fmt.oxigraph, prefixes=prefixes)
    assert out is not None
    return out
