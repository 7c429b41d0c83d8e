"""Response headers and link targets that keep pages safe to show hostile data.

* ``X-Content-Type-Options: nosniff`` on every response: a browser never runs a text/plain
  error body (which may quote a query) or a result document as something else.
* A Content-Security-Policy on every HTML page: scripts, styles, images and fetches only
  from this site; no plugins, no framing, no ``<base>`` rewriting. The pages use only the
  package's own static scripts (``application/ld+json`` / ``application/json`` blocks are
  data, never executed). Style *attributes* stay allowed: the pictures set colours inline.
* :func:`public_base`: absolute links are built from the settings, not from ``Host``.
* :func:`link_target`: a page links an IRI only when following it is harmless — ``http``,
  ``https`` or one of ours. A ``javascript:`` or ``data:`` IRI is shown as text.
"""

from __future__ import annotations

from flask import Blueprint, Response

from parkld.web.state import get_settings

bp = Blueprint("safety", __name__)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
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
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
