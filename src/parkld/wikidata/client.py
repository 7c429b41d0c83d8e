"""The one Wikidata client: SPARQLWrapper with a User-Agent, timeouts, retries, cache, batches.

Wikimedia's User-Agent policy asks every client of the Query Service to identify itself with a
descriptive User-Agent and a contact; anonymous clients get throttled or blocked. The agent is a
setting (``PARKLD_WIKIDATA_USER_AGENT``); an empty one is refused.

Failures become :class:`parkld.errors.UpstreamError` with a message naming the endpoint:

* HTTP 429 and 503 are retried after ``Retry-After`` (seconds or an HTTP date; capped), other
  5xx and timeouts after an exponential backoff, up to ``retries`` times;
* 4xx other than 429, malformed SPARQL JSON, and a refused connection are not retried.

Successful answers are cached on disk, keyed by endpoint and query text, so a re-run does not
query again (``refresh=True`` bypasses the cache for reading, not for writing).
"""

from __future__ import annotations

import email.utils
import hashlib
import logging
import socket
import time
import urllib.error
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from parkld.config import Settings
from parkld.errors import ConfigError, UpstreamError
from parkld.progress import ProgressBar
from parkld.store.querytext import with_values
from parkld.wikidata.files import write_atomic

log = logging.getLogger(__name__)

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Row = dict[str, Term]
RETRY_STATUSES = {429, 502, 503, 504, 500}


