"""The build's SHACL verdict from a second process, while the first writes the store.

At a million triples the build's two big steps each hold one core: the native SHACL engine
(about half the build; it keeps the GIL, so a thread would not overlap it — measured: two
threads took longer than the two steps one after the other) and the store write. On the
machine's other core a spawned process loads the data files straight into an in-memory
Oxigraph store (Rust reads the files: no Python quads) and validates, while the build parses
and writes the database; the database is made current only after a conforming verdict.

What the child cannot read itself — claim tables (compiled against the parsed data), dataset
formats (their own graph names), rebased IRIs, the source-graph types — the parent sends as
N-Quads once it has parsed. The child's data graph is then what :func:`validate.conforms_fast`
builds from the same files (``tests/test_build_beside.py`` compares the two verdicts and
reports). Small builds validate in-process: starting a Python process costs more than it saves.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Sequence
from multiprocessing.connection import Connection
from types import TracebackType

import pyoxigraph as ox
import rdflib

from parkld import mediatypes, project_files
from parkld.graphs import LoadedFile, SourceFile
from parkld.validate import Verdict, conforms_fast, native_verdict, source_graph_quads

log = logging.getLogger(__name__)

#: Input size from which the build validates beside: below it a build takes a few seconds and
#: a spawned Python (about a second of imports) would not pay for itself. 100k triples are
#: ~4 MB; 1M triples ~37 MB.
FROM_BYTES = 16 * 2**20

_DATA_ROLES = ("data", "ontology")


def read_directly(source: SourceFile, base: str) -> bool:
    """Whether Oxigraph reading *source* itself gives the quads :mod:`parkld.graphs` would
    (for validation, where graph names do not count): an RDF graph format, no rebasing."""
    fmt = mediatypes.for_path(source.path.name)
    return (
        source.role in _DATA_ROLES
        and base == project_files.DEFAULT_BASE
        and fmt is not None
        and fmt.kind is not mediatypes.Kind.DATASET
        and isinstance(fmt.oxigraph, ox.RdfFormat)
    )


def wanted(sources: Sequence[SourceFile]) -> bool:
    """Whether a build of *sources* is big enough to validate beside."""
    total = 0
    for source in sources:
        try:
            total += source.path.stat().st_size
        except OSError:
            return False  # the parse names the file
    return total >= FROM_BYTES


class Beside:
    """A validation running in a spawned process; a context manager that never leaves it
    running. Use: ``start`` (before parsing), ``send`` (after), ``verdict`` (after the write).
    """

    def __init__(self, sources: Sequence[SourceFile], base: str) -> None:
        self.base = base
        self.direct = [s for s in sources if read_directly(s, base)]
        self._files: Sequence[LoadedFile] = ()
        ours, theirs = multiprocessing.get_context("spawn").Pipe()
        self._conn: Connection = ours
        self._process = multiprocessing.get_context("spawn").Process(
            target=_child,
            args=(theirs, [(str(s.path), _media_type(s)) for s in self.direct]),
            name="parkld-validate",
            daemon=True,
        )
        self._process.start()
        theirs.close()

    def send(self, files: Sequence[LoadedFile]) -> None:
        """Give the child what it cannot read itself, from the parsed *files*."""
        self._files = files
        read = {s.path for s in self.direct}
        rest = [
            ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
            for f in files
            if f.source.role in _DATA_ROLES and f.source.path not in read
            for q in f.quads
        ]
        rest += source_graph_quads(files)
        shapes = [
            ox.Triple(q.subject, q.predicate, q.object)
            for f in files
            if f.source.role == "shapes"
            for q in f.quads
        ]
        try:
            self._conn.send_bytes(ox.serialize(rest, format=ox.RdfFormat.N_QUADS) or b"")
            self._conn.send_bytes(ox.serialize(shapes, format=ox.RdfFormat.N_TRIPLES) or b"")
        except OSError:
            pass  # the child has gone: verdict() says so and validates here

    def verdict(self) -> Verdict:
        """The child's verdict; validated here instead if the child failed (it is logged)."""
        try:
            status = self._conn.recv_bytes()
            if status == b"ok":
                conforms = self._conn.recv_bytes() == b"1"
                violations = int(self._conn.recv_bytes())
                report = rdflib.Graph()
                report.parse(data=self._conn.recv_bytes().decode("utf-8"), format="nt")
                return Verdict(conforms, violations, report)
            reason = self._conn.recv_bytes().decode("utf-8", "replace")
        except (EOFError, OSError) as exc:
            reason = f"the process ended ({exc.__class__.__name__}, exit {self._process.exitcode})"
        log.warning("validation beside the load failed (%s); validating here", reason)
        return conforms_fast(self._files)

    def __enter__(self) -> Beside:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._conn.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(10)


def _media_type(source: SourceFile) -> str:
    fmt = mediatypes.for_path(source.path.name)
    assert fmt is not None and isinstance(fmt.oxigraph, ox.RdfFormat)
    return fmt.oxigraph.media_type


def _child(conn: Connection, direct: list[tuple[str, str]]) -> None:
    """The spawned process: read the files, take the rest, validate, answer.

    Messages are raw bytes (no pickling): the N-Quads and N-Triples in, then ``ok``, ``1`` or
    ``0``, the violation count and the report as N-Triples out — or ``error`` and a reason.
    """
    from pathlib import Path

    try:
        data = ox.Store()
        for path, media_type in direct:
            data.bulk_load(
                path=path,
                format=ox.RdfFormat.from_media_type(media_type),
                base_iri=Path(path).resolve().as_uri(),
            )
        data.bulk_load(conn.recv_bytes(), format=ox.RdfFormat.N_QUADS)
        shapes = rdflib.Graph()
        shapes.parse(data=conn.recv_bytes().decode("utf-8"), format="nt")
        verdict = native_verdict(data, shapes)
        report = verdict.graph.serialize(format="nt", encoding="utf-8")
    except EOFError:
        return  # the parent stopped (a parse error): nothing to answer
    except Exception as exc:  # any failure is answered: the parent decides
        conn.send_bytes(b"error")
        conn.send_bytes(f"{exc.__class__.__name__}: {exc}".encode())
        return
    conn.send_bytes(b"ok")
    conn.send_bytes(b"1" if verdict.conforms else b"0")
    conn.send_bytes(str(verdict.violations).encode())
    conn.send_bytes(report)
