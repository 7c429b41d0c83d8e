"""Publishing the validated graph into a remote SPARQL store: validate → stage → swap.

1. Every source file is parsed and the whole graph validated against the shapes first; a
   violation raises :class:`ValidationFailed` before the store is contacted, so nothing is
   published.
2. Each named graph (one per source: ``<base>ontology``, ``<base>shapes``,
   ``<base>graph/<slug>``) gets a content hash from its files' bytes and the base IRI. A graph
   whose hash the store already records (in parkld's bookkeeping graph) is skipped: publishing
   twice changes nothing.
3. A changed graph is loaded *beside* its live version, into a staging graph no reader looks
   at, in as many requests as it takes; then one update request moves it over the live graph
   and records the new hash (:meth:`GraphWriter.swap`). That request is one transaction, so
   readers — and a publish killed at any moment — see the old graph or the new, never a mix.

Any :class:`~parkld.store.base.GraphWriter` will do: the remote store (the usual target) and
the embedded one alike.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import pyoxigraph as ox

from parkld import __version__, graphs
from parkld.config import Settings
from parkld.errors import ValidationFailed
from parkld.store.base import CHUNK_TRIPLES, GraphWriter
from parkld.validate import validate


class Progress(Protocol):
    """Where publishing reports what it does (the CLI draws a bar on stderr)."""

    def begin(self, total: int) -> None:
        """*total* triples are about to be loaded."""

    def advance(self, done: int) -> None:
        """*done* more triples were loaded."""

    def note(self, message: str) -> None:
        """A step finished (a graph swapped in, skipped, removed)."""


@dataclass(frozen=True)
class GraphPlan:
    """One named graph to publish: its triples and the hash of its sources."""

    graph: str
    triples: list[ox.Triple]
    content_hash: str
    files: tuple[str, ...]


@dataclass
class PublishResult:
    """What a publish did."""

    published: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    triples: int = 0
    seconds: float = 0.0


def plan(settings: Settings, extra_files: Sequence[graphs.SourceFile] = ()) -> list[GraphPlan]:
    """Parse and validate every source; one plan per named graph, in a stable order.

    Raises ValidationFailed (nothing is published) or DataError (unreadable file).
    """
    sources = graphs.discover(settings.data_paths, base=settings.base_iri) + list(extra_files)
    files = graphs.load_all(sources, settings.base_iri)
    report = validate(files)
    if not report.conforms:
        raise ValidationFailed(
            f"{len(report.violations)} SHACL violation(s); nothing was published. "
            "Run `parkld validate` for the report."
        )
    triples: dict[str, list[ox.Triple]] = {}
    contributors: dict[str, list[graphs.SourceFile]] = {}
    for loaded in files:
        for quad in loaded.quads:
            name = quad.graph_name
            assert isinstance(name, ox.NamedNode)  # graphs.parse_file names every graph
            triples.setdefault(name.value, []).append(
                ox.Triple(quad.subject, quad.predicate, quad.object)
            )
            files_of = contributors.setdefault(name.value, [])
            if not files_of or files_of[-1] is not loaded.source:
                files_of.append(loaded.source)
    return [
        GraphPlan(
            g,
            triples[g],
            _hash(g, contributors[g], settings.base_iri),
            tuple(str(s.path) for s in contributors[g]),
        )
        for g in sorted(triples)
    ]


def _hash(graph: str, sources: Sequence[graphs.SourceFile], base: str) -> str:
    """Hash of what makes a graph: its IRI, base, parkld version and its files' bytes.

    File bytes rather than parsed triples: blank-node labels change on every parse.
    """
    digest = hashlib.sha256(f"{graph}\0{base}\0{__version__}\0".encode())
    for source in sorted(sources, key=lambda s: str(s.path)):
        digest.update(source.path.name.encode() + b"\0")
        digest.update(hashlib.sha256(source.path.read_bytes()).digest())
    return digest.hexdigest()


def publish(
    store: GraphWriter,
    plans: Sequence[GraphPlan],
    *,
    force: bool = False,
    prune: bool = False,
    progress: Progress | None = None,
    chunk: int = CHUNK_TRIPLES,
) -> PublishResult:
    """Bring the store's graphs up to *plans*, one atomic swap per changed graph.

    *force* republishes unchanged graphs; *prune* drops graphs parkld published earlier whose
    source is gone (other graphs in the store are never touched).
    """
    started = time.perf_counter()
    result = PublishResult()
    recorded = store.content_hashes()
    changed = [p for p in plans if force or recorded.get(p.graph) != p.content_hash]
    result.unchanged = [p.graph for p in plans if p not in changed]
    if progress is not None:
        progress.begin(sum(len(p.triples) for p in changed))
        for name in result.unchanged:
            progress.note(f"unchanged {name}")
    for p in changed:
        staging = (
            store.stage(
                p.graph, p.triples, progress.advance if progress is not None else None, chunk
            )
            if p.triples
            else None
        )
        store.swap(p.graph, staging, p.content_hash)
        result.published.append(p.graph)
        result.triples += len(p.triples)
        if progress is not None:
            progress.note(f"published {p.graph} ({len(p.triples)} triples)")
    if prune:
        wanted = {p.graph for p in plans}
        for graph in sorted(set(recorded) - wanted):
            store.swap(graph, None, None)
            result.removed.append(graph)
            if progress is not None:
                progress.note(f"removed {graph}")
    # The default graph (the merge, each triple once) follows the graphs it is made of; its
    # recorded hash is that of the published graphs' hashes, so a no-op publish skips it.
    merged_hash = hashlib.sha256("\0".join(p.content_hash for p in plans).encode()).hexdigest()
    if force or result.published or result.removed or store.merged_hash() != merged_hash:
        store.derive_merge(merged_hash)
        if progress is not None:
            progress.note("derived the default graph (the merge of the named graphs)")
    result.seconds = time.perf_counter() - started
    return result
