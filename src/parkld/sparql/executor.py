"""Running user queries so that a runaway query is *stopped*, not just abandoned.

Oxigraph's ``Store.query`` has no timeout and no cancel, and a thread cannot be interrupted
inside native code. So each web worker keeps a small pool of query worker processes
(:mod:`parkld.sparql.worker`). A request borrows an idle worker, sends it the job and waits
for the answer at most ``timeout`` seconds; on expiry it SIGKILLs the worker — its work ends
with it — starts a replacement and raises :class:`QueryTimeout`. Other requests keep being
served by the other workers meanwhile; when every worker is busy, a request waits for one to
come free — every busy worker is done or killed within the timeout, so the wait is bounded by
the timeout plus a replacement's boot — and only then gets 503.

Nothing a user sends is parsed by the engine in the web process: it only canonicalises the
text (:mod:`parkld.sparql.lexer`: tokens, cheap bounds, the SERVICE allow-list) and relays the
canonical text. Parsing, planning and evaluation all happen in a worker, under the time limit
and the worker's memory limit (``RLIMIT_AS``, ``PARKLD_QUERY_MEMORY_MB``). A worker that dies
on a query (out of memory, a stack overflow in the engine) is replaced, and the client gets
:class:`QueryAborted` (504) naming the limit; the web process and its other requests go on.

The first workers are forked directly when the web worker is still single-threaded (gunicorn's
``post_worker_init``); replacements come from a ``forkserver``: forking the threaded web worker
is unsafe, and the fork server (single-threaded, modules preloaded) makes a replacement cheap.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from pathlib import Path

from parkld import mediatypes
from parkld.errors import QueryAborted, QuerySyntaxError, QueryTimeout, StoreUnavailable
from parkld.sparql import analysis, lexer
from parkld.sparql.answers import Answer, Formats, QueryRequest, Serialised
from parkld.sparql.evaluate import Job, Outcome, raise_error

log = logging.getLogger(__name__)

BOOT_TIMEOUT = 60.0  # seconds a new worker may take to start
#: Extra seconds, beyond the query timeout, a request waits for a busy pool to free a worker.
FREE_WORKER_MARGIN = 10.0
_PRELOAD = ["parkld.sparql.worker", "pyoxigraph"]
#: Default address-space limit of a query worker, in MiB (PARKLD_QUERY_MEMORY_MB).
DEFAULT_MEMORY_MB = 1024


def checked(query: str, allowlist: tuple[str, ...], base_iri: str | None) -> analysis.Analysis:
    """The analysis of a query that passed the cheap bounds and the SERVICE allow-list.

    No engine parse here: a syntax error is reported by the worker that evaluates the query.
    """
    return analysis.check_query(query, allowlist, base_iri)


def make_job(request: QueryRequest, formats: Formats | None = None) -> Job:
    """Check a request (SERVICE allow-list) and turn it into a picklable Job; with *formats*,
    the worker serialises the answer."""
    found = checked(request.query, tuple(request.service_allowlist), request.base_iri)
    dataset_given = bool(request.default_graphs or request.named_graphs)
    return Job(
        query=found.canonical,
        formats=formats.names() if formats is not None else None,
        form=found.form or "select",
        default_graphs=request.default_graphs,
        named_graphs=request.named_graphs,
        dataset_given=dataset_given,
        union_default=not found.has_dataset_clause,
        max_rows=request.max_rows,
        base_iri=request.base_iri,
        prefixes=tuple(found.prefixes.items()),
        services=found.services,
    )


def _raise_error(outcome: Outcome) -> None:
    if outcome.error == "InternalError":
        # A bug, not a user error: becomes a logged 500 without details for the client.
        raise RuntimeError(f"query worker error: {outcome.message}")
    raise_error(outcome)


def to_answer(outcome: Outcome) -> Answer:
    """A worker's terms, or the error it reports, raised here."""
    _raise_error(outcome)
    assert outcome.answer is not None
    return outcome.answer


def to_serialised(outcome: Outcome) -> Serialised:
    """A worker's serialised answer, or the error it reports, raised here."""
    _raise_error(outcome)
    fmt = mediatypes.by_name(outcome.format)
    assert fmt is not None
    return Serialised(outcome.body, fmt, outcome.form, outcome.count, outcome.truncated)


