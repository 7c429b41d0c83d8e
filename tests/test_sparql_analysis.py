"""The pre-evaluation checks: SERVICE allow-list (escapes, prefixes, variables), LOAD, form."""

from __future__ import annotations

import pytest

from parkld.errors import Forbidden
from parkld.sparql import analysis

WD = "https://query.wikidata.org/sparql"
ALLOW = (WD,)


@pytest.mark.parametrize("query", [
    "SELECT * { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }",
    "select * { service silent <http://evil.example/sparql> { ?s ?p ?o } }",
    "PREFIX e: <http://evil.example/> SELECT * { SERVICE e:sparql { ?s ?p ?o } }",
    "SELECT * { SERVICE ?endpoint { ?s ?p ?o } }",
    "SELECT * { SERVICE $endpoint { ?s ?p ?o } }",
    "SELECT * { SERVICE undeclared:x { ?s ?p ?o } }",
    # Codepoint escapes are decoded before looking: keyword and IRI both hide nothing.
    "SELECT * { SERV\\u0049CE <http://evil.example/sparql> { ?s ?p ?o } }",
    "SELECT * { SERVICE <http://evil\\u002Eexample/sparql> { ?s ?p ?o } }",
    "BASE <http://evil.example/> SELECT * { SERVICE <sparql> { ?s ?p ?o } }",
    # Allowed IRI first, forbidden one second.
    f"SELECT * {{ SERVICE <{WD}> {{ ?s ?p ?o }} SERVICE <http://evil.example/> {{ }} }}",
    # A comment or string before does not hide the call.
    "SELECT * { # SERVICE <https://query.wikidata.org/sparql>\n"
    " SERVICE <http://evil.example/> { ?s ?p ?o } }",
    "SELECT * { ?s ?p \"}\" . SERVICE <http://evil.example/> { ?s ?p ?o } }",
])
def test_forbidden_services_are_refused(query: str) -> None:
    with pytest.raises(Forbidden) as caught:
        analysis.check_query(query, ALLOW)
    assert "SERVICE" in caught.value.message


@pytest.mark.parametrize("query", [
    f"SELECT * {{ SERVICE <{WD}> {{ ?s ?p ?o }} }}",
    "PREFIX wdq: <https://query.wikidata.org/> SELECT * { SERVICE wdq:sparql { ?s ?p ?o } }",
    # The word only inside strings, comments, IRIs, variables or prefixed names is not a call.
    "SELECT * { ?s ?p \"SERVICE <http://evil.example/>\" }",
    "SELECT * { ?s ?p '''SERVICE <http://evil.example/> { }''' }",
    "SELECT ?service { ?service <http://example.org/SERVICE> ex:SERVICE } # SERVICE <x>",
])
def test_allowed_or_harmless_queries_pass(query: str) -> None:
    analysis.check_query(query, ALLOW)


def test_an_empty_allowlist_refuses_wikidata_too() -> None:
    with pytest.raises(Forbidden):
        analysis.check_query(f"SELECT * {{ SERVICE <{WD}> {{ ?s ?p ?o }} }}", ())


@pytest.mark.parametrize("update", [
    "LOAD <http://example.org/data.ttl>",
    "load silent <http://example.org/data.ttl> INTO GRAPH <http://g>",
    "CLEAR ALL ; L\\u004FAD <http://example.org/x>",
])
def test_load_is_always_refused(update: str) -> None:
    with pytest.raises(Forbidden, match="LOAD"):
        analysis.check_update(update, ALLOW)


@pytest.mark.parametrize(("text", "form"), [
    ("PREFIX a: <http://a/> SELECT * {}", "select"),
    ("BASE <http://b/> ask {}", "ask"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "construct"),
    ("# comment SELECT\nDESCRIBE <http://x>", "describe"),
    ("INSERT DATA { <a> <b> <c> }", "update"),
    ("nonsense", None),
])
def test_form(text: str, form: str | None) -> None:
    assert analysis.analyse(text).form == form


def test_prefixes_and_dataset_clause() -> None:
    found = analysis.analyse("PREFIX ex: <http://ex/> PREFIX : <http://d/> "
                             "SELECT * FROM <http://g> { ?s ex:from ?from }")
    assert found.prefixes == {"ex": "http://ex/", "": "http://d/"}
    assert found.has_dataset_clause
    assert not analysis.analyse("SELECT ?from { ?s ex:from ?from }").has_dataset_clause


def test_only_short_queries_are_remembered() -> None:
    # Repeated short queries are analysed once; long ones every time, so that distinct large
    # bodies cannot pile up in the memo.
    analysis._analyse_memo.cache_clear()
    short = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
    assert analysis.analyse(short).form == "select"
    assert analysis.analyse(short).form == "select"
    info = analysis._analyse_memo.cache_info()
    assert (info.hits, info.currsize) == (1, 1)
    long = "ASK { ?s ?p ?o }" + " " * analysis.MEMO_MAX_CHARS
    assert analysis.analyse(long).form == "ask"
    assert analysis._analyse_memo.cache_info().currsize == 1
