"""The one media-type table: every lookup path leads to the same row."""

from __future__ import annotations

import pytest

from parkld import mediatypes as mt


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("turtle", mt.TURTLE),
        ("ttl", mt.TURTLE),
        ("text/turtle", mt.TURTLE),
        ("jsonld", mt.JSONLD),
        ("json-ld", mt.JSONLD),
        ("application/ld+json", mt.JSONLD),
        ("nt", mt.NTRIPLES),
        ("rdf", mt.RDFXML),
        ("xml", mt.SPARQL_XML),
        ("json", mt.SPARQL_JSON),
        ("csv", mt.SPARQL_CSV),
        ("tsv", mt.SPARQL_TSV),
        ("trig", mt.TRIG),
        ("nq", mt.NQUADS),
        ("html", mt.HTML),
        ("nonsense", None),
    ],
)
def test_by_name(name: str, expected: mt.Format | None) -> None:
    assert mt.by_name(name) is expected


def test_media_type_parameters_are_ignored() -> None:
    assert mt.by_media_type("text/turtle; charset=utf-8") is mt.TURTLE
    assert mt.by_media_type("application/sparql-results+json") is mt.SPARQL_JSON


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("data/x.ttl", mt.TURTLE),
        ("x.nt", mt.NTRIPLES),
        ("onto.owl", mt.RDFXML),
        ("x.trig", mt.TRIG),
        ("x.jsonld", mt.JSONLD),
        ("x.json", None),
        ("x.csv", None),
        ("README", None),
    ],
)
def test_input_format_for_path(path: str, expected: mt.Format | None) -> None:
    assert mt.for_path(path) is expected


def test_every_rdf_format_has_both_engines() -> None:
    for fmt in mt.INPUT_FORMATS:
        assert fmt.rdflib and fmt.oxigraph is not None, fmt.name
    assert {f.extension for f in mt.ALL} >= {"ttl", "jsonld", "nt", "rdf", "html"}
