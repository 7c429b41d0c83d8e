"""gunicorn's threaded worker, answering an over-long request line as parkld does.

gunicorn refuses a request line over ``limit_request_line`` (at most 8,190 bytes) before the
application sees it, with an HTML page of its own saying only "Request Line is too large".
This worker answers it instead with the application's plain-text 414, which says to send the
query by POST (:mod:`parkld.web.urilimit`); every other error is gunicorn's as before.
"""

from __future__ import annotations

import contextlib
from typing import Any

from gunicorn.http.errors import LimitRequestLine
from gunicorn.util import write_nonblock
from gunicorn.workers.gthread import ThreadWorker as GunicornThreadWorker

from parkld.web.urilimit import too_long


class ThreadWorker(GunicornThreadWorker):  # type: ignore[misc]
    """``gthread`` with parkld's answer to a request line over gunicorn's limit."""

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        if not isinstance(exc, LimitRequestLine):
            super().handle_error(req, client, addr, exc)
            return
        self.log.warning("request line too long from ip=%s: %s", addr[0], exc)
        body = f"414 URI Too Long: {too_long('more than ' + str(self.cfg.limit_request_line))}\n"
        head = (
            "HTTP/1.1 414 URI Too Long\r\n"
            "Connection: close\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "X-Content-Type-Options: nosniff\r\n"
            f"Content-Length: {len(body.encode())}\r\n\r\n"
        )
        with contextlib.suppress(OSError):  # a client that has gone needs no answer
            write_nonblock(client, (head + body).encode())
