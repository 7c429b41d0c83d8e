"""The HTML pages in a real browser: Debian's Chromium driven through Playwright.

The app runs as ``parkld serve`` on loopback (the ``live_server`` fixture); every request the
page makes is checked to stay on 127.0.0.1 (nothing from a CDN). Without Chromium the tests
skip locally (install it with ``apt-get install -y chromium``) and fail in CI.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.browser_support import launched, require_chromium
from tests.live import LiveServer

pytestmark = pytest.mark.browser

require_chromium(module_level=True)

from playwright.sync_api import Browser, Page, Route, expect  # noqa: E402


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched() as chromium:
        yield chromium


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh page whose requests may only go to the live server; others are aborted."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    outside: list[str] = []

    def guard(route: Route) -> None:
        host = urlsplit(route.request.url).hostname
        if host == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert outside == [], f"requests left 127.0.0.1: {outside}"


def test_walk_landing_park_alliance_agreement_source(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.base_url + "/")
    expect(page.locator("h1")).to_have_text("parkld")
    page.locator("#parks").get_by_role("link", name="Sophia Antipolis", exact=True).click()
    expect(page.locator("h1")).to_have_text("Sophia Antipolis")
    assert urlsplit(page.url).path == "/park/sophia-antipolis"
    # The park page renders its memberships, people and numbered sources.
    memberships = page.locator("#memberships")
    expect(memberships).to_contain_text("Confederation of first-class hi-tech parks")
    expect(memberships).to_contain_text("proposer")
    expect(page.locator("#people")).to_contain_text("Philippe Mariani")
    expect(page.locator("#sources li").first).to_be_visible()
    assert page.locator("#sources li").count() >= 2
    expect(page.locator("#names")).to_contain_text("ソフィア・アンティポリス")
    # Embedded schema.org JSON-LD.
    assert "Sophia Antipolis" in page.locator('script[type="application/ld+json"]').text_content()  # type: ignore[operator]

    memberships.get_by_role("link", name="Confederation of first-class hi-tech parks").click()
    expect(page.locator("h1")).to_have_text("Confederation of first-class hi-tech parks")
    expect(page.locator("#members")).to_contain_text("Chengdu Hi-Tech Industrial Development Zone")
    expect(page.locator("#status")).to_contain_text("proposed")

    page.go_back()
    # The sister-park agreement of 2016: two sources place its signing differently.
    page.locator("#agreements").get_by_role(
        "link", name="Sister Parks agreement between Sophia Antipolis", exact=False
    ).first.click()
    assert urlsplit(page.url).path == "/agreement/sophia-antipolis-chengdu-sister-parks-2016"
    expect(page.locator("#facts")).to_contain_text("party")
    expect(page.locator("#claims")).to_contain_text("place")  # sources side by side

    page.locator("#sources li a").first.click()
    assert urlsplit(page.url).path.startswith("/source/")
    expect(page.locator("#says")).to_contain_text("Statements taken from this source")
    assert urlsplit(page.url).hostname == "127.0.0.1"  # links stayed on this host


def test_search_finds_sophia(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.base_url + "/")
    page.locator("#q").fill("Sophia")
    page.locator("#q").press("Enter")
    page.wait_for_url("**/search?q=Sophia")
    # The park, not the place of the same name where agreements were signed.
    result = page.locator('.hits a[href="/park/sophia-antipolis"]')
    expect(result).to_have_text("Sophia Antipolis")
    result.click()
    expect(page.locator("h1")).to_have_text("Sophia Antipolis")


def test_query_page_runs_an_example_and_shows_rows(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.base_url + "/")
    examples = page.locator("#examples a.example")
    if examples.count() == 0:
        page.goto(live_server.base_url + "/sparql")
        page.get_by_role("button", name="Run query").click()
    else:
        examples.first.click()
    rows = page.locator("table.sparql-results tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 1


def test_park_page_fits_a_phone(browser: Browser, live_server: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(live_server.base_url + "/agreement/sophia-antipolis-chengdu-sister-parks-2016")
    expect(page.locator("h1")).to_be_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"page is {overflow}px wider than the phone"
    context.close()
