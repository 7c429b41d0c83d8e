"""Whole-dataset dumps (TriG, gzipped N-Quads, JSON-LD) and the ontology's JSON-LD @context."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pyoxigraph as ox

from parkld import mediatypes, queries
from parkld.linked import jsonld
from parkld.linked.index import project_prefixes
from parkld.linked.rdf import canonical
from parkld.linked.void import DUMPS, Dump
from parkld.store import Store


def all_quads(store: Store) -> list[ox.Quad]:
    """Every statement of the store in its named graph (sources, ontology, shapes)."""
    return [
        ox.Quad(r["s"], r["p"], r["o"], r["g"])  # type: ignore[arg-type]
        for r in store.select(queries.load("linked/quads")).rows
    ]


def render_dump(
    quads: list[ox.Quad], dump: Dump, base: str, context: jsonld.Context | None = None
) -> bytes:
    """One dump file's bytes, the same for the same statements: blank nodes get canonical
    labels, statements a fixed order, and gzip output no timestamp or file name. The JSON-LD
    dump is flattened with *context* (required for it)."""
    assert isinstance(dump.format.oxigraph, ox.RdfFormat)
    ordered = canonical(quads)
    if dump.format is mediatypes.JSONLD:
        assert context is not None, "the JSON-LD dump needs the context"
        body = "".join(jsonld.dump_lines(ordered, context)).encode()
    else:
        prefixes = project_prefixes(base) if dump.format.extension == "trig" else None
        out = ox.serialize(ordered, format=dump.format.oxigraph, prefixes=prefixes)
        assert out is not None
        body = out
    return gzip.compress(body, mtime=0) if dump.gzip else body


def dump_by_name(name: str) -> Dump | None:
    """The dump published under ``/dumps/<name>``."""
    return next((d for d in DUMPS if d.name == name), None)


def jsonld_context(store: Store, base: str) -> dict[str, Any]:
    """The JSON-LD ``@context``: a short term for every class and property the ontology
    declares or the data uses, object properties typed ``@id`` (see linked/jsonld.py)."""
    return jsonld.context_from_store(store, base).document()


def context_bytes(store: Store, base: str, context: jsonld.Context | None = None) -> bytes:
    """The context as pretty, stable JSON."""
    doc = (context or jsonld.context_from_store(store, base)).document()
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode()
