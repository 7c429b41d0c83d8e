"""An independent reading of the shipped dataset with rdflib (not Oxigraph, not parkld's parser).

Every shipped file is parsed by rdflib into its named graph (the naming convention of
``data/README.md``), and the default graph is the RDF merge of all of them: each triple once.
Tests compare parkld's answers with rdflib's over this dataset.
"""

from __future__ import annotations

from functools import lru_cache

import rdflib
from rdflib.graph import Dataset

from parkld import graphs


@lru_cache(maxsize=1)
def shipped_dataset() -> Dataset:
    """The shipped files as an rdflib Dataset whose default graph is the merge."""
    dataset = Dataset()
    merged = dataset.default_graph
    for source in graphs.discover():
        fmt = {"ttl": "turtle", "trig": "trig", "nq": "nquads", "nt": "nt"}[
            source.path.suffix.lstrip(".")]
        parsed = rdflib.Graph()
        parsed.parse(source.path, format=fmt)
        named = dataset.graph(rdflib.URIRef(source.graph))
        for triple in parsed:
            named.add(triple)
            merged.add(triple)
    return dataset


def merged_graph() -> rdflib.Graph:
    """The default graph alone (the merge of every named graph)."""
    graph: rdflib.Graph = shipped_dataset().default_graph
    return graph
