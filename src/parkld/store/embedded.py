"""The embedded backend: an Oxigraph (pyoxigraph) database on local disk.

Why Oxigraph and not rdflib's memory store: measured in the README (*Engine choice*) — it
parses ~10x faster, uses a third of the memory and answers the park queries 10-50x faster.

The store directory holds complete builds (see :mod:`parkld.build`) and a ``current`` link to
one of them. Readers open the current database read-only; such a handle is a snapshot taken
when it is opened. Every reader checks the link and a ``generation`` file's stamp before a
query (two cheap system calls) and reopens when either changed.

The default graph is a set. Every database holds each named graph *and*, in its default graph,
the merge of all of them (each triple once), so queries are evaluated with the stored default
graph — Oxigraph's "default graph as union" flag would return a triple once per graph stating
it (SPARQL 1.1 defines the default graph as an RDF graph, a set).

Writes are copy-on-write: Oxigraph calls opening a database read-write while others have it
open read-only undefined behaviour (seen here: "lock hold by current process" on the second
update, and read-only opens failing on files a compaction removed). So a writer, under a lock
file, clones the current database (immutable table files hard-linked), changes the clone,
re-derives its default graph, and switches the ``current`` link to it atomically; readers
still on the old version keep a consistent snapshot. The content hashes of written graphs
(:meth:`EmbeddedStore.swap`) are a file of the version they describe, so they switch with it.
Nothing here checks the shapes: :mod:`parkld.writes` does, before calling a writer.
"""

from __future__ import annotations

import fcntl
import gc
import json
import os
import shutil
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox

from parkld.errors import QuerySyntaxError, StoreUnavailable
from parkld.snapshot import (
    GENERATION_FILE,
    WRITE_SUFFIX,
    Snapshot,
    current_path,
    generation_stamp,
    switch_current,
)
from parkld.sparql.executor import WorkerPool
from parkld.store import querytext
from parkld.store.base import (
    CHUNK_TRIPLES,
    Answer,
    Bindings,
    Change,
    Formats,
    QueryRequest,
    Serialised,
    Solutions,
    Store,
    Term,
)
from parkld.store.dataset import merged_default, rederive_default

#: Seconds during which generation() trusts its last look at the disk.
GENERATION_RECHECK = 0.5
LOCK_FILE = "write.lock"
COMPLETE = "COMPLETE"
#: Builds kept besides the current one (readers may still hold a recent one open).
KEEP_VERSIONS = 3
#: The content hashes of a version's written graphs (and of its merge), in its directory.
HASHES_FILE = "hashes.json"


def write_database(path: Path, quads: Iterable[ox.Quad]) -> None:
    """Write a new database at *path* holding *quads* and their merged default graph."""
    store = ox.Store(str(path))
    store.bulk_extend(merged_default(quads))
    store.flush()
    store.optimize()
    _release(store)


def _release(store: ox.Store) -> None:
    """Drop a read-write handle now (RocksDB frees its lock only when the object is freed)."""
    del store
    gc.collect()


def substitutions(
    bindings: Bindings | None,
) -> dict[ox.Variable, Term | ox.Triple] | None:
    """Bindings as Oxigraph substitutions: values are bound terms, not query text."""
    if not bindings:
        return None
    return {ox.Variable(name): term for name, term in bindings.items()}


def bound(query: str, bindings: Bindings | None) -> tuple[str, Bindings | None]:
    """A trusted query and its bindings as Oxigraph is given them: IRIs and literals as a
    ``VALUES`` block opening the WHERE group (the remote store's text, written from RDF terms
    by the one VALUES writer), anything else (a blank node) left as substitutions.

    Why not substitutions throughout: Oxigraph plans the query before it substitutes, so a
    join does not start from the bound variable. The evidence of a park (a path from ?s to
    its claims, then each claim's evidence graph) took 10–17 ms with ?s substituted and
    0.1 ms with ?s in a VALUES block at 100k triples, as the pattern is then planned from ?s.
    """
    if not bindings or not all(isinstance(t, ox.NamedNode | ox.Literal) for t in bindings.values()):
        return query, bindings
    return querytext.with_bindings(query, bindings, querytext.shape(query)), None


