"""Differential test: the canonical text parkld evaluates means what the query meant to Oxigraph.

Over a generated corpus (escapes in every string quote kind, prefixed names that spell
keywords, local-name escapes, comments holding keywords, IRIs with userinfo and numeric hosts,
BASE and relative IRIs, numbers, language tags), every text that parkld accepts is evaluated
by Oxigraph twice — as written and in canonical form — on the same data, and must give the
same answers. SERVICE calls are compared too, against a loopback listener: the endpoints the
analysis reports are exactly the ones Oxigraph calls.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from parkld.errors import DataError, ParkldError
from parkld.graphs import SourceFile, parse_file
from parkld.sparql import analysis
from tests.listener_support import CountingServer, counting_listener
from tests.ox_terms import solutions

BASE = "http://base.example/dir/"
EX = "http://ex/"
LITERALS = [
    'x"y',
    "a'b",
    "line\nbreak",
    "tab\there",
    "smile \U0001f600",
    "back\\slash",
    "'''",
    '"""',
    "plain",
]


def dataset() -> ox.Store:
    store = ox.Store()
    p = ox.NamedNode(EX + "p")
    subjects = [
        EX + "s",
        EX + "a.b",
        EX + "a%20b",
        "http://u:p@127.0.0.1/x",
        "http://0x7f000001/y",
        BASE + "rel",
        "http://base.example/top",
    ]
    for i, s in enumerate(subjects):
        store.add(ox.Quad(ox.NamedNode(s), p, ox.Literal(LITERALS[i % len(LITERALS)])))
        store.add(
            ox.Quad(
                ox.NamedNode(s),
                ox.NamedNode(EX + "n"),
                ox.Literal(
                    str(i - 2), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
                ),
            )
        )
    for lit in LITERALS:
        store.add(ox.Quad(ox.NamedNode(EX + "lit"), p, ox.Literal(lit)))
    store.add(ox.Quad(ox.NamedNode(EX + "lang"), p, ox.Literal("colour", language="en-gb")))
    store.add(
        ox.Quad(
            ox.NamedNode(EX + "s"),
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode(EX + "T"),
        )
    )
    return store


def spellings(value: str) -> Iterator[str]:
    """*value* as a SPARQL string in each of the four quote kinds, with and without escapes."""

    def esc(v: str, quote: str) -> str:
        return (
            v.replace("\\", "\\\\")
            .replace(quote, "\\" + quote)
            .replace("\n", "\\n")
            .replace("\t", "\\t")
        )

    def uesc(v: str) -> str:  # every non-alphanumeric character as \\u / \\U
        return "".join(
            c if c.isalnum() else (f"\\u{ord(c):04X}" if ord(c) < 0x10000 else f"\\U{ord(c):08X}")
            for c in v
        )

    yield f'"{esc(value, chr(34))}"'
    yield f"'{esc(value, chr(39))}'"
    yield f'"{uesc(value)}"'
    yield f"'{uesc(value)}'"
    if '"' not in value and not value.endswith('"'):
        yield f'"""{value.replace(chr(92), chr(92) * 2)}"""'
    if "'" not in value:
        yield f"'''{value.replace(chr(92), chr(92) * 2)}'''"
    yield f'"""{uesc(value)}"""'
    yield f"'''{uesc(value)}'''"


PREFIX_NAMES = [
    "e",
    "",
    "select",
    "service",
    "filter",
    "a",
    "graph",
    "base",
    "optional",
    "where",
    "prefix",
]
LOCALS = [("s", EX + "s"), ("a\\.b", EX + "a.b"), ("a%20b", EX + "a%20b"), ("p", EX + "p")]
IRIS = [
    "<http://ex/s>",
    "<http://u:p@127.0.0.1/x>",
    "<http://0x7f000001/y>",
    "<http://\\u0075:p@127.0.0.1/x>",
    "<http://0x7f000001/\\u0079>",
    "<rel>",
    "<../top>",
    "<http://ex/a%20b>",
]


