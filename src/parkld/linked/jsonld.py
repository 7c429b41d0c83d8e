"""JSON-LD as people and programs use it: compacted with parkld's own ``@context``.

The context (served at ``/context.jsonld``) gives a short term to every class and property the
dataset uses — the ontology's own, ``label``, ``lat``, ``long``… — and aliases ``type`` to
``@type``. Compaction is done here, over Oxigraph quads, because the context is ours and
fixed: no JSON-LD processor runs at request time and no context is ever fetched. The tests
check the output with real processors (pyld, jsonld.js) by expanding it back to the same quads.

Three shapes, by the JSON-LD profile a client asks for:

* **compacted** (the default): the described resource is the top node, carrying the merged
  statements; everything else (labels of linked resources, incoming links) follows in
  ``@included``, and each source's statements in a named graph object
  (``{"@id": <graph>, "@graph": [...]}``), so provenance is kept.
* **flattened**: the same nodes, none on top, in one ``@graph`` (the dumps' shape).
* **expanded**: no context, full IRIs, every value an array.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from parkld import project_files, queries
from parkld.linked.index import project_prefixes
from parkld.namespaces import JSONLD as JSONLD_NS
from parkld.namespaces import OWL, RDF, RDF_TYPE, RDFS, XSD
from parkld.store import Store

COMPACTED = JSONLD_NS + "compacted"
EXPANDED = JSONLD_NS + "expanded"
FLATTENED = JSONLD_NS + "flattened"

RDF_LANG_STRING = RDF + "langString"
XSD_STRING = XSD + "string"

# A term must read as a plain name: no ":" (it would look like a compact IRI), no "@".
_TERM = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
# Namespaces whose local names become terms first when two vocabularies share a name
# (pld:Place beats schema:Place, which stays a compact IRI).
_PRIORITY = (
    "pld",
    "rdfs",
    "wgs84",
    "skos",
    "org",
    "prov",
    "dct",
    "schema",
    "foaf",
    "owl",
    "dcat",
    "void",
    "time",
    "vann",
    "sh",
    "plds",
    "rdf",
    "xsd",
    "wd",
)


@dataclass(frozen=True)
class Term:
    """One term of the context: its name, the IRI it stands for and its value coercion."""

    name: str
    iri: str
    coerce: str | None = None  # "@id", a datatype IRI, or None (values say what they are)


@dataclass
class Context:
    """parkld's JSON-LD context: prefixes, the ``type`` alias and one term per IRI."""

    prefixes: dict[str, str]
    terms: dict[str, Term] = field(default_factory=dict)  # by IRI

    def document(self) -> dict[str, Any]:
        """The context as a JSON-LD document (``{"@context": {...}}``)."""
        body: dict[str, Any] = dict(self.prefixes)
        body["type"] = "@type"
        for term in sorted(self.terms.values(), key=lambda t: t.name):
            body[term.name] = {"@id": term.iri, "@type": term.coerce} if term.coerce else term.iri
        return {"@context": body}

    def key(self, iri: str) -> str:
        """How a property or class IRI is written: its term, a compact IRI, or in full."""
        term = self.terms.get(iri)
        if term is not None:
            return term.name
        return self.curie(iri)

    def curie(self, iri: str) -> str:
        """``prefix:local`` when a prefix covers *iri* with a plain local name, else *iri*."""
        for prefix, ns in self.prefixes.items():
            if iri.startswith(ns) and _TERM.fullmatch(iri[len(ns) :]):
                return f"{prefix}:{iri[len(ns) :]}"
        return iri