class EmbeddedStore(Store):
    """A pyoxigraph database directory, shared by every process of one server."""

    def __init__(
        self,
        store_dir: Path,
        *,
        executor: WorkerPool | None = None,
        query_workers: int = 2,
        query_memory_mb: int = 1024,
        query_network: bool = True,
    ) -> None:
        self.store_dir = store_dir
        self.query_workers = query_workers
        self.query_memory_mb = query_memory_mb
        self.query_network = query_network
        if not (self.path / "CURRENT").exists():
            raise StoreUnavailable(f"no built store in {store_dir}; run `parkld build`")
        self._lock = threading.Lock()
        self._snapshot = Snapshot(store_dir)
        self._executor = executor
        self._executor_pid = os.getpid()
        self._generation_seen: tuple[str, float] | None = None
        #: Graphs loaded by stage() and not swapped in yet, by handle (this process only).
        self._staged: dict[str, list[ox.Triple]] = {}

    @property
    def path(self) -> Path:
        """The current database directory."""
        return current_path(self.store_dir)

    # -- reading -------------------------------------------------------------------------
    def reader(self) -> ox.Store:
        """A read-only snapshot of the current generation (reopened after a write)."""
        return self._snapshot.reader()

    def _query(self, query: str, bindings: Bindings | None) -> object:
        try:
            text, rest = bound(query, bindings)
            return self.reader().query(text, substitutions=substitutions(rest))
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc
        except (OSError, RuntimeError) as exc:
            raise StoreUnavailable(f"store read failed: {exc}") from exc

    def select(self, query: str, bindings: Bindings | None = None) -> Solutions:
        result = self._query(query, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise QuerySyntaxError("expected a SELECT query")
        variables = [v.value for v in result.variables]
        rows = [
            {name: value for name in variables if (value := sol[name]) is not None}
            for sol in result
        ]
        return Solutions(variables, rows)

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        result = self._query(query, bindings)
        if not isinstance(result, ox.QueryBoolean):
            raise QuerySyntaxError("expected an ASK query")
        return bool(result)

    def construct(self, query: str, bindings: Bindings | None = None) -> list[ox.Triple]:
        result = self._query(query, bindings)
        if not isinstance(result, ox.QueryTriples):
            raise QuerySyntaxError("expected a CONSTRUCT or DESCRIBE query")
        return list(result)

    # -- running user queries ------------------------------------------------------------
    def run(self, request: QueryRequest) -> Answer:
        """Run a user query in a killable worker process (see :mod:`parkld.sparql.executor`)."""
        return self.executor().run(request)

    def run_serialised(self, request: QueryRequest, formats: Formats) -> Serialised:
        # The worker writes the bytes (parkld.sparql.answers.serialise, the one serialiser):
        # sending them back costs a fraction of sending every term.
        return self.executor().run_serialised(request, formats)

    def start(self) -> None:
        self.executor()

    def executor(self) -> WorkerPool:
        """This process's query executor, started on first use.

        Made lazily and per process: gunicorn forks its workers after the app exists, and a
        pool's pipes and child processes belong to the process that started them.
        """
        with self._lock:
            if self._executor is None or self._executor_pid != os.getpid():
                self._executor = WorkerPool(
                    self.store_dir,
                    self.query_workers,
                    memory_mb=self.query_memory_mb,
                    network=self.query_network,
                )
                self._executor_pid = os.getpid()
            return self._executor

    def generation(self) -> str:
        # Caches ask on every request; looking at the disk at most every GENERATION_RECHECK
        # seconds keeps two system calls off the cached-response hot path. A write through
        # this object is seen at once; one by another process within that interval.
        now = time.monotonic()
        cached = self._generation_seen
        if cached is not None and now - cached[1] < GENERATION_RECHECK:
            return cached[0]
        target, stamp = generation_stamp(self.store_dir)
        token = f"{target}@{stamp}"
        self._generation_seen = (token, now)
        return token

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.reader().named_graphs() if isinstance(g, ox.NamedNode))

    def ping(self) -> None:
        self.reader()

    # -- writing -------------------------------------------------------------------------
    def _write(
        self,
        change: Change,
        hashes: Callable[[dict[str, str]], None] | None = None,
        *,
        keeps_merge: bool = False,
    ) -> None:
        """Apply *change* to a clone of the current database, then make the clone current.

        Under an exclusive lock on the store directory (one writer at a time, across
        processes). A change that raises leaves the current database untouched. *hashes*
        edits the clone's recorded content hashes. The default graph is re-derived from the
        named graphs afterwards, unless the change keeps it the merge itself (*keeps_merge*).
        """
        with (self.store_dir / LOCK_FILE).open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            source = self.path
            target = _next_version(self.store_dir, source)
            try:
                _clone(source, target)
                try:
                    store = ox.Store(str(target))
                except (OSError, RuntimeError) as exc:
                    raise StoreUnavailable(f"cannot open the store for writing: {exc}") from exc
                try:
                    change(store)
                    if not keeps_merge:
                        rederive_default(store)
                    store.flush()
                except BaseException as exc:
                    # The change's frames in the traceback hold the handle, and RocksDB frees
                    # its lock only when the handle is freed: a caller keeping the error (a
                    # test, a log record) would otherwise lock the next write out.
                    traceback.clear_frames(exc.__traceback__)
                    raise
                finally:
                    del store  # this frame's reference too (see _release)
                    gc.collect()
                if hashes is not None:
                    recorded = _read_hashes(target)
                    hashes(recorded)
                    (target / HASHES_FILE).write_text(json.dumps(recorded, sort_keys=True))
            except BaseException:
                shutil.rmtree(target, ignore_errors=True)
                raise
            (target / COMPLETE).write_text(f"{target.name}\n")
            bump_generation(target)
            switch_current(self.store_dir, target)
            _prune_versions(self.store_dir, target)
            self._generation_seen = None

    def rewrite(self, change: Change) -> None:
        # The clone is the private copy: its default graph is the stored merge, and is
        # re-derived from the named graphs after the change.
        self._write(change)

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Triple]]) -> None:
        # Readers hold snapshots and only move to the new version once the writer is done,
        # so each graph switches from old to new content in one step for them.
        materialised = {iri: list(triples) for iri, triples in graphs.items()}
        self._write(lambda store: _put_graphs(store, materialised), keeps_merge=True)

    def stage(
        self,
        graph: str,
        triples: Sequence[ox.Triple],
        progress: Callable[[int], None] | None = None,
        chunk: int = CHUNK_TRIPLES,
    ) -> str:
        # Staged in memory: the swap's copy-on-write version is what readers never see
        # half-made, so there is nothing to load beside the live graph on disk.
        handle = f"staged:{graph}"
        self._staged[handle] = list(triples)
        if progress is not None:
            progress(len(triples))
        return handle

    def swap(self, graph: str, staging: str | None, content_hash: str | None) -> None:
        if staging is not None and staging not in self._staged:
            # Staged in another process or swapped already: dropping the graph would be wrong.
            raise ValueError(f"nothing staged as {staging!r} in this store object")
        triples = self._staged.pop(staging) if staging is not None else []

        def record(hashes: dict[str, str]) -> None:
            hashes.pop(graph, None)
            if content_hash is not None:
                hashes[graph] = content_hash

        self._write(lambda store: _put_graphs(store, {graph: triples}), record, keeps_merge=True)

    def content_hashes(self) -> dict[str, str]:
        return {g: h for g, h in _read_hashes(self.path).items() if g != MERGED_KEY}

    def merged_hash(self) -> str | None:
        return _read_hashes(self.path).get(MERGED_KEY)

    def derive_merge(self, content_hash: str) -> None:
        # Every write re-derives the merge already; only the hash is new.
        def record(hashes: dict[str, str]) -> None:
            hashes[MERGED_KEY] = content_hash

        self._write(lambda store: None, record, keeps_merge=True)

    def close(self) -> None:
        if self._executor is not None and self._executor_pid == os.getpid():
            self._executor.close()
        self._executor = None
        self._snapshot.close()