class _Retryable(Exception):
    """An attempt failed in a way worth trying again (after ``wait`` seconds, if given)."""

    def __init__(self, message: str, wait: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.wait = wait


@dataclass
class WikidataClient:
    """Runs SELECT queries against a Wikidata-like SPARQL endpoint."""

    endpoint: str
    user_agent: str
    timeout: float = 30.0
    cache_dir: Path | None = None
    retries: int = 4
    backoff: float = 1.0
    max_wait: float = 120.0
    refresh: bool = False
    show_progress: bool = True
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        if not self.user_agent.strip():
            raise ConfigError(
                "PARKLD_WIKIDATA_USER_AGENT must not be empty (Wikimedia's "
                "User-Agent policy asks every client to identify itself)"
            )
        if not self.endpoint.startswith(("http://", "https://")):
            raise ConfigError(f"Wikidata endpoint must be an http(s) URL, got {self.endpoint!r}")
        if self.timeout <= 0:
            raise ConfigError("PARKLD_WIKIDATA_TIMEOUT must be positive")

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        endpoint: str | None = None,
        use_cache: bool = True,
        refresh: bool = False,
        show_progress: bool = True,
    ) -> WikidataClient:
        """A client configured from the ``wikidata_*`` settings (``endpoint`` overrides)."""
        return cls(
            endpoint=endpoint or settings.wikidata_endpoint,
            user_agent=settings.wikidata_user_agent,
            timeout=settings.wikidata_timeout,
            cache_dir=settings.wikidata_cache_dir if use_cache else None,
            refresh=refresh,
            show_progress=show_progress,
        )

    # ------------------------------------------------------------------ queries
    def select(self, query: str) -> list[Row]:
        """Run one SELECT and return its rows (variables → Oxigraph terms)."""
        body = self._cached(query)
        if body is None:
            body = self._fetch(query)
            rows = self._parse(body)
            self._store(query, body)
            return rows
        return self._parse(body)

    def select_batched(
        self,
        template: str,
        name: str,
        terms: Sequence[ox.NamedNode | ox.Literal],
        *,
        batch_size: int = 50,
        label: str = "querying Wikidata",
    ) -> list[Row]:
        """Run *template* once per batch of *terms*, each batch bound to ``?name``.

        *template* is parkld's own query text (a ``.rq`` file); each batch opens its WHERE group
        as a ``VALUES`` block written by the store's one VALUES writer
        (:func:`parkld.store.querytext.with_values`), so values enter it only as serialised terms.
        """
        batches = [terms[i : i + batch_size] for i in range(0, len(terms), batch_size)]
        progress = ProgressBar(len(batches), label, enabled=self.show_progress)
        found: list[Row] = []
        try:
            for batch in batches:
                found += self.select(with_values(template, name, batch))
                progress.advance()
        finally:
            progress.end()
        return found

    # ------------------------------------------------------------------ HTTP
    def _fetch(self, query: str) -> bytes:
        attempt = 0
        while True:
            try:
                return self._attempt(query)
            except _Retryable as exc:
                attempt += 1
                if attempt > self.retries:
                    raise UpstreamError(
                        f"Wikidata endpoint {self.endpoint}: {exc.message} "
                        f"(gave up after {attempt} attempts)"
                    ) from None
                wait = exc.wait if exc.wait is not None else self.backoff * 2 ** (attempt - 1)
                if wait > self.max_wait:
                    raise UpstreamError(
                        f"Wikidata endpoint {self.endpoint}: {exc.message}; asked to wait "
                        f"{wait:.0f} s, more than the {self.max_wait:.0f} s limit"
                    ) from None
                log.info("Wikidata: %s; retrying in %.1f s", exc.message, wait)
                self.sleep(wait)

    def _attempt(self, query: str) -> bytes:
        wrapper = SPARQLWrapper(self.endpoint, agent=self.user_agent)
        wrapper.setQuery(query)
        wrapper.setReturnFormat(JSON)
        # POST: batched VALUES blocks make queries longer than WDQS accepts in a URL.
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        # setTimeout() truncates to int (0.5 s would mean no timeout at all); urllib takes floats
        wrapper.timeout = self.timeout  # type: ignore[assignment]
        try:
            response = wrapper.query().response
            return bytes(response.read())
        except urllib.error.HTTPError as exc:
            status = exc.code
            if status in RETRY_STATUSES:
                raise _Retryable(
                    f"HTTP {status} {exc.reason}", _retry_after(exc.headers.get("Retry-After"))
                ) from None
            raise UpstreamError(
                f"Wikidata endpoint {self.endpoint} answered HTTP {status} {exc.reason}"
            ) from None
        except SPARQLWrapperException as exc:
            # SPARQLWrapper maps 400/401/404/414/500 to its own exceptions, headers dropped.
            name = type(exc).__name__
            if name == "EndPointInternalError":
                raise _Retryable("HTTP 500 Internal Server Error") from None
            raise UpstreamError(
                f"Wikidata endpoint {self.endpoint} refused the query ({name}): "
                f"{_first_line(str(exc))}"
            ) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                raise _Retryable(f"no answer within {self.timeout:g} s (timeout)") from None
            raise UpstreamError(
                f"cannot reach Wikidata endpoint {self.endpoint}: {exc.reason}"
            ) from None
        except TimeoutError:
            raise _Retryable(f"no answer within {self.timeout:g} s (timeout)") from None
        except (ConnectionError, OSError) as exc:
            raise UpstreamError(f"cannot reach Wikidata endpoint {self.endpoint}: {exc}") from None

    def _parse(self, body: bytes) -> list[Row]:
        try:
            solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            raise UpstreamError(
                f"Wikidata endpoint {self.endpoint} returned malformed SPARQL JSON: "
                f"{_first_line(str(exc))}"
            ) from None
        if not isinstance(solutions, ox.QuerySolutions):
            raise UpstreamError(
                f"Wikidata endpoint {self.endpoint} returned a boolean, not SELECT results"
            )
        names = [v.value for v in solutions.variables]
        rows: list[Row] = []
        for solution in solutions:
            row: Row = {}
            for name in names:
                value = solution[name]
                if value is not None and not isinstance(value, ox.Triple):
                    row[name] = value
            rows.append(row)
        return rows

    # ------------------------------------------------------------------ cache
    def _cache_path(self, query: str) -> Path | None:
        if self.cache_dir is None:
            return None
        key = hashlib.sha256(f"{self.endpoint}\0{query}".encode()).hexdigest()
        return self.cache_dir / key[:2] / f"{key}.srj"

    def _cached(self, query: str) -> bytes | None:
        path = self._cache_path(query)
        if path is None or self.refresh or not path.is_file():
            return None
        return path.read_bytes()

    def _store(self, query: str, body: bytes) -> None:
        path = self._cache_path(query)
        if path is not None:
            try:
                write_atomic(path, body)
            except OSError as exc:  # a cache that cannot be written only costs a re-query
                log.warning("cannot write Wikidata cache %s: %s", path, exc.strerror)


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:200]
