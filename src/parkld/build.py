"""Building the embedded store: parse → validate → load beside → swap.

A build is keyed by a fingerprint of its inputs (files, graphs, contents, base IRI, parkld
version). The database for a fingerprint is written in a temporary directory, marked complete,
and only then made current by an atomic rename of the ``current`` link; a failed parse or
validation leaves the current store untouched. A restart with unchanged inputs finds the
complete build and reuses it without parsing anything.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from parkld import __version__, graphs
from parkld.config import Settings
from parkld.errors import ValidationFailed
from parkld.snapshot import WRITE_SUFFIX, switch_current

if TYPE_CHECKING:
    from parkld.validate import Verdict

log = logging.getLogger(__name__)

COMPLETE = "COMPLETE"
KEEP_BUILDS = 2
#: Changes with the database layout, so an older build is never reused: 2 = the default
#: graph holds the merge of the named graphs (see :mod:`parkld.store.embedded`).
LAYOUT = "layout-2-merged-default"
DIGESTS = "digests.json"


class DigestCache:
    """Content digests of input files, remembered with each file's size and mtime.

    A restart re-reads no file whose size and modification time (in nanoseconds) are
    unchanged — as make and git do — which keeps hashing the inputs (0.2 s for the 37 MB of a
    million triples) out of the cold start. An edited file gets a new mtime, so is hashed.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.changed = False
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            self.entries: dict[str, list[Any]] = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            self.entries = {}

    def digest(self, file: Path) -> bytes:
        """The SHA-256 of *file*, from the cache when its size and mtime are as recorded."""
        info = file.stat()
        key = str(file.resolve())
        known = self.entries.get(key)
        if isinstance(known, list) and known[:2] == [info.st_size, info.st_mtime_ns]:
            return bytes.fromhex(known[2])
        value = graphs.content_digest(file)
        self.entries[key] = [info.st_size, info.st_mtime_ns, value.hex()]
        self.changed = True
        return value

    def save(self) -> None:
        """Write the cache if it changed (atomically; a failure only costs a re-hash)."""
        if not self.changed:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(self.entries), encoding="utf-8")
            tmp.replace(self.path)
        except OSError:
            log.warning("could not write %s", self.path)


@dataclass(frozen=True)
class BuildResult:
    """Where the store is and whether it had to be built."""

    path: Path
    fingerprint: str
    reused: bool
    seconds: float
    violations: int | None = None  # checked by SHACL in this build; None when reused


@overload
def ensure_built(
    settings: Settings,
    *,
    force: bool = ...,
    progress: Callable[[str], None] | None = ...,
    extra_files: Sequence[graphs.SourceFile] = ...,
    reuse_only: Literal[False] = ...,
) -> BuildResult: ...


@overload
def ensure_built(
    settings: Settings,
    *,
    force: bool = ...,
    progress: Callable[[str], None] | None = ...,
    extra_files: Sequence[graphs.SourceFile] = ...,
    reuse_only: Literal[True],
) -> BuildResult | None: ...


def ensure_built(
    settings: Settings,
    *,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
    extra_files: Sequence[graphs.SourceFile] = (),
    reuse_only: bool = False,
) -> BuildResult | None:
    """Make sure a store built from the current inputs is current; build it if needed.

    With *reuse_only*, return None instead of building.
    """
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    sources = graphs.discover(settings.data_paths, base=settings.base_iri) + list(extra_files)
    store_dir = settings.store_dir
    digests = DigestCache(store_dir / DIGESTS)
    key = graphs.fingerprint(
        sources, settings.base_iri, __version__, LAYOUT, digest_of=digests.digest
    )
    digests.save()
    target = store_dir / "builds" / key
    written = _written_version(store_dir, key)
    if not force and written is not None:
        # The inputs are unchanged and SPARQL updates made a later version: keep it.
        return BuildResult(written, key, True, time.perf_counter() - started)
    if not force and (target / COMPLETE).exists():
        _make_current(store_dir, target)
        return BuildResult(target, key, True, time.perf_counter() - started)
    if reuse_only:
        return None

    tmp = store_dir / "builds" / f".{key}.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        files, verdict = _parse_validate_write(sources, settings.base_iri, tmp, say)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    # Each resource's SHACL report, beside the store, not in it: the store holds the data and
    # its counts stay the data's.
    from parkld import resource_reports

    resource_reports.write(tmp, verdict.graph, files, settings.base_iri)
    (tmp / COMPLETE).write_text(f"{key}\n")
    (tmp / "generation").touch()
    if target.exists():
        shutil.rmtree(target)
    tmp.rename(target)
    _make_current(store_dir, target)
    _prune(store_dir, keep=target)
    seconds = time.perf_counter() - started
    log.info("built store %s in %.2f s", key, seconds)
    return BuildResult(target, key, False, seconds, verdict.violations)


