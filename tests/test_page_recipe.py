"""The recipe "a new page" (docs/architecture.md), followed once with a fixture.

A made-up page, ``/census`` (parks per country, and the parks of one country), written as the
recipe says: a core function that imports nothing from Flask runs SPARQL kept in ``.rq`` files
(tests/fixtures/pages/census), with the country passed as a binding, never spliced into the
text; a blueprint with one route; a template extending ``base.html``. The shipped app is not
edited: ``create_app(blueprints=[...])`` is the seam. The page's content is checked against an
independent computation over the N-Quads dump (rdflib, no SPARQL), and the page gets what
every route gets (security headers, ETag, the error hierarchy's 4xx with a message).
"""

from __future__ import annotations

import gzip
import html
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Blueprint, Flask, render_template, request
from flask.testing import FlaskClient

from parkld.config import Settings
from parkld.errors import BadRequest, NotFound
from parkld.store.base import Reader
from parkld.store.embedded import EmbeddedStore
from parkld.web import create_app
from parkld.web.state import get_settings, get_store

FIXTURE = Path(__file__).parent / "fixtures" / "pages" / "census"
PLD = "https://w3id.org/parkld/ontology#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PARK = ox.NamedNode(PLD + "Park")
COUNTRY = ox.NamedNode(PLD + "country")


# --- the core: no Flask, SPARQL from .rq files, values as bindings ---------------------------


@cache
def query(name: str) -> str:
    return (FIXTURE / f"{name}.rq").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Country:
    iri: str
    label: str
    parks: int


@dataclass(frozen=True)
class ParkRow:
    path: str
    label: str


def countries(store: Reader) -> list[Country]:
    """Every country with parks, most parks first."""
    rows = store.select(query("countries")).rows
    return [
        Country(r["country"].value, r["label"].value if "label" in r else "", int(r["parks"].value))
        for r in rows
    ]


def parks_in(store: Reader, country: str, base: str) -> list[ParkRow]:
    """The parks of *country* (an IRI), as paths under *base* with a label."""
    rows = store.select(query("parks_in"), {"country": ox.NamedNode(country)}).rows
    return [
        ParkRow(
            "/" + r["park"].value.removeprefix(base),
            r["label"].value if "label" in r else r["park"].value,
        )
        for r in rows
    ]


# --- the page: one blueprint, one route, one template ----------------------------------------

bp = Blueprint("census", __name__, template_folder=str(FIXTURE / "templates"))


@bp.route("/census", methods=["GET", "HEAD"])
def census() -> str:
    country = request.args.get("country")
    if country is None:
        return render_template("census.html", countries=countries(get_store()), parks=None)
    if not country.startswith(("https://", "http://")) or any(c in country for c in '<> "{}'):
        raise BadRequest("country must be an IRI, such as one listed on /census")
    parks = parks_in(get_store(), country, get_settings().base_iri)
    if not parks:
        raise NotFound(f"no park is in {country}")
    return render_template("census.html", country=country, parks=parks)


# --- the checks -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def census_app(shipped_settings: Settings, shipped_store: EmbeddedStore) -> Iterator[Flask]:
    app = create_app(shipped_settings, store=shipped_store, blueprints=[bp])
    yield app
    app.extensions["parkld"].close()


@pytest.fixture(scope="module")
def census_client(census_app: Flask) -> FlaskClient:
    return census_app.test_client()


@pytest.fixture(scope="module")
def expected(census_client: FlaskClient) -> dict[str, set[str]]:
    """Parks per country, computed from the quads of the N-Quads dump without SPARQL: the
    default graph is the merge of the named graphs, so a park stated twice counts once."""
    dump = census_client.get("/dumps/parkld.nq.gz")
    assert dump.status_code == 200
    quads = list(ox.parse(gzip.decompress(dump.data), format=ox.RdfFormat.N_QUADS))
    parks = {q.subject.value for q in quads if q.predicate == RDF_TYPE and q.object == PARK}
    found: dict[str, set[str]] = defaultdict(set)
    for q in quads:
        if q.predicate == COUNTRY and q.subject.value in parks:
            found[q.object.value].add(q.subject.value)
    assert len(found) > 5, "the shipped data has parks in many countries"
    return dict(found)


_ROW = re.compile(r'<tr><td><a href="\?country=([^"]+)">([^<]*)</a></td><td>(\d+)</td></tr>')


def test_the_page_counts_the_parks_of_each_country(
    census_client: FlaskClient, expected: dict[str, set[str]]
) -> None:
    response = census_client.get("/census")
    assert response.status_code == 200
    assert response.content_type.startswith("text/html")
    page = response.get_data(as_text=True)
    assert "<h1>Parks per country</h1>" in page
    # base.html's frame: the package's stylesheet comes with the page.
    assert "/static/parkld.css" in page
    rows = [
        (html.unescape(iri).replace("%3A", ":").replace("%2F", "/"), label, int(n))
        for iri, label, n in _ROW.findall(page)
    ]
    assert {iri: n for iri, _, n in rows} == {c: len(p) for c, p in expected.items()}
    counts = [n for _, _, n in rows]
    assert counts == sorted(counts, reverse=True), "most parks first"
    france = next(r for r in rows if r[0].endswith("/place/france"))
    assert france[1] == "France"


def test_the_parks_of_one_country_come_from_a_binding(
    census_client: FlaskClient, expected: dict[str, set[str]]
) -> None:
    country = max(expected, key=lambda c: len(expected[c]))
    response = census_client.get("/census", query_string={"country": country})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    paths = re.findall(r'<li><a href="(/park/[^"]+)">', page)
    base = country.split("place/")[0]
    assert sorted(base + p.lstrip("/") for p in paths) == sorted(expected[country])


def test_the_page_gets_what_every_route_gets(census_client: FlaskClient) -> None:
    response = census_client.get("/census")
    # Security headers and a strong validator, from http.install and the safety blueprint.
    assert "default-src" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    etag = response.headers["ETag"]
    again = census_client.get("/census", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_bad_input_is_a_4xx_with_a_message_and_reaches_no_query_text(
    census_client: FlaskClient,
) -> None:
    # A value that would change the query were it spliced in is only ever a binding: here it
    # is refused before, and an IRI of no country finds nothing.
    bad = census_client.get("/census", query_string={"country": "x> } UNION { ?s ?p ?o"})
    assert bad.status_code == 400
    assert "country must be an IRI" in bad.get_data(as_text=True)
    none = census_client.get(
        "/census", query_string={"country": "https://w3id.org/parkld/place/atlantis"}
    )
    assert none.status_code == 404
    assert "no park is in https://w3id.org/parkld/place/atlantis" in none.get_data(as_text=True)


def test_the_shipped_app_has_no_such_page(client: FlaskClient) -> None:
    response = client.get("/census")
    assert response.status_code == 404
    assert "not a parkld resource" in response.get_data(as_text=True)
