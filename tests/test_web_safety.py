"""Pages and answers safe to show hostile data: links, CSP, nosniff, no reflected Accept."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from parkld.config import Settings
from parkld.store.embedded import EmbeddedStore
from parkld.web import create_app
from tests.browser_support import launched
from tests.live import LiveServer

EVIL = "javascript:alert(document.domain)"
QUERY = (
    "SELECT ?x WHERE { VALUES ?x { <" + EVIL + "> <data:text/html,hi> <https://example.org/ok> } }"
)


def page(client: FlaskClient, query: str) -> str:
    answer = client.get("/sparql?query=" + quote(query), headers={"Accept": "text/html"})
    assert answer.status_code == 200
    assert answer.headers["Content-Security-Policy"].startswith("default-src 'self'")
    return answer.get_data(as_text=True)


def test_only_http_iris_are_links_on_the_query_page(client: FlaskClient) -> None:
    body = page(client, QUERY)
    links = re.findall(r'<a href="([^"]*)">([^<]*)</a>', body)
    assert ("https://example.org/ok", "https://example.org/ok") in links
    assert not [href for href, _ in links if href.lower().startswith(("javascript", "data"))]
    # The hostile IRIs are there, as text.
    assert f'<td class="iri">{EVIL}</td>' in body
    assert '<td class="iri">data:text/html,hi</td>' in body


def test_every_html_page_has_a_csp_and_every_answer_nosniff(client: FlaskClient) -> None:
    for path in ("/", "/sparql", "/search?q=park", "/does-not-exist"):
        answer = client.get(path, headers={"Accept": "text/html"})
        assert answer.headers["X-Content-Type-Options"] == "nosniff", path
        if answer.mimetype == "text/html":
            csp = answer.headers["Content-Security-Policy"]
            assert "script-src 'self'" in csp and "object-src 'none'" in csp, path
    answer = client.get("/sparql?query=" + quote("ASK {}"))
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in answer.headers  # not a page


def test_pages_have_no_inline_scripts_or_handlers(client: FlaskClient) -> None:
    for path in ("/", "/sparql", "/sparql?query=" + quote("SELECT * { ?s ?p ?o } LIMIT 3")):
        body = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
        for tag in re.findall(r"<script\b[^>]*>", body):
            assert "src=" in tag or 'type="application/' in tag, (path, tag)
        assert not re.search(r"\son[a-z]+=", body), path


def test_406_does_not_echo_the_accept_header(client: FlaskClient) -> None:
    accept = "text/x-evil-<b>marker</b>"
    answer = client.get("/sparql?query=" + quote("SELECT * {}"), headers={"Accept": accept})
    assert answer.status_code == 406
    assert "marker" not in answer.get_data(as_text=True)
    assert "SPARQL results" in answer.get_data(as_text=True)
    answer = client.get("/sparql?query=" + quote("SELECT * {}") + "&format=evil-marker")
    assert answer.status_code == 406 and "marker" not in answer.get_data(as_text=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with launched() as chromium:
        yield chromium


def test_javascript_iri_is_text_in_chromium(browser: object, live_server: LiveServer) -> None:
    from playwright.sync_api import Browser, Dialog

    assert isinstance(browser, Browser)
    context = browser.new_context()
    try:
        tab = context.new_page()
        dialogs: list[str] = []

        def on_dialog(d: Dialog) -> None:
            dialogs.append(d.message)
            d.dismiss()

        tab.on("dialog", on_dialog)
        violations: list[str] = []
        tab.on(
            "console",
            lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
        )
        tab.goto(f"{live_server.sparql_url}?format=html&query={quote(QUERY)}")
        cell = tab.locator("td.iri", has_text=EVIL)
        assert cell.count() == 1
        assert cell.locator("a").count() == 0
        cell.click()
        assert tab.locator("a[href^='javascript']").count() == 0
        assert tab.locator("td.iri a[href='https://example.org/ok']").count() == 1
        assert dialogs == []
        assert violations == []  # the page's own scripts and styles all obey its policy
    finally:
        context.close()


def test_host_header_is_not_trusted(
    client: FlaskClient, shipped_settings: Settings, shipped_store: EmbeddedStore
) -> None:
    for host in ("evil.example", "127.0.0.1:9"):
        sitemap = client.get("/sitemap.xml", base_url=f"http://{host}").get_data(as_text=True)
        assert host not in sitemap and "<loc>https://w3id.org/parkld/" in sitemap
        sd = client.get("/sparql", base_url=f"http://{host}", headers={"Accept": "text/turtle"})
        assert host not in sd.get_data(as_text=True)
        # Relative IRIs in a query resolve against the configured endpoint, not the Host.
        answer = client.get(
            "/sparql?query=" + quote("SELECT ?x { BIND(<rel> AS ?x) }"), base_url=f"http://{host}"
        )
        assert answer.json["results"]["bindings"][0]["x"]["value"] == (  # type: ignore[index]
            "https://w3id.org/parkld/rel"
        )
    configured = create_app(
        shipped_settings.replace(public_url="https://parks.example/"), store=shipped_store
    )
    response = configured.test_client().get("/sitemap.xml", base_url="http://evil.example")
    text = response.get_data(as_text=True)
    assert "<loc>https://parks.example/park/" in text and "evil.example" not in text
