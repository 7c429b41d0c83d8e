"""The build's native SHACL engine agrees with pySHACL, the reference, result for result.

``parkld build`` takes its verdict from pyshacl-turbo (seconds at a million triples, where
pySHACL takes minutes); ``parkld validate`` and the shape tests use pySHACL. The two must not
drift: on the shipped data, on every shape's violating fixture, and on generated park data with
violations injected by hand, both engines are run the way parkld runs them and their results
are compared as multisets of (focus, shape, path, value, severity, component, message).
"""

from __future__ import annotations

import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import SH

from parkld import graphs
from parkld.graphs import LoadedFile
from parkld.validate import conforms_fast, validate

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import generate

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "shapes").glob("*.ttl"))
PLD = "https://w3id.org/parkld/ontology#"
Result = tuple[str, ...]


def _term(node: rdflib.term.Node | None) -> str:
    # Blank nodes (anonymous property shapes, paths, values) get engine-specific labels.
    if isinstance(node, rdflib.BNode):
        return "_:b"
    if isinstance(node, rdflib.Literal) and node.language is None:
        # Oxigraph stores numbers by value ("95.0" comes back as "95") and writes a simple
        # literal as the xsd:string it is in RDF 1.1: compare values, not spellings.
        value = node.toPython()
        if isinstance(value, Decimal):
            value = value.normalize()
        return f"{value!r}^^{node.datatype or rdflib.XSD.string}"
    return str(node)


def results(report: rdflib.Graph) -> Counter[Result]:
    found: Counter[Result] = Counter()
    for r in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        found[
            tuple(
                _term(report.value(r, p))
                for p in (
                    SH.focusNode,
                    SH.sourceShape,
                    SH.resultPath,
                    SH.value,
                    SH.resultSeverity,
                    SH.sourceConstraintComponent,
                    SH.resultMessage,
                )
            )
        ] += 1
    return found


def native_results(files: list[LoadedFile]) -> Counter[Result]:
    """What the native engine reports, run on the same union as ``conforms_fast`` builds."""
    from pyshacl_turbo import validate as native_validate

    from parkld.validate import to_rdflib

    data = ox.Store()
    data.bulk_extend(
        ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
        for f in files
        if f.source.role in ("data", "ontology")
        for q in f.quads
    )
    for f in files:
        if f.source.role == "data":
            data.add(
                ox.Quad(
                    ox.NamedNode(f.source.graph),
                    ox.NamedNode(str(rdflib.RDF.type)),
                    ox.NamedNode(PLD + "SourceGraph"),
                    ox.DefaultGraph(),
                )
            )
    shapes = to_rdflib(q for f in files if f.source.role == "shapes" for q in f.quads)
    _, report, _ = native_validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    return results(report)


def load(*paths: Path) -> list[LoadedFile]:
    """The project's files, or its ontology and shapes with *paths* as the only data."""
    return graphs.load_all(_with_vocabulary(paths) if paths else graphs.discover())


def _with_vocabulary(paths: tuple[Path, ...]) -> list[graphs.SourceFile]:
    project = [s for s in graphs.discover() if s.role in ("ontology", "shapes")]
    return project + [s for s in graphs.discover(list(paths), with_project=False)]


def agree(files: list[LoadedFile]) -> Counter[Result]:
    reference = validate(files)
    expected = results(reference.graph)
    assert native_results(files) == expected
    verdict = conforms_fast(files)
    assert verdict.conforms == reference.conforms
    assert verdict.violations == len(reference.violations)
    assert results(verdict.graph) == expected  # the report the per-resource pages publish
    return expected


def test_shipped_data_both_conform() -> None:
    found = agree(load())  # identical results, warnings and infos included
    assert not [r for r in found if r[4].endswith("#Violation")]


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_violating_fixture_same_results(fixture: Path, tmp_path: Path) -> None:
    # Copied out of tests/fixtures/shapes/: a file in a folder called "shapes" is read as shapes.
    data = tmp_path / "data" / fixture.name
    data.parent.mkdir()
    data.write_bytes(fixture.read_bytes())
    found = agree(load(data))
    # The fixture is there to break its shape: both engines must say so, identically.
    expected_shape = (
        fixture.read_text(encoding="utf-8").split("# expect-shape: plds:")[1].split()[0]
    )
    assert any(r[1].endswith("#" + expected_shape) for r in found), found


def test_generated_data_with_injected_violations(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    m = generate.generate(out, 3000, seed=5)
    data = generate.data_dir(out)
    assert not agree(load(data))
    park = f"https://w3id.org/parkld/park/{m.sample_park}"
    broken = tmp_path / "broken" / "injected.ttl"
    broken.parent.mkdir()
    broken.write_text(
        "@prefix pld: <https://w3id.org/parkld/ontology#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix wgs84: <http://www.w3.org/2003/01/geo/wgs84_pos#> .\n"
        f'<{park}> wgs84:lat "123.0"^^xsd:decimal ; pld:foundingYear "soon" .\n'
        "<https://w3id.org/parkld/agreement/injected> a pld:Agreement ;\n"
        f'    pld:party <{park}> ; pld:date "2016-13-45" .\n',
        encoding="utf-8",
    )
    found = agree(load(data, broken.parent))
    assert sum(found.values()) >= 3, found