def build_context(
    base: str,
    ontology: Iterable[tuple[str, str, str]],
    kinds: Iterable[tuple[str, str, str]],
    classes: Iterable[str],
) -> Context:
    """The context from the ontology's triples, the object kinds of every property in use
    (property, ``iri``/``literal``, datatype) and the classes in use."""
    prefixes = project_prefixes(base)
    pld = prefixes["pld"]
    declared: dict[str, str] = {}  # pld IRI -> Class / ObjectProperty / DatatypeProperty
    ranges: dict[str, str] = {}
    for s, p, o in ontology:
        if not s.startswith(pld):
            continue
        owl_kinds = (OWL + "Class", OWL + "ObjectProperty", OWL + "DatatypeProperty")
        if p == RDF_TYPE.value and o in owl_kinds:
            declared[s] = o[len(OWL) :]
        elif p == RDFS + "range":
            ranges[s] = o
    seen: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for p, kind, dt in kinds:
        seen[p].add((kind, dt))
    iris = set(declared) | set(seen) | set(classes)
    iris.discard(RDF_TYPE.value)  # written as "type" (@type)

    def coercion(iri: str) -> str | None:
        found = seen.get(iri)
        if found:
            if all(kind == "iri" for kind, _ in found):
                return "@id"
            dts = {dt for kind, dt in found if kind == "literal"}
            if len(found) == 1 and dts and not dts & {XSD_STRING, RDF_LANG_STRING}:
                return dts.pop()
            return None
        if declared.get(iri) == "ObjectProperty":
            return "@id"
        if declared.get(iri) == "DatatypeProperty" and ranges.get(iri, "").startswith(XSD):
            return ranges[iri]
        return None

    def rank(iri: str) -> tuple[int, str]:
        for n, prefix in enumerate(_PRIORITY):
            if prefix in prefixes and iri.startswith(prefixes[prefix]):
                return n, iri
        return len(_PRIORITY), iri

    context = Context(prefixes)
    taken = {*prefixes, "type", "id"}
    for iri in sorted(iris, key=rank):
        name = _local(iri)
        if not name or name in taken or not _TERM.fullmatch(name):
            continue  # a clash or an odd name: the IRI stays a compact or full IRI
        taken.add(name)
        context.terms[iri] = Term(name, iri, coercion(iri))
    return context


def context_from_store(store: Store, base: str) -> Context:
    """The context for what *store* holds: the ontology, plus every property and class used."""
    graph = ox.NamedNode(project_files.ontology_graph(base))
    ontology = [
        (r["s"].value, r["p"].value, r["o"].value)
        for r in store.select(queries.load("linked/graph"), {"g": graph}).rows
    ]
    # Virtuoso leaves ?dt unbound where DATATYPE() has no answer (language-tagged strings):
    # counted as rdf:langString, so such a property is never coerced to one datatype.
    kinds = [
        (
            r["p"].value,
            r["kind"].value if "kind" in r else "literal",
            r["dt"].value
            if "dt" in r and r["dt"].value
            else ("" if "kind" in r and r["kind"].value == "iri" else RDF_LANG_STRING),
        )
        for r in store.select(queries.load("linked/predicate_kinds")).rows
    ]
    classes = [r["c"].value for r in store.select(queries.load("linked/classes")).rows]
    return build_context(base, ontology, kinds, classes)


