"""The network page with a graph of the size the research brings, in Debian's Chromium.

A generated graph (120 parks in 8 countries, 110 agreements, 150 memberships of 8 alliances,
evidence on every other claim) is served on 127.0.0.1; the tests measure what Chromium lays out:
no two visible labels overlap (at the first view and zoomed in), the kind and country filters
hide exactly the links they should, and a click on a link shows its evidence.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page
from werkzeug.serving import make_server

from parkld import config
from parkld.store.embedded import EmbeddedStore
from parkld.web import create_app
from tests.browser_support import block_outside, launched
from tests.viz_support import generated_store_dir

pytestmark = pytest.mark.browser

SCREENSHOT = Path("/tmp/parkld-viz-network-generated.png")  # for a person to look at
PREFIXES = """PREFIX pld: <https://w3id.org/parkld/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    s = EmbeddedStore(generated_store_dir(tmp_path_factory.mktemp("viz-generated")))
    yield s
    s.close()


@pytest.fixture(scope="module")
def base_url(store: EmbeddedStore) -> Iterator[str]:
    app = create_app(config.from_env({}, store_dir=store.store_dir), store=store)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched() as chromium:
        yield chromium


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    try:
        outside = block_outside(context)
        page = context.new_page()
        page.set_default_timeout(60_000)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(base_url + "/network")
        page.wait_for_selector('[data-viz="network"][data-state="ready"]')
        yield page
        assert outside == [], f"requests left localhost: {outside}"
        assert errors == [], f"script errors: {errors}"
    finally:
        context.close()


def count(store: EmbeddedStore, query: str) -> int:
    return int(store.select(PREFIXES + query).rows[0]["n"].value)


LABEL_BOXES = """() => [...document.querySelectorAll('svg.viz-network-svg text.label')]
  .filter((t) => getComputedStyle(t).display !== 'none')
  .map((t) => { const r = t.getBoundingClientRect();
                return {text: t.textContent, x: r.x, y: r.y, w: r.width, h: r.height}; })"""


def overlapping(boxes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if (
                a["x"] < b["x"] + b["w"]
                and b["x"] < a["x"] + a["w"]
                and a["y"] < b["y"] + b["h"]
                and b["y"] < a["y"] + a["h"]
            ):
                found.append((a["text"], b["text"]))
    return found


def test_generated_graph_is_as_large_as_the_brief_asks(store: EmbeddedStore) -> None:
    assert count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?p a pld:Park }") >= 100
    assert count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?a a pld:Agreement }") >= 100
    assert count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?m org:member ?p }") >= 150


def test_visible_labels_never_overlap_and_zooming_shows_more(
    page: Page, store: EmbeddedStore
) -> None:
    drawn_links = page.locator("svg.viz-network-svg path.edge").count()
    expected = count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?a a pld:Agreement }") + count(
        store, "SELECT (COUNT(*) AS ?n) WHERE { ?m org:member ?p }"
    )
    assert drawn_links == expected  # one line per agreement, one per membership (to its hub)
    assert page.locator("svg.viz-network-svg g.node.hub").count() == 8
    boxes = page.evaluate(LABEL_BOXES)
    page.locator("figure.viz-network").screenshot(path=str(SCREENSHOT))
    assert len(boxes) >= 25, f"only {len(boxes)} labels shown"
    assert all(b["w"] > 0 and b["h"] > 0 for b in boxes)
    assert overlapping(boxes) == []
    first = len(boxes)
    for _ in range(3):
        page.locator('button[data-zoom="in"]').click()
    page.wait_for_function(
        "() => document.querySelector('svg.viz-network-svg').dataset.zoom === '3.375'"
    )
    zoomed = page.evaluate(LABEL_BOXES)
    assert overlapping(zoomed) == []
    # Zoomed in, the parks still on screen have room: those labels hidden before now show.
    assert len(zoomed) > 0
    inside = page.evaluate("""() => [...document.querySelectorAll('svg g.node')].filter((g) => {
        const r = g.getBoundingClientRect(), s = g.ownerSVGElement.getBoundingClientRect();
        return r.x >= s.x && r.y >= s.y && r.right <= s.right && r.bottom <= s.bottom;
      }).length""")
    assert len(zoomed) / inside > first / page.locator("svg g.node").count()
    # The wheel zooms too, and drag pans (the view moves, labels are placed again).
    page.locator('button[data-zoom="reset"]').click()
    page.wait_for_function(
        "() => document.querySelector('svg.viz-network-svg').dataset.zoom === '1.000'"
    )
    svg = page.locator("svg.viz-network-svg").bounding_box()
    assert svg is not None
    page.mouse.move(svg["x"] + svg["width"] / 2, svg["y"] + svg["height"] / 2)
    page.mouse.wheel(0, -400)
    page.wait_for_function(
        "() => Number(document.querySelector('svg.viz-network-svg').dataset.zoom) > 1"
    )
    assert overlapping(page.evaluate(LABEL_BOXES)) == []