def corpus() -> Iterator[str]:
    for lit in LITERALS:
        for spelled in spellings(lit):
            yield f"SELECT ?s WHERE {{ ?s <{EX}p> ?o FILTER(?o = {spelled}) }}"
            yield f"ASK {{ ?s ?p {spelled} }}"
            yield f"SELECT (STRLEN({spelled}) AS ?n) ({spelled} AS ?v) WHERE {{ }}"
            yield f"CONSTRUCT {{ <{EX}s> <{EX}q> {spelled} }} WHERE {{ }}"
    for name, (local, _iri) in itertools.product(PREFIX_NAMES, LOCALS):
        decl = f"PREFIX {name}: <{EX}>"
        yield f"{decl} SELECT * WHERE {{ {name}:{local} ?p ?o }}"
        yield f"{decl} SELECT ?s ?o WHERE {{ ?s {name}:p ?o }}"
        yield f"{decl} SELECT ?s WHERE {{ ?s ?p {name}:T }}"
        yield f"{decl} CONSTRUCT {{ ?s {name}:q ?o }} WHERE {{ ?s {name}:p ?o }}"
        yield f"{decl} SELECT ?s WHERE {{ ?s a {name}:T }}"
    for iri in IRIS:
        yield f"BASE <{BASE}> SELECT ?p ?o WHERE {{ {iri} ?p ?o }}"
        yield f"SELECT ?p ?o WHERE {{ {iri} ?p ?o }}"
        yield f"BASE <{BASE}> DESCRIBE {iri}"
    for comment in [
        "# SERVICE <http://127.0.0.1:1/> { }",
        "# \\u000a SELECT",
        "#}",
        "# '\"",
        "# a:b \\u0022",
    ]:
        yield f"SELECT ?s WHERE {{ {comment}\n ?s <{EX}p> ?o }}"
        yield f"SELECT ?s {comment}\nWHERE {{ ?s <{EX}p> ?o }} LIMIT 3"
    for number in ["-1", "+1", "1.5", "-0.5", ".5", "1e0", "-2E1", "3", "1."]:
        yield f"SELECT ?s WHERE {{ ?s <{EX}n> ?n FILTER(?n > {number}) }}"
        yield f"SELECT ?s WHERE {{ ?s <{EX}n> ?n FILTER(?n-1<{number}) }}"
        yield f"SELECT ?x WHERE {{ VALUES ?x {{ {number} }} }}"
    for tag in ["@en", "@en-GB", "@EN-gb", "@fr"]:
        yield f'ASK {{ ?s ?p "colour"{tag} }}'
        yield f'SELECT ?s WHERE {{ ?s ?p ?o FILTER(?o = "colour" {tag}) }}'
    yield f"SELECT ?s WHERE {{ ?s <{EX}p> ?o FILTER(?o<'b'&&?o>'a') }}"
    yield f"SELECT ?s WHERE {{ ?s <{EX}p> ?o FILTER(?o<=?o) }}"
    yield f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{EX}p>/<{EX}q>?|<{EX}n> ?o }}"
    yield "SELECT*WHERE{?s ?p ?o}ORDER BY ?s LIMIT 5"
    yield f"SELECT ?s WHERE {{ ?s <{EX}p> ?o . FILTER regex(?o, '^[a-z]+$', 'i') }}"
    yield f"SELECT ?s (GROUP_CONCAT(?o; SEPARATOR='|') AS ?all) {{ ?s <{EX}p> ?o }} GROUP BY ?s"
    yield "SELECT ?b WHERE { BIND(BNODE() AS ?x) BIND(isBlank(?x) AS ?b) }"
    yield f"SELECT ?s WHERE {{ ?s <{EX}p> [] }}"
    yield f"SELECT ?s WHERE {{ ?s <{EX}p> ?o ; <{EX}n> ?n , ?m }}"


def answers(result: object) -> object:
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows = [tuple(_term(s[v]) for v in names) for s in result]
        return names, sorted(rows)
    assert isinstance(result, ox.QueryTriples)
    return sorted(tuple(_term(x) for x in (t.subject, t.predicate, t.object)) for t in result)


def _term(term: object) -> str:
    return "_:b" if isinstance(term, ox.BlankNode) else str(term)


