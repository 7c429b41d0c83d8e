"""``parkld export-site``: the static mirror, served by Debian's Apache with deploy/apache rules.

The mirror is written once per module through the real CLI (reusing the session's shipped
store). The Apache test starts ``/usr/sbin/apache2`` on a free loopback port with
``deploy/apache/httpd-test.conf`` + ``parkld-mirror.conf`` and runs the recipe checks on it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from parkld.cli import main
from parkld.config import Settings
from parkld.store.embedded import EmbeddedStore
from tests.conftest import IN_CI
from tests.live import free_port

# The module's first test pays for writing the whole mirror (~37,000 files, 3.5 CPU-minutes):
# pytest's 300 s hang guard (pyproject) is too short for that on a busy machine. This is a
# guard against a hang, not a speed check (speed is measured in bench/).
pytestmark = pytest.mark.timeout(1800)

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy" / "apache"
APACHE = Path("/usr/sbin/apache2")
BASE = "https://w3id.org/parkld/"
EXTS = ("html", "ttl", "jsonld", "nt", "rdf", "trig", "nq")
PARSERS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
}


@pytest.fixture(scope="module")
def mirror(shipped_settings: Settings, shipped_store: EmbeddedStore) -> Iterator[Path]:
    # Apache drops root to www-data, so the mirror must be readable by others: outside the
    # 0700 pytest temp tree.
    target = Path(tempfile.mkdtemp(prefix="parkld-mirror-"))
    target.chmod(0o755)
    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("PARKLD_")}
    env["PARKLD_STORE_DIR"] = str(shipped_settings.store_dir)
    result = CliRunner().invoke(
        main, ["export-site", str(target / "site")], env=env, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    yield target / "site"
    shutil.rmtree(target, ignore_errors=True)


def test_every_resource_has_each_representation(mirror: Path, shipped_store: EmbeddedStore) -> None:
    parks = shipped_store.select(
        "SELECT ?s WHERE { ?s a <https://w3id.org/parkld/ontology#Park> }"
    ).values("s")
    assert parks
    for iri in parks:
        rel = iri[len(BASE) :]
        for ext in EXTS:
            assert (mirror / f"{rel}.{ext}").is_file(), f"{rel}.{ext}"
    ttl = (mirror / "park" / "sophia-antipolis.ttl").read_bytes()
    assert any(
        t.subject == ox.NamedNode(BASE + "park/sophia-antipolis")
        for t in ox.parse(ttl, format=ox.RdfFormat.TURTLE)
    )
    html = (mirror / "park" / "sophia-antipolis.html").read_text()
    assert '<a href="/place/france">France</a>' in html  # links stay on the mirror's host
    for name in (
        "index.html",
        "ontology.html",
        "ontology.ttl",
        ".well-known/void.ttl",
        "dataset.jsonld",
        "dumps/parkld.trig",
        "dumps/parkld.nq.gz",
        "dumps/parkld.jsonld",
        "context.jsonld",
        "sitemap.xml",
        "static/parkld.css",
    ):
        assert (mirror / name).is_file(), name
    sitemap = (mirror / "sitemap.xml").read_text()
    assert f"<loc>{BASE}park/sophia-antipolis</loc>" in sitemap


def test_dump_command_writes_the_dumps(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("dump", str(tmp_path / "dumps"))
    assert result.exit_code == 0, result.output
    trig = (tmp_path / "dumps" / "parkld.trig").read_bytes()
    quads = list(ox.parse(trig, format=ox.RdfFormat.TRIG))
    assert len(quads) > 500 and f"{len(quads)} statements" in result.output
    assert (tmp_path / "dumps" / "context.jsonld").is_file()


@pytest.fixture(scope="module")
def apache(mirror: Path) -> Iterator[str]:
    if not APACHE.exists():
        message = "needs Debian's apache2: apt-get install -y apache2"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    run = Path(tempfile.mkdtemp(prefix="parkld-httpd-"))
    run.chmod(0o755)
    port = free_port()
    env = {
        **os.environ,
        "PARKLD_MIRROR": str(mirror),
        "PARKLD_PORT": str(port),
        "PARKLD_RUN": str(run),
        "PARKLD_CONF_DIR": str(DEPLOY),
    }
    args = [str(APACHE), "-f", str(DEPLOY / "httpd-test.conf"), "-DFOREGROUND"]
    if os.geteuid() == 0:
        args.append("-DPARKLD_AS_ROOT")
        for parent in [mirror, *mirror.parents]:  # www-data must traverse to the mirror
            if parent == Path("/"):
                break
            parent.chmod(parent.stat().st_mode | stat.S_IXOTH)
    process = subprocess.Popen(
        args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )  # apache2 logs to run/error.log
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (run / "error.log").read_text() if (run / "error.log").exists() else ""
                    pytest.fail(f"apache2 did not start: {log}")
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(run, ignore_errors=True)


def get(url: str, accept: str | None) -> tuple[int, str, bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as r:
            return r.status, r.headers.get_content_type(), r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get_content_type(), e.read(), dict(e.headers)


# (Accept, acceptable media types): ties may go either way under Apache (smallest file wins).
RECIPES = [
    (
        None,
        {
            "text/turtle",
            "text/html",
            "application/rdf+xml",
            "application/ld+json",
            "application/n-triples",
            "application/trig",
            "application/n-quads",
        },
    ),
    ("application/rdf+xml", {"application/rdf+xml"}),
    ("text/turtle", {"text/turtle"}),
    ("application/ld+json", {"application/ld+json"}),
    ("text/html", {"text/html"}),
    ("application/rdf+xml;q=0.5,text/html;q=.3", {"application/rdf+xml"}),
    ("text/html;q=0.5,application/rdf+xml;q=.3", {"text/html"}),
    ("application/rdf+xml;q=0.5,text/html;q=0.5", {"application/rdf+xml", "text/html"}),
    ("text/html,application/rdf+xml", {"text/html", "application/rdf+xml"}),
]


@pytest.mark.parametrize(("accept", "allowed"), RECIPES)
def test_apache_negotiates_the_mirror(apache: str, accept: str | None, allowed: set[str]) -> None:
    for path in (
        "/park/sophia-antipolis",
        "/alliance/first-class-hi-tech-parks-confederation",
        "/agreement/sophia-antipolis-chengdu-sister-parks-2016",
        "/ontology",
    ):
        status, mime, body, headers = get(apache + path, accept)
        assert status == 200, (path, accept, status)
        assert mime in allowed, (path, accept, mime)
        assert "accept" in headers.get("Vary", "").lower()
        iri = BASE + path.lstrip("/")
        if mime == "text/html":
            assert f"<code>{iri}</code>" in body.decode()
        elif mime in PARSERS:
            assert any(q.subject == ox.NamedNode(iri) for q in ox.parse(body, format=PARSERS[mime]))


def test_apache_serves_extensions_void_dumps_and_refuses_the_rest(apache: str) -> None:
    status, mime, _body, _ = get(apache + "/park/sophia-antipolis.jsonld", "image/png")
    assert status == 200 and mime == "application/ld+json"
    status, mime, _, _ = get(apache + "/.well-known/void", "text/turtle")
    assert status == 200 and mime == "text/turtle"
    status, mime, _, headers = get(apache + "/dumps/parkld.nq.gz", None)
    assert status == 200 and mime == "application/gzip" and "Content-Encoding" not in headers
    _, _, _, headers = get(apache + "/context.jsonld", None)
    assert headers.get("Access-Control-Allow-Origin") == "*"
    assert get(apache + "/park/sophia-antipolis", "image/png")[0] == 406
    assert get(apache + "/park/no-such-park", "text/html")[0] == 404
    assert get(apache + "/", "text/html")[1] == "text/html"


def test_mirror_holds_the_pictures_their_data_and_the_network_downloads(
    mirror: Path, shipped_store: EmbeddedStore
) -> None:
    from parkld.web.mirror import picture_sources

    for name in (
        "map.html",
        "network.html",
        "timeline.html",
        "viz/map.json",
        "viz/network.json",
        "viz/timeline.json",
        "static/viz/world-110m.json",
    ):
        assert (mirror / name).is_file(), name
    # Every JSON file any written page's pictures fetch is in the mirror.
    pages = [
        mirror / "index.html",
        *mirror.glob("*.html"),
        *mirror.glob("park/*.html"),
        *mirror.glob("alliance/*.html"),
        *mirror.glob("agreement/*.html"),
    ]
    wanted = set().union(*(picture_sources(p.read_text()) for p in pages))
    assert "/viz/network/park/sophia-antipolis.json" in wanted  # a park's own network
    missing = sorted(u for u in wanted if not (mirror / u.lstrip("/")).is_file())
    assert missing == []
    focused = json.loads((mirror / "viz/network/park/sophia-antipolis.json").read_text())
    assert BASE + "park/sophia-antipolis" in {n["iri"] for n in focused["nodes"]}
    everything = json.loads((mirror / "viz/network.json").read_text())
    sophia = BASE + "park/sophia-antipolis"
    assert focused["edges"] and all(sophia in (e["source"], e["target"]) for e in focused["edges"])
    assert {m["member"] for m in focused["memberships"]} <= {sophia}
    assert len(focused["edges"]) < len(everything["edges"])  # its own links, not all of them
    # The downloads: every park in the node list, every edge in GraphML and the edge list.
    parks = (
        shipped_store.select(
            "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a/<http://www.w3.org/2000/01/rdf-schema#"
            "subClassOf>* <https://w3id.org/parkld/ontology#Park> }"
        )
        .rows[0]["n"]
        .value
    )
    nodes = list(csv.DictReader(io.StringIO((mirror / "network-nodes.csv").read_text())))
    assert len(nodes) == int(parks)
    edges = list(csv.DictReader(io.StringIO((mirror / "network-edges.csv").read_text())))
    graph = ET.parse(mirror / "network.graphml").getroot()
    ns = "{http://graphml.graphdrawing.org/xmlns}"
    assert len(graph.findall(f"{ns}graph/{ns}edge")) == len(edges) == len(everything["edges"])


@pytest.mark.browser
def test_apache_serves_pictures_that_chromium_draws(apache: str, mirror: Path) -> None:
    from tests.browser_support import launched

    network = json.loads((mirror / "viz/network.json").read_text())
    timeline = json.loads((mirror / "viz/timeline.json").read_text())
    mapped = json.loads((mirror / "viz/map.json").read_text())
    with launched() as browser:
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        try:
            page = context.new_page()
            page.set_default_timeout(60_000)
            failed: list[str] = []
            outside: list[str] = []
            errors: list[str] = []
            page.on(
                "response",
                lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
            )
            page.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))
            page.on(
                "request", lambda r: outside.append(r.url) if not r.url.startswith(apache) else None
            )
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(apache + "/map")
            page.wait_for_selector('[data-viz="map"][data-state="ready"]')
            assert page.locator("circle.park-marker").count() == len(mapped["parks"]) > 0
            page.goto(apache + "/network")
            page.wait_for_selector('[data-viz="network"][data-state="ready"]')
            assert (
                page.locator("svg.viz-network-svg g.node:not(.hub)").count()
                == len(network["nodes"])
                > 0
            )
            download = page.locator("a[data-viz-download]").first.get_attribute("href")
            assert download == "/network.graphml"
            status, mime, body, _ = get(apache + download, None)
            assert (status, mime) == (200, "application/graphml+xml") and b"<graphml" in body
            page.goto(apache + "/timeline")
            page.wait_for_selector('[data-viz="timeline"][data-state="ready"]')
            assert page.locator("a.timeline-item").count() == len(timeline["items"]) > 0
            page.goto(apache + "/park/sophia-antipolis")
            page.wait_for_selector('[data-viz="network"][data-state="ready"]')
            page.wait_for_selector('[data-viz="timeline"][data-state="ready"]')
            assert page.locator("svg.viz-network-svg g.node.focus").count() == 1
            assert failed == [] and outside == [] and errors == []
        finally:
            context.close()
