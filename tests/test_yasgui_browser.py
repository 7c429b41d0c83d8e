"""YASGUI on the query page, from a local npm install, in Debian's Chromium.

``parkld serve`` runs with ``PARKLD_YASGUI_DIR`` pointing at the ``@triply/yasgui`` build that
``npm ci`` installs in ``tests/js`` (pinned by its lock file). In Chromium an example query is
picked in YASGUI and run; the rows YASGUI shows are compared with the same query's answer
from the endpoint. Every request must stay on 127.0.0.1, the page must meet no
Content-Security-Policy violation and log no error. A query of about 6 KB goes by POST, from
YASGUI and from the plain form (the page without the setting), and its rows are checked too.

Without Chromium or the npm install the tests skip locally; in CI (``CI=true``) they fail.
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from parkld.build import BuildResult
from parkld.config import Settings
from parkld.web.urilimit import POST_ABOVE_BYTES
from tests.browser_support import block_outside, launched, require_chromium
from tests.conftest import IN_CI, ROOT
from tests.live import LiveServer, ServerFactory

pytestmark = pytest.mark.browser

require_chromium(module_level=True)

from playwright.sync_api import Browser, Page, Request, expect  # noqa: E402

BUILD = ROOT / "tests" / "js" / "node_modules" / "@triply" / "yasgui" / "build"
MISSING = "YASGUI not installed: run `npm ci` in tests/js (needs Node 20 and npm)"
EXAMPLE = "confederation-collaborators"
#: Records every Content-Security-Policy violation the page meets, before any script runs.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def require_yasgui() -> Path:
    if not (BUILD / "yasgui.min.js").is_file() or not (BUILD / "yasgui.min.css").is_file():
        if IN_CI:
            pytest.fail(MISSING, pytrace=False)
        pytest.skip(MISSING)
    return BUILD


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def yasgui_server(
    live_server_factory: ServerFactory, shipped_settings: Settings, shipped_build: BuildResult
) -> LiveServer:
    """The shipped graph served with YASGUI's files from the npm install."""
    build = require_yasgui()
    return live_server_factory(
        {"PARKLD_YASGUI_DIR": str(build)}, store_dir=shipped_settings.store_dir
    )


