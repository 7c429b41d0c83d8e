"""A WSGI wrapper that makes chunked request bodies obey ``PARKLD_MAX_BODY_BYTES``.

A body sent with ``Transfer-Encoding: chunked`` has no Content-Length, and werkzeug then caps
what it reads at the limit *silently*: the first MiB of a 64 MiB body was executed as if it
were the whole request. This wrapper reads such a body up front, at most one byte past the
limit: over it is 413, a malformed chunk is 400, and otherwise the application sees an
ordinary request with a Content-Length. Bodies with a Content-Length are left to Flask's
``MAX_CONTENT_LENGTH`` check (413 before anything is read).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable
from typing import Any

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
_READ = 64 * 1024


class ChunkedBodyLimit:
    """Wrap *app* so that chunked bodies over *limit* bytes get 413, malformed ones 400."""

    def __init__(self, app: WSGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if not chunked or environ.get("CONTENT_LENGTH"):
            return self.app(environ, start_response)
        stream = environ["wsgi.input"]
        parts: list[bytes] = []
        size = 0
        try:
            while size <= self.limit:
                part = stream.read(min(_READ, self.limit + 1 - size))
                if not part:
                    break
                parts.append(part)
                size += len(part)
        except Exception as exc:  # each server has its own error for a bad chunk
            log.info("malformed chunked request body: %s", exc)
            return _plain(
                start_response,
                "400 Bad Request",
                "400 Bad Request: the chunked request body is malformed\n",
            )
        if size > self.limit:
            return _plain(
                start_response,
                "413 Request Entity Too Large",
                f"413 Payload Too Large: the request body is larger than "
                f"{self.limit} bytes (PARKLD_MAX_BODY_BYTES)\n",
            )
        body = b"".join(parts)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        environ["wsgi.input_terminated"] = False
        return self.app(environ, start_response)


def _plain(start_response: Callable[..., Any], status: str, text: str) -> list[bytes]:
    body = text.encode()
    start_response(
        status,
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("X-Content-Type-Options", "nosniff"),
            ("Connection", "close"),
        ],
    )
    return [body]
