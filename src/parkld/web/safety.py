"""Response headers and link targets that keep pages safe to show hostile data.

* ``X-Content-Type-Options: nosniff`` on every response: a browser never runs a text/plain
  error body (which may quote a query) or a result document as something else.
* A Content-Security-Policy on every HTML page: scripts, styles, images and fetches only
  from this site; no plugins, no framing, no ``<base>`` rewriting. The pages use only the
  package's own static scripts (``application/ld+json`` / ``application/json`` blocks are
  data, never executed). Style *attributes* stay allowed: the pictures set colours inline.
  The query page also allows two inline style texts of YASGUI by hash (see below).
* :func:`public_base`: absolute links are built from the settings, not from ``Host``.
* :func:`link_target`: a page links an IRI only when following it is harmless — ``http``,
  ``https`` or one of ours. A ``javascript:`` or ``data:`` IRI is shown as text.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from parkld.web.state import get_settings

bp = Blueprint("safety", __name__)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
#: The query page may run YASGUI (``PARKLD_YASGUI_DIR``), which needs no ``unsafe-eval`` and
#: no inline script; only its column resizer (the ``column-resizer`` package inside YASR's
#: table) inserts ``<style>`` elements, always one of two fixed texts: the resizing grips'
#: rules and, while a column is dragged, ``*{cursor:col-resize!important}``. They are allowed
#: by their exact SHA-256 hashes — no other inline style element can apply. A YASGUI release
#: that changes them shows up as a CSP violation in tests/test_yasgui_browser.py.
YASGUI_STYLE_HASHES = (
    "'sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk='",
    "'sha256-c0O6TmFAkgpNbHxKAa1BrveWHHopjEtC47i0PzMudxg='",
)
QUERY_PAGE_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self';", "style-src 'self' " + " ".join(YASGUI_STYLE_HASHES) + ";"
)
#: The endpoint whose HTML answer is the query page.
QUERY_PAGE_ENDPOINT = "sparql.endpoint"
_WEB_SCHEMES = ("http://", "https://")


def link_target(iri: str) -> str | None:
    """*iri* if a browser may follow it as a link (http/https), else None (show as text)."""
    return iri if iri.lower().startswith(_WEB_SCHEMES) else None


def public_base() -> str:
    """The site's absolute base URL, from the settings (``PARKLD_PUBLIC_URL``, else the base
    IRI) — never from the Host header, which any client may set."""
    settings = get_settings()
    return settings.public_url or settings.base_iri


@bp.after_app_request
def security_headers(response: Response) -> Response:
    response.headers["X-Content-Type-Options"] = "nosniff"
    if response.mimetype in ("text/html", "application/xhtml+xml"):
        response.headers["Content-Security-Policy"] = (
            QUERY_PAGE_POLICY
            if request.endpoint == QUERY_PAGE_ENDPOINT
            else CONTENT_SECURITY_POLICY
        )
        response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
