"""SHACL validation of the project's data, with a report a curator can act on.

The data graph is the union of every data file plus the ontology (so ``sh:targetClass`` follows
``rdfs:subClassOf``); the shapes graph is ``shapes/``. pySHACL runs without inference: the
shapes say exactly what must be written, and validation of the shipped data stays fast.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import RDFS, SH, SKOS

from parkld import project_files
from parkld.graphs import LoadedFile, SourceFile
from parkld.namespaces import PLD

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class Finding:
    """One SHACL result, written for a person."""

    severity: str
    focus: str
    focus_label: str | None
    path: str | None
    value: str | None
    message: str
    shape: str | None
    files: tuple[str, ...] = ()


@dataclass
class Report:
    """The outcome of validating a set of files."""

    conforms: bool
    findings: list[Finding] = field(default_factory=list)
    graph: rdflib.Graph = field(default_factory=rdflib.Graph)
    files: int = 0
    triples: int = 0

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    def as_text(self) -> str:
        if not self.findings:
            return f"OK: {self.files} files, {self.triples} triples conform to the shapes.\n"
        lines = []
        # Infos (recommended facts) can be many: one line per shape, the full list is in
        # --format json/turtle and in each resource's published report.
        infos: dict[str, list[Finding]] = defaultdict(list)
        for f in self.findings:
            if f.severity == "Info":
                infos[f.shape or f.message].append(f)
        for shape, group in sorted(infos.items()):
            names = ", ".join(g.focus for g in group[:5]) + (", …" if len(group) > 5 else "")
            lines += [
                f"Info: {len(group)} resource(s): {group[0].message}",
                f"  shape:   {shape}",
                f"  e.g.:    {names}",
                "",
            ]
        for f in self.findings:
            if f.severity == "Info":
                continue
            label = f" ({f.focus_label})" if f.focus_label else ""
            lines.append(f"{f.severity}: {f.focus}{label}")
            if f.files:
                lines.append(f"  in:      {', '.join(f.files)}")
            if f.path:
                lines.append(f"  path:    {f.path}")
            if f.value is not None:
                lines.append(f"  value:   {f.value}")
            lines.append(f"  message: {f.message}")
            if f.shape:
                lines.append(f"  shape:   {f.shape}")
            lines.append("")
        n = len(self.violations)
        verdict = "does not conform" if n else "conforms (with warnings)"
        lines.append(
            f"{self.files} files, {self.triples} triples: {verdict}: "
            f"{n} violation(s), {len(self.findings) - n} other finding(s)."
        )
        return "\n".join(lines) + "\n"

    def as_json(self) -> str:
        return (
            json.dumps(
                {
                    "conforms": self.conforms,
                    "files": self.files,
                    "triples": self.triples,
                    "results": [asdict(f) for f in self.findings],
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )

    def as_turtle(self) -> str:
        return self.graph.serialize(format="turtle")


def to_rdflib(quads: Iterable[ox.Quad]) -> rdflib.Graph:
    """Triples of *quads* (graph names dropped) as an rdflib Graph, via N-Triples."""
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    graph = rdflib.Graph()
    graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


def _short(graph: rdflib.Graph, node: rdflib.term.Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, rdflib.URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except Exception:  # rdflib raises assorted errors for odd IRIs
            return str(node)
    if isinstance(node, rdflib.Literal):
        return node.n3(graph.namespace_manager)
    if isinstance(node, rdflib.BNode):
        return _describe_path(graph, node)
    return str(node)


def _describe_path(graph: rdflib.Graph, node: rdflib.BNode) -> str:
    """A readable form of a blank node (SHACL complex paths are blank nodes)."""
    inverse = graph.value(node, SH.inversePath)
    if inverse is not None:
        return f"^{_short(graph, inverse)}"
    items = (
        list(rdflib.collection.Collection(graph, node))
        if graph.value(node, rdflib.RDF.first)
        else []
    )
    if items:
        return "/".join(str(_short(graph, i)) for i in items)
    return f"_:{node}"


def _label(data: rdflib.Graph, node: rdflib.term.Node) -> str | None:
    for prop in (SKOS.prefLabel, RDFS.label):
        labels = list(data.objects(node, prop))
        if labels:
            english = [lab for lab in labels if getattr(lab, "language", None) in ("en", None)]
            return str((english or labels)[0])
    return None


PLD_SOURCE_GRAPH = rdflib.URIRef(PLD + "SourceGraph")


def validate(files: Sequence[LoadedFile]) -> Report:
    """Validate data+ontology files against the shapes files among *files*."""
    data = to_rdflib(q for f in files if f.source.role in ("data", "ontology") for q in f.quads)
    # Provenance is by named graph: each data file's graph must name its source document.
    # Declaring every loaded data graph a pld:SourceGraph lets the shapes check that, even for
    # a file that forgot to say anything about its graph.
    for graph_name in _data_graph_names(files):
        data.add((rdflib.URIRef(graph_name.value), rdflib.RDF.type, PLD_SOURCE_GRAPH))
    shapes = to_rdflib(q for f in files if f.source.role == "shapes" for q in f.quads)
    triples = sum(len(f.quads) for f in files)
    subjects_by_file: dict[str, set[str]] = defaultdict(set)
    for f in files:
        if f.source.role == "data":
            for q in f.quads:
                if not isinstance(q.subject, ox.Triple):
                    subjects_by_file[q.subject.value].add(_display(f.source.path))
    if len(shapes) == 0:
        return Report(True, [], rdflib.Graph(), len(files), triples)
    _, report_graph, _ = shacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    # Curators read prefixed names as they wrote them in the files.
    for f in files:
        for prefix, ns in f.prefixes.items():
            for g in (report_graph, data, shapes):
                g.bind(prefix, ns, override=False)
    findings: list[Finding] = []
    for result in report_graph.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = report_graph.value(result, SH.focusNode)
        severity = report_graph.value(result, SH.resultSeverity)
        message = report_graph.value(result, SH.resultMessage)
        path = report_graph.value(result, SH.resultPath)
        value = report_graph.value(result, SH.value)
        shape = report_graph.value(result, SH.sourceShape)
        focus_text = _short(report_graph, focus) or "?"
        findings.append(
            Finding(
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                focus=focus_text,
                focus_label=_label(data, focus) if focus is not None else None,
                path=_short(shapes, path)
                if isinstance(path, rdflib.BNode)
                else _short(report_graph, path),
                value=_short(report_graph, value),
                message=str(message) if message else "constraint violated",
                shape=_short(shapes, shape)
                if shape is not None and not isinstance(shape, rdflib.BNode)
                else None,
                files=tuple(sorted(subjects_by_file.get(str(focus), ()))),
            )
        )
    findings.sort(
        key=lambda f: (SEVERITY_ORDER.get(f.severity, 3), f.focus, f.path or "", f.message)
    )
    has_violation = any(f.severity == "Violation" for f in findings)
    return Report(not has_violation, findings, report_graph, len(files), triples)


@dataclass(frozen=True)
class Verdict:
    """What the build needs of validation: conformance, the number of violations, and the
    SHACL report graph (warnings and infos included) for the per-resource reports."""

    conforms: bool
    violations: int
    graph: rdflib.Graph


def conforms_fast(files: Sequence[LoadedFile]) -> Verdict:
    """Whether *files* conform, with the SHACL report, by a native SHACL engine.

    pySHACL is the reference (``parkld validate`` and the tests use it, and its report names
    files and labels), but on a million triples it needs minutes, most of them spent building
    an rdflib graph. pyshacl-turbo, a Rust engine with pySHACL's interface, reads the union
    from an in-memory Oxigraph store (a graph is a set, so a triple stated by two sources is
    checked once, as in ``validate``) and answers in seconds. ``tests/test_validate_engines.py``
    holds it to pySHACL's exact results on the shipped data, on every shape's violating fixture
    and on generated data with injected violations; the build only needs the verdict and sends
    the curator to ``parkld validate`` for the report.
    """
    shapes = to_rdflib(q for f in files if f.source.role == "shapes" for q in f.quads)
    data = ox.Store()
    data.bulk_extend(
        ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
        for f in files
        if f.source.role in ("data", "ontology")
        for q in f.quads
    )
    data.bulk_extend(source_graph_quads(files))
    return native_verdict(data, shapes)


def source_graph_quads(files: Sequence[LoadedFile]) -> list[ox.Quad]:
    """``<graph> a pld:SourceGraph`` for every graph a data file loads into: the shapes of
    graphs (each names its source document) target them."""
    return [
        ox.Quad(graph, _OX_TYPE, _OX_SOURCE_GRAPH, ox.DefaultGraph())
        for graph in sorted(_data_graph_names(files), key=str)
    ]


def native_verdict(data: ox.Store, shapes: rdflib.Graph) -> Verdict:
    """The native engine's verdict on *data* (its default graph: the union of the data files,
    the ontology and the source-graph types) against *shapes*."""
    from pyshacl_turbo import validate as native_validate

    if len(shapes) == 0:
        return Verdict(True, 0, rdflib.Graph())
    ok, report_graph, _ = native_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    violations = sum(
        1
        for result in report_graph.subjects(rdflib.RDF.type, SH.ValidationResult)
        if report_graph.value(result, SH.resultSeverity) in (None, SH.Violation)
    )
    return Verdict(bool(ok) and violations == 0, violations, report_graph)


_OX_TYPE = ox.NamedNode(str(rdflib.RDF.type))
_OX_SOURCE_GRAPH = ox.NamedNode(str(PLD_SOURCE_GRAPH))


def _data_graph_names(files: Sequence[LoadedFile]) -> set[ox.NamedNode]:
    """Every named graph a data file loads into (its own, even when the file is empty)."""
    names: set[ox.NamedNode] = set()
    for f in files:
        if f.source.role == "data":
            found = {q.graph_name for q in f.quads} or {ox.NamedNode(f.source.graph)}
            names |= {g for g in found if isinstance(g, ox.NamedNode)}
    return names


def validate_quads(quads: Iterable[ox.Quad]) -> Report:
    """Validate a whole dataset (e.g. a store's content) whose graphs follow the conventions.

    The ontology and shapes graphs take their roles; every other named graph is data.
    """
    ontology, shapes = project_files.ontology_graph(), project_files.shapes_graph()
    # Per-resource reports (graph/validation) are about the data, not data, if a store has them.
    reports = project_files.DEFAULT_BASE + "graph/validation"
    by_graph: dict[str, list[ox.Quad]] = defaultdict(list)
    for q in quads:
        name = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        if name != reports:
            by_graph[name].append(q)
    files = [
        LoadedFile(
            SourceFile(
                Path(f"<graph {name or 'default'}>"),
                name,
                "ontology" if name == ontology else "shapes" if name == shapes else "data",
            ),
            graph_quads,
        )
        for name, graph_quads in by_graph.items()
    ]
    return validate(files)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
