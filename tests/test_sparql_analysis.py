"""The pre-evaluation checks: SERVICE allow-list (escapes, prefixes, variables), LOAD, form."""

from __future__ import annotations

import pytest

from parkld.errors import BadRequest, Forbidden, PayloadTooLarge
from parkld.sparql import analysis

WD = "https://query.wikidata.org/sparql"
ALLOW = (WD,)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }",
        "select * { service silent <http://evil.example/sparql> { ?s ?p ?o } }",
        "PREFIX e: <http://evil.example/> SELECT * { SERVICE e:sparql { ?s ?p ?o } }",
        "SELECT * { SERVICE ?endpoint { ?s ?p ?o } }",
        "SELECT * { SERVICE $endpoint { ?s ?p ?o } }",
        # Escapes in an IRI are decoded before comparing.
        "SELECT * { SERVICE <http://evil\\u002Eexample/sparql> { ?s ?p ?o } }",
        # A relative SERVICE IRI is refused whatever the BASE.
        "BASE <http://evil.example/> SELECT * { SERVICE <sparql> { ?s ?p ?o } }",
        "SELECT * { SERVICE <sparql> { ?s ?p ?o } }",
        # Spellings of an allowed endpoint that reach elsewhere, and numeric hosts.
        "SELECT * { SERVICE <https://query.wikidata.org@127.0.0.1/sparql> { ?s ?p ?o } }",
        "SELECT * { SERVICE <https://u:p@query.wikidata.org/sparql> { ?s ?p ?o } }",
        "SELECT * { SERVICE <https://query.wikidata.org:8443/sparql> { ?s ?p ?o } }",
        "SELECT * { SERVICE <https://query.wikidata.org/x/../sparql> { ?s ?p ?o } }",
        "SELECT * { SERVICE <https://query%2Ewikidata.org/sparql> { ?s ?p ?o } }",
        "SELECT * { SERVICE <http://127.1/sparql> { ?s ?p ?o } }",
        "SELECT * { SERVICE <http://0x7f000001/sparql> { ?s ?p ?o } }",
        # The second bypass of issue 12: an escaped quote is a quote *inside* the string (as the
        # engine reads it), so the SERVICE after it is seen and refused.
        'SELECT * { ?s ?p "\\u0022" . SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } ?s ?p "\\u0022" }',
        # Allowed IRI first, forbidden one second.
        f"SELECT * {{ SERVICE <{WD}> {{ ?s ?p ?o }} SERVICE <http://evil.example/> {{ }} }}",
        # A comment or string before does not hide the call.
        "SELECT * { # SERVICE <https://query.wikidata.org/sparql>\n"
        " SERVICE <http://evil.example/> { ?s ?p ?o } }",
        'SELECT * { ?s ?p "}" . SERVICE <http://evil.example/> { ?s ?p ?o } }',
    ],
)
def test_forbidden_services_are_refused(query: str) -> None:
    with pytest.raises(Forbidden) as caught:
        analysis.check_query(query, ALLOW)
    assert "SERVICE" in caught.value.message


@pytest.mark.parametrize(
    "query",
    [
        f"SELECT * {{ SERVICE <{WD}> {{ ?s ?p ?o }} }}",
        "PREFIX wdq: <https://query.wikidata.org/> SELECT * { SERVICE wdq:sparql { ?s ?p ?o } }",
        # Scheme and host compare case-insensitively; the IRI may be escaped.
        "SELECT * { SERVICE <HTTPS://Query.Wikidata.ORG/sparql> { ?s ?p ?o } }",
        "SELECT * { SERVICE <https://query.wikidata.org/\\u0073parql> { ?s ?p ?o } }",
        # The word only inside strings, comments, IRIs, variables or prefixed names is not a call.
        'SELECT * { ?s ?p "SERVICE <http://evil.example/>" }',
        "SELECT * { ?s ?p '''SERVICE <http://evil.example/> { }''' }",
        "PREFIX ex: <http://ex/> "
        "SELECT ?service { ?service <http://example.org/SERVICE> ex:SERVICE } # SERVICE <x>",
    ],
)
def test_allowed_or_harmless_queries_pass(query: str) -> None:
    analysis.check_query(query, ALLOW)


def test_an_empty_allowlist_refuses_wikidata_too() -> None:
    with pytest.raises(Forbidden):
        analysis.check_query(f"SELECT * {{ SERVICE <{WD}> {{ ?s ?p ?o }} }}", ())


@pytest.mark.parametrize(
    "update",
    [
        "LOAD <http://example.org/data.ttl>",
        "load silent <http://example.org/data.ttl> INTO GRAPH <http://g>",
        "CLEAR ALL ; LOAD <http://example.org/x>",
        "LOAD <http://example.org/a> INTO GRAPH <http://g>",
    ],
)
def test_load_is_always_refused(update: str) -> None:
    with pytest.raises(Forbidden, match="LOAD"):
        analysis.check_update(update, ALLOW)


