"""The pictures in a real browser (Debian's Chromium via Playwright), on the shipped graph.

Each test serves the app on 127.0.0.1, blocks and records every request to another host (there
must be none: the pictures work offline), and compares what is drawn with SPARQL counts.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from werkzeug.serving import make_server

from parkld.config import Settings
from parkld.store.embedded import EmbeddedStore
from parkld.web import create_app
from tests.browser_support import block_outside, launched
from tests.test_viz_web import PARKS_WITH_COORDINATES, PREFIXES, count
from tests.viz_support import SISTER_SHIPPED

pytestmark = pytest.mark.browser

SCREENSHOT = Path("/tmp/parkld-viz-map.png")  # for a person to look at; never committed
#: Parks the network picture draws over all time: parties of an agreement with another park,
#: and members of an alliance (drawn linked to the alliance's hub).
LINKED_PARKS = (
    PREFIXES
    + """SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {
  { ?via a/rdfs:subClassOf* pld:Agreement ; pld:party ?p, ?other . FILTER(?p != ?other)
    ?other a/rdfs:subClassOf* pld:Park }
  UNION { ?m org:member ?p ; org:organization ?alliance . ?alliance a pld:Alliance }
  ?p a/rdfs:subClassOf* pld:Park .
}"""
)
#: Lines the picture draws: one per agreement and pair of park parties, one per membership.
DRAWN_LINKS = (
    PREFIXES
    + """SELECT (COUNT(*) AS ?n) WHERE {
  { SELECT DISTINCT ?via ?a ?b WHERE {
      ?via a/rdfs:subClassOf* pld:Agreement ; pld:party ?a, ?b .
      ?a a/rdfs:subClassOf* pld:Park . ?b a/rdfs:subClassOf* pld:Park .
      FILTER(STR(?a) < STR(?b)) } }
  UNION
  { SELECT DISTINCT ?m WHERE {
      ?m org:member ?a ; org:organization ?via . ?via a pld:Alliance .
      ?a a/rdfs:subClassOf* pld:Park } }
}"""
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def base_url(shipped_settings: Settings, shipped_store: EmbeddedStore) -> Iterator[str]:
    app = create_app(shipped_settings, store=shipped_store)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    """A fresh page whose requests may only go to the test server."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        outside = block_outside(context)  # every request to another host, blocked
        page = context.new_page()
        page.set_default_timeout(20_000)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        yield page
        assert outside == [], f"requests left localhost: {outside}"
        assert errors == [], f"script errors: {errors}"
    finally:
        context.close()


def ready(page: Page, viz: str) -> None:
    page.wait_for_selector(f'[data-viz="{viz}"][data-state="ready"]')


def test_map_shows_a_marker_per_park_with_coordinates(
    page: Page,
    base_url: str,
    shipped_store: EmbeddedStore,
) -> None:
    page.goto(base_url + "/map")
    ready(page, "map")
    expected = count(shipped_store, PARKS_WITH_COORDINATES)
    assert page.locator("svg.viz-map-svg circle.park-marker").count() == expected
    assert page.locator("svg.viz-map-svg path.country").count() > 150
    page.locator("figure.viz-map").screenshot(path=str(SCREENSHOT))
    first = page.locator("svg.viz-map-svg a.park-link").first
    assert (first.get_attribute("href") or "").startswith("/park/")  # links stay on this host
    # The country filter hides the markers of other countries.
    select = page.locator('select[data-filter="country"]')
    options = select.locator("option").all_inner_texts()
    assert options[0] == "all" and len(options) > 1
    select.select_option(index=1)
    shown = page.locator("svg.viz-map-svg a.park-link:visible").count()
    assert 0 < shown <= expected


def test_network_shows_the_linked_parks(
    page: Page,
    base_url: str,
    shipped_store: EmbeddedStore,
) -> None:
    page.goto(base_url + "/network")
    ready(page, "network")
    parks = page.locator("svg.viz-network-svg g.node:not(.hub)").count()
    assert parks == count(shipped_store, LINKED_PARKS)
    drawn = page.locator("svg.viz-network-svg path.edge").count()
    assert drawn == count(shipped_store, DRAWN_LINKS)
    href = page.locator("a[data-viz-download]").first.get_attribute("href")
    assert href == "/network.graphml"


def test_moving_as_of_through_2016_and_2017_forms_the_partnership(
    page: Page, base_url: str
) -> None:
    page.goto(base_url + "/network?asOf=2016-06-01")
    ready(page, "network")
    # Older sister parks (Caohejing and Hermia, 1998…) already hold; the Chengdu–Sophia
    # Antipolis one is signed on 2016-07-02.
    sister = "svg.viz-network-svg path.edge-sister-park-agreement"
    before = page.locator(sister).count()
    page.locator('button[data-step="1 months"]').click()  # 2016-07-01: the day before
    page.wait_for_function("() => location.search.includes('asOf=2016-07-01')")
    ready(page, "network")
    day_before = page.locator(sister).count()
    assert day_before >= before
    page.fill('input[name="asOf"]', "2016-07-02")
    page.locator('form[data-viz-asof] button[type="submit"]').click()
    page.wait_for_function("() => location.search.includes('asOf=2016-07-02')")
    ready(page, "network")
    assert page.locator(sister).count() == day_before + 1
    download = page.locator("a[data-viz-download]").first.get_attribute("href") or ""
    assert "asOf=2016-07-02" in download
    alliance = page.locator("svg.viz-network-svg path.edge-alliance").count()
    page.locator('button[data-step="1 years"]').click()  # 2017-07-02: the confederation
    page.wait_for_function("() => location.search.includes('asOf=2017-07-02')")
    ready(page, "network")
    assert page.locator("svg.viz-network-svg path.edge-alliance").count() > alliance