def ensure_built_apart(
    settings: Settings, *, progress: Callable[[str], None] | None = None
) -> BuildResult:
    """:func:`ensure_built` for a server: a reusable build is made current here, a new one is
    built in a separate (spawned) process.

    Why: loading runs RocksDB's background threads, and RocksDB keeps their state in static
    objects. A server forks its web workers from this process; a child that inherits that
    state hangs at exit in RocksDB's thread-joining destructor (seen with gdb: every gunicorn
    worker then needed its 10 s graceful timeout and a SIGKILL to stop). Reuse touches no
    database, so the usual restart stays as fast as before.
    """
    reused = ensure_built(settings, reuse_only=True)
    if reused is not None:
        return reused
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    say = progress or (lambda _msg: None)
    say("building in a separate process")
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        built: BuildResult = pool.submit(_build_logged, settings).result()
    return built


def _build_logged(settings: Settings) -> BuildResult:
    """The build in the spawned process, saying its steps on standard error."""
    import sys

    def say(message: str) -> None:
        print(f"… {message}", file=sys.stderr, flush=True)

    result = ensure_built(settings, progress=say)
    assert result is not None
    return result


def _parse_validate_write(
    sources: Sequence[graphs.SourceFile],
    base: str,
    tmp: Path,
    say: Callable[[str], None],
) -> tuple[list[graphs.LoadedFile], Verdict]:
    """Parse, validate and write the database at *tmp*; raise on bad syntax or violations.

    A small build validates, then writes. A big one validates in a second process while this
    one parses and writes (:mod:`parkld.validate_beside`): the write is then wasted when the
    data does not conform, but *tmp* is never made current, so nothing stored changes.
    """
    # Imported here: the SHACL engines take about a second to import, and a restart that
    # reuses the build (the common case) never needs them. The build needs only the verdict,
    # so it takes the native engine (seconds at 1M triples where pySHACL takes minutes);
    # `parkld validate` gives pySHACL's report.
    # Imported here, not at the top: a server's restart only checks that its build is
    # current (ensure_built with reuse_only), and the store and the validator are a fifth of
    # a second of its cold start.
    from parkld import validate_beside
    from parkld.store.embedded import write_database
    from parkld.validate import conforms_fast

    if not validate_beside.wanted(sources):
        say(f"parsing {len(sources)} files")
        files = graphs.load_all(sources, base)
        say("validating against the shapes")
        verdict = _conforming(conforms_fast(files))
        say("loading the store")
        tmp.mkdir(parents=True)
        write_database(tmp, graphs.iter_quads(files))
        return files, verdict
    with validate_beside.Beside(sources, base) as beside:
        say(f"parsing {len(sources)} files (validating beside)")
        files = graphs.load_all(sources, base)
        beside.send(files)
        say("loading the store (validating beside)")
        tmp.mkdir(parents=True)
        write_database(tmp, graphs.iter_quads(files))
        say("waiting for the validation")
        verdict = _conforming(beside.verdict())
    return files, verdict


def _conforming(verdict: Verdict) -> Verdict:
    if not verdict.conforms:
        raise ValidationFailed(
            f"{verdict.violations} SHACL violation(s); nothing was loaded. "
            "Run `parkld validate` for the report."
        )
    return verdict


def _written_version(store_dir: Path, key: str) -> Path | None:
    """The current database when it is a version of build *key* made by writes."""
    link = store_dir / "current"
    if not link.is_symlink():
        return None
    current = link.resolve()
    if current.name.startswith(key + WRITE_SUFFIX) and (current / COMPLETE).exists():
        return current
    return None


def _make_current(store_dir: Path, target: Path) -> None:
    link = store_dir / "current"
    if link.is_symlink() and link.resolve() == target.resolve():
        return
    switch_current(store_dir, target)


def _prune(store_dir: Path, keep: Path) -> None:
    builds = sorted(
        (p for p in (store_dir / "builds").iterdir() if not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in builds[KEEP_BUILDS:]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
