"""A response memo in front of the Flask app, as a bare WSGI callable.

Why: a cached dereference still cost ~1 ms of CPU, nearly all of it in Flask, werkzeug and the
server's request objects (bench/NOTES.md); the store changes only with a build or an update. So
the first answer the app gives to a safe request is kept — status, every header, body — and
replayed for the same request until the store's generation moves on. Replaying what the app
produced keeps every header other parts add (CSP, nosniff, CORS, compression, Vary).

What is memoised: GET answers (HEAD is served from the GET entry, without a body) that are
200, carry an ETag (or are ``/sparql?query=`` results), set no cookie, vary only on the request
headers in the key, and have a known length. Requests with Authorization, Cookie, Range or
conditional headers other than If-None-Match go straight to the app, as do queries whose answer
may change without the store changing (NOW(), RAND(), SERVICE…) and, when rate limiting is on,
the SPARQL endpoint.

The key: method-independent (path, query string, script root), the *variant* the Accept header
selects (a memo maps each Accept spelling to the qualities it gives the media types of the
table, so spellings that choose the same way share an entry), the Accept-Encoding class and
Origin, and the URL the request was made at (scheme, Host, X-Forwarded-*): IRIs come from the
settings, but some answers name the URL they were asked at (sitemap, robots.txt, VoID's
endpoint, a SPARQL query's BASE, the query page), and a Host check in the app must see every
host rather than one host's replayed 200. Many Host spellings only mean more entries within
the byte bound.

Bound: total bytes (``PARKLD_MEMO_BYTES``, default 32 MiB per web worker; 0 turns the memo
off), LRU.
"""

from __future__ import annotations

import os
import re
import threading
import time
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from werkzeug.http import http_date

from parkld import mediatypes, negotiation

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

DEFAULT_MEMO_BYTES = 32 * 1024 * 1024
#: The store's generation is asked at most this often (the embedded store throttles too).
GENERATION_RECHECK = 0.5

#: Request headers that make an answer personal or partial: such requests bypass the memo.
_BYPASS = (
    "HTTP_AUTHORIZATION",
    "HTTP_COOKIE",
    "HTTP_RANGE",
    "HTTP_IF_RANGE",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
)
#: Request headers in the key; an answer varying on anything else is not memoised.
_KEYED = frozenset({"accept", "accept-encoding", "origin"})
#: Query text whose answer can change while the store does not (or reaches the network).
_VOLATILE = re.compile(r"\b(now|rand|uuid|struuid|bnode)\s*\(|\bservice\b", re.IGNORECASE)
_CODINGS = ("br", "gzip", "zstd", "deflate", "identity", "*")
# Entity headers a 304 leaves out (RFC 9110 §15.4.5 keeps ETag, Vary, Cache-Control…).
_NOT_IN_304 = frozenset(
    {
        "content-type",
        "content-length",
        "content-encoding",
        "content-range",
        "content-disposition",
        "accept-ranges",
    }
)


@dataclass(frozen=True)
class Entry:
    """One memoised answer."""

    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str | None  # as sent, quoted

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 200


def accept_variant(
    header: str, media_types: tuple[str, ...] = mediatypes.TABLE.media_types
) -> tuple[Any, ...]:
    """What an Accept header decides for the media types of the app's table:
    :func:`parkld.negotiation.variant_key`, from the one parse every route negotiates with, so
    a memo key never disagrees with a route's choice (memoised there: clients send few
    spellings)."""
    return negotiation.variant_key(header, media_types)


@lru_cache(maxsize=256)
def encoding_class(header: str) -> tuple[tuple[str, float], ...]:
    """The codings (among those a server picks from) a client accepts, with their qualities."""
    found: dict[str, float] = {}
    for part in header.lower().split(","):
        name, _, params = part.strip().partition(";")
        name = name.strip()
        if name not in _CODINGS:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        found[name] = q
    return tuple(sorted(found.items()))


def _etag_matches(header: str, etag: str) -> bool:
    """``If-None-Match`` (weak comparison, as for GET): any listed tag, or ``*``."""
    bare = etag.removeprefix("W/")
    for tag in header.split(","):
        tag = tag.strip()
        if tag == "*" or tag.removeprefix("W/") == bare:
            return True
    return False