def single_threaded() -> bool:
    """Whether this process has exactly one thread, native ones included (so may fork safely).

    Counted by the kernel, not by :mod:`threading`: an open Oxigraph store runs threads Python
    does not know about, and forking then could copy a lock some other thread holds.
    """
    try:
        return sum(1 for _ in Path("/proc/self/task").iterdir()) == 1
    except OSError:  # not Linux: do not guess
        return False


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection

    @property
    def pid(self) -> int:
        return self.process.pid or 0


class WorkerPool:
    """A fixed number of killable query worker processes over one store directory."""

    def __init__(
        self,
        store_dir: Path,
        size: int = 2,
        *,
        start_method: str = "forkserver",
        memory_mb: int = DEFAULT_MEMORY_MB,
        network: bool = True,
    ) -> None:
        self.store_dir = store_dir
        self.size = max(1, size)
        self.memory_mb = memory_mb
        # Without any allowed SERVICE endpoint the workers need no network: they then run in
        # an empty network namespace (see worker.isolate_network).
        self.network = network
        self.owner_pid = os.getpid()
        self.killed = 0  # workers stopped for running too long (for tests and logs)
        self._ctx: BaseContext = multiprocessing.get_context(start_method)
        if start_method == "forkserver":
            self._ctx.set_forkserver_preload(_PRELOAD)
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._all: dict[int, _Worker] = {}
        self._lock = threading.Lock()
        self._closed = False
        self._refills: list[threading.Thread] = []
        # The first workers are forked straight from this process when it has a single thread
        # (a gunicorn worker before it starts its threads): a fork costs milliseconds and the
        # workers share this process's pages, where the fork server costs a Python start-up
        # and two processes (~0.3 s and ~17 MiB per web worker). Replacements, started while
        # the web worker runs threads, always come from the fork server.
        first = (
            multiprocessing.get_context("fork")
            if start_method == "forkserver" and single_threaded()
            else self._ctx
        )
        # Launch every worker before waiting for any: they open the store side by side, so a
        # server's cold start pays for one boot, not one per worker.
        for launched in [self._launch(first) for _ in range(self.size)]:
            self._idle.put(self._await_ready(launched))

    def _spawn(self) -> _Worker:
        return self._await_ready(self._launch(self._ctx))

    def _launch(self, ctx: BaseContext) -> tuple[BaseProcess, Connection]:
        from parkld.sparql import worker

        parent, child = ctx.Pipe(duplex=True)
        process = ctx.Process(  # type: ignore[attr-defined]
            target=worker.serve,
            args=(child, str(self.store_dir), self.memory_mb, self.network),
            name="parkld-query-worker",
            daemon=True,
        )
        process.start()
        child.close()
        return process, parent

    def _await_ready(self, launched: tuple[BaseProcess, Connection]) -> _Worker:
        # Wait for the worker to boot and open the store (slow on a loaded machine), so the
        # query time limit only ever measures query work.
        process, parent = launched
        try:
            ready = parent.recv() if parent.poll(BOOT_TIMEOUT) else None
        except (EOFError, OSError):
            ready = None
        if ready != "ready":
            process.kill()
            process.join(timeout=5)
            parent.close()
            raise StoreUnavailable("a query worker did not start; see the server log")
        spawned = _Worker(process, parent)
        with self._lock:
            closed = self._closed
            if not closed:
                self._all[spawned.pid] = spawned
        if closed:
            # A replacement that finished booting after close(): close() has already retired
            # every worker it knew of, so this one is stopped here rather than left running
            # (its process and pipe would outlive the executor).
            self._retire(spawned, kill=True)
            raise StoreUnavailable("the query executor is shut down")
        return spawned

    def pids(self) -> list[int]:
        """Process ids of the current workers (busy or idle)."""
        with self._lock:
            return sorted(self._all)

    def _retire(self, w: _Worker, *, kill: bool) -> None:
        with self._lock:
            self._all.pop(w.pid, None)
        if kill and w.process.is_alive():
            w.process.kill()  # SIGKILL: the query's work ends now, whatever it was doing
        w.process.join(timeout=5)
        w.conn.close()

    def _replace(self, w: _Worker, *, kill: bool) -> None:
        self._retire(w, kill=kill)
        with self._lock:
            if self._closed:
                return
            # Boot the replacement in the background: the client waiting for the timeout
            # error should not also wait for a new process. close() waits for these threads.
            refill = threading.Thread(
                target=self._add_worker, name="parkld-pool-refill", daemon=True
            )
            self._refills = [t for t in self._refills if t.is_alive()] + [refill]
        refill.start()

    def _add_worker(self) -> None:
        try:
            self._idle.put(self._spawn())
        except (StoreUnavailable, OSError, EOFError, ValueError):
            # Raised in a thread, any of these would reach threading.excepthook (a warning in
            # whatever code runs next); a shut-down executor ends its refills this way.
            if self._closed:
                return
            log.error("could not start a replacement query worker")

    def run(self, request: QueryRequest) -> Answer:
        """Evaluate *request* in a worker under its time limit; its answer as terms."""
        return to_answer(self._outcome(request, None))

    def run_serialised(self, request: QueryRequest, formats: Formats) -> Serialised:
        """Evaluate *request* in a worker, which serialises the answer (one copy of the bytes
        crosses the pipe instead of every term)."""
        return to_serialised(self._outcome(request, formats))

    def check_syntax(self, query: str, base_iri: str | None, timeout: float) -> None:
        """Parse *query* (canonical text) in a worker, evaluating nothing: QuerySyntaxError
        when it does not parse. For stores that evaluate elsewhere (the remote store), so
        the web process never runs the engine's parser on user text either."""
        _raise_error(self.submit(Job(query=query, base_iri=base_iri, syntax_only=True), timeout))

    def _outcome(self, request: QueryRequest, formats: Formats | None) -> Outcome:
        job = make_job(request, formats)
        outcome = self.submit(job, request.timeout)
        if outcome.error == "QuerySyntaxError":  # positions as in the text the user wrote
            raise QuerySyntaxError(
                lexer.original_position(outcome.message, request.query, request.base_iri)
            )
        return outcome

    def submit(self, job: Job, timeout: float) -> Outcome:
        """Send *job* to an idle worker; kill the worker if no answer comes within *timeout*."""
        if self._closed:
            raise StoreUnavailable("the query executor is shut down")
        try:
            w = self._idle.get(timeout=timeout + FREE_WORKER_MARGIN)
        except queue.Empty:
            raise StoreUnavailable(
                "every query worker is busy; try again shortly (PARKLD_QUERY_WORKERS)"
            ) from None
        started = time.monotonic()
        try:
            w.conn.send(job)
            if not w.conn.poll(timeout):
                self.killed += 1
                log.warning(
                    "query stopped after %.1f s (worker %d killed)",
                    time.monotonic() - started,
                    w.pid,
                )
                self._replace(w, kill=True)
                calls = (
                    (
                        " It calls SERVICE "
                        + ", ".join(f"<{s}>" for s in job.services)
                        + ", which may be what was slow."
                    )
                    if job.services
                    else ""
                )
                raise QueryTimeout(
                    f"the query ran longer than {timeout:g} s and was stopped "
                    f"(PARKLD_QUERY_TIMEOUT); simplify it or add a LIMIT.{calls}"
                )
            outcome: Outcome = w.conn.recv()
        except (EOFError, OSError) as exc:
            self._replace(w, kill=True)
            code = w.process.exitcode
            log.error("query worker %d died on a query (exit code %s): %s", w.pid, code, exc)
            raise QueryAborted(
                "the query was stopped: its worker process ran out of memory (limit "
                f"{self.memory_mb} MiB, PARKLD_QUERY_MEMORY_MB) or of stack "
                f"({_signal_name(code)}); simplify the query. Other queries were not affected"
            ) from exc
        if outcome.error == "MemoryError":
            self._replace(w, kill=True)  # a worker that met MemoryError may be in a bad state
            raise QueryAborted(
                f"the query was stopped: it needed more than {self.memory_mb} MiB "
                "(PARKLD_QUERY_MEMORY_MB); simplify it or add a LIMIT"
            )
        self._idle.put(w)
        return outcome

    def close(self) -> None:
        """Stop every worker (idle ones get EOF and exit; busy ones are killed)."""
        with self._lock:
            self._closed = True
            refills = list(self._refills)
        for refill in refills:
            # A booting replacement retires itself once it sees the executor closed.
            refill.join(timeout=BOOT_TIMEOUT + 5)
        with self._lock:
            workers = list(self._all.values())
        for w in workers:
            self._retire(w, kill=True)


def _signal_name(code: int | None) -> str:
    if code is not None and code < 0:
        import signal

        try:
            return f"ended by {signal.Signals(-code).name}"
        except ValueError:
            return f"ended by signal {-code}"
    return f"exit code {code}"
