"""HTTP for every route, in one place: CORS (preflight included), ETags and compression.

Registered once by the app factory. Flask runs ``after_request`` functions last-registered
first, so :func:`install` registers them in the reverse of the order they act in:

1. **ETag**: a GET/HEAD 200 answer without one gets a strong ETag (a hash of the body) and
   conditional handling (304), so SPARQL GET results, pictures and search answers can be
   revalidated like the linked-data documents.
2. **Compression** (flask-compress: brotli, gzip, zstd by the client's ``Accept-Encoding``) on
   every text answer, with ``Vary: Accept-Encoding``; flask-compress gives the compressed
   answer its own strong ETag (``"<etag>:gzip"``) and re-evaluates the conditional request.
   Answers that serve byte ranges (dumps, ``Accept-Ranges: bytes``) choose their own encoding
   from files compressed once (a range must index the bytes actually sent), so they are left
   alone.
3. **CORS** from ``PARKLD_CORS_ORIGINS`` (``*`` or a comma-separated list): the request's
   origin is echoed when listed (with ``Vary: Origin``), and ``OPTIONS`` preflights get the
   allowed methods (the route's ``Allow``) and headers. No route sets CORS headers itself;
   the JSON-LD context is readable from any origin (:data:`PUBLIC_PATHS`).
"""

from __future__ import annotations

import hashlib

from flask import Flask, Response, request
from flask_compress import Compress

from parkld import mediatypes
from parkld.web.state import get_settings, state_of

#: Headers a cross-origin script may read.
EXPOSED = (
    "Link, Content-Location, ETag, Last-Modified, Content-Range, Accept-Ranges, "
    "Content-Disposition, X-Parkld-Result-Count, X-Parkld-Truncated, X-Parkld-Max-Rows, "
    "Retry-After"
)
#: Documents any origin may read whatever PARKLD_CORS_ORIGINS says: the JSON-LD context, which
#: JSON-LD processors fetch from wherever the data is used (a context only names terms).
PUBLIC_PATHS = frozenset({"/context.jsonld"})
ALLOWED_HEADERS = "Accept, Accept-Language, Content-Type, Authorization, If-None-Match, Range"
#: Text formats worth compressing, besides flask-compress's own list (HTML, CSS, JS, JSON…).
TEXT_TYPES = sorted(
    {f.media_type for f in mediatypes.ALL}
    | {
        "application/xml",
        "image/svg+xml",
        "application/geo+json",
        "application/javascript",
        "text/javascript",
        "text/plain",
        "text/css",
        "application/json",
        "application/graphml+xml",
        "text/vnd.graphviz",
    }
)


def install(app: Flask) -> None:
    """Register compression, ETags and CORS on *app* (see the module docstring)."""
    app.config.setdefault("COMPRESS_REGISTER", False)  # we call it, to skip ranged answers
    formats = state_of(app).formats.all
    app.config.setdefault(
        "COMPRESS_MIMETYPES", sorted({*TEXT_TYPES, *(f.media_type for f in formats)})
    )
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip", "zstd"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "gzip", "zstd"])
    app.config.setdefault("COMPRESS_MIN_SIZE", 256)
    compress = Compress()
    compress.init_app(app)

    @app.after_request
    def cors(response: Response) -> Response:
        return _cors(response)

    @app.after_request
    def compression(response: Response) -> Response:
        if response.headers.get("Accept-Ranges") == "bytes" or not _accepts_some_coding():
            response.vary.add("Accept-Encoding")
            return response
        compressed: Response = compress.after_request(response)
        return compressed

    @app.after_request
    def etag(response: Response) -> Response:
        return _etag(response)


def _accepts_some_coding() -> bool:
    """Whether the client accepts any coding besides identity (flask-compress would pick a
    coding the client gave q=0 when it is the only one named)."""
    return any(q > 0 for value, q in request.accept_encodings if value != "identity")


def _etag(response: Response) -> Response:
    if (
        request.method not in ("GET", "HEAD")
        or response.status_code != 200
        or response.is_streamed
        or response.direct_passthrough
        or "ETag" in response.headers
    ):
        return response
    body = response.get_data()
    response.set_etag(hashlib.blake2b(body, digest_size=12).hexdigest())
    response.make_conditional(request)
    return response


def _cors(response: Response) -> Response:
    allowed = get_settings().cors_origins.strip()
    origins = {o.strip() for o in allowed.split(",") if o.strip()}
    origin = request.headers.get("Origin")
    if "*" in origins or request.path in PUBLIC_PATHS:
        response.headers["Access-Control-Allow-Origin"] = "*"
    elif origin and origin in origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.vary.add("Origin")
    else:
        # Not an allowed origin: no grant (the only place that grants is here).
        response.headers.pop("Access-Control-Allow-Origin", None)
        if origins:
            response.vary.add("Origin")
        return response
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
    if request.method == "OPTIONS" and request.headers.get("Access-Control-Request-Method"):
        # A route's own answer (the SPARQL endpoint's) wins; others allow what they route.
        methods = response.headers.get("Allow") or "GET, HEAD, OPTIONS"
        response.headers.setdefault("Access-Control-Allow-Methods", methods)
        response.headers.setdefault("Access-Control-Allow-Headers", ALLOWED_HEADERS)
        response.headers.setdefault("Access-Control-Max-Age", "86400")
    return response
