"""YASGUI on the query page, from files of a local npm install — never from a CDN.

parkld ships none of YASGUI's code: ``PARKLD_YASGUI_DIR`` names the ``build`` directory of an
``npm install @triply/yasgui`` (the container image and CI install it). When that directory
holds the two built files, the query page links them from ``/static/yasgui/<name>`` and
``static/sparql-yasgui.js`` starts YASGUI against this endpoint, with the page's example
queries. When it is unset or incomplete, the page stays the plain form (which also remains
the page's content for clients without scripts).

Only the names in :data:`ASSETS` are served, by exact match: nothing else of the directory,
no sub-path, no ``..``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from flask import Blueprint, Response, send_file

from parkld.errors import NotFound
from parkld.web.state import get_settings

bp = Blueprint("yasgui", __name__)

#: The files served, with their media types (the build's licence notice too: the minified
#: script points to it).
ASSETS = {
    "yasgui.min.js": "text/javascript",
    "yasgui.min.css": "text/css",
    "yasgui.min.js.LICENSE.txt": "text/plain",
}
_NEEDED = ("yasgui.min.js", "yasgui.min.css")
#: The page's links carry a version derived from the files, so a long cache life is safe:
#: a new install changes the links.
MAX_AGE = 7 * 24 * 3600


def assets_dir() -> Path | None:
    """The configured YASGUI build directory, if it holds the files the page needs."""
    raw = get_settings().yasgui_dir.strip()
    if not raw:
        return None
    directory = Path(raw).expanduser()
    return directory if all((directory / name).is_file() for name in _NEEDED) else None


def version(directory: Path) -> str:
    """A short tag that changes when either file changes (size and modification time)."""
    stamp = "|".join(
        f"{(directory / name).stat().st_size}:{(directory / name).stat().st_mtime_ns}"
        for name in _NEEDED
    )
    return hashlib.sha256(stamp.encode()).hexdigest()[:12]


@bp.app_context_processor
def yasgui_helpers() -> dict[str, Callable[[], str | None]]:
    """``yasgui_version()`` in templates: the asset version, or None when YASGUI is off;
    ``yasgui_base()``: the base IRI, whose IRIs the page links to their local pages."""

    def yasgui_version() -> str | None:
        directory = assets_dir()
        return version(directory) if directory else None

    def yasgui_base() -> str:
        return get_settings().base_iri

    return {"yasgui_version": yasgui_version, "yasgui_base": yasgui_base}


@bp.route("/static/yasgui/<name>")
def asset(name: str) -> Response:
    directory = assets_dir()
    if directory is None or name not in ASSETS or not (directory / name).is_file():
        raise NotFound("no such YASGUI file here (PARKLD_YASGUI_DIR)")
    response = send_file(
        directory / name, mimetype=ASSETS[name], conditional=True, max_age=MAX_AGE, etag=True
    )
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response
