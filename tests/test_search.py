"""Label search across languages and scripts, accents optional."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from parkld.linked.index import Index, Name, normalise
from parkld.linked.search import search
from parkld.web.urilimit import MAX_TARGET_BYTES

BASE = "https://w3id.org/parkld/"


def hits(client: FlaskClient, q: str) -> list[str]:
    r = client.get("/search", query_string={"q": q, "format": "json"})
    assert r.status_code == 200
    return [h["iri"] for h in r.get_json()]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Sophia", "park/sophia-antipolis"),
        ("sophia antipolis", "park/sophia-antipolis"),
        ("SOPHIA", "park/sophia-antipolis"),
        ("成都", "park/chengdu-hi-tech-zone"),  # a CJK label exists (ja or zh)
        ("成都高新区", "park/chengdu-hi-tech-zone"),  # its name in Chinese, from a claim table
        ("张江", "park/zhangjiang-hi-tech-park"),
        ("張江高科技園區", "park/zhangjiang-hi-tech-park"),  # traditional characters
        ("Parc Científic de Barcelona", "park/barcelona-science-park"),  # Catalan
        ("cote d azur", "place/provence-alpes-cote-d-azur"),  # accents optional: Côte d'Azur
        ("Barcelona", "park/barcelona-science-park"),
    ],
)
def test_search_finds_across_languages(
    backend_client: FlaskClient, query: str, expected: str
) -> None:
    assert BASE + expected in hits(backend_client, query)


def test_exact_name_ranks_first(backend_client: FlaskClient) -> None:
    assert hits(backend_client, "Sophia Antipolis")[0] == BASE + "park/sophia-antipolis"


def test_html_results_link_to_local_pages(backend_client: FlaskClient) -> None:
    page = backend_client.get("/search?q=Sophia", headers={"Accept": "text/html"}).get_data(
        as_text=True
    )
    assert '<a href="/park/sophia-antipolis">Sophia Antipolis</a>' in page


def test_empty_and_junk_queries(backend_client: FlaskClient) -> None:
    assert hits(backend_client, "") == []
    assert hits(backend_client, "   ") == []
    assert hits(backend_client, "zzzqqqxxx") == []
    assert hits(backend_client, "x" * 7_000) == []  # long, within the request-target limit
    # Past it, every route answers 414 saying what the limit is (parkld.web.urilimit).
    refused = backend_client.get("/search", query_string={"q": "x" * 10_000})
    assert refused.status_code == 414
    assert f"more than the {MAX_TARGET_BYTES} this server reads" in refused.get_data(as_text=True)


def test_normalise_folds_accents_case_and_punctuation() -> None:
    assert normalise("Évry-Génopole") == "evry genopole"
    assert normalise("Xi'an Hi-Tech") == "xian hi tech"
    assert normalise("成都高新区") == "成都高新区"


def test_search_on_a_tiny_index() -> None:
    index = Index(BASE)
    for iri, text, lang in [
        (BASE + "park/a", "Zona Franca", "es"),
        (BASE + "park/b", "Zona", "es"),
        (BASE + "park/c", "Parc", "fr"),
    ]:
        name = Name(text, lang, True)
        index.names[iri] = [name]
        index.search_entries.append((normalise(text), iri, name))
    found = search(index, "zona")
    assert [h.iri for h in found.hits] == [BASE + "park/b", BASE + "park/a"]  # exact first


def test_true_total_and_paging(backend_client: FlaskClient) -> None:
    from tests.reference import merged_graph

    parks = {
        str(s)
        for s, o in merged_graph().subject_objects(__import__("rdflib").RDF.type)
        if str(o) == BASE + "ontology#Park"
    }
    first = backend_client.get("/search", query_string={"q": "park", "format": "json"})
    total = int(first.headers["X-Total-Count"])
    assert total > 50 and len(first.get_json()) == 50
    seen: list[str] = []
    for page in range(1, -(-total // 50) + 1):
        seen += hits_page(backend_client, "park", page)
    assert len(seen) == len(set(seen)) == total
    html = backend_client.get("/search?q=park", headers={"Accept": "text/html"})
    assert f"{total} results" in html.get_data(as_text=True)
    assert 'rel="next"' in html.get_data(as_text=True)
    assert len(parks) > 50  # the corpus really holds more parks than one page


def hits_page(client: FlaskClient, q: str, page: int) -> list[str]:
    r = client.get("/search", query_string={"q": q, "format": "json", "page": page})
    assert r.status_code == 200
    return [h["iri"] for h in r.get_json()]


def test_apostrophes_and_short_words(backend_client: FlaskClient) -> None:
    found = hits(backend_client, "xi'an")
    assert BASE + "park/xian-hi-tech-zone" in found
    matched = backend_client.get("/search", query_string={"q": "xi'an", "format": "json"})
    assert all("approximate" not in h["matched"] for h in matched.get_json())
    assert BASE + "park/xian-hi-tech-zone" in hits(backend_client, "xian")
    assert backend_client.get("/search?q=x&page=zero").status_code == 400
