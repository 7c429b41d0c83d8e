"""``parkld export-site``: the static mirror, served by Debian's Apache with deploy/apache rules.

The mirror is written once per module through the real CLI (reusing the session's shipped
store). The Apache test starts ``/usr/sbin/apache2`` on a free loopback port with
``deploy/apache/httpd-test.conf`` + ``parkld-mirror.conf`` and runs the recipe checks on it.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
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

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy" / "apache"
APACHE = Path("/usr/sbin/apache2")
BASE = "https://w3id.org/parkld/"
EXTS = ("html", "ttl", "jsonld", "nt", "rdf", "trig", "nq")
PARSERS = {"text/turtle": ox.RdfFormat.TURTLE, "application/rdf+xml": ox.RdfFormat.RDF_XML,
           "application/ld+json": ox.RdfFormat.JSON_LD,
           "application/n-triples": ox.RdfFormat.N_TRIPLES}


@pytest.fixture(scope="module")
def mirror(shipped_settings: Settings, shipped_store: EmbeddedStore) -> Iterator[Path]:
    # Apache drops root to www-data, so the mirror must be readable by others: outside the
    # 0700 pytest temp tree.
    target = Path(tempfile.mkdtemp(prefix="parkld-mirror-"))
    target.chmod(0o755)
    env = {k: None for k in os.environ if k.startswith("PARKLD_")}
    env["PARKLD_STORE_DIR"] = str(shipped_settings.store_dir)
    result = CliRunner().invoke(main, ["export-site", str(target / "site")], env=env,
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    yield target / "site"
    shutil.rmtree(target, ignore_errors=True)


def test_every_resource_has_each_representation(mirror: Path,
                                                shipped_store: EmbeddedStore) -> None:
    parks = shipped_store.select(
        "SELECT ?s WHERE { ?s a <https://w3id.org/parkld/ontology#Park> }").values("s")
    assert parks
    for iri in parks:
        rel = iri[len(BASE):]
        for ext in EXTS:
            assert (mirror / f"{rel}.{ext}").is_file(), f"{rel}.{ext}"
    ttl = (mirror / "park" / "sophia-antipolis.ttl").read_bytes()
    assert any(t.subject == ox.NamedNode(BASE + "park/sophia-antipolis")
               for t in ox.parse(ttl, format=ox.RdfFormat.TURTLE))
    html = (mirror / "park" / "sophia-antipolis.html").read_text()
    assert '<a href="/place/france">France</a>' in html  # links stay on the mirror's host
    for name in ("index.html", "ontology.html", "ontology.ttl", ".well-known/void.ttl",
                 "dataset.jsonld", "dumps/parkld.trig", "dumps/parkld.nq.gz",
                 "dumps/parkld.jsonld", "context.jsonld", "sitemap.xml", "static/parkld.css"):
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
    env = {**os.environ, "PARKLD_MIRROR": str(mirror), "PARKLD_PORT": str(port),
           "PARKLD_RUN": str(run), "PARKLD_CONF_DIR": str(DEPLOY)}
    args = [str(APACHE), "-f", str(DEPLOY / "httpd-test.conf"), "-DFOREGROUND"]
    if os.geteuid() == 0:
        args.append("-DPARKLD_AS_ROOT")
        for parent in [mirror, *mirror.parents]:  # www-data must traverse to the mirror
            if parent == Path("/"):
                break
            parent.chmod(parent.stat().st_mode | stat.S_IXOTH)
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # apache2 logs to run/error.log
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
    (None, {"text/turtle", "text/html", "application/rdf+xml", "application/ld+json",
            "application/n-triples", "application/trig", "application/n-quads"}),
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
def test_apache_negotiates_the_mirror(apache: str, accept: str | None,
                                      allowed: set[str]) -> None:
    for path in ("/park/sophia-antipolis", "/alliance/first-class-hi-tech-parks-confederation",
                 "/agreement/sophia-antipolis-chengdu-sister-parks-2016", "/ontology"):
        status, mime, body, headers = get(apache + path, accept)
        assert status == 200, (path, accept, status)
        assert mime in allowed, (path, accept, mime)
        assert "accept" in headers.get("Vary", "").lower()
        iri = BASE + path.lstrip("/")
        if mime == "text/html":
            assert f"<code>{iri}</code>" in body.decode()
        elif mime in PARSERS:
            assert any(q.subject == ox.NamedNode(iri)
                       for q in ox.parse(body, format=PARSERS[mime]))


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
