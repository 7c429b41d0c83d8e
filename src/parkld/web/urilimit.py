"""The one limit on request-target length, answered with a message instead of a server page.

The servers parkld runs under each have their own limit, with a bare answer: gunicorn
refuses a request line over 4,094 bytes by default (an HTML page of its own), granian (hyper)
a target over 65,534 bytes (414 with an empty body). parkld answers targets up to
:data:`MAX_TARGET_BYTES` under both and refuses a longer one here with 414 and what to do
instead: send the query by POST, where only ``PARKLD_MAX_BODY_BYTES`` applies. Under
gunicorn, ``parkld serve`` raises the request-line limit to its maximum (8,190) and its worker
class (:mod:`parkld.web.gunicorn_worker`) gives a longer line the same message; granian's own
414 above 65,534 bytes cannot be given a body. The query page and YASGUI switch to POST on
their own above :data:`POST_ABOVE_BYTES`, so their links stay shareable for everyday queries.
"""

from __future__ import annotations

from flask import Blueprint, request

from parkld.errors import URITooLong

bp = Blueprint("urilimit", __name__)

#: Longest request target (path and query string, in bytes) parkld answers. Below nginx's
#: default 8 KiB request-line buffer and gunicorn's 8,190-byte maximum, so the same limit
#: holds behind the shipped proxy and under either server.
MAX_TARGET_BYTES = 8000
#: Above this many bytes of encoded query, the query page and YASGUI send it by POST.
POST_ABOVE_BYTES = 2000


def target_bytes(environ: dict[str, object]) -> int:
    """Length of the request target as it arrived (path and query string, in bytes)."""
    path = str(environ.get("SCRIPT_NAME", "")) + str(environ.get("PATH_INFO", ""))
    query = str(environ.get("QUERY_STRING", ""))
    # WSGI hands both over as latin-1 strings of the raw bytes: one character per byte.
    return len(path) + (len(query) + 1 if query else 0)


@bp.app_context_processor
def limits() -> dict[str, int]:
    """The limits, for the query page to state (and its scripts to apply)."""
    return {"post_above": POST_ABOVE_BYTES, "max_target": MAX_TARGET_BYTES}


def too_long(size: str) -> str:
    """What a client is told when its request target is *size* bytes (or "more than N")."""
    return (
        f"the request target is {size} bytes, more than the {MAX_TARGET_BYTES} this server "
        "reads; send a long SPARQL query by POST (form-encoded 'query=' or Content-Type: "
        "application/sparql-query) instead of GET"
    )


@bp.before_app_request
def refuse_long_targets() -> None:
    size = target_bytes(request.environ)
    if size > MAX_TARGET_BYTES:
        raise URITooLong(too_long(str(size)))
