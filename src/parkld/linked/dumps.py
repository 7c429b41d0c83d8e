"""Whole-dataset dumps (TriG, gzipped N-Quads, JSON-LD) and the ontology's JSON-LD @context."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pyoxigraph as ox

from parkld import queries, resources
from parkld.linked.index import project_prefixes
from parkld.linked.void import DUMPS, Dump
from parkld.store import Store

OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"


def all_quads(store: Store) -> list[ox.Quad]:
    """Every statement of the store in its named graph (sources, ontology, shapes)."""
    return [ox.Quad(r["s"], r["p"], r["o"], r["g"])  # type: ignore[arg-type]
            for r in store.select(queries.load("linked_quads")).rows]


def render_dump(quads: list[ox.Quad], dump: Dump, base: str) -> bytes:
    """One dump file's bytes; gzip output is reproducible (no timestamp, no file name)."""
    assert isinstance(dump.format.oxigraph, ox.RdfFormat)
    prefixes = project_prefixes(base) if dump.format.extension == "trig" else None
    body = ox.serialize(quads, format=dump.format.oxigraph, prefixes=prefixes)
    assert body is not None
    return gzip.compress(body, mtime=0) if dump.gzip else body


def dump_by_name(name: str) -> Dump | None:
    """The dump published under ``/dumps/<name>``."""
    return next((d for d in DUMPS if d.name == name), None)


def jsonld_context(store: Store, base: str) -> dict[str, Any]:
    """A JSON-LD ``@context`` giving every ontology class and property a short term.

    Object properties are typed ``@id`` so their values read as links; datatype properties
    with an XSD range carry that type. Built from the ontology graph as loaded.
    """
    graph = ox.NamedNode(resources.ontology_graph(base))
    rows = store.select(queries.load("linked_graph"), {"g": graph}).rows
    pld = base + "ontology#"
    kinds: dict[str, str] = {}
    ranges: dict[str, str] = {}
    for r in rows:
        s, p, o = r["s"].value, r["p"].value, r["o"].value
        if not s.startswith(pld):
            continue
        if p == RDF_TYPE and o in (OWL + "Class", OWL + "ObjectProperty",
                                   OWL + "DatatypeProperty"):
            kinds[s] = o[len(OWL):]
        elif p == RDFS + "range":
            ranges[s] = o
    context: dict[str, Any] = {prefix: ns for prefix, ns in project_prefixes(base).items()}
    for iri in sorted(kinds):
        term = iri[len(pld):]
        if kinds[iri] == "ObjectProperty":
            context[term] = {"@id": iri, "@type": "@id"}
        elif kinds[iri] == "DatatypeProperty" and ranges.get(iri, "").startswith(XSD):
            context[term] = {"@id": iri, "@type": ranges[iri]}
        else:
            context[term] = iri
    return {"@context": context}


def context_bytes(store: Store, base: str) -> bytes:
    """The context as pretty, stable JSON."""
    return json.dumps(jsonld_context(store, base), indent=2, ensure_ascii=False).encode()
