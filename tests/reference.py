"""An independent reading of the shipped dataset with rdflib (not Oxigraph, not parkld's parser).

Every shipped RDF file is parsed by rdflib into its named graph (the naming convention of
``data/README.md``), and the default graph is the RDF merge of all of them: each triple once.
Claim tables (CSV) have no reader but parkld's compiler (tested on its own in
``test_claims.py``); their compiled graphs join the dataset the same way. Tests compare
parkld's answers with rdflib's over this dataset.
"""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox
import rdflib
from rdflib.graph import Dataset

from parkld import graphs


@lru_cache(maxsize=1)
def shipped_dataset() -> Dataset:
    """The shipped files as an rdflib Dataset whose default graph is the merge."""
    dataset = Dataset()
    merged = dataset.default_graph
    sources = graphs.discover()
    for source in sources:
        if source.role == "claims":
            continue
        fmt = {"ttl": "turtle", "trig": "trig", "nq": "nquads", "nt": "nt"}[
            source.path.suffix.lstrip(".")
        ]
        parsed = rdflib.Graph()
        parsed.parse(source.path, format=fmt)
        named = dataset.graph(rdflib.URIRef(source.graph))
        for triple in parsed:
            named.add(triple)
            merged.add(triple)
    rdf_graphs = {s.graph for s in sources if s.role != "claims"}
    if any(s.role == "claims" for s in sources):
        for loaded in graphs.load_all(sources):
            if loaded.source.graph in rdf_graphs:
                continue
            named = dataset.graph(rdflib.URIRef(loaded.source.graph))
            for q in loaded.quads:
                triple = (_term(q.subject), _term(q.predicate), _term(q.object))
                named.add(triple)
                merged.add(triple)
    return dataset


def _term(term: object) -> rdflib.term.Identifier:
    """An Oxigraph term as rdflib's."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    assert isinstance(term, ox.Literal), term
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == str(rdflib.XSD.string):
        # RDF 1.1: a simple literal is an xsd:string; rdflib keeps the two apart, and reads
        # the Turtle files' "en" as the simple one.
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def merged_graph() -> rdflib.Graph:
    """The default graph alone (the merge of every named graph)."""
    graph: rdflib.Graph = shipped_dataset().default_graph
    return graph