@dataclass
class Watched:
    """A page with everything that went wrong on it recorded."""

    page: Page
    outside: list[str]
    errors: list[str] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        found: list[str] = self.page.evaluate("window.__cspViolations")
        return found

    def methods_sending(self, server: LiveServer, query: str) -> list[str]:
        """The methods of the requests that sent *query* to the endpoint (in a URL or a
        form body; the page's completers send queries of their own)."""
        methods = []
        for request in self.requests:
            url = urllib.parse.urlsplit(request.url)
            if url._replace(query="").geturl() != server.sparql_url:
                continue
            fields = urllib.parse.parse_qs(url.query)
            if request.method == "POST":
                fields = urllib.parse.parse_qs(request.post_data or "")
            if fields.get("query") == [query]:
                methods.append(request.method)
        return methods

    def check_clean(self) -> None:
        assert self.outside == [], f"requests left 127.0.0.1: {self.outside}"
        violations = self.csp_violations()
        assert violations == [], "\n".join(violations + self.errors)
        assert self.errors == [], "\n".join(self.errors)


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    outside = block_outside(context)
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    page.set_default_timeout(30_000)
    seen = Watched(page, outside)
    page.on("pageerror", lambda error: seen.errors.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            seen.errors.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    page.on("request", lambda request: seen.requests.append(request))
    yield seen
    context.close()


def endpoint_select(server: LiveServer, query: str) -> dict[str, Any]:
    """The query's SPARQL JSON answer from the endpoint (by POST, whatever its length)."""
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(
        server.sparql_url, data=body, headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        doc: dict[str, Any] = json.load(answer)
    return doc


BASE = "https://w3id.org/parkld/"


def expected_rows(doc: dict[str, Any], *, local: bool = False) -> list[list[str]]:
    """Each row's values (IRIs and literal lexical forms) in the order of the head; with
    *local*, this dataset's IRIs as the root-relative links of their pages."""

    def shown(term: dict[str, str]) -> str:
        value = term["value"]
        if local and term["type"] == "uri" and value.startswith(BASE):
            return "/" + value.removeprefix(BASE)
        return value

    return [
        [shown(b[v]) if v in b else "" for v in doc["head"]["vars"]]
        for b in doc["results"]["bindings"]
    ]


def yasr_rows(page: Page) -> list[list[str]]:
    """The rows of the result table YASGUI shows in the active tab: a link's target for an
    IRI, the lexical form for a literal (YASR adds the datatype or language after it)."""
    rows: list[list[str]] = page.evaluate(
        """() => {
      const panel = document.querySelector(".tabPanel.active");
      const body = panel.querySelector(".yasr table.dataTable tbody");
      return [...body.querySelectorAll("tr")].map((tr) =>
        [...tr.querySelectorAll("td")].slice(1).map((td) => {
          const lexical = td.querySelector(".nonIri");
          if (lexical) return lexical.textContent;
          const link = td.querySelector("a.iri");
          return link ? link.getAttribute("href") : td.textContent;
        }));
    }"""
    )
    return rows


def literal_matches(shown: str, value: str) -> bool:
    """YASR shows a literal as ``"value"^^type`` / ``"value"@lang`` or bare."""
    return shown == value or shown.startswith((f'"{value}"^^', f'"{value}"@'))


#: Rows on one page of YASR's table.
YASR_PAGE = 50


def assert_same_rows(page: Page, expected: list[list[str]]) -> None:
    """YASGUI counts every row of the answer and shows the first page of them, in order."""
    chip = page.locator(".tabPanel.active .yasr_response_chip")
    expect(chip).to_contain_text(re.compile(rf"(^|\D){len(expected)} results?\b"))
    shown = yasr_rows(page)
    expected = expected[:YASR_PAGE]
    assert len(shown) == len(expected), (shown, expected)
    for got, want in zip(shown, expected, strict=True):
        assert len(got) == len(want)
        for cell, value in zip(got, want, strict=True):
            assert literal_matches(cell, value), (cell, value, got, want)


def open_query_page(seen: Watched, server: LiveServer) -> None:
    seen.page.goto(server.sparql_url, wait_until="load")
    expect(seen.page.locator("#yasgui[data-state=ready]")).to_be_attached()
    expect(seen.page.locator("#sparql-form")).to_be_hidden()  # YASGUI replaced the form


def run_in_yasgui(page: Page) -> None:
    with page.expect_response(lambda r: r.url.split("?")[0].endswith("/sparql")) as answer:
        page.locator(".tabPanel.active .yasqe_queryButton").click()
    assert answer.value.status == 200
    expect(page.locator(".tabPanel.active .yasr table.dataTable tbody tr").first).to_be_visible()


def long_query(server: LiveServer) -> str:
    """A real query of about 6 KB: English names of the first parks, listed by IRI."""
    parks = endpoint_select(
        server,
        "SELECT ?park WHERE { ?park a <https://w3id.org/parkld/ontology#Park> } ORDER BY ?park",
    )["results"]["bindings"]
    head = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?park (MIN(?label) AS ?name) WHERE {\n  VALUES ?park {\n"
    )
    tail = (
        "  }\n  ?park rdfs:label ?label FILTER (langMatches(lang(?label), 'en'))\n"
        "} GROUP BY ?park ORDER BY ?park"
    )
    lines: list[str] = []
    for binding in parks:
        if len(head) + sum(map(len, lines)) + len(tail) >= 6000:
            break
        lines.append(f"    <{binding['park']['value']}>\n")
    query = head + "".join(lines) + tail
    assert len(query) >= 6000, "too few parks for a 6 KB query"
    assert len(urllib.parse.quote(query)) > POST_ABOVE_BYTES  # long: the page must POST it
    return query


def test_yasgui_runs_an_example_in_chromium(watched: Watched, yasgui_server: LiveServer) -> None:
    page = watched.page
    open_query_page(watched, yasgui_server)
    text = (ROOT / "queries" / "examples" / f"{EXAMPLE}.rq").read_text(encoding="utf-8")
    example = page.locator(f'a.example[title="{EXAMPLE}.rq"]')
    title = example.inner_text().strip()
    example.click()
    # The example is in a tab of its own, named after it, holding the file's text.
    expect(page.locator(".tabsList .tab.active")).to_contain_text(title[:30])
    assert page.evaluate("window.parkldYasgui.getTab().getQuery()") == text
    tabs = page.locator(".tabsList .tab").count()
    page.locator(f'a.example[title="{EXAMPLE}.rq"]').click()  # again: the same tab
    assert page.locator(".tabsList .tab").count() == tabs
    run_in_yasgui(page)
    expected = expected_rows(endpoint_select(yasgui_server, text), local=True)
    assert len(expected) >= 5 and expected[0][0].startswith("/park/")  # linked on this site
    assert_same_rows(page, expected)
    # Short enough for a shareable GET, which carries exactly the example's text.
    assert len(urllib.parse.quote(text)) <= POST_ABOVE_BYTES
    assert watched.methods_sending(yasgui_server, text) == ["GET"]
    # Dragging a column's edge: the resizer inserts its cursor style (allowed by its hash).
    grip = page.locator(".tabPanel.active .grip-handle .grip-resizable").first
    box = grip.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 40, box["y"] + box["height"] / 2, steps=4)
    page.mouse.up()
    watched.check_clean()


def test_yasgui_sends_a_long_query_by_post(watched: Watched, yasgui_server: LiveServer) -> None:
    page = watched.page
    query = long_query(yasgui_server)
    open_query_page(watched, yasgui_server)
    page.evaluate("(q) => { window.parkldYasgui.getTab().setQuery(q); }", query)
    run_in_yasgui(page)
    assert watched.methods_sending(yasgui_server, query) == ["POST"]
    expected = expected_rows(endpoint_select(yasgui_server, query), local=True)
    assert len(expected) >= 20
    assert_same_rows(page, expected)
    watched.check_clean()


def plain_rows(page: Page) -> list[list[str]]:
    """The rows of the table the server rendered: an IRI's text, a literal's lexical form
    (the page puts its language or datatype in a ``<small>`` after it)."""
    rows: list[list[str]] = page.evaluate(
        """() => [...document.querySelectorAll("table.sparql-results tbody tr")].map((tr) =>
          [...tr.querySelectorAll("td")].map((td) => {
            const link = td.querySelector("a");
            if (link) return link.textContent;
            return td.firstChild ? td.firstChild.textContent : "";
          }))"""
    )
    return rows


def test_the_plain_form_runs_queries_short_by_get_long_by_post(
    watched: Watched, live_server: LiveServer
) -> None:
    page = watched.page
    page.goto(live_server.sparql_url, wait_until="load")
    assert page.locator("#yasgui").count() == 0  # no PARKLD_YASGUI_DIR: the plain form
    # An example, short: sent by GET, so the result has an address to share.
    text = (ROOT / "queries" / "examples" / f"{EXAMPLE}.rq").read_text(encoding="utf-8")
    page.locator(f'a.example[title="{EXAMPLE}.rq"]').click()
    with page.expect_navigation():
        page.get_by_role("button", name="Run query").click()
    sent_text = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)["query"]
    assert sent_text == [text.replace("\n", "\r\n")]  # a form sends a textarea's lines so
    assert plain_rows(page) == expected_rows(endpoint_select(live_server, text))
    # About 6 KB: sent by POST, answered with the same page.
    query = long_query(live_server)
    page.fill("#query", query)
    with page.expect_navigation():
        page.get_by_role("button", name="Run query").click()
    posted = [r for r in watched.requests if r.url.split("?")[0] == live_server.sparql_url]
    assert posted[-1].method == "POST"
    sent = urllib.parse.parse_qs(posted[-1].post_data or "")["query"]
    assert sent == [query.replace("\n", "\r\n")]
    expected = expected_rows(endpoint_select(live_server, query))
    assert len(expected) >= 20
    assert plain_rows(page) == expected
    assert page.locator("#query").input_value() == query  # the editor keeps it
    watched.check_clean()


def test_yasgui_completes_classes_from_this_dataset(
    watched: Watched, yasgui_server: LiveServer
) -> None:
    """Class names complete from the classes this endpoint's data uses, not from LOV."""
    page = watched.page
    open_query_page(watched, yasgui_server)
    ontology = "https://w3id.org/parkld/ontology#"
    classes = endpoint_select(
        yasgui_server,
        f"SELECT DISTINCT ?c WHERE {{ ?s a ?c FILTER STRSTARTS(STR(?c), '{ontology}Pa') }}",
    )["results"]["bindings"]
    expected = sorted("pld:" + b["c"]["value"].removeprefix(ontology) for b in classes)
    assert "pld:Park" in expected
    page.evaluate(
        """(ontology) => {
      const yasqe = window.parkldYasgui.getTab().getYasqe();
      yasqe.setValue("PREFIX pld: <" + ontology + ">\\nSELECT * WHERE { ?s a pld:Pa");
      yasqe.focus();
      yasqe.setCursor(yasqe.lastLine(), 1000);
      yasqe.autocomplete();
    }""",
        ontology,
    )
    hints = page.locator(".CodeMirror-hints li")
    expect(hints.first).to_be_visible()
    assert sorted(hints.all_inner_texts()) == expected
    watched.check_clean()


def test_the_plain_forms_download_posts_a_long_query(
    watched: Watched, live_server: LiveServer
) -> None:
    page = watched.page
    query = long_query(live_server)
    page.goto(live_server.sparql_url, wait_until="load")
    page.fill("#query", query)
    page.select_option("#download-format", "csv")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    posted = [r for r in watched.requests if r.url.split("?")[0] == live_server.sparql_url]
    assert posted[-1].method == "POST"
    form = urllib.parse.parse_qs(posted[-1].post_data or "")
    assert form["format"] == ["csv"] and form["query"] == [query.replace("\n", "\r\n")]
    path = download.value.path()
    got = list(csv.reader(io.StringIO(Path(path).read_text(encoding="utf-8"))))
    expected = expected_rows(endpoint_select(live_server, query))
    assert got[1:] == expected and len(expected) >= 20
    watched.check_clean()


def test_a_shared_link_opens_its_query_in_yasgui(
    watched: Watched, yasgui_server: LiveServer
) -> None:
    query = "SELECT ?n WHERE { VALUES ?n { 1 2 3 } }"
    link = yasgui_server.sparql_url + "?" + urllib.parse.urlencode({"query": query})
    watched.page.goto(link, wait_until="load")
    expect(watched.page.locator("#yasgui[data-state=ready]")).to_be_attached()
    assert watched.page.evaluate("window.parkldYasgui.getTab().getQuery()") == query
    # The server's own table of the answer is on the page too.
    assert watched.page.locator("table.sparql-results tbody tr").count() == 3
    watched.check_clean()


#: Parks with coordinates (as in tests/test_query_pictures_browser.py).
MAP_QUERY = """PREFIX pld: <https://w3id.org/parkld/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX wgs84: <http://www.w3.org/2003/01/geo/wgs84_pos#>
SELECT DISTINCT ?park ?lat ?long WHERE {
  ?park a/rdfs:subClassOf* pld:Park ; wgs84:lat ?lat ; wgs84:long ?long .
} ORDER BY ?park"""


def test_yasgui_shows_parkld_map_of_results_with_coordinates(
    watched: Watched, yasgui_server: LiveServer
) -> None:
    page = watched.page
    open_query_page(watched, yasgui_server)
    page.evaluate("(q) => { window.parkldYasgui.getTab().setQuery(q); }", MAP_QUERY)
    run_in_yasgui(page)
    expected = expected_rows(endpoint_select(yasgui_server, MAP_QUERY), local=True)
    assert len(expected) >= 5
    panel = page.locator(".tabPanel.active")
    # One IRI column: no network; coordinates: a map.
    expect(panel.locator(".yasr .select_parkldNetwork")).to_have_class(re.compile(r"\bdisabled\b"))
    choose_map = panel.locator(".yasr .select_parkldMap")
    expect(choose_map).not_to_have_class(re.compile(r"\bdisabled\b"))
    choose_map.click()
    figure = panel.locator('figure[data-picture="map"][data-state="ready"]')
    expect(figure).to_be_visible()
    assert figure.locator("circle.park-marker").count() == len(expected)
    links = figure.locator("a.park-link")
    hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
    assert hrefs == {row[0] for row in expected}  # each park's page on this site
    watched.check_clean()


#: Parks tied to their alliances: two IRI columns.
NETWORK_QUERY = """PREFIX org: <http://www.w3.org/ns/org#>
PREFIX pld: <https://w3id.org/parkld/ontology#>
SELECT DISTINCT ?park ?alliance WHERE {
  ?m org:member ?park ; org:organization ?alliance . ?alliance a pld:Alliance .
} ORDER BY ?park ?alliance"""


def test_yasgui_shows_parkld_network_of_two_iri_columns(
    watched: Watched, yasgui_server: LiveServer
) -> None:
    page = watched.page
    open_query_page(watched, yasgui_server)
    page.evaluate("(q) => { window.parkldYasgui.getTab().setQuery(q); }", NETWORK_QUERY)
    run_in_yasgui(page)
    rows = expected_rows(endpoint_select(yasgui_server, NETWORK_QUERY))
    nodes = {iri for row in rows for iri in row}
    assert len(rows) >= 10
    panel = page.locator(".tabPanel.active")
    panel.locator(".yasr .select_parkldNetwork").click()
    figure = panel.locator('figure[data-picture="network"][data-state="ready"]')
    expect(figure).to_be_visible()
    assert figure.locator("g.node").count() == len(nodes)
    watched.check_clean()


def test_a_yasgui_share_link_opens_and_runs_its_query_here(
    watched: Watched, yasgui_server: LiveServer
) -> None:
    page = watched.page
    open_query_page(watched, yasgui_server)
    text = (ROOT / "queries" / "examples" / f"{EXAMPLE}.rq").read_text(encoding="utf-8")
    page.locator(f'a.example[title="{EXAMPLE}.rq"]').click()
    link: str = page.evaluate("window.parkldYasgui.getTab().getShareableLink()")
    assert link.startswith(yasgui_server.sparql_url + "#")
    # A link naming another endpoint still runs here: the page queries this endpoint only.
    link += "&endpoint=" + urllib.parse.quote("http://127.0.0.1:9/sparql", safe="")
    page.goto(yasgui_server.base_url + "/", wait_until="load")
    page.goto(link, wait_until="load")  # a new load; the same browser, whose tabs are kept
    expect(page.locator("#yasgui[data-state=ready]")).to_be_attached()
    assert page.evaluate("window.parkldYasgui.getTab().getQuery()") == text
    expect(page.locator(".tabPanel.active .yasr table.dataTable tbody tr").first).to_be_visible()
    expected = expected_rows(endpoint_select(yasgui_server, text), local=True)
    assert_same_rows(page, expected)
    watched.check_clean()
