"""Network downloads: GraphML (Gephi, NetworkX, yEd…) and CSV node and edge lists.

GraphML is written with :mod:`xml.etree` and declares every attribute with a ``<key>`` (name,
domain and type), which Gephi and ``networkx.read_graphml`` need to read typed values. Dates
are ISO 8601 strings (GraphML has no date type); an empty value means "not known" and the
``<data>`` element is left out, as GraphML intends for missing values.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from parkld.viz.facts import Park
from parkld.viz.network import Edge, Network

#: Not an RDF or SPARQL results format, so not in parkld.mediatypes (whose rows map to RDF
#: parsers and serialisers); this is the type the GraphML project registers for its files.
GRAPHML_MEDIA_TYPE = "application/graphml+xml"
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"

_Getter = Callable[[Any], object]

#: (key id, attr.name, attr.type, value): one row per node attribute.
NODE_KEYS: tuple[tuple[str, str, str, Callable[[Park], object]], ...] = (
    ("n_label", "label", "string", lambda p: p.label),
    ("n_iri", "iri", "string", lambda p: p.iri),
    ("n_kind", "kind", "string", lambda p: p.kind),
    ("n_kindLabel", "kindLabel", "string", lambda p: p.kind_label),
    ("n_country", "country", "string", lambda p: p.country),
    ("n_countryLabel", "countryLabel", "string", lambda p: p.country_label),
    ("n_lat", "lat", "double", lambda p: p.lat),
    ("n_long", "long", "double", lambda p: p.long),
)
#: One row per edge attribute.
EDGE_KEYS: tuple[tuple[str, str, str, Callable[[Edge], object]], ...] = (
    ("e_type", "type", "string", lambda e: e.type),
    ("e_via", "via", "string", lambda e: e.via),
    ("e_viaLabel", "viaLabel", "string", lambda e: e.via_label),
    ("e_kind", "kind", "string", lambda e: e.kind),
    ("e_kindLabel", "kindLabel", "string", lambda e: e.kind_label),
    ("e_start", "start", "string", lambda e: e.start),
    ("e_end", "end", "string", lambda e: e.end),
    ("e_precision", "precision", "string", lambda e: e.precision),
)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def graphml(network: Network) -> bytes:
    """The network as a GraphML document (UTF-8), undirected, parallel edges kept."""
    ET.register_namespace("", GRAPHML_NS)
    root = ET.Element(f"{{{GRAPHML_NS}}}graphml")
    for domain, keys in (
        ("graph", (("g_asOf", "asOf", "string", None),)),
        ("node", NODE_KEYS),
        ("edge", EDGE_KEYS),
    ):
        for key_id, name, kind, _ in keys:
            ET.SubElement(
                root,
                f"{{{GRAPHML_NS}}}key",
                {"id": key_id, "for": domain, "attr.name": name, "attr.type": kind},
            )
    graph = ET.SubElement(
        root, f"{{{GRAPHML_NS}}}graph", {"id": "parkld-cooperation", "edgedefault": "undirected"}
    )
    if network.as_of is not None:
        ET.SubElement(
            graph, f"{{{GRAPHML_NS}}}data", {"key": "g_asOf"}
        ).text = network.as_of.isoformat()
    for park in network.nodes:
        node = ET.SubElement(graph, f"{{{GRAPHML_NS}}}node", {"id": park.iri})
        _data(node, NODE_KEYS, park)
    for e in network.edges:
        edge = ET.SubElement(
            graph, f"{{{GRAPHML_NS}}}edge", {"id": e.id, "source": e.source, "target": e.target}
        )
        _data(edge, EDGE_KEYS, e)
    ET.indent(root)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body + b"\n"


def _data(
    parent: ET.Element, keys: tuple[tuple[str, str, str, _Getter], ...], item: object
) -> None:
    for key_id, _, _, get in keys:
        text = _text(get(item))
        if text:
            ET.SubElement(parent, f"{{{GRAPHML_NS}}}data", {"key": key_id}).text = text


def _csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180 line ends
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def nodes_csv(network: Network) -> str:
    """One row per park: ``id`` (its IRI) then the node attributes (Gephi's node table)."""
    return _csv(
        ["id"] + [name for _, name, _, _ in NODE_KEYS],
        [[p.iri] + [_text(get(p)) for *_, get in NODE_KEYS] for p in network.nodes],
    )


def edges_csv(network: Network) -> str:
    """One row per edge: ``id,source,target`` then the edge attributes (Gephi's edge table)."""
    return _csv(
        ["id", "source", "target"] + [name for _, name, _, _ in EDGE_KEYS],
        [
            [e.id, e.source, e.target] + [_text(get(e)) for *_, get in EDGE_KEYS]
            for e in network.edges
        ],
    )
