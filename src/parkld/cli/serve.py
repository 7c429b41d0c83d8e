"""``parkld serve``: build if needed, then serve under granian (default), gunicorn, or Flask's
development server (--dev)."""

from __future__ import annotations

import importlib
import math
from typing import Any

import click

from parkld.build import ensure_built_apart
from parkld.cli import output
from parkld.config import Settings, check, to_env


@click.command("serve")
@click.option("--host", envvar="PARKLD_HOST", default=None, help="Address to bind [127.0.0.1].")
@click.option("--port", envvar="PARKLD_PORT", type=int, default=None, help="Port [8080].")
@click.option(
    "--workers", envvar="PARKLD_WORKERS", type=int, default=None, help="Web worker processes [2]."
)
@click.option(
    "--threads", envvar="PARKLD_THREADS", type=int, default=None, help="Threads per worker [8]."
)
@click.option(
    "--query-timeout",
    envvar="PARKLD_QUERY_TIMEOUT",
    type=float,
    default=None,
    help="Seconds before a SPARQL query is stopped [10].",
)
@click.option(
    "--query-workers",
    envvar="PARKLD_QUERY_WORKERS",
    type=int,
    default=None,
    help="Query worker processes per web worker [2].",
)
@click.option(
    "--max-rows",
    envvar="PARKLD_MAX_ROWS",
    type=int,
    default=None,
    help="Most rows/triples a query returns [10000].",
)
@click.option(
    "--no-build",
    is_flag=True,
    help="Serve the store as it is (e.g. loaded by other means); do not build.",
)
@click.option(
    "--server",
    envvar="PARKLD_SERVER",
    type=click.Choice(["gunicorn", "granian"]),
    default=None,
    help="HTTP server [granian]: event-driven, slow clients hold no "
    "worker thread; gunicorn (gthread) is the alternative.",
)
@click.option("--dev", is_flag=True, help="Flask's development server, one process, debug on.")
@click.pass_obj
def serve_cmd(
    settings: Settings,
    host: str | None,
    port: int | None,
    workers: int | None,
    threads: int | None,
    query_timeout: float | None,
    query_workers: int | None,
    max_rows: int | None,
    no_build: bool,
    server: str | None,
    dev: bool,
) -> None:
    """Serve the SPARQL endpoint and the linked-data pages (builds the store first if needed).

    Every setting can also come from its PARKLD_* environment variable (see docs/sparql.md).
    """
    settings = settings.replace(
        host=host,
        port=port,
        workers=workers,
        threads=threads,
        query_timeout=query_timeout,
        query_workers=query_workers,
        max_rows=max_rows,
        server=server,
    )
    check(settings)
    if settings.store == "embedded" and not no_build:
        result = ensure_built_apart(settings, progress=output.progress)
        click.echo(
            f"store {result.fingerprint} {'reused' if result.reused else 'built'} "
            f"in {result.seconds:.2f} s",
            err=True,
        )
    click.echo(f"parkld serving on http://{settings.host}:{settings.port}/", err=True)
    if dev:
        from parkld.web import create_app, state_of

        app = create_app(settings)
        try:
            app.run(
                host=settings.host,
                port=settings.port,
                debug=True,
                use_reloader=False,
                threaded=True,
            )
        finally:
            state_of(app).close()  # the store the app opened
        return
    if settings.server == "granian":
        run_granian(settings)
    else:
        run_gunicorn(settings)


