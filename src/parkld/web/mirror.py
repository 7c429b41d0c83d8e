"""The static mirror: every page and representation the server answers, written as files.

The export asks the app itself (through Flask's test client) for each document URL, so the
mirror holds byte for byte what the server serves. Served by any static web server with the
negotiation rules in ``deploy/`` (Apache MultiViews), ``/park/x`` then answers as the app does.
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from parkld.config import Settings
from parkld.errors import ParkldError
from parkld.linked.sitemap import FIXED_PATHS, page_paths, sitemap_xml
from parkld.linked.void import DUMPS
from parkld.mediatypes import TABLE, Table
from parkld.store import Store
from parkld.web import create_app
from parkld.web.negotiate import current_index

#: Representations of the VoID description (no dataset formats: it has no named graphs).
VOID_EXTENSIONS = ("html", "ttl", "jsonld", "nt", "rdf")


#: The picture pages (written as ``map.html`` …: the mirror's server finds them as ``/map``).
PICTURE_PAGES = ("/map", "/network", "/timeline")
#: The network downloads the network page links to (all dates: a static server has no asOf).
NETWORK_DOWNLOADS = ("/network.graphml", "/network-nodes.csv", "/network-edges.csv")
#: The data a picture fetches, as the viz partials write it (a same-site path, no query).
_PICTURE_SOURCE = re.compile(r'\bdata-(?:src|world)="(/[^"?#]+\.json)"')


def picture_sources(page: str) -> set[str]:
    """The JSON paths the pictures of an HTML page fetch (``data-src`` and ``data-world``)."""
    return {html.unescape(m.group(1)) for m in _PICTURE_SOURCE.finditer(page)}


@dataclass(frozen=True)
class ExportResult:
    """What was written."""

    files: int
    resources: int


def export_site(
    settings: Settings,
    store: Store,
    target: Path,
    *,
    site_url: str | None = None,
    progress: Callable[[str], None] | None = None,
    formats: Table = TABLE,
) -> ExportResult:
    """Write the mirror into *target* (created; existing files are overwritten).

    *site_url* (default: the base IRI) prefixes the sitemap's URLs; every resource is
    written in each representation of *formats* (``resources``).
    """
    say = progress or (lambda _msg: None)
    app = create_app(settings, store=store, formats=formats)
    client = app.test_client()
    written = 0

    def fetch(url: str, dest: Path) -> None:
        nonlocal written
        response = client.get(url)
        try:  # closed here: a file response (static files) holds its file open until then
            if response.status_code != 200:
                raise ParkldError(f"export: GET {url} answered {response.status_code}")
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(response.get_data())
        finally:
            response.close()
        written += 1

    resource_formats = formats.resources
    target.mkdir(parents=True, exist_ok=True)
    with app.test_request_context():
        index = current_index()
    paths = [p for p in page_paths(index) if p not in FIXED_PATHS]
    paths.append("/ontology")
    say(f"writing {len(paths)} resources")
    pictures: set[str] = set()  # the JSON every written page's pictures fetch
    for path in paths:
        for fmt in resource_formats:
            dest = target / f"{path.lstrip('/')}.{fmt.extension}"
            fetch(f"{path}.{fmt.extension}", dest)
            if fmt.extension == "html":
                pictures |= picture_sources(dest.read_text(encoding="utf-8"))
        # The resource's SHACL report (linked from its page), when the build made one.
        report = f"/validation{path}"
        if client.head(f"{report}.ttl").status_code == 200:
            for fmt in resource_formats:
                fetch(f"{report}.{fmt.extension}", target / f"{report.lstrip('/')}.{fmt.extension}")
    fetch("/", target / "index.html")
    say("writing pictures and network downloads")
    for page in PICTURE_PAGES:
        dest = target / f"{page.lstrip('/')}.html"
        fetch(page, dest)
        pictures |= picture_sources(dest.read_text(encoding="utf-8"))
    pictures |= picture_sources((target / "index.html").read_text(encoding="utf-8"))
    for url in sorted(pictures):
        fetch(url, target / url.lstrip("/"))
    for download in NETWORK_DOWNLOADS:
        fetch(download, target / download.lstrip("/"))
    for ext in VOID_EXTENSIONS:
        fetch(f"/.well-known/void.{ext}", target / ".well-known" / f"void.{ext}")
        fetch(f"/dataset.{ext}", target / f"dataset.{ext}")
    say("writing dumps")
    for dump in DUMPS:
        fetch(f"/dumps/{dump.name}", target / "dumps" / dump.name)
    fetch("/context.jsonld", target / "context.jsonld")
    site = (site_url or settings.base_iri).rstrip("/")
    (target / "sitemap.xml").write_bytes(sitemap_xml(index, site))
    written += 1
    static = Path(app.static_folder or "")
    if static.is_dir():
        shutil.copytree(static, target / "static", dirs_exist_ok=True)
        written += sum(1 for p in static.rglob("*") if p.is_file())
    return ExportResult(written, len(paths))