@pytest.mark.parametrize(
    "text",
    [
        # The first bypass of issue 12: the engine reads ``SERVICE:x`` as ``SERVICE :x``. Here it
        # is a prefixed name whose prefix ``SERVICE:`` is undeclared: refused before anything runs.
        "PREFIX : <http://127.0.0.1:9/> SELECT * { SERVICE:x { ?s ?p ?o } }",
        "PREFIX : <http://127.0.0.1:9/> INSERT { ?s ?p ?o } WHERE { SERVICE:x { ?s ?p ?o } }",
        "PREFIX : <http://127.0.0.1:9/> LOAD:x",
        # Escapes outside strings and IRIs are no SPARQL (the engine refuses them too).
        "SELECT * { SERV\\u0049CE <http://evil.example/sparql> { ?s ?p ?o } }",
        "CLEAR ALL ; L\\u004FAD <http://example.org/x>",
        # A keyword glued to what follows is refused, not split as the engine would.
        "SELECT * { SERVICEx <http://evil.example/> { } }",
        "SELECT * { ?s ?p ?o } LIMIT1",
        "SELECT * { SERVICE undeclared:x { ?s ?p ?o } }",
        "SELECT * { ?s ?p ?o ` }",
    ],
)
def test_text_that_does_not_tokenize_is_refused(text: str) -> None:
    with pytest.raises(BadRequest, match="malformed query"):
        analysis.check_update(text, ALLOW)
    with pytest.raises(BadRequest, match="malformed query"):
        analysis.check_query(text, ALLOW)


def test_loopback_allowlist_is_exact() -> None:
    allow = ("http://127.0.0.1:9/sparql",)
    analysis.check_query("SELECT * { SERVICE <http://127.0.0.1:9/sparql> {} }", allow)
    for other in (
        "http://localhost:9/sparql",
        "http://127.1:9/sparql",
        "http://127.0.0.1:9/sparql/",
        "http://127.0.0.1:9/sparql?x",
        "http://[::1]:9/sparql",
        "http://2130706433:9/sparql",
    ):
        with pytest.raises(Forbidden):
            analysis.check_query(f"SELECT * {{ SERVICE <{other}> {{}} }}", allow)


def test_canonical_text_is_what_the_checks_read() -> None:
    found = analysis.analyse(
        "PREFIX ex: <http://ex/> SELECT * { ?s ex:p\\.q \"a\\u0022b\" ; ex:r '''x\ny''' }"
        " # comment\n"
    )
    assert found.canonical == (
        'PREFIX ex: <http://ex/> SELECT * { ?s <http://ex/p.q> "a\\"b" ; <http://ex/r> "x\\ny" }'
    )


def test_nesting_and_token_bounds() -> None:
    with pytest.raises(BadRequest, match="nests brackets"):
        analysis.analyse("SELECT * " + "{" * 3000 + "}" * 3000)
    with pytest.raises(BadRequest, match="nests brackets"):
        analysis.analyse("ASK { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }")
    with pytest.raises(PayloadTooLarge, match="tokens"):
        analysis.analyse("ASK { FILTER(" + " || ".join(["?x"] * 10_000) + ") }")
    assert analysis.analyse("SELECT * " + "{" * 60 + "}" * 60).form == "select"


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("PREFIX a: <http://a/> SELECT * {}", "select"),
        ("BASE <http://b/> ask {}", "ask"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "construct"),
        ("# comment SELECT\nDESCRIBE <http://x>", "describe"),
        ("INSERT DATA { <a> <b> <c> }", "update"),
        ("ADD <http://a> TO <http://b>", "update"),
        ("PREFIX select: <http://a/> CLEAR ALL", "update"),
    ],
)
def test_form(text: str, form: str | None) -> None:
    assert analysis.analyse(text).form == form


def test_prefixes_and_dataset_clause() -> None:
    found = analysis.analyse(
        "PREFIX ex: <http://ex/> PREFIX : <http://d/> SELECT * FROM <http://g> { ?s ex:from ?from }"
    )
    assert found.prefixes == {"ex": "http://ex/", "": "http://d/"}
    assert found.has_dataset_clause
    assert not analysis.analyse(
        "PREFIX ex: <http://ex/> SELECT ?from { ?s ex:from ?from }"
    ).has_dataset_clause


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


def test_engine_errors_point_into_the_original_text() -> None:
    import pyoxigraph as ox

    from parkld.sparql import lexer

    text = "PREFIX ex: <http://ex/>\n# a comment\nSELECT * WHERE {\n  ?s ex:p ?o ?extra\n}"
    found = analysis.analyse(text)
    with pytest.raises(SyntaxError) as caught:
        ox.Store().query(found.canonical)
    message = lexer.original_position(str(caught.value), text)
    # The same place as the engine reports for the text as written.
    with pytest.raises(SyntaxError) as direct:
        ox.Store().query(text)
    line, column = str(direct.value).split("error at ", 1)[1].split(":")[:2]
    assert f"error at line {line}, column {column}" in message, (str(direct.value), message)
    assert line == "5"  # the closing brace, where the engine gave up