def run_granian(settings: Settings) -> None:
    """Run granian (Rust HTTP server) with the app through its WSGI interface.

    Its workers are new processes that import ``parkld.web.wsgi:app``, so they receive the
    settings as ``PARKLD_*`` variables. Importing it starts the worker's query pool.
    """
    import os

    from granian import Granian
    from granian.constants import Interfaces

    os.environ.update(to_env(settings))
    # Import the app's modules before granian forks its workers (it forks under Python's
    # default start method on Linux, spawns otherwise): each then starts without importing
    # Flask and the routes (~0.4 s of CPU, most of a cold start) and they share those pages.
    # Nothing is opened here: each worker makes its own app, store and query pool when it
    # imports parkld.web.wsgi. gc.freeze keeps the collector from writing to (and so copying)
    # the shared objects' pages.
    import gc

    from parkld.web import preload

    preload()
    gc.freeze()
    Granian(
        "parkld.web.wsgi:app",
        address=settings.host,
        port=settings.port,
        interface=Interfaces.WSGI,
        workers=settings.workers,
        blocking_threads=settings.threads,
        websockets=False,
        log_access=settings.access_log,
        respawn_failed_workers=True,
        # The bound on a stop: a worker still running after this is killed (its query
        # workers die with it). Without one granian joins its workers forever, and a worker
        # that lost its stop signal kept `parkld serve` from ever exiting. load_worker_app closes
        # the largest window for that; granian keeps a small one of its own (a signal after
        # it installs its handlers, before its serve loop waits: seen in 2 of 133 stops sent
        # within 0.25 s of the workers' start), which this bound turns into a slow stop.
        workers_kill_timeout=stop_timeout(settings),
    ).serve(target_loader=load_worker_app)


def stop_timeout(settings: Settings) -> int:
    """Seconds a stopping web worker has to finish its requests: the longest query, and some."""
    return math.ceil(settings.query_timeout) + 5


def load_worker_app(target: str) -> Any:
    """Import a granian worker's app, ``target``, with SIGTERM and SIGINT stopping it at once.

    A forked worker inherits the main process's handlers, which only set a flag in the
    main's memory: a stop signal that arrived while the worker imported the app (opening the
    store, forking its query workers) was lost, and the worker then served on after the main
    asked it to stop: `parkld serve` never exited (seen here for a stop sent as the workers
    started; tests/test_serve_granian.py). Until granian installs its own handlers, right
    after this returns, nothing is in flight, so the default action (exit) is the right one.
    """
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def _start_query_workers(worker: Any) -> None:
    """Boot a web worker's query worker pool before it takes requests, not at its first query.

    Keeps the pool's start-up (a fork server, processes opening the store) out of the first
    answer's latency — the cold-start time a client sees.
    """
    from parkld.web.state import get_store

    with worker.wsgi.app_context():
        try:
            get_store().start()
        except Exception:  # the first request will report the problem to its client
            worker.log.exception("could not start the query workers")


def _close_app(server: Any, worker: Any) -> None:
    """Close a web worker's app state (its store and query workers) as the worker exits."""
    from parkld.web.state import state_of

    try:
        state_of(worker.wsgi).close()
    except Exception:  # exiting anyway: say so, do not stop the arbiter
        worker.log.exception("could not close the app's store")


def run_gunicorn(settings: Settings) -> None:
    """Run gunicorn in this process with gthread workers, each building its own app."""
    from gunicorn.app.base import BaseApplication

    class ParkldServer(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": f"{settings.host}:{settings.port}",
                "workers": settings.workers,
                # gthread, answering a request line over the limit as the app answers a
                # long target (414 saying to POST: parkld.web.urilimit).
                "worker_class": "parkld.web.gunicorn_worker.ThreadWorker",
                "limit_request_line": 8190,
                "threads": settings.threads,
                # A worker is only killed for being silent this long; queries have their own
                # (shorter) limit enforced by the query executor.
                "timeout": max(30, int(settings.query_timeout * 3)),
                "graceful_timeout": 10,
                # Off by default: an access line per request cost ~30 % of the cached
                # dereference's throughput (measured with wrk); a reverse proxy usually logs.
                "accesslog": "-" if settings.access_log else None,
                "loglevel": settings.log_level.lower(),
                # gunicorn's control socket has one default path per user: two parkld servers
                # on one machine (replicas, tests) would take it from each other.
                "control_socket_disable": True,
                "post_worker_init": _start_query_workers,
                "worker_exit": _close_app,
                # Import Flask and build the app once, in the arbiter, before forking: workers
                # then start without re-importing it (~0.35 s of CPU each, a third of a cold
                # start). Safe: the app opens its store and query pool lazily, in each worker
                # process, after the fork.
                "preload_app": True,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from parkld.web import create_app
            from parkld.web.fastpath import memoised

            return memoised(create_app(settings))

    ParkldServer().run()


def register(group: click.Group) -> None:
    group.add_command(serve_cmd)