def test_hover_shows_the_full_name_of_a_park_whose_label_is_hidden(page: Page) -> None:
    hidden = page.evaluate("""() => {
      const texts = [...document.querySelectorAll('svg text.label')];
      const i = texts.findIndex((t) => t.classList.contains('hidden'));
      return i;
    }""")
    assert hidden >= 0, "at the first view some labels must give way"
    name = page.evaluate(f"document.querySelectorAll('svg text.label')[{hidden}].textContent")
    node = page.locator("svg g.node").nth(hidden)
    node.hover(force=True)
    hover = page.locator("svg .hover-label")
    page.wait_for_function(
        "() => document.querySelector('svg .hover-label').getAttribute('visibility') === 'visible'"
    )
    assert hover.locator("text").text_content() == name.rstrip("…") or (
        (hover.locator("text").text_content() or "").startswith(name.rstrip("…"))
    )


def shown(page: Page, selector: str) -> int:
    """Elements not hidden by a filter (Playwright's :visible misses a straight level line)."""
    return int(
        page.evaluate(
            "(s) => [...document.querySelectorAll(s)].filter((e) => e.checkVisibility()).length",
            selector,
        )
    )


def test_kind_and_country_filters_hide_the_other_links(page: Page, store: EmbeddedStore) -> None:
    visible = "svg.viz-network-svg path.edge"
    page.locator('input[data-filter-kind="alliance"]').uncheck()
    agreements = count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?a a pld:Agreement }")
    assert shown(page, visible) == agreements
    assert shown(page, "svg.viz-network-svg path.edge-alliance") == 0
    assert shown(page, "svg.viz-network-svg g.node.hub") == 0
    assert overlapping(page.evaluate(LABEL_BOXES)) == []
    page.locator('input[data-filter-kind="agreement"]').uncheck()
    sisters = count(
        store,
        """SELECT (COUNT(*) AS ?n) WHERE { ?a pld:agreementKind
      <https://w3id.org/parkld/vocab/agreement-kind/sister-park-agreement> }""",
    )
    assert shown(page, visible) == sisters
    page.locator('input[data-filter-kind="agreement"]').check()
    page.locator('input[data-filter-kind="alliance"]').check()
    page.locator('select[data-filter="country"]').select_option(label="Korea")
    korea = count(
        store,
        """SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {
      { ?c a pld:Agreement ; pld:party ?p } UNION { ?c org:member ?p }
      ?p pld:country <https://w3id.org/parkld/place/korea> }""",
    )
    assert shown(page, visible) == korea
    note = page.locator('[data-viz="network"] [data-part="note"]').text_content() or ""
    assert f"{korea} of " in note
    assert overlapping(page.evaluate(LABEL_BOXES)) == []