def _local(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[cut + 1 :]


# --- writing -------------------------------------------------------------------------------

Node = dict[str, Any]


def _id(term: ox.NamedNode | ox.BlankNode) -> str:
    return term.value if isinstance(term, ox.NamedNode) else "_:" + term.value


class _Writer:
    """Turns the quads of one subject into a node object, compacted or expanded."""

    def __init__(self, context: Context | None) -> None:
        self.context = context  # None: expanded form

    def node(
        self, subject: ox.NamedNode | ox.BlankNode, statements: list[tuple[ox.NamedNode, Any]]
    ) -> Node:
        node: Node = {"@id": _id(subject)}
        types: list[str] = []
        props: dict[str, list[Any]] = defaultdict(list)
        for predicate, obj in statements:
            if predicate == RDF_TYPE and not isinstance(obj, ox.Literal):
                types.append(self._type(obj))
                continue
            key, coerce = self._property(predicate.value)
            props[key].append(self._value(obj, coerce))
        if types:
            node["type" if self.context else "@type"] = _one_or_many(
                sorted(set(types)), self.context is None
            )
        for key in sorted(props):
            node[key] = _one_or_many(props[key], self.context is None)
        return node

    def _type(self, obj: ox.NamedNode | ox.BlankNode) -> str:
        if isinstance(obj, ox.BlankNode) or self.context is None:
            return _id(obj)
        return self.context.key(obj.value)

    def _property(self, iri: str) -> tuple[str, str | None]:
        if self.context is None:
            return iri, None
        term = self.context.terms.get(iri)
        if term is not None:
            return term.name, term.coerce
        return self.context.curie(iri), None

    def _value(self, obj: Any, coerce: str | None) -> Any:
        if isinstance(obj, ox.NamedNode | ox.BlankNode):
            return _id(obj) if coerce == "@id" else {"@id": _id(obj)}
        assert isinstance(obj, ox.Literal)
        if obj.language:
            return {"@value": obj.value, "@language": obj.language}
        datatype = obj.datatype.value
        if self.context is not None and (
            (coerce is None and datatype == XSD_STRING) or coerce == datatype
        ):
            return obj.value  # the term (or plain JSON) already says the type
        if datatype == XSD_STRING:
            return {"@value": obj.value}
        written = self.context.curie(datatype) if self.context else datatype
        return {"@value": obj.value, "@type": written}


def _one_or_many(values: list[Any], expanded: bool) -> Any:
    values = sorted(values, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return values if expanded or len(values) > 1 else values[0]


def _grouped(quads: Iterable[ox.Quad]) -> dict[str, dict[Any, list[tuple[Any, Any]]]]:
    """graph ("" = default) → subject → [(predicate, object)], duplicates dropped."""
    graphs: dict[str, dict[Any, list[tuple[Any, Any]]]] = defaultdict(lambda: defaultdict(list))
    seen: set[ox.Quad] = set()
    for q in quads:
        if q in seen:
            continue
        seen.add(q)
        g = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        graphs[g][q.subject].append((q.predicate, q.object))
    return graphs


def _nodes(writer: _Writer, subjects: dict[Any, list[tuple[Any, Any]]]) -> Iterator[Node]:
    for subject in sorted(subjects, key=_id):
        yield writer.node(subject, subjects[subject])


def document(
    quads: Iterable[ox.Quad], context: Context, *, profile: str = COMPACTED, top: str | None = None
) -> Any:
    """The JSON-LD document of *quads* in *profile* (see the module docstring).

    *top* is the IRI of the described resource: in compacted form its default-graph node is
    the document's top node. Without *top*, compacted is the flattened shape.
    """
    expanded = profile == EXPANDED
    writer = _Writer(None if expanded else context)
    graphs = _grouped(quads)
    default = list(_nodes(writer, graphs.pop("", {})))
    named = [{"@id": g, "@graph": list(_nodes(writer, graphs[g]))} for g in sorted(graphs)]
    if expanded:
        return default + named
    head: Node = {"@context": context.document()["@context"]}
    if profile == FLATTENED or top is None:
        return {**head, "@graph": default + named}
    main = next((n for n in default if n["@id"] == top), {"@id": top})
    rest = [n for n in default if n is not main] + named
    return {**head, **main, **({"@included": rest} if rest else {})}


def serialise(
    quads: Iterable[ox.Quad], context: Context, *, profile: str = COMPACTED, top: str | None = None
) -> bytes:
    """:func:`document` as pretty, stable JSON."""
    doc = document(quads, context, profile=profile, top=top)
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode()


def dump_lines(quads: Iterable[ox.Quad], context: Context) -> Iterator[str]:
    """The whole dataset, flattened with the context, one node per line (dumps are large)."""
    writer = _Writer(context)
    graphs = _grouped(quads)
    ctx = json.dumps(context.document()["@context"], ensure_ascii=False, sort_keys=False)
    yield '{"@context": ' + ctx + ',\n"@graph": [\n'
    first = True

    def line(node: Node) -> str:
        return json.dumps(node, ensure_ascii=False, separators=(",", ":"))

    for node in _nodes(writer, graphs.pop("", {})):
        yield ("" if first else ",\n") + line(node)
        first = False
    for g in sorted(graphs):
        yield ("" if first else ",\n") + '{"@id":' + json.dumps(g) + ',"@graph":[\n'
        first = False
        yield ",\n".join(line(n) for n in _nodes(writer, graphs[g]))
        yield "\n]}"
    yield "\n]}\n"