class ResponseMemo:
    """The WSGI callable: answers from the memo, else asks *app* and keeps what may be kept."""

    def __init__(
        self,
        app: WSGIApp,
        generation: Callable[[], str],
        *,
        max_bytes: int = DEFAULT_MEMO_BYTES,
        sparql_memoisable: Callable[[], bool] = lambda: True,
        recheck: float = GENERATION_RECHECK,
        media_types: tuple[str, ...] = mediatypes.TABLE.media_types,
    ) -> None:
        self.app = app
        #: The media types of the app's table: the memo tells apart the Accept headers that
        #: choose differently among them (an app with a format of its own keys on it too).
        self.media_types = media_types
        self.recheck = recheck
        self.max_bytes = max_bytes
        self._generation_of = generation
        self._sparql_ok = sparql_memoisable
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[Any, ...], Entry] = OrderedDict()
        self._bytes = 0
        self._generation: str | None = None
        self._checked = 0.0
        self.hits = 0
        self.misses = 0

    def __getattr__(self, name: str) -> Any:
        # A drop-in for the app it wraps: servers' hooks reach ``app_context``, ``extensions``.
        return getattr(self.app, name)

    # -- bookkeeping ---------------------------------------------------------------------
    @property
    def size(self) -> int:
        """Bytes held."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def _current(self) -> str:
        """The store generation, asked at most every *recheck* seconds; a new one
        empties the memo."""
        now = time.monotonic()
        gen = self._generation
        if gen is not None and now - self._checked < self.recheck:
            return gen
        fresh = self._generation_of()
        with self._lock:
            if fresh != self._generation:
                self._entries.clear()
                self._bytes = 0
                self._generation = fresh
            self._checked = now
        return fresh

    def invalidate(self) -> None:
        """Forget everything and ask the store's generation again at the next request."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0
            self._generation = None

    def _keep(self, gen: str, key: tuple[Any, ...], entry: Entry) -> None:
        size = entry.size
        if size > self.max_bytes // 4:  # one huge answer must not flush everything else
            return
        with self._lock:
            if gen != self._generation:
                return
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._entries[key] = entry
            self._bytes += size
            while self._bytes > self.max_bytes and self._entries:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= dropped.size

    # -- the request ---------------------------------------------------------------------
    def _key(self, environ: dict[str, Any]) -> tuple[Any, ...] | None:
        """The memo key of a memoisable request, or None to pass it to the app."""
        method = environ.get("REQUEST_METHOD")
        if method != "GET" and method != "HEAD":
            return None
        for name in _BYPASS:
            if name in environ:
                return None
        if environ.get("CONTENT_TYPE") or environ.get("CONTENT_LENGTH", "0") not in ("", "0"):
            return None  # a GET with a body: the app decides what that means, every time
        path: str = environ.get("PATH_INFO", "")
        qs: str = environ.get("QUERY_STRING", "")
        if path == "/sparql":
            if not qs or not self._sparql_ok() or not _stable_query(qs):
                return None
        elif path == "/search" or path.startswith("/reconcile"):
            return None  # answers per visitor input; little to gain from replay
        return (
            environ.get("SCRIPT_NAME", ""),
            path,
            qs,
            accept_variant(environ.get("HTTP_ACCEPT", ""), self.media_types),
            encoding_class(environ.get("HTTP_ACCEPT_ENCODING", "")),
            environ.get("HTTP_ORIGIN", ""),
            # Some answers name the URL they were asked at (the sitemap, VoID's endpoint,
            # a query's BASE, the query page), and a Host check must see every host.
            environ.get("wsgi.url_scheme", ""),
            environ.get("HTTP_HOST", ""),
            environ.get("HTTP_X_FORWARDED_HOST", ""),
            environ.get("HTTP_X_FORWARDED_PROTO", ""),
            environ.get("HTTP_X_FORWARDED_PREFIX", ""),
        )

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        if self.max_bytes <= 0:
            return self.app(environ, start_response)
        key = self._key(environ)
        if key is None:
            return self.app(environ, start_response)
        gen = self._current()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
        head = environ["REQUEST_METHOD"] == "HEAD"
        if entry is not None:
            self.hits += 1
            return self._replay(entry, environ, start_response, head)
        self.misses += 1
        if head:
            return self.app(environ, start_response)
        return self._fill(gen, key, environ, start_response)

    @staticmethod
    def _replay(
        entry: Entry, environ: dict[str, Any], start_response: Callable[..., Any], head: bool
    ) -> Iterable[bytes]:
        inm = environ.get("HTTP_IF_NONE_MATCH")
        if inm is not None and entry.etag is not None and _etag_matches(inm, entry.etag):
            start_response(
                "304 Not Modified",
                _dated([(k, v) for k, v in entry.headers if k.lower() not in _NOT_IN_304]),
            )
            return [b""]
        start_response(entry.status, _dated(list(entry.headers)))
        return [b""] if head else [entry.body]

    def _fill(
        self,
        gen: str,
        key: tuple[Any, ...],
        environ: dict[str, Any],
        start_response: Callable[..., Any],
    ) -> Iterable[bytes]:
        seen: dict[str, Any] = {}

        def capture(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], object]:
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)  # type: ignore[no-any-return]

        body = self.app(environ, capture)
        status: str | None = seen.get("status")
        headers: list[tuple[str, str]] = seen.get("headers", [])
        if status is None or not _memoisable(status, headers, key[1]):
            return body  # streamed through untouched
        try:
            data = b"".join(body)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        length = next((v for k, v in headers if k.lower() == "content-length"), None)
        if length is not None and length.strip() == str(len(data)):
            etag = next((v for k, v in headers if k.lower() == "etag"), None)
            self._keep(gen, key, Entry(status, tuple(headers), data, etag))
        return [data]


