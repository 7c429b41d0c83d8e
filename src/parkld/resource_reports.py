"""Per-resource SHACL reports, computed at build time and published as linked data.

Every entity of the data (``<base><type>/<slug>``) gets one ``sh:ValidationReport`` at
``<base>validation/<type>/<slug>`` with the results of the shapes that target it — violations,
and the warnings / infos of the *recommended* shapes that tell a curator what is missing (an
agreement without place, a park without coordinates). Reports are in their own named graph,
``<base>graph/validation``, written as N-Quads *beside* the embedded store in the build
directory (``validation.nq``), not into it: they are about the data, not data, so the store's
counts, dumps, VoID and SPARQL answers stay the data's. The web layer serves them from there.

No blank nodes: a result is ``<report>#r-<digest>``, the digest taken from its focus, path,
value, shape and message, so the same data gives the same report IRIs.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from parkld.errors import NotFound
from parkld.kinds import KINDS
from parkld.linked.describe import Description
from parkld.namespaces import DCT, RDF_TYPE, RDFS_LABEL, XSD
from parkld.namespaces import SH as SHACL

if TYPE_CHECKING:
    from parkld.graphs import LoadedFile

FILE = "validation.nq"
DCT_SUBJECT = ox.NamedNode(DCT + "subject")
XSD_BOOLEAN = ox.NamedNode(XSD + "boolean")


def validation_graph(base: str) -> str:
    """The named graph of the per-resource reports."""
    return f"{base}graph/validation"


def report_iri(resource: str, base: str) -> str | None:
    """Where the report of *resource* lives, or None for what gets no report."""
    if not resource.startswith(base):
        return None
    path = resource[len(base) :]
    segment, slash, slug = path.partition("/")
    kind = KINDS.get(segment)
    if kind is None or not kind.entity or not slash or "/" in slug or "#" in slug or not slug:
        return None
    if not kind.report:
        return None  # e.g. graphs: their source documents describe them
    return f"{base}validation/{path}"


def _sh(name: str) -> ox.NamedNode:
    return ox.NamedNode(SHACL + name)


def _term(node: rdflib.term.Node) -> ox.NamedNode | ox.Literal | None:
    if isinstance(node, rdflib.URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, rdflib.Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        if node.datatype is not None:
            return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
        return ox.Literal(str(node))
    return None  # a blank node (a complex path, a list): not carried over


def report_quads(report_graph: rdflib.Graph, resources: Iterable[str], base: str) -> list[ox.Quad]:
    """The reports of *resources* (every entity of the data) from pySHACL's report graph."""
    graph = ox.NamedNode(validation_graph(base))
    results: dict[str, list[rdflib.term.Node]] = defaultdict(list)
    for result in report_graph.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = report_graph.value(result, SH.focusNode)
        if isinstance(focus, rdflib.URIRef):
            results[str(focus)].append(result)
    quads: set[ox.Quad] = set()
    for resource in sorted(set(resources) | set(results)):
        iri = report_iri(resource, base)
        if iri is None:
            continue
        report = ox.NamedNode(iri)
        severities = set()
        quads.add(ox.Quad(report, RDF_TYPE, _sh("ValidationReport"), graph))
        quads.add(ox.Quad(report, DCT_SUBJECT, ox.NamedNode(resource), graph))
        quads.add(
            ox.Quad(
                report,
                RDFS_LABEL,
                ox.Literal(f"SHACL validation report of {resource[len(base) :]}", language="en"),
                graph,
            )
        )
        for result in results.get(resource, ()):
            values = {
                p: report_graph.value(result, SH[p])
                for p in (
                    "resultSeverity",
                    "resultPath",
                    "value",
                    "resultMessage",
                    "sourceShape",
                    "sourceConstraintComponent",
                )
            }
            key = "\x1f".join(
                str(values[p]) if not isinstance(values[p], rdflib.BNode) else ""
                for p in sorted(values)
            )
            node = ox.NamedNode(f"{iri}#r-{hashlib.sha256(key.encode()).hexdigest()[:10]}")
            quads.add(ox.Quad(report, _sh("result"), node, graph))
            quads.add(ox.Quad(node, RDF_TYPE, _sh("ValidationResult"), graph))
            quads.add(ox.Quad(node, _sh("focusNode"), ox.NamedNode(resource), graph))
            for name, value in values.items():
                term = _term(value) if value is not None else None
                if term is not None:
                    quads.add(ox.Quad(node, _sh(name), term, graph))
            severity = values["resultSeverity"]
            severities.add(str(severity) if severity is not None else SHACL + "Violation")
        conforms = SHACL + "Violation" not in severities
        quads.add(
            ox.Quad(
                report,
                _sh("conforms"),
                ox.Literal("true" if conforms else "false", datatype=XSD_BOOLEAN),
                graph,
            )
        )
    return sorted(quads, key=str)


