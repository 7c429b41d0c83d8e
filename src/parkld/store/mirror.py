"""A local copy of a remote store's graphs, where parkld's own engine answers what the store
would answer wrongly (:mod:`parkld.store.deviations`), and where user text is parsed.

The copy is a database directory in the embedded store's layout (:mod:`parkld.snapshot`),
private to this process, served by a pool of query workers (:mod:`parkld.sparql.executor`):
such a query gets the embedded store's evaluation, time limit, memory limit and answers.

It is refreshed when the store's content changes, as seen by a *fingerprint*: the content
hash parkld records for each graph it publishes and the size of every visible graph. A
write through this process is seen at once; one made elsewhere within
:data:`FINGERPRINT_TTL` seconds (the fingerprint is not asked for more often), or — a write
outside parkld that changes no graph's size — at the next write made through parkld.
The copy holds at most ``PARKLD_STORE_MIRROR_MAX_TRIPLES`` statements: a bigger store gets a
clear 503 for such a query rather than a wrong answer, or (setting 0) its own answers.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path

import pyoxigraph as ox

from parkld.errors import StoreUnavailable
from parkld.snapshot import switch_current
from parkld.sparql.answers import Answer, Formats, QueryRequest, Serialised
from parkld.sparql.executor import WorkerPool
from parkld.store.embedded import bump_generation, write_database

#: Seconds a fingerprint is trusted before the store is asked again.
FINGERPRINT_TTL = 5.0
#: Copies kept besides the current one (a worker may still read a recent one).
KEEP_COPIES = 2

#: The store's fingerprint and its number of statements.
Fingerprint = tuple[str, int]


class Mirror:
    """The local copy and its query workers (started on first use, in this process)."""

    def __init__(self, workers: int = 1, *, memory_mb: int = 1024, network: bool = True) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="parkld-mirror-"))
        (self.directory / "builds").mkdir()
        # Removed when this object goes (or at exit) if close() was never called; only by
        # the process that made it (a forked child inherits the object, not the copy).
        self._remove = weakref.finalize(self, _remove, self.directory, os.getpid())
        self.pool = WorkerPool(self.directory, workers, memory_mb=memory_mb, network=network)
        self._lock = threading.Lock()
        self._copied: str | None = None  # fingerprint of the current copy
        self._checked = 0.0  # when the store's fingerprint was last asked for
        self._copies = 0

    def check_syntax(self, query: str, base_iri: str | None, timeout: float) -> None:
        """QuerySyntaxError unless *query* parses; evaluated nowhere."""
        self.pool.check_syntax(query, base_iri, timeout)

    def run(self, request: QueryRequest) -> Answer:
        return self.pool.run(request)

    def run_serialised(self, request: QueryRequest, formats: Formats) -> Serialised:
        return self.pool.run_serialised(request, formats)

    def invalidate(self) -> None:
        """Ask for the fingerprint again before the next local query (this process wrote)."""
        self._checked = 0.0

    def sync(
        self,
        fingerprint: Callable[[], Fingerprint],
        quads: Callable[[], Sequence[ox.Quad]],
        max_triples: int,
        reasons: Sequence[str],
    ) -> None:
        """Make the copy current: copy the store again when its fingerprint moved."""
        with self._lock:
            now = time.monotonic()
            if self._copied is not None and now - self._checked < FINGERPRINT_TTL:
                return
            key, size = fingerprint()
            self._checked = now
            if key == self._copied:
                return
            if size > max_triples:
                raise StoreUnavailable(
                    f"this query uses {', '.join(reasons)}, which the SPARQL store does not "
                    "evaluate as SPARQL 1.1 defines; parkld evaluates such queries on a local "
                    f"copy of at most {max_triples:,} statements "
                    f"(PARKLD_STORE_MIRROR_MAX_TRIPLES) and the store holds {size:,}. "
                    "Raise the limit, or set it to 0 to accept the store's own answers"
                )
            self._write(list(quads()))
            self._copied = key

    def _write(self, quads: Sequence[ox.Quad]) -> None:
        self._copies += 1
        version = self.directory / "builds" / f"copy{self._copies}"
        write_database(version, quads)
        bump_generation(version)
        switch_current(self.directory, version)  # a worker opens the old copy or the new
        for old in sorted(self.directory.glob("builds/copy*"), key=_number)[: -1 - KEEP_COPIES]:
            shutil.rmtree(old, ignore_errors=True)

    def close(self) -> None:
        self.pool.close()
        self._remove()


def _remove(directory: Path, owner: int) -> None:
    if os.getpid() == owner:
        shutil.rmtree(directory, ignore_errors=True)


def _number(path: Path) -> int:
    return int(path.name.removeprefix("copy") or 0)
