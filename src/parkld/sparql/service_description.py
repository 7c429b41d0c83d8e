"""The SPARQL 1.1 Service Description of the endpoint, as RDF triples (negotiated by the web
layer like any other graph)."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from parkld.namespaces import FORMATS, RDF_TYPE, RDFS, RDFS_LABEL, SD

RDFS_SEE_ALSO = ox.NamedNode(RDFS + "seeAlso")

#: Result formats the endpoint writes, as W3C ``formats:`` IRIs.
RESULT_FORMAT_IRIS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "JSON-LD",
    "N-Triples",
    "RDF_XML",
    "TriG",
    "N-Quads",
)


def _sd(local: str) -> ox.NamedNode:
    return ox.NamedNode(SD + local)


def describe_service(
    endpoint: str,
    graph_names: Iterable[str],
    *,
    federation: bool,
    update: bool,
    dataset_iri: str | None = None,
    void_url: str | None = None,
) -> list[ox.Triple]:
    """Triples describing the endpoint at *endpoint* and its dataset.

    With *dataset_iri* the default dataset is that resource (the one VoID describes) rather
    than a blank node, and *void_url* (the VoID document) is its ``rdfs:seeAlso``.
    """
    service = ox.BlankNode("service")
    dataset: ox.NamedNode | ox.BlankNode = (
        ox.NamedNode(dataset_iri) if dataset_iri else ox.BlankNode("dataset")
    )
    default = ox.BlankNode("defaultGraph")
    out = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, RDFS_LABEL, ox.Literal("parkld SPARQL endpoint", language="en")),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, _sd("Graph")),
    ]
    if void_url:
        out.append(ox.Triple(dataset, RDFS_SEE_ALSO, ox.NamedNode(void_url)))
    if update:
        out.append(ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Update")))
    if federation:
        out.append(ox.Triple(service, _sd("feature"), _sd("BasicFederatedQuery")))
    out += [
        ox.Triple(service, _sd("resultFormat"), ox.NamedNode(FORMATS + name))
        for name in RESULT_FORMAT_IRIS
    ]
    for i, name in enumerate(sorted(graph_names)):
        named = ox.BlankNode(f"namedGraph{i}")
        graph = ox.BlankNode(f"graph{i}")
        out += [
            ox.Triple(dataset, _sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(named, _sd("name"), ox.NamedNode(name)),
            ox.Triple(named, _sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, _sd("Graph")),
        ]
    return out
