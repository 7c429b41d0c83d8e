"""The YASGUI files route and the query page's two modes (``PARKLD_YASGUI_DIR`` set or not).

The route is tried on a directory made here, holding stand-ins of the two built files next to
files that must never be served (another file of the build, a secret beside the directory);
the page is checked for what it links and for its Content-Security-Policy.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from parkld.config import Settings
from parkld.store.embedded import EmbeddedStore
from parkld.web import create_app
from parkld.web.safety import CONTENT_SECURITY_POLICY, QUERY_PAGE_POLICY, YASGUI_STYLE_HASHES
from parkld.web.yasgui import MAX_AGE

HTML = {"Accept": "text/html"}


@pytest.fixture
def build(tmp_path: Path) -> Path:
    """A YASGUI build directory with stand-in files, and files that must stay private."""
    directory = tmp_path / "node_modules" / "@triply" / "yasgui" / "build"
    directory.mkdir(parents=True)
    (directory / "yasgui.min.js").write_text("window.Yasgui = function () {};\n")
    (directory / "yasgui.min.css").write_text(".yasgui { color: black }\n")
    (directory / "yasgui.html").write_text("<p>a demo page of the build</p>\n")
    (directory / "yasgui.min.js.map").write_text("{}\n")
    (directory / "ts").mkdir()
    (directory / "ts" / "index.d.ts").write_text("export {};\n")
    (tmp_path / "node_modules" / "@triply" / "yasgui" / "secret.txt").write_text("SECRET\n")
    return directory


def client_with(
    settings: Settings, store: EmbeddedStore, yasgui_dir: str | Path | None
) -> FlaskClient:
    changed = settings.replace(yasgui_dir=str(yasgui_dir)) if yasgui_dir is not None else settings
    app = create_app(changed, store=store)
    app.config["TESTING"] = True
    return app.test_client()


def test_the_built_files_are_served_with_media_type_and_cache_headers(
    build: Path, shipped_settings: Settings, shipped_store: EmbeddedStore
) -> None:
    client = client_with(shipped_settings, shipped_store, build)
    for name, media_type in (("yasgui.min.js", "text/javascript"), ("yasgui.min.css", "text/css")):
        # Closed as a server closes them: the file is open until then.
        with client.get(f"/static/yasgui/{name}") as answer:
            assert answer.status_code == 200
            assert answer.mimetype == media_type
            assert answer.get_data() == (build / name).read_bytes()
            assert answer.headers["Cache-Control"] == f"public, max-age={MAX_AGE}"
            assert answer.headers["X-Content-Type-Options"] == "nosniff"
            etag = answer.headers["ETag"]
        headers = {"If-None-Match": etag}
        with client.get(f"/static/yasgui/{name}", headers=headers) as again:
            assert again.status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/static/yasgui/yasgui.html",  # in the directory, but not one of the served files
        "/static/yasgui/yasgui.min.js.map",
        "/static/yasgui/ts/index.d.ts",
        "/static/yasgui/../secret.txt",
        "/static/yasgui/..%2fsecret.txt",
        "/static/yasgui/%2e%2e%2fsecret.txt",
        "/static/yasgui/%2e%2e/secret.txt",
        "/static/yasgui/..%5csecret.txt",
        "/static/yasgui/yasgui.min.js%00",
        "/static/yasgui/",
        "/static/yasgui/YASGUI.MIN.JS",
    ],
)
def test_nothing_else_is_served(
    path: str, build: Path, shipped_settings: Settings, shipped_store: EmbeddedStore
) -> None:
    client = client_with(shipped_settings, shipped_store, build)
    answer = client.get(path)
    assert answer.status_code == 404, path
    body = answer.get_data(as_text=True)
    assert "SECRET" not in body and "demo page" not in body and "export" not in body


def test_the_page_runs_yasgui_when_the_files_are_there(
    build: Path, shipped_settings: Settings, shipped_store: EmbeddedStore
) -> None:
    client = client_with(shipped_settings, shipped_store, build)
    answer = client.get("/sparql", headers=HTML)
    assert answer.status_code == 200
    body = answer.get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', body)
    assert [s.split("?")[0] for s in scripts] == [
        "/static/sparql.js",
        "/static/yasgui/yasgui.min.js",
        "/static/sparql-yasgui.js",
    ]
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', body)
    assert any(s.startswith("/static/yasgui/yasgui.min.css?v=") for s in styles)
    assert 'id="yasgui"' in body and 'data-endpoint="/sparql"' in body
    # The plain form is still in the page, for browsers without scripts.
    assert '<form id="sparql-form"' in body and 'class="example"' in body
    # A new install gets new links, so a cached old file is never used with a new page.
    version = re.search(r"yasgui\.min\.js\?v=(\w+)", body)
    assert version
    (build / "yasgui.min.js").write_text("window.Yasgui = function () { return 2; };\n")
    newer = client.get("/sparql", headers=HTML).get_data(as_text=True)
    assert f"yasgui.min.js?v={version.group(1)}" not in newer


def test_the_query_page_policy_adds_only_yasguis_two_style_hashes(
    build: Path, shipped_settings: Settings, shipped_store: EmbeddedStore
) -> None:
    client = client_with(shipped_settings, shipped_store, build)
    policy = client.get("/sparql", headers=HTML).headers["Content-Security-Policy"]
    assert policy == QUERY_PAGE_POLICY
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split("; ") if part.strip()
    )
    assert directives["script-src"] == ["'self'"]  # no unsafe-eval, no inline script
    assert directives["style-src"] == ["'self'", *YASGUI_STYLE_HASHES]
    assert "'unsafe-inline'" not in directives["style-src"]
    # Every other page keeps the site's policy.
    assert client.get("/", headers=HTML).headers["Content-Security-Policy"] == (
        CONTENT_SECURITY_POLICY
    )


@pytest.mark.parametrize("setting", [None, "", "missing", "incomplete"])
def test_without_the_files_the_page_is_the_plain_form(
    setting: str | None,
    tmp_path: Path,
    build: Path,
    shipped_settings: Settings,
    shipped_store: EmbeddedStore,
) -> None:
    directory: str | Path | None = setting
    if setting == "missing":
        directory = tmp_path / "no-such-dir"
    elif setting == "incomplete":
        (build / "yasgui.min.css").unlink()
        directory = build
    client = client_with(shipped_settings, shipped_store, directory)
    body = client.get("/sparql", headers=HTML).get_data(as_text=True)
    assert "yasgui" not in body.lower()
    assert re.findall(r'<script src="([^"]+)"', body) == ["/static/sparql.js"]
    assert client.get("/static/yasgui/yasgui.min.js").status_code == 404
    # The plain form still runs a query, rendered on the server.
    answer = client.get(
        "/sparql?format=html&query=SELECT%20%3Fn%20%7B%20VALUES%20%3Fn%20%7B%2041%2042%20%7D%20%7D"
    )
    cells = re.findall(r'<td class="literal">(\d+)<small>', answer.get_data(as_text=True))
    assert cells == ["41", "42"]