def test_canonical_text_gives_the_same_answers() -> None:
    store = dataset()
    items = list(dict.fromkeys(corpus()))
    assert len(items) > 300
    compared = 0
    disagreements = []
    for text in items:
        try:
            canon = analysis.check_query(text, (), base_iri=None).canonical
        except ParkldError:
            continue
        try:
            mine = answers(store.query(canon, base_iri=BASE))
        except SyntaxError as exc:
            # The engine refuses the canonical text: then it must refuse the original too.
            with pytest.raises(SyntaxError):
                store.query(text, base_iri=BASE)
            disagreements.append((text, str(exc)))
            continue
        theirs = answers(store.query(text, base_iri=BASE))
        assert mine == theirs, (text, canon)
        compared += 1
    # Nearly all of the corpus is accepted and compared (a few spellings are refused as
    # parkld's conservative choice, e.g. a keyword glued to a number).
    assert compared >= 0.95 * len(items), (compared, len(items), disagreements[:5])


def test_refused_texts_are_refused_for_a_reason() -> None:
    refused = []
    for text in dict.fromkeys(corpus()):
        try:
            analysis.check_query(text, ())
        except ParkldError as exc:
            refused.append((text, exc.message))
    assert all("malformed query" in m for _, m in refused), refused


@pytest.fixture()
def listener() -> Iterator[CountingServer]:
    with counting_listener() as server:
        yield server


def service_corpus(url: str) -> Iterator[str]:
    host = url.split("/")[2]
    for n, (prologue, pattern) in enumerate(
        [
            ("", "SERVICE <{u}> { }"),
            ("", "SERVICE SILENT <{u}> { }"),
            ("", "service<{u}>{ }"),
            ("PREFIX e: <http://{h}/>", "SERVICE e:v{n} { }"),
            ("PREFIX select: <http://{h}/>", "SERVICE select:v{n} { }"),
            ("", '?s <http://ex/p> "\\u0022" . SERVICE <{u}> { }'),
            ("", "?s <http://ex/p> '\\u0027' . SERVICE <{u}> { }"),
            ("", "?s <http://ex/p> '''it's''' . SERVICE <{u}> { }"),
            ("", "# SERVICE <http://127.0.0.1:1/> { }\nSERVICE <{u}> { }"),
            ("", "OPTIONAL { SERVICE <{u}> { } }"),
            ("", "{ SELECT * { SERVICE <{u}> { } } }"),
            ("", "SERVICE <http://{h}/\\u0076{n}> { }"),
        ]
    ):
        target = f"http://{host}/v{n}"
        yield (
            f"{prologue} SELECT * WHERE {{ {pattern} }}".replace("{u}", target)
            .replace("{h}", host)
            .replace("{n}", str(n))
        )


def test_service_calls_are_exactly_the_analysed_ones(listener: CountingServer) -> None:
    store = dataset()
    for text in service_corpus(listener.url):
        found = analysis.analyse(text)
        allow = tuple(found.services)
        analysis.check_services(found, allow)
        listener.paths.clear()
        list(solutions(store.query(text)))
        called_original = sorted(listener.paths)
        listener.paths.clear()
        list(solutions(store.query(found.canonical)))
        called_canonical = sorted(listener.paths)
        expected = sorted(iri.split(str(listener.port), 1)[1] for iri in found.services)
        assert [p.split("?")[0] for p in called_original] == expected, text
        assert [p.split("?")[0] for p in called_canonical] == expected, text


def test_no_remote_jsonld_context_is_ever_fetched(listener: CountingServer, tmp_path: Path) -> None:
    """JSON-LD input (data files; the endpoint takes none, and LOAD is refused) names a
    remote ``@context`` on the loopback listener: parsing fails with a message naming the
    file, and the listener sees no connection."""
    document = (
        '{"@context": "' + listener.url + '/context.jsonld", "@id": "http://ex/s", "name": "x"}'
    )
    with pytest.raises(SyntaxError):
        list(ox.parse(document.encode(), format=ox.RdfFormat.JSON_LD))
    path = tmp_path / "remote-context.jsonld"
    path.write_text(document, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        parse_file(SourceFile(path, "https://w3id.org/parkld/graph/x", "data"))
    assert str(path) in caught.value.message
    nested = (
        '{"@context": [{"@vocab": "http://ex/"}, {"@import": "'
        + listener.url
        + '/imported"}], "@id": "http://ex/s", "name": "x"}'
    )
    with pytest.raises(SyntaxError):
        list(ox.parse(nested.encode(), format=ox.RdfFormat.JSON_LD))
    assert listener.connections == 0