def test_a_click_on_a_link_shows_its_agreement_date_and_quote(page: Page) -> None:
    data = page.evaluate("fetch('/viz/network.json').then((r) => r.json())")
    quoted = [e for e in data["edges"] if e["via"] in data["evidence"]]
    assert quoted, "half the generated agreements carry a quote"
    # A real click, on the middle of a link that nothing else covers there.
    target = page.evaluate(
        """(ids) => {
      for (const id of ids) {
        const hit = document.querySelector(`svg path.edge-hit[data-id="${id}"]`);
        const p = hit.getPointAtLength(hit.getTotalLength() / 2);
        const q = new DOMPoint(p.x, p.y).matrixTransform(hit.getScreenCTM());
        if (document.elementFromPoint(q.x, q.y) === hit) return {id, x: q.x, y: q.y};
      }
      return null;
    }""",
        [e["id"] for e in quoted],
    )
    assert target is not None
    page.mouse.click(target["x"], target["y"])
    edge = next(e for e in quoted if e["id"] == target["id"])
    box = page.locator('[data-part="evidence"] .viz-evidence-item')
    box.wait_for()
    text = box.text_content() or ""
    assert edge["viaLabel"] in text and edge["start"] in text
    quote = data["evidence"][edge["via"]][0]
    assert box.locator("blockquote").text_content() == quote["quote"]
    assert box.locator("blockquote").get_attribute("lang") == "en"
    assert box.locator("figcaption a").get_attribute("href") == quote["url"]
    # A membership without a passage shows who, where and when, and no quote.
    plain = next(m for m in data["memberships"] if m["iri"] not in data["evidence"])
    page.locator(f'svg path.edge-hit[data-id="{plain["id"]}"]').dispatch_event("click")
    box = page.locator(f'[data-part="evidence"] .viz-evidence-item[data-edge="{plain["id"]}"]')
    box.wait_for()
    assert plain["allianceLabel"] in (box.text_content() or "")
    assert box.locator("blockquote").count() == 0


MARKS = """() => [...document.querySelectorAll('svg.viz-timeline-svg a.timeline-item')].map((a) => {
  const c = a.querySelector('circle.mark'); const r = c.getBoundingClientRect();
  return {date: a.dataset.date, type: a.dataset.type, x: r.x + r.width / 2,
          y: r.y + r.height / 2, r: r.width / 2}; })"""


def test_timeline_spreads_1994_to_2024_by_date_and_stacks_close_items(
    browser: Browser, base_url: str, store: EmbeddedStore
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(base_url + "/timeline")
        page.wait_for_selector('[data-viz="timeline"][data-state="ready"]')
        marks = page.evaluate(MARKS)
        axis = page.evaluate("""() => { const s = document.querySelector('svg.viz-timeline-svg');
          return {from: +s.dataset.from, to: +s.dataset.to}; }""")
        page.locator("figure.viz-timeline").screenshot(path="/tmp/parkld-viz-timeline.png")
    finally:
        context.close()
    dated = count(
        store, "SELECT (COUNT(*) AS ?n) WHERE { { ?a a pld:Agreement } UNION { ?m org:member ?p } }"
    )
    assert len(marks) == dated
    years = sorted(int(m["date"][:4]) for m in marks)
    assert years[0] == 1994 and years[-1] >= 2024  # the generator's range
    assert (axis["from"], axis["to"]) == (years[0], years[-1] + 1)  # the axis fits the items
    # Linear in time: x is an affine function of the date, the same for every item.
    import datetime as dt

    def days(text: str) -> float:
        return float(dt.date.fromisoformat(text).toordinal())

    first = min(marks, key=lambda m: days(m["date"]))
    last = max(marks, key=lambda m: days(m["date"]))
    scale = (last["x"] - first["x"]) / (days(last["date"]) - days(first["date"]))
    assert scale > 0
    for m in marks:
        expected = first["x"] + (days(m["date"]) - days(first["date"])) * scale
        assert abs(m["x"] - expected) < 1.0, m
    # Items are spread: every decade of the 1990s-2020s has some, none crowd at one end.
    decades = {m["date"][:3] for m in marks}
    assert decades == {"199", "200", "201", "202"}
    width = last["x"] - first["x"]
    middle = [m for m in marks if first["x"] + width / 4 <= m["x"] <= first["x"] + 3 * width / 4]
    assert len(middle) > len(marks) / 3
    # Stacked in rows: no two marks overlap.
    for i, a in enumerate(marks):
        for b in marks[i + 1 :]:
            apart = ((a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2) ** 0.5
            assert apart >= a["r"] + b["r"] - 0.5, (a, b)
