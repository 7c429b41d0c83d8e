"""Pictures of query results on the SPARQL page, in a real browser (Debian's Chromium).

A query typed on ``/sparql`` runs on ``parkld serve`` (the ``live_server`` fixture); a SELECT
with coordinates can then be shown on a map, one with two IRI columns as a network. The
expected counts come from the same query run on the store directly. Every request must stay on
127.0.0.1 (no tiles, no CDN). Without Chromium the tests skip locally and fail in CI.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from parkld.store.embedded import EmbeddedStore
from tests.browser_support import launched, require_chromium
from tests.live import LiveServer

pytestmark = pytest.mark.browser

require_chromium(module_level=True)

from playwright.sync_api import Browser, Page, Route, expect  # noqa: E402

PREFIXES = """PREFIX pld: <https://w3id.org/parkld/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX wgs84: <http://www.w3.org/2003/01/geo/wgs84_pos#>
"""
#: Parks with coordinates, one row per park and coordinate pair, with an English label.
MAP_QUERY = (
    PREFIXES
    + """SELECT DISTINCT ?park ?lat ?long WHERE {
  ?park a/rdfs:subClassOf* pld:Park ; wgs84:lat ?lat ; wgs84:long ?long .
} ORDER BY ?park"""
)
#: Who is tied to whom: agreement parties pairwise, and parks to their alliances.
NETWORK_QUERY = (
    PREFIXES
    + """SELECT DISTINCT ?a ?b WHERE {
  { ?agreement a/rdfs:subClassOf* pld:Agreement ; pld:party ?a , ?b .
    FILTER (STR(?a) < STR(?b)) }
  UNION
  { ?m org:member ?a ; org:organization ?b . ?b a pld:Alliance . }
} ORDER BY ?a ?b"""
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched() as chromium:
        yield chromium


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh page whose requests may only go to the live server; others are aborted."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    outside: list[str] = []
    errors: list[str] = []

    def guard(route: Route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert outside == [], f"requests left 127.0.0.1: {outside}"
    assert errors == [], f"script errors: {errors}"


def run_on_page(page: Page, live_server: LiveServer, query: str) -> None:
    """Type *query* into the editor and run it, as a reader would."""
    page.goto(live_server.base_url + "/sparql", wait_until="load")
    page.fill("#query", query)
    page.get_by_role("button", name="Run query").click()
    expect(page.locator("table.sparql-results tbody tr").first).to_be_attached()


def test_coordinates_are_shown_on_a_map(
    page: Page, live_server: LiveServer, shipped_store: EmbeddedStore
) -> None:
    rows = shipped_store.select(MAP_QUERY).rows
    assert len(rows) >= 5  # the shipped parks with coordinates
    run_on_page(page, live_server, MAP_QUERY)
    assert page.locator("table.sparql-results tbody tr").count() == len(rows)
    views = page.locator("#sparql-views")
    expect(views).to_be_visible()
    expect(views.get_by_role("button", name="Network")).to_be_hidden()  # one IRI column only
    views.get_by_role("button", name="Map").click()
    page.wait_for_selector('figure[data-picture="map"][data-state="ready"]')
    markers = page.locator('figure[data-picture="map"] circle.park-marker')
    assert markers.count() == len(rows)
    expect(page.locator("#results .table-wrap")).to_be_hidden()
    links = page.locator('figure[data-picture="map"] a.park-link')
    hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
    assert hrefs == {
        "/" + r["park"].value.removeprefix("https://w3id.org/parkld/") for r in rows
    }  # local pages, on this host
    views.get_by_role("button", name="Table").click()
    expect(page.locator("#results .table-wrap")).to_be_visible()
    expect(page.locator('figure[data-picture="map"]')).to_be_hidden()


def test_two_iri_columns_are_shown_as_a_network(
    page: Page, live_server: LiveServer, shipped_store: EmbeddedStore
) -> None:
    rows = shipped_store.select(NETWORK_QUERY).rows
    nodes = {r["a"].value for r in rows} | {r["b"].value for r in rows}
    assert len(rows) >= 10 and len(nodes) >= 10
    run_on_page(page, live_server, NETWORK_QUERY)
    views = page.locator("#sparql-views")
    expect(views.get_by_role("button", name="Map")).to_be_hidden()  # no coordinates
    views.get_by_role("button", name="Network").click()
    page.wait_for_selector('figure[data-picture="network"][data-state="ready"]')
    assert page.locator('figure[data-picture="network"] g.node').count() == len(nodes)


def test_results_without_a_picture_offer_none(page: Page, live_server: LiveServer) -> None:
    run_on_page(page, live_server, "SELECT ?n WHERE { VALUES ?n { 1 2 3 } }")
    assert page.locator("table.sparql-results tbody tr").count() == 3
    expect(page.locator("#sparql-views")).to_be_hidden()
