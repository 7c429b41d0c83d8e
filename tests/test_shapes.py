"""SHACL shapes: the shipped data conforms, and every shape fires on its bad fixture.

Validation runs over the union of the data files (what the default graph serves) with the
ontology and vocabularies passed as ``ont_graph``. No inference (``inference="none"``): pyshacl
still follows ``rdfs:subClassOf`` for ``sh:targetClass`` and ``sh:class`` through the mixed-in
ontology, which is all the shapes need, and it keeps validation well under a second. RDFS
inference would add nothing the shapes check but cost time and make results depend on it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "shapes"
PLDS = Namespace("https://w3id.org/parkld/shapes#")
PLD = Namespace("https://w3id.org/parkld/ontology#")


# ---- loading helpers (kept small so the package's own loader can replace them)


@cache
def load_ontology() -> Graph:
    g = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


@cache
def load_shapes() -> Graph:
    g = Graph()
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


@cache
def load_data_union() -> Graph:
    g = Graph()
    for path in sorted((ROOT / "data").glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def validate(data: Graph) -> tuple[bool, Graph]:
    conforms, report, _text = pyshacl.validate(
        data,
        shacl_graph=load_shapes(),
        ont_graph=load_ontology(),
        inference="none",
        advanced=True,
        allow_warnings=False,
    )
    return bool(conforms), report


def violations(report: Graph) -> list[object]:
    """Results of severity sh:Violation (sh:Warning / sh:Info say what is only recommended)."""
    return list(report.subjects(SH.resultSeverity, SH.Violation))


def named_shapes() -> list[URIRef]:
    g = load_shapes()
    shapes = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    return sorted(s for s in shapes if isinstance(s, URIRef) and str(s).startswith(str(PLDS)))


def local(shape: Node | None) -> str:
    return str(shape)[len(str(PLDS)) :]


def expected_shape(fixture: Path) -> URIRef:
    match = re.search(r"^# expect-shape: plds:(\w+)$", fixture.read_text(encoding="utf-8"), re.M)
    assert match, f"{fixture.name} lacks an '# expect-shape: plds:...' header line"
    return PLDS[match.group(1)]


def message_pattern(shape: URIRef) -> re.Pattern[str]:
    """The shape's English sh:message as a regex ({?var} placeholders match anything)."""
    shapes = load_shapes()
    # a SPARQL constraint carries its own message
    holders = [shape, *shapes.objects(shape, SH.sparql)]
    messages = [m for h in holders for m in shapes.objects(h, SH.message) if isinstance(m, Literal)]
    assert messages, f"{shape} has no sh:message"
    english = next((m for m in messages if m.language == "en"), messages[0])
    parts = re.split(r"\{[?$]\w+\}", str(english))
    return re.compile("^" + ".+".join(re.escape(p) for p in parts) + "$", re.S)


def results(report: Graph) -> list[tuple[Node | None, str]]:
    out: list[tuple[Node | None, str]] = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        source = report.value(result, SH.sourceShape)
        message = report.value(result, SH.resultMessage)
        out.append((source, str(message) if message is not None else ""))
    return out


# ---- the shipped data


def test_shipped_data_conforms() -> None:
    _conforms, report = validate(load_data_union())
    assert not violations(report), report.serialize(format="turtle")


def test_shapes_cover_every_class_of_the_ontology() -> None:
    ontology, shapes = load_ontology(), load_shapes()
    targeted = set(shapes.objects(None, SH.targetClass))
    classes = {
        c
        for c in ontology.subjects(RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class"))
        if str(c).startswith(str(PLD))
    }

    def covered(cls: Node) -> bool:
        # a subclass is covered by a shape of any superclass (targetClass follows subClassOf)
        seen: set[Node] = set()
        todo: list[Node] = [cls]
        while todo:
            c = todo.pop()
            if c in targeted:
                return True
            seen.add(c)
            todo += [
                s
                for s in ontology.objects(
                    c, URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf")
                )
                if s not in seen
            ]
        return False

    missing = sorted(str(c) for c in classes if not covered(c))
    assert not missing, f"classes without a shape: {missing}"


# ---- every shape has a fixture that makes it fire


def test_every_shape_has_a_fixture() -> None:
    missing = [local(s) for s in named_shapes() if not (FIXTURES / f"{local(s)}.ttl").exists()]
    assert not missing, f"shapes without a fixture in tests/fixtures/shapes/: {missing}"


def test_every_fixture_names_an_existing_shape() -> None:
    names = {local(s) for s in named_shapes()}
    orphans = [p.name for p in FIXTURES.glob("*.ttl") if p.stem not in names]
    assert not orphans, f"fixtures for shapes that do not exist: {orphans}"


@pytest.mark.parametrize("shape", named_shapes(), ids=local)
def test_shape_fires_on_its_fixture(shape: URIRef) -> None:
    fixture = FIXTURES / f"{local(shape)}.ttl"
    data = Graph().parse(fixture, format="turtle")
    expected = expected_shape(fixture)
    # the expected result comes from the shape itself or from one of its property shapes
    assert expected == shape or (shape, SH.property, expected) in load_shapes(), (
        f"{fixture.name} expects {expected}: neither {shape} nor one of its property shapes"
    )
    conforms, report = validate(data)
    assert not conforms, f"{fixture.name} should violate {local(shape)}"
    pattern = message_pattern(expected)
    fired = results(report)
    assert any(src == expected and pattern.match(msg) for src, msg in fired), (
        f"no result from {local(expected)} with its sh:message; got: "
        + "; ".join(f"{local(s) if str(s).startswith(str(PLDS)) else s}: {m}" for s, m in fired)
    )


def test_park_without_a_name_gets_a_readable_message() -> None:
    data = Graph().parse(FIXTURES / "ParkNameShape.ttl", format="turtle")
    conforms, report = validate(data)
    assert not conforms
    messages = [m for s, m in results(report) if s == PLDS.ParkNameShape]
    assert messages == [
        "This park has no name: give it at least one rdfs:label with a language tag, e.g. "
        '"Sophia Antipolis"@en. If the source does not name the park, type it pld:UnidentifiedPark '
        "and use a label that says it is unnamed."
    ]


def test_membership_period_message_names_both_dates() -> None:
    data = Graph().parse(FIXTURES / "PeriodShape.ttl", format="turtle")
    _conforms, report = validate(data)
    messages = [m for s, m in results(report) if s == PLDS.PeriodShape]
    assert len(messages) == 1
    assert "2018-05-01" in messages[0] and "2017-05-01" in messages[0]


def test_declaration_adopted_at_a_meeting_needs_no_parties() -> None:
    data = Graph().parse(
        data="""
        @prefix pld: <https://w3id.org/parkld/ontology#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <https://example.org/d> a pld:Declaration ; rdfs:label "A declaration"@en ;
            pld:agreementKind <https://w3id.org/parkld/vocab/agreement-kind/declaration> ;
            pld:adoptedAt <https://example.org/summit> .
        <https://example.org/summit> a pld:Summit ; rdfs:label "A summit"@en .
        """,
        format="turtle",
    )
    _conforms, report = validate(data)
    assert not violations(report), report.serialize(format="turtle")
