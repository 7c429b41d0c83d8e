"""``/sparql`` through Flask's test client: protocol, negotiation, limits, safety, the page."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from parkld.queries import examples
from parkld.store.base import Store
from parkld.store.embedded import EmbeddedStore
from parkld.web import create_app
from tests.backends import BACKENDS, Backend, fixture_backend
from tests.conftest import make_settings
from tests.sparql_support import GRAPH, PARK, parks_quads, parks_store

LABELS = (
    "SELECT ?park ?label WHERE { ?park <http://www.w3.org/2000/01/rdf-schema#label> "
    "?label FILTER(lang(?label) = 'en') } ORDER BY ?label"
)
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)


@pytest.fixture(scope="module", params=BACKENDS)
def parks(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    """The park fixture on each backend: the protocol must behave the same on both."""
    with fixture_backend(request, tmp_path_factory.mktemp("web"), parks_quads()) as found:
        yield found


@pytest.fixture
def client(parks: Backend) -> FlaskClient:
    return parks.client()


# The embedded store alone, for what only it has (the rate limiter's SQLite file in the store
# directory) and for writes, which the endpoint only makes to an embedded store in these tests.
@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return parks_store(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def store(store_dir: Path) -> Iterator[EmbeddedStore]:
    s = EmbeddedStore(store_dir, query_workers=1)
    yield s
    s.close()


def client_for(store_dir: Path, store: Store, **settings: Any) -> FlaskClient:
    app = create_app(make_settings(store_dir, **settings), store=store)
    app.config["TESTING"] = True
    return app.test_client()


def rows(body: bytes) -> list[dict[str, str]]:
    doc = json.loads(body)
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]


EN_LABELS = [
    "Barcelona Science Park",
    "Chengdu Hi-Tech Zone",
    "Xi'an Hi-Tech Zone\twith a tab",
    "Zhangjiang Hi-Tech Park",
]


def test_get_post_form_and_post_direct_agree(client: FlaskClient) -> None:
    got = client.get("/sparql", query_string={"query": LABELS})
    form = client.post("/sparql", data={"query": LABELS})
    direct = client.post("/sparql", data=LABELS.encode(), content_type="application/sparql-query")
    for answer in (got, form, direct):
        assert answer.status_code == 200
        assert answer.mimetype == "application/sparql-results+json"
        assert [r["label"] for r in rows(answer.data)] == EN_LABELS
        assert "Accept" in answer.headers["Vary"]
        assert answer.headers["X-Parkld-Result-Count"] == "4"


@pytest.mark.parametrize(
    ("accept", "mimetype"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
    ],
)
def test_select_formats_by_accept(client: FlaskClient, accept: str, mimetype: str) -> None:
    answer = client.get("/sparql", query_string={"query": LABELS}, headers={"Accept": accept})
    assert answer.status_code == 200 and answer.mimetype == mimetype
    if mimetype == "text/csv":  # CSV is lossy: Oxigraph does not parse it, the csv module does
        assert [r["label"] for r in csv.DictReader(io.StringIO(answer.data.decode()))] == [
            label.replace("\t", "\t") for label in EN_LABELS
        ]
        return
    parsed = ox.parse_query_results(
        answer.data,
        format={
            "application/sparql-results+json": ox.QueryResultsFormat.JSON,
            "application/sparql-results+xml": ox.QueryResultsFormat.XML,
            "text/tab-separated-values": ox.QueryResultsFormat.TSV,
        }[mimetype],
    )
    assert isinstance(parsed, ox.QuerySolutions)
    labels = [s["label"].value for s in parsed]
    assert labels == EN_LABELS


def test_csv_is_plain_values(client: FlaskClient) -> None:
    answer = client.get("/sparql", query_string={"query": LABELS, "format": "csv"})
    table = list(csv.reader(io.StringIO(answer.data.decode())))
    assert table[0] == ["park", "label"]
    assert table[1] == [f"{PARK}barcelona", "Barcelona Science Park"]


@pytest.mark.parametrize(
    ("fmt", "rdf_format"),
    [
        ("turtle", ox.RdfFormat.TURTLE),
        ("jsonld", ox.RdfFormat.JSON_LD),
        ("ntriples", ox.RdfFormat.N_TRIPLES),
        ("rdfxml", ox.RdfFormat.RDF_XML),
        ("trig", ox.RdfFormat.TRIG),
        ("nquads", ox.RdfFormat.N_QUADS),
    ],
)
def test_construct_in_every_graph_format(
    client: FlaskClient, fmt: str, rdf_format: ox.RdfFormat
) -> None:
    query = (
        f"PREFIX ex: <{PARK}> CONSTRUCT {{ ?p ex:name ?l }} WHERE {{ "
        "?p <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    )
    media = {
        "turtle": "text/turtle",
        "jsonld": "application/ld+json",
        "ntriples": "application/n-triples",
        "rdfxml": "application/rdf+xml",
        "trig": "application/trig",
        "nquads": "application/n-quads",
    }[fmt]
    by_accept = client.get("/sparql", query_string={"query": query}, headers={"Accept": media})
    by_param = client.get("/sparql", query_string={"query": query, "format": fmt})
    for answer in (by_accept, by_param):
        assert answer.status_code == 200 and answer.mimetype == media
        quads = list(ox.parse(answer.data, format=rdf_format))
        assert len(quads) == 6
        assert ox.Literal("成都高新区", language="zh") in {q.object for q in quads}


def test_relative_iris_resolve_against_the_endpoint(client: FlaskClient) -> None:
    # Regression (Virtuoso): the remote store sent relative IRIs as written, Virtuoso echoed
    # <s> back unresolved and parsing its answer failed (502). Both resolve against the
    # configured endpoint IRI (the base IRI's /sparql; never the request's Host).
    answer = client.get(
        "/sparql",
        query_string={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"},
        headers={"Accept": "application/n-triples"},
    )
    assert answer.status_code == 200, answer.data[:300]
    assert [q.triple for q in ox.parse(answer.data, format=ox.RdfFormat.N_TRIPLES)] == [
        ox.Triple(
            ox.NamedNode("https://w3id.org/parkld/s"),
            ox.NamedNode("https://w3id.org/parkld/p"),
            ox.Literal("1", datatype=ox.NamedNode(XSD_INTEGER)),
        )
    ]
    asked = client.get("/sparql", query_string={"query": "SELECT ?x WHERE { BIND(<rel#x> AS ?x) }"})
    assert rows(asked.data) == [{"x": "https://w3id.org/parkld/rel#x"}]


def test_describe_defaults_to_turtle(client: FlaskClient) -> None:
    answer = client.get("/sparql", query_string={"query": f"DESCRIBE <{PARK}sophia>"})
    assert answer.mimetype == "text/turtle"
    triples = list(ox.parse(answer.data, format=ox.RdfFormat.TURTLE))
    assert ox.NamedNode(f"{PARK}chengdu") in {t.object for t in triples}


def test_format_xml_means_rdfxml_for_graphs(client: FlaskClient) -> None:
    answer = client.get(
        "/sparql", query_string={"query": "CONSTRUCT WHERE { ?s a ?t }", "format": "xml"}
    )
    assert answer.mimetype == "application/rdf+xml"


def test_ask_and_graph_keyword(client: FlaskClient) -> None:
    q = f"ASK {{ GRAPH <{GRAPH}source-b> {{ <{PARK}sophia> ?p <{PARK}chengdu> }} }}"
    answer = client.get("/sparql", query_string={"query": q})
    assert json.loads(answer.data) == {"head": {}, "boolean": True}
    xml = client.get(
        "/sparql", query_string={"query": q}, headers={"Accept": "application/sparql-results+xml"}
    )
    assert b"<boolean>true</boolean>" in xml.data


def test_bad_requests(client: FlaskClient) -> None:
    syntax = client.get("/sparql", query_string={"query": "SELECT * {"})
    assert syntax.status_code == 400 and b"malformed query" in syntax.data
    assert b"Traceback" not in syntax.data
    two = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert two.status_code == 400 and b"exactly one" in two.data
    wrong_type = client.post("/sparql", data="ASK {}", content_type="text/plain")
    assert wrong_type.status_code == 415
    utf16 = client.post(
        "/sparql",
        data="ASK {}".encode("utf-16"),
        content_type="application/sparql-query; charset=UTF-16",
    )
    assert utf16.status_code == 415
    bad_bytes = client.post(
        "/sparql", data=b"ASK { \xff }", content_type="application/sparql-query"
    )
    assert bad_bytes.status_code == 400 and b"UTF-8" in bad_bytes.data
    put = client.put("/sparql", data={"query": "ASK {}"})
    assert put.status_code == 405


def test_not_acceptable(client: FlaskClient) -> None:
    answer = client.get(
        "/sparql", query_string={"query": "ASK {}"}, headers={"Accept": "image/png"}
    )
    assert answer.status_code == 406
    construct = client.get(
        "/sparql",
        query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
        headers={"Accept": "text/csv"},
    )
    assert construct.status_code == 406 and b"text/turtle" in construct.data
    unknown = client.get("/sparql", query_string={"query": "ASK {}", "format": "yaml"})
    assert unknown.status_code == 406


def test_body_size_limit(parks: Backend) -> None:
    small = parks.client(max_body_bytes=200)
    answer = small.post(
        "/sparql", data=("ASK {} #" + "x" * 400).encode(), content_type="application/sparql-query"
    )
    assert answer.status_code == 413 and b"PARKLD_MAX_BODY_BYTES" in answer.data


def test_row_cap_is_announced(parks: Backend) -> None:
    capped = parks.client(max_rows=2)
    answer = capped.get("/sparql", query_string={"query": LABELS})
    assert len(rows(answer.data)) == 2
    assert answer.headers["X-Parkld-Truncated"] == "true"
    assert answer.headers["X-Parkld-Max-Rows"] == "2"
    assert "truncated" in answer.headers["Warning"]
    page = capped.get("/sparql", query_string={"query": LABELS}, headers={"Accept": FIREFOX})
    assert b"Result truncated" in page.data and b"first 2 rows" in page.data
    whole = capped.get("/sparql", query_string={"query": LABELS + " LIMIT 2"})
    assert "X-Parkld-Truncated" not in whole.headers


def test_service_outside_allowlist_is_refused(client: FlaskClient) -> None:
    answer = client.get(
        "/sparql",
        query_string={"query": "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"},
    )
    assert answer.status_code == 403 and b"not allowed" in answer.data


@pytest.mark.parametrize(
    "body",
    [
        {"update": "INSERT DATA { <http://a> <http://b> <http://c> }"},
        {"update": "LOAD <http://example.org/x.ttl>"},
    ],
)
def test_updates_are_refused_when_read_only(client: FlaskClient, body: dict[str, str]) -> None:
    answer = client.post("/sparql", data=body)
    assert answer.status_code == 403 and b"read-only" in answer.data
    get = client.get("/sparql", query_string=body)
    assert get.status_code == 400


def test_updates_need_the_token(tmp_path: Path) -> None:
    store_dir = parks_store(tmp_path)
    with EmbeddedStore(store_dir, query_workers=1) as own:
        c = client_for(store_dir, own, update_enabled=True, update_token="s3cret")
        insert = "INSERT DATA { GRAPH <http://g> { <http://a> <http://b> 'new' } }"
        assert c.post("/sparql", data={"update": insert}).status_code == 401
        wrong = c.post("/sparql", data={"update": insert}, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"].startswith("Bearer")
        auth = {"Authorization": "Bearer s3cret"}
        load = c.post("/sparql", data={"update": "LOAD <http://127.0.0.1:9/x>"}, headers=auth)
        assert load.status_code == 403
        ok = c.post(
            "/sparql", data=insert.encode(), headers=auth, content_type="application/sparql-update"
        )
        assert ok.status_code == 204
        ask = c.get("/sparql", query_string={"query": "ASK { <http://a> <http://b> 'new' }"})
        assert json.loads(ask.data)["boolean"] is True


def test_cors(client: FlaskClient) -> None:
    answer = client.get(
        "/sparql", query_string={"query": "ASK {}"}, headers={"Origin": "https://example.org"}
    )
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Parkld-Truncated" in answer.headers["Access-Control-Expose-Headers"]
    pre = client.options(
        "/sparql",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"},
    )
    assert pre.status_code == 204
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in pre.headers["Access-Control-Allow-Headers"]


def test_cors_origin_list(parks: Backend) -> None:
    c = parks.client(cors_origins="https://a.example")
    ok = c.get("/sparql?query=ASK%7B%7D", headers={"Origin": "https://a.example"})
    assert ok.headers["Access-Control-Allow-Origin"] == "https://a.example"
    other = c.get("/sparql?query=ASK%7B%7D", headers={"Origin": "https://b.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_rate_limit(tmp_path: Path, store: EmbeddedStore, store_dir: Path) -> None:
    c = client_for(tmp_path, store, rate_limit_per_minute=3)
    codes = [c.get("/sparql?query=ASK%7B%7D").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    last = c.get("/sparql?query=ASK%7B%7D")
    assert 1 <= int(last.headers["Retry-After"]) <= 60 and b"per minute" in last.data
    # Another client is not affected; the default (0) is off.
    other = c.get("/sparql?query=ASK%7B%7D", environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert other.status_code == 200
    assert all(
        client_for(store_dir, store).get("/sparql?query=ASK%7B%7D").status_code == 200
        for _ in range(5)
    )


SD = "http://www.w3.org/ns/sparql-service-description#"
#: Terms the SPARQL 1.1 Service Description vocabulary defines.
SD_TERMS = {
    "Service",
    "Feature",
    "Language",
    "Function",
    "Aggregate",
    "EntailmentRegime",
    "EntailmentProfile",
    "GraphCollection",
    "Dataset",
    "Graph",
    "NamedGraph",
    "endpoint",
    "feature",
    "defaultEntailmentRegime",
    "entailmentRegime",
    "defaultSupportedEntailmentProfile",
    "supportedEntailmentProfile",
    "extensionFunction",
    "extensionAggregate",
    "languageExtension",
    "supportedLanguage",
    "propertyFeature",
    "defaultDataset",
    "availableGraphs",
    "resultFormat",
    "inputFormat",
    "defaultGraph",
    "namedGraph",
    "name",
    "graph",
    "SPARQL10Query",
    "SPARQL11Query",
    "SPARQL11Update",
    "DereferencesURIs",
    "UnionDefaultGraph",
    "RequiresDataset",
    "EmptyGraphs",
    "BasicFederatedQuery",
}


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("*/*", ox.RdfFormat.TURTLE),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ],
)
def test_service_description(client: FlaskClient, accept: str, rdf_format: ox.RdfFormat) -> None:
    answer = client.get("/sparql", headers={"Accept": accept})
    assert answer.status_code == 200
    triples = [q.triple for q in ox.parse(answer.data, format=rdf_format)]
    # 1. It is RDF (it parsed) and 2. names this endpoint.
    services = {t.subject for t in triples if t.object == ox.NamedNode(SD + "Service")}
    assert len(services) == 1
    service = services.pop()
    endpoint = {
        t.object
        for t in triples
        if t.subject == service and t.predicate == ox.NamedNode(SD + "endpoint")
    }
    # The configured public base (PARKLD_PUBLIC_URL, else the base IRI), never the Host.
    assert endpoint == {ox.NamedNode("https://w3id.org/parkld/sparql")}
    # 3. Every sd: term used is one the vocabulary defines, and the structure is as specified.
    used = {
        term.value[len(SD) :]
        for t in triples
        for term in (t.predicate, t.object)
        if isinstance(term, ox.NamedNode) and term.value.startswith(SD)
    }
    assert used <= SD_TERMS
    names = {t.object.value for t in triples if t.predicate == ox.NamedNode(SD + "name")}
    assert names == {f"{GRAPH}source-a", f"{GRAPH}source-b"}
    assert (
        ox.Triple(
            service, ox.NamedNode(SD + "supportedLanguage"), ox.NamedNode(SD + "SPARQL11Query")
        )
        in triples
    )


def test_service_description_not_acceptable(client: FlaskClient) -> None:
    assert client.get("/sparql", headers={"Accept": "text/csv"}).status_code == 406


@pytest.mark.parametrize("accept", [FIREFOX, CHROME, "text/html"])
def test_browsers_get_the_query_page(client: FlaskClient, accept: str) -> None:
    answer = client.get("/sparql", headers={"Accept": accept})
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    page = answer.data.decode()
    assert '<textarea id="query"' in page and "/static/sparql.js" in page
    assert "PREFIX pld: &lt;https://w3id.org/parkld/ontology#&gt;" in page
    assert "http://" not in page.split("<body>")[0].replace("http://localhost", "")  # no CDN


def test_page_runs_the_query_and_links_iris(client: FlaskClient) -> None:
    answer = client.get("/sparql", query_string={"query": LABELS, "format": "html"})
    page = answer.data.decode()
    assert "<th>park</th>" in page and "Barcelona Science Park" in page
    # IRIs under the base dereference on this server.
    assert 'href="/park/barcelona"' in page
    error = client.get("/sparql", query_string={"query": "SELECT {", "format": "html"})
    assert error.status_code == 400 and "malformed query" in error.data.decode()


def test_page_lists_example_files(
    tmp_path: Path, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "b-parks.rq").write_text("# Parks by country\nSELECT * {}\n")
    (tmp_path / "a-untitled.rq").write_text("SELECT * {}\n")
    found = examples(tmp_path)
    assert [(e.name, e.title) for e in found] == [
        ("a-untitled", "a-untitled"),
        ("b-parks", "Parks by country"),
    ]
    monkeypatch.setattr("parkld.project_files.examples_dir", lambda: tmp_path)
    page = client.get("/sparql", headers={"Accept": "text/html"}).data.decode()
    assert "Parks by country" in page and 'data-query="# Parks by country' in page
    # The landing page lists the same files, by the same loader.
    landing = client.get("/", headers={"Accept": "text/html"}).data.decode()
    assert ">Parks by country</a>" in landing and ">a-untitled</a>" in landing


def test_static_files_are_served(client: FlaskClient) -> None:
    for name, marker in (("sparql.js", b"addEventListener"), ("sparql.css", b".sparql-")):
        with client.get(f"/static/{name}") as answer:
            assert answer.status_code == 200 and marker in answer.data


def test_head_is_a_get_without_body(client: FlaskClient) -> None:
    """HEAD /sparql answered 415 (it was read as a POST without a content type)."""
    query = "ASK { ?s ?p ?o }"
    got = client.get(
        "/sparql",
        query_string={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    head = client.head(
        "/sparql",
        query_string={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert head.status_code == got.status_code == 200
    assert head.data == b"" and json.loads(got.data)["boolean"] is True
    assert head.headers["Content-Type"] == got.headers["Content-Type"]
    description = client.head("/sparql", headers={"Accept": "text/turtle"})
    assert description.status_code == 200
    assert description.headers["Content-Type"].startswith("text/turtle")