#: The key of the merge's hash in :data:`HASHES_FILE` (not an IRI, so never a graph's).
MERGED_KEY = "merged"


def _read_hashes(version: Path) -> dict[str, str]:
    try:
        found = json.loads((version / HASHES_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def _put_graphs(store: ox.Store, graphs: Mapping[str, list[ox.Triple]]) -> None:
    """Replace named graphs, keeping the default graph their merge as it goes.

    Incremental, so that replacing one graph costs that graph, not the whole dataset (a
    publish into this store swaps graphs one at a time): a triple leaves the merge only when
    no named graph states it any more.
    """
    default = ox.DefaultGraph()
    for iri, triples in graphs.items():
        graph = ox.NamedNode(iri)
        old = {q.triple for q in store.quads_for_pattern(None, None, None, graph)}
        new = set(triples)
        for t in old - new:
            store.remove(ox.Quad(t.subject, t.predicate, t.object, graph))
        store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in new - old)
        store.extend(ox.Quad(t.subject, t.predicate, t.object, default) for t in new - old)
        for t in old - new:
            stated = any(
                not isinstance(q.graph_name, ox.DefaultGraph)
                for q in store.quads_for_pattern(t.subject, t.predicate, t.object, None)
            )
            if not stated:
                store.remove(ox.Quad(t.subject, t.predicate, t.object, default))
        if not new and store.contains_named_graph(graph):
            store.remove_graph(graph)


def _next_version(store_dir: Path, current: Path) -> Path:
    """A fresh directory name for the version after *current* (same fingerprint stem)."""
    stem = current.name.split(WRITE_SUFFIX, 1)[0]
    taken = [_version_number(p) for p in (store_dir / "builds").glob(f"{stem}{WRITE_SUFFIX}*")]
    return store_dir / "builds" / f"{stem}{WRITE_SUFFIX}{max(taken, default=0) + 1}"


def _version_number(path: Path) -> int:
    tail = path.name.rsplit(WRITE_SUFFIX, 1)[1]
    return int(tail) if tail.isdigit() else 0


def _clone(source: Path, target: Path) -> None:
    """Copy a closed-for-writing database: table files are immutable, so hard-linked."""

    def link_or_copy(src: str, dst: str) -> None:
        if src.endswith(".sst"):
            try:
                os.link(src, dst)
                return
            except OSError:
                pass
        shutil.copy2(src, dst)

    shutil.copytree(
        source,
        target,
        copy_function=link_or_copy,
        ignore=shutil.ignore_patterns("LOCK", COMPLETE, LOCK_FILE),
    )


def _prune_versions(store_dir: Path, keep: Path) -> None:
    """Remove old write versions of *keep*'s build (the build itself stays for reuse)."""
    stem = keep.name.split(WRITE_SUFFIX, 1)[0]
    versions = sorted(
        (store_dir / "builds").glob(f"{stem}{WRITE_SUFFIX}*"), key=_version_number, reverse=True
    )
    for old in versions[KEEP_VERSIONS:]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)


def bump_generation(path: Path) -> None:
    """Mark a new version of the database so every reader reopens it.

    The stamp is the marker's mtime, forced to move forward even within one clock tick.
    """
    marker = path / GENERATION_FILE
    before = marker.stat().st_mtime_ns if marker.exists() else 0
    marker.touch()
    stamp = max(marker.stat().st_mtime_ns, before + 1)
    os.utime(marker, ns=(stamp, stamp))