def test_timeline_draws_every_dated_item(page: Page, base_url: str) -> None:
    page.goto(base_url + "/timeline")
    ready(page, "timeline")
    items = page.evaluate("fetch('/viz/timeline.json').then(r => r.json())")["items"]
    assert len(items) > 0
    assert page.locator("svg.viz-timeline-svg a.timeline-item").count() == len(items)
    assert page.locator("ol.viz-timeline-list li").count() == len(items)


def test_results_module_draws_query_results(page: Page, base_url: str) -> None:
    page.goto(base_url + "/map")
    ready(page, "map")
    drawn = page.evaluate("""async () => {
      const m = await import('/static/viz/results.js');
      const uri = (v) => ({type: 'uri', value: v});
      const lit = (v) => ({type: 'literal', value: v});
      const points = {head: {vars: ['park', 'label', 'lat', 'long']}, results: {bindings: [
        {park: uri('https://w3id.org/parkld/park/a'), label: lit('A'), lat: lit('43.6'),
         long: lit('7.05')},
        {park: uri('https://w3id.org/parkld/park/b'), label: lit('B'), lat: lit('30.6'),
         long: lit('104.1')}]}};
      const pairs = {head: {vars: ['a', 'b']}, results: {bindings: [
        {a: uri('https://w3id.org/parkld/park/a'), b: uri('https://w3id.org/parkld/park/b')},
        {a: uri('https://w3id.org/parkld/park/b'), b: uri('https://w3id.org/parkld/park/c')}]}};
      const box = document.createElement('div');
      document.body.appendChild(box);
      await m.drawResultMap(box, points, {base: 'https://w3id.org/parkld/'});
      const markers = box.querySelectorAll('circle.park-marker').length;
      const href = box.querySelector('a.park-link').getAttribute('href');
      m.drawResultNetwork(box, pairs, {base: 'https://w3id.org/parkld/'});
      return {kinds: [m.pictureKinds(points), m.pictureKinds(pairs)], markers, href,
              nodes: box.querySelectorAll('g.node').length};
    }""")
    assert drawn == {"kinds": [["map"], ["network"]], "markers": 2, "href": "/park/a", "nodes": 3}


def test_shipped_sister_park_agreement_is_the_one_the_asof_tests_follow(
    shipped_store: EmbeddedStore,
) -> None:
    assert shipped_store.ask(PREFIXES + f"ASK {{ <{SISTER_SHIPPED}> pld:party ?p }}")


def test_landing_page_shows_map_network_and_timeline(
    page: Page, base_url: str, shipped_store: EmbeddedStore
) -> None:
    page.goto(base_url + "/?asOf=2017-07-04")
    for viz in ("map", "network", "timeline"):
        ready(page, viz)
    assert page.locator("svg.viz-map-svg circle.park-marker").count() == count(
        shipped_store, PARKS_WITH_COORDINATES
    )
    assert page.locator("svg.viz-network-svg g.node").count() > 0
    assert page.locator("svg.viz-timeline-svg a.timeline-item").count() > 0
    assert page.input_value('input[name="asOf"]') == "2017-07-04"


def test_alliance_page_maps_its_members_on_the_day(page: Page, base_url: str) -> None:
    page.goto(base_url + "/alliance/first-class-hi-tech-parks-confederation?asOf=2016-12-31")
    ready(page, "map")
    assert page.locator("svg.viz-map-svg circle.park-marker").count() == 0
    page.fill('input[name="asOf"]', "2017-07-04")
    page.locator('form[data-viz-asof] button[type="submit"]').click()
    page.wait_for_function("() => location.search.includes('asOf=2017-07-04')")
    ready(page, "map")
    assert page.locator("svg.viz-map-svg circle.park-marker").count() > 0


def test_the_guard_blocks_and_records_other_hosts_only(browser: Browser, base_url: str) -> None:
    context = browser.new_context()
    try:
        outside = block_outside(context)
        page = context.new_page()
        # A plain-text page: HTML pages' Content-Security-Policy would refuse the request
        # before the guard could see it.
        page.goto(base_url + "/robots.txt")
        failed = page.evaluate("""() => fetch('http://192.0.2.1/x.json').then(() => 'fetched',
                                                                    () => 'blocked')""")
        assert failed == "blocked"
        assert outside == ["http://192.0.2.1/x.json"]  # the page's own request passed
    finally:
        context.close()
