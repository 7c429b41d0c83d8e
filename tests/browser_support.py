"""Debian's Chromium for the browser tests, launched once per module through Playwright.

No browser download: Playwright drives ``/usr/bin/chromium`` (``apt-get install chromium``),
with the flags this machine's closed network needs. Without it the tests skip locally and fail
in CI, where a missing browser is a broken setup, not a reason to skip.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import IN_CI

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Route

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MISSING = "needs Debian's chromium: apt-get install -y chromium"


def require_chromium(*, module_level: bool = False) -> None:
    """Skip (locally) or fail (in CI) when Chromium is not installed."""
    if CHROMIUM.exists():
        return
    if IN_CI:
        pytest.fail(MISSING, pytrace=False)
    pytest.skip(MISSING, allow_module_level=module_level)


@contextmanager
def launched() -> Iterator[Browser]:
    """A headless Chromium for the duration of the block."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


#: Every URL but the test server's on 127.0.0.1 (data: and blob: URLs never reach a network).
OUTSIDE = re.compile(r"^(?!https?://127\.0\.0\.1[:/]|data:|blob:)")


def block_outside(target: BrowserContext | Page) -> list[str]:
    """Abort every request that would leave 127.0.0.1; the list returned records their URLs.

    The pattern is a regular expression, which Playwright hands to the browser to match, so
    requests to the test server are never routed through Python. A Python route handler for
    every request (the pattern ``**/*``) runs each request in a greenlet of the sync API; one
    still waiting when its context closes (more likely on a busy machine) is left suspended,
    and is only collected later, at some other test, once the Playwright loop is closed.
    """
    outside: list[str] = []

    def abort(route: Route) -> None:
        outside.append(route.request.url)
        route.abort()

    target.route(OUTSIDE, abort)
    return outside