def entities(quads: Iterable[ox.Quad], base: str) -> set[str]:
    """Every typed entity IRI under *base* among *quads* (the resources that get a report)."""
    return {
        q.subject.value
        for q in quads
        if q.predicate == RDF_TYPE
        and isinstance(q.subject, ox.NamedNode)
        and report_iri(q.subject.value, base) is not None
    }


def write(build_dir: Path, report: rdflib.Graph, files: Sequence[LoadedFile], base: str) -> Path:
    """Write the reports of every entity of *files* next to a build's store, from the SHACL
    report graph of the whole build."""
    from parkld import graphs

    path = build_dir / FILE
    path.write_bytes(nquads(report, entities(graphs.iter_quads(files, ("data",)), base), base))
    return path


def nquads(report_graph: rdflib.Graph, resources: Iterable[str], base: str) -> bytes:
    """The N-Quads of :func:`report_quads`, lines in the same order, made faster.

    At a million triples nearly every one of the ~180,000 entities conforms with no result,
    and making their four quads as Oxigraph terms (then sorting those by their text) took
    7 s of the build's critical path; their lines are written as text here, and only the
    reports with results go through :func:`report_quads`. ``tests/test_resource_reports.py``
    holds the two to the same bytes.
    """
    with_results = {
        str(focus)
        for result in report_graph.subjects(rdflib.RDF.type, SH.ValidationResult)
        if isinstance(focus := report_graph.value(result, SH.focusNode), rdflib.URIRef)
    }
    listed = set(resources)
    with_quads = report_quads(report_graph, with_results, base)
    lines = (ox.serialize(with_quads, format=ox.RdfFormat.N_QUADS) or b"").decode().splitlines()
    graph = f"<{validation_graph(base)}>"
    for resource in listed - with_results:
        iri = report_iri(resource, base)
        if iri is None:
            continue
        label = _nquads_string(f"SHACL validation report of {resource[len(base) :]}")
        lines += (
            f"<{iri}> <{RDF_TYPE.value}> <{SHACL}ValidationReport> {graph} .",
            f"<{iri}> <{DCT_SUBJECT.value}> <{resource}> {graph} .",
            f"<{iri}> <{RDFS_LABEL.value}> {label}@en {graph} .",
            f'<{iri}> <{SHACL}conforms> "true"^^<{XSD_BOOLEAN.value}> {graph} .',
        )
    lines.sort()
    return "".join(line + "\n" for line in lines).encode("utf-8")


def _nquads_string(text: str) -> str:
    """*text* as an N-Quads string literal (Oxigraph's escapes: quote, backslash, controls)."""
    if any(c in text for c in '"\\') or not text.isprintable():
        return str(ox.Literal(text))
    return f'"{text}"'


@lru_cache(maxsize=2)
def _load(path: str, mtime_ns: int) -> dict[str, list[ox.Quad]]:
    """The reports of one build by report IRI (the report's quads, then its results')."""
    by_report: dict[str, list[ox.Quad]] = defaultdict(list)
    for q in ox.parse(path=path, format=ox.RdfFormat.N_QUADS):
        if isinstance(q.subject, ox.NamedNode):
            by_report[q.subject.value.split("#", 1)[0]].append(q)
    return dict(by_report)


def describe(build_dir: Path, iri: str) -> Description:
    """The report *iri* of the build in *build_dir*, as a whole-document description."""
    path = build_dir / FILE
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        raise NotFound(f"no validation report {iri}: this store was not built here") from None
    quads = _load(str(path), mtime).get(iri)
    if not quads:
        raise NotFound(f"no validation report {iri}")
    desc = Description(iri, "validation")
    desc.document = list(quads)
    return desc
