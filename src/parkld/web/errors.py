"""One handler per error type: ParkldError by its status, HTTP errors, and unexpected ones.

Browsers get a small HTML page, everything else plain text; nobody gets a traceback.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, render_template_string, request
from werkzeug.exceptions import HTTPException

from parkld import mediatypes, negotiation
from parkld.errors import ParkldError, TooManyRequests

log = logging.getLogger(__name__)

bp = Blueprint("errors", __name__)

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ status }} {{ title }} — parkld</title>
<link rel="stylesheet" href="{{ url_for('static', filename='parkld.css') if has_static else '' }}">
</head><body><main class="error"><h1>{{ status }} {{ title }}</h1><p>{{ message }}</p>
<p><a href="/">parkld home</a></p></main></body></html>
"""


def wants_html() -> bool:
    """True when the client prefers HTML to plain text (a browser)."""
    offered = (mediatypes.TEXT, mediatypes.HTML)
    return negotiation.choose(request.headers.get("Accept", ""), offered) is mediatypes.HTML


def error_response(status: int, title: str, message: str) -> Response:
    """An error answer in the form the client prefers."""
    if wants_html():
        from flask import current_app

        body = render_template_string(
            _PAGE,
            status=status,
            title=title,
            message=message,
            has_static=current_app.has_static_folder,
        )
        response = Response(body, status=status, content_type="text/html; charset=utf-8")
    else:
        response = Response(
            f"{status} {title}: {message}\n",
            status=status,
            content_type="text/plain; charset=utf-8",
        )
    response.vary.add("Accept")
    return response


_TITLES = {
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    406: "Not Acceptable",
    413: "Payload Too Large",
    414: "URI Too Long",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@bp.app_errorhandler(ParkldError)
def handle_parkld_error(exc: ParkldError) -> Response:
    if exc.status >= 500:
        log.warning("%s: %s", type(exc).__name__, exc.message)
    response = error_response(exc.status, _TITLES.get(exc.status, "Error"), exc.message)
    if isinstance(exc, TooManyRequests):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


@bp.app_errorhandler(HTTPException)
def handle_http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    message = exc.description or ""
    if status == 413:
        message = "the request body is larger than this server accepts (PARKLD_MAX_BODY_BYTES)"
    response = error_response(status, exc.name, message)
    if status == 405 and exc.get_response().headers.get("Allow"):
        response.headers["Allow"] = exc.get_response().headers["Allow"]
    return response


@bp.app_errorhandler(Exception)
def handle_unexpected(exc: Exception) -> Response:
    log.exception("unexpected error while serving %s %s", request.method, request.path)
    return error_response(
        500, "Internal Server Error", "the server met an unexpected error; it has been logged"
    )