_clock: list[tuple[int, str]] = [(0, "")]


def _now_http_date() -> str:
    """The current HTTP date, formatted once a second (replays are many per second)."""
    second = int(time.time())
    cached = _clock[0]
    if cached[0] != second:
        cached = (second, http_date(second))
        _clock[0] = cached  # one tuple swapped whole: safe without a lock
    return cached[1]


def _dated(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The kept headers with ``Date`` set to now: RFC 9110 §6.6.1 dates the message, not the
    answer it replays (a replayed stale Date would also age the answer in shared caches)."""
    return [(k, _now_http_date()) if k.lower() == "date" else (k, v) for k, v in headers]


def _memoisable(status: str, headers: list[tuple[str, str]], path: str) -> bool:
    """A complete 200 for everyone: an ETag (or a SPARQL result), a length, no cookie, and
    varying only on the headers in the key."""
    if not status.startswith("200"):
        return False
    names = {k.lower() for k, _ in headers}
    if "set-cookie" in names or "content-length" not in names:
        return False
    if "etag" not in names and path != "/sparql":
        return False
    for k, v in headers:
        if k.lower() == "vary":
            for field in v.split(","):
                if field.strip().lower() not in _KEYED:
                    return False
        elif k.lower() == "cache-control" and ("no-store" in v or "private" in v):
            return False
    return True


@lru_cache(maxsize=1024)
def _stable_query(qs: str) -> bool:
    """A GET query (not an update) whose answer depends on the store alone."""
    fields = urllib.parse.parse_qs(qs, keep_blank_values=True)
    texts = fields.get("query")
    if not texts or "update" in fields:
        return False
    return not any(_VOLATILE.search(t) for t in texts)


def memo_bytes_from_env() -> int:
    """``PARKLD_MEMO_BYTES``: the memo's bound in bytes (0 turns it off)."""
    raw = os.environ.get("PARKLD_MEMO_BYTES", "").strip()
    if not raw:
        return DEFAULT_MEMO_BYTES
    value = int(raw)
    if value < 0:
        raise ValueError("PARKLD_MEMO_BYTES must be 0 or more")
    return value


def memoised(app: Any, max_bytes: int | None = None) -> ResponseMemo:
    """*app* (made by ``create_app``) behind the response memo.

    The store is the app's own (opened in this process on first use), so the generation the
    memo checks is the one the app renders from.
    """
    from parkld.linked.cache import generation
    from parkld.web.state import state_of

    state = state_of(app)

    def current_generation() -> str:
        return generation(state.get_store())

    def sparql_ok() -> bool:
        return int(state.settings.rate_limit_per_minute) <= 0

    return ResponseMemo(
        app,
        current_generation,
        max_bytes=memo_bytes_from_env() if max_bytes is None else max_bytes,
        sparql_memoisable=sparql_ok,
        media_types=state.formats.media_types,
    )
