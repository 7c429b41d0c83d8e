"""Claim tables on the web: every claim's passage shown next to it (agreement, alliance and
park pages) and published as RDF. Built from the project data plus the fixture tables."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator

import pytest
import rdflib
from flask.testing import FlaskClient

from parkld.build import ensure_built
from parkld.store.embedded import EmbeddedStore
from parkld.web import create_app
from tests.conftest import FIXTURES, make_settings

AGREEMENT = "/agreement/fixture-park-a-fixture-park-b-sister-2016"
EN_QUOTE = "On 2 July 2016 Fixture Park A and Fixture Park B became sister parks."
FR_QUOTE = "Le 2 juillet 2016 les parcs A et B sont devenus parcs jumeaux."


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    root = tmp_path_factory.mktemp("claims-web")
    shutil.copytree(FIXTURES / "claims", root / "extra" / "claims")
    settings = make_settings(root / "store", data_paths=(root / "extra",))
    ensure_built(settings)
    store = EmbeddedStore(settings.store_dir)
    app = create_app(settings, store=store)
    app.config["TESTING"] = True
    yield app.test_client()
    store.close()


def page(web: FlaskClient, path: str) -> str:
    response = web.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def evidence_items(text: str) -> list[str]:
    return re.findall(r'<li class="evidence-item">(.*?)</li>', text, flags=re.S)


def blockquote(item: str) -> str:
    """The quoted passage of one evidence item, unescaped."""
    found = re.search(r"<blockquote[^>]*>(.*?)</blockquote>", item, re.S)
    assert found is not None, item
    return html.unescape(found[1])


def test_agreement_page_shows_each_sources_passage(web: FlaskClient) -> None:
    text = page(web, AGREEMENT)
    section = text.split('<section id="evidence">', 1)[1].split("</section>", 1)[0]
    items = evidence_items(section)
    assert len(items) == 2
    by_quote = {blockquote(i): i for i in items}
    assert set(by_quote) == {EN_QUOTE, FR_QUOTE}
    fr = by_quote[FR_QUOTE]
    assert '<blockquote lang="fr">' in fr and "language: fr" in fr
    assert 'href="https://example.org/fixture/nouvelles-2"' in fr
    assert "retrieved 2026-12-01" in fr
    assert "The two test sources disagree on the place." in html.unescape(fr)
    # The signatories are among the key facts.
    assert "Jean Exemple" in text and "Li Ceshi" in text


def test_alliance_page_shows_members_with_their_passages(web: FlaskClient) -> None:
    text = page(web, "/alliance/fixture-alliance")
    members = text.split('<section id="members">', 1)[1].split("</section>", 1)[0]
    assert "Fixture Park D" in members and "2019-06-01" in members
    quotes = [blockquote(i) for i in evidence_items(members)]
    assert "Fixture Park A is a founding member." in quotes
    assert "D a rejoint l&#39;alliance le 1er juin 2019." not in quotes  # unescaped above
    assert "D a rejoint l'alliance le 1er juin 2019." in quotes
    # The founding: on the status history and as the alliance's own evidence.
    status = text.split('<section id="status">', 1)[1].split("</section>", 1)[0]
    assert "The Fixture Alliance was founded in March 2015." in status
    assert "2015-03" in status


def test_park_page_shows_agreement_and_membership_passages(web: FlaskClient) -> None:
    text = html.unescape(page(web, "/park/fixture-park-a"))
    agreements = text.split('<section id="agreements">', 1)[1].split("</section>", 1)[0]
    assert EN_QUOTE in agreements and FR_QUOTE in agreements
    assert "In May 2017 A and C signed an MoU." in agreements and "(2017-05)" in agreements
    memberships = text.split('<section id="memberships">', 1)[1].split("</section>", 1)[0]
    assert "Fixture Park A is a founding member." in memberships
    own = text.split('<section id="evidence">', 1)[1].split("</section>", 1)[0]
    assert "Fixture Park A (测试园区)" in own


def test_evidence_is_linked_data(web: FlaskClient) -> None:
    response = web.get(AGREEMENT, headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.get_data(as_text=True), format="turtle")
    pld = rdflib.Namespace("https://w3id.org/parkld/ontology#")
    subject = rdflib.URIRef("https://w3id.org/parkld" + AGREEMENT)
    evidence = set(graph.objects(subject, pld.evidence))
    assert len(evidence) == 2
    quotes: set[tuple[str, str | None]] = set()
    for ev in evidence:
        doc = web.get(
            str(ev).removeprefix("https://w3id.org/parkld"), headers={"Accept": "text/turtle"}
        )
        assert doc.status_code == 200
        g = rdflib.Graph().parse(data=doc.get_data(as_text=True), format="turtle")
        for q in g.objects(ev, pld.quote):
            assert isinstance(q, rdflib.Literal), q
            quotes.add((str(q), q.language))
    assert quotes == {(EN_QUOTE, "en"), (FR_QUOTE, "fr")}


def test_search_finds_a_name_row_in_another_script(web: FlaskClient) -> None:
    text = page(web, "/search?q=测试园区")
    assert "/park/fixture-park-a" in text


# ---------------------------------------------------------------- per-resource SHACL reports

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
BASE = "https://w3id.org/parkld/"


def report_graph(web: FlaskClient, path: str) -> rdflib.Graph:
    response = web.get("/validation" + path, headers={"Accept": "text/turtle"})
    assert response.status_code == 200, path
    return rdflib.Graph().parse(data=response.get_data(as_text=True), format="turtle")


def test_a_park_without_coordinates_gets_an_info_result_in_its_report(web: FlaskClient) -> None:
    # Fixture Park C: no coordinates in its row, and no other source gives them.
    g = report_graph(web, "/park/fixture-park-c")
    report = rdflib.URIRef(BASE + "validation/park/fixture-park-c")
    assert (report, rdflib.RDF.type, SH.ValidationReport) in g
    assert g.value(report, SH.conforms) == rdflib.Literal(True)
    results = list(g.objects(report, SH.result))
    assert len(results) == 1
    r = results[0]
    assert isinstance(r, rdflib.URIRef) and str(r).startswith(str(report) + "#r-")
    assert g.value(r, SH.focusNode) == rdflib.URIRef(BASE + "park/fixture-park-c")
    assert g.value(r, SH.resultSeverity) == SH.Info
    assert g.value(r, SH.resultPath) == rdflib.URIRef("http://www.w3.org/2003/01/geo/wgs84_pos#lat")
    assert "no coordinates" in str(g.value(r, SH.resultMessage))
    # The same in JSON-LD, through the same negotiation (parsed by Oxigraph's JSON-LD parser).
    import pyoxigraph as ox

    response = web.get("/validation/park/fixture-park-c", headers={"Accept": "application/ld+json"})
    assert response.headers["Content-Type"].startswith("application/ld+json")
    parsed = list(ox.parse(response.get_data(), format=ox.RdfFormat.JSON_LD))
    assert {(str(q.subject), str(q.predicate), str(q.object)) for q in parsed} == {
        (s.n3(), p.n3(), o.n3()) for s, p, o in g
    }


def test_an_agreement_without_place_warns_and_a_complete_park_conforms(web: FlaskClient) -> None:
    g = report_graph(web, "/agreement/fixture-park-a-fixture-park-c-mou-2017")
    severities = {
        (g.value(r, SH.resultSeverity), str(g.value(r, SH.resultPath)))
        for r in g.subjects(rdflib.RDF.type, SH.ValidationResult)
    }
    assert severities == {(SH.Warning, "https://w3id.org/parkld/ontology#place")}
    park = report_graph(web, "/park/fixture-park-a")
    assert not list(park.subjects(rdflib.RDF.type, SH.ValidationResult))
    assert (None, SH.conforms, rdflib.Literal(True)) in park


def test_report_page_is_linked_from_the_resource_page(web: FlaskClient) -> None:
    text = page(web, "/park/fixture-park-c")
    assert 'href="/validation/park/fixture-park-c"' in text
    report = html.unescape(page(web, "/validation/park/fixture-park-c"))
    assert "Conforms" in report and "Fixture Park C" in report
    assert "This park has no coordinates" in report and "<td>Info</td>" in report
    assert web.get("/validation/park/no-such-park").status_code == 404
    assert web.get("/validation/nothing/x").status_code == 404


def test_reports_stay_out_of_the_store(web: FlaskClient) -> None:
    # Reports are about the data, not data: no SPARQL answer, count or dump includes them.
    response = web.get(
        "/sparql",
        query_string={
            "query": "ASK { GRAPH ?g { ?r a <http://www.w3.org/ns/shacl#ValidationReport> } }"
        },
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200
    assert response.get_json()["boolean"] is False
    quads = web.get("/park/fixture-park-c", headers={"Accept": "application/n-quads"})
    assert "validation" not in quads.get_data(as_text=True)
