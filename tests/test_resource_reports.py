"""The per-resource reports' fast writer gives the bytes of the reference construction."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

from parkld import graphs, resource_reports, validate
from parkld.config import Settings
from parkld.namespaces import SH


@pytest.fixture(scope="module")
def shipped_verdict(
    shipped_settings: Settings,
) -> tuple[validate.Verdict, set[str]]:
    files = graphs.load_all(
        graphs.discover(shipped_settings.data_paths, base=shipped_settings.base_iri),
        shipped_settings.base_iri,
    )
    verdict = validate.conforms_fast(files)
    entities = resource_reports.entities(
        graphs.iter_quads(files, ("data",)), shipped_settings.base_iri
    )
    return verdict, entities


def test_fast_reports_are_the_reference_bytes(
    shipped_settings: Settings, shipped_verdict: tuple[validate.Verdict, set[str]]
) -> None:
    verdict, entities = shipped_verdict
    base = shipped_settings.base_iri
    reference = ox.serialize(
        resource_reports.report_quads(verdict.graph, entities, base),
        format=ox.RdfFormat.N_QUADS,
    )
    fast = resource_reports.nquads(verdict.graph, entities, base)
    assert fast == reference
    # Both kinds of report are in the comparison: with results (the recommended shapes'
    # warnings on the shipped data) and without.
    quads = list(ox.parse(fast, format=ox.RdfFormat.N_QUADS))
    conforms = {
        q.subject.value: q.object.value for q in quads if q.predicate.value == SH + "conforms"
    }
    with_results = {q.subject.value for q in quads if q.predicate.value == SH + "result"}
    assert with_results and len(conforms) > len(with_results) > 0
    assert len(conforms) == len({resource_reports.report_iri(e, base) for e in entities} - {None})


def test_fast_reports_with_a_violation_and_an_extra_focus(
    shipped_settings: Settings, shipped_verdict: tuple[validate.Verdict, set[str]]
) -> None:
    # A violation whose focus is not among the listed entities still gets its report, as in
    # the reference; a non-conforming report says so.
    verdict, entities = shipped_verdict
    base = shipped_settings.base_iri
    report = rdflib.Graph()
    for triple in verdict.graph:
        report.add(triple)
    result = rdflib.BNode()
    focus = rdflib.URIRef(base + "park/not-listed")
    report.add((result, rdflib.RDF.type, rdflib.URIRef(SH + "ValidationResult")))
    report.add((result, rdflib.URIRef(SH + "focusNode"), focus))
    report.add((result, rdflib.URIRef(SH + "resultSeverity"), rdflib.URIRef(SH + "Violation")))
    report.add(
        (result, rdflib.URIRef(SH + "resultMessage"), rdflib.Literal('a "quoted" \\ message'))
    )
    reference = ox.serialize(
        resource_reports.report_quads(report, entities, base), format=ox.RdfFormat.N_QUADS
    )
    fast = resource_reports.nquads(report, entities, base)
    assert fast == reference
    text = fast.decode()
    assert f"<{base}validation/park/not-listed> <{SH}conforms> " in text
    assert '"false"' in text.split(f"<{base}validation/park/not-listed> <{SH}conforms> ")[1][:8]


@pytest.mark.parametrize("text", ["plain", 'a "quote"', "a \\ backslash", "tab\there", "é ü ☃"])
def test_string_literals_are_written_as_oxigraph_writes_them(text: str) -> None:
    assert resource_reports._nquads_string(text) == str(ox.Literal(text))
