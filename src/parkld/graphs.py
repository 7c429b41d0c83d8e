"""Reading the project's RDF files into named graphs.

Convention (see ``data/README.md``): each ``data/<slug>.ttl`` holds the statements of one
source document and becomes the named graph ``<base>graph/<slug>``; ``ontology/*.ttl`` become
``<base>ontology`` and ``shapes/*.ttl`` ``<base>shapes``. TriG and N-Quads files keep the
graphs they name. Parsing uses Oxigraph's parsers: fast, and their errors carry line and
column, which we pass on to the curator.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from parkld import mediatypes, project_files
from parkld.errors import DataError

Role = str  # "ontology" | "shapes" | "data" | "claims" (a claim table, compiled on loading)


@dataclass(frozen=True)
class SourceFile:
    """One RDF file and the named graph it is loaded into."""

    path: Path
    graph: str
    role: Role


@dataclass
class LoadedFile:
    """A parsed file: its quads, all in their target graph."""

    source: SourceFile
    quads: list[ox.Quad]
    prefixes: dict[str, str] = field(default_factory=dict)  # as declared in the file


def _rdf_files(directory: Path) -> list[Path]:
    if directory.is_file():
        return [directory]
    if not directory.is_dir():
        return []
    return sorted(
        p
        for p in directory.rglob("*")
        if p.is_file() and (mediatypes.for_path(p.name) is not None or _is_claim_table(p))
    )


def _is_claim_table(path: Path) -> bool:
    """Claim tables are the ``*.csv`` files among the data (``data/claims/*.csv``)."""
    return path.suffix.lower() == ".csv"


def _data_source(path: Path, base: str) -> SourceFile:
    if _is_claim_table(path):
        # Not a graph: a claim table fills the graphs of the sources its rows cite. The key
        # only identifies the table (a PATH of the same name replaces it, see ``validate``).
        return SourceFile(path, f"{base}claims/{path.stem}", "claims")
    return SourceFile(path, project_files.source_graph(path.stem, base), "data")


def discover(
    paths: Sequence[Path] = (), *, base: str = project_files.DEFAULT_BASE, with_project: bool = True
) -> list[SourceFile]:
    """The files to load: the project's own (unless ``with_project`` is False) plus *paths*.

    A directory in *paths* is searched like ``data/``; a file named ``*.ttl`` under a folder
    called ``ontology`` or ``shapes`` takes that role.
    """
    found: list[SourceFile] = []
    if with_project:
        found += [
            SourceFile(p, project_files.ontology_graph(base), "ontology")
            for p in _rdf_files(project_files.ontology_dir())
        ]
        found += [
            SourceFile(p, project_files.shapes_graph(base), "shapes")
            for p in _rdf_files(project_files.shapes_dir())
        ]
        found += [_data_source(p, base) for p in _rdf_files(project_files.data_dir())]
    for given in paths:
        if not given.exists():
            raise DataError("no such file or directory", str(given))
        for p in _rdf_files(given):
            parent = p.parent.name
            if parent == "ontology":
                found.append(SourceFile(p, project_files.ontology_graph(base), "ontology"))
            elif parent == "shapes":
                found.append(SourceFile(p, project_files.shapes_graph(base), "shapes"))
            else:
                found.append(_data_source(p, base))
    seen: set[Path] = set()
    unique = []
    for f in found:
        key = f.path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def _rebase_any(
    term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, base: str
) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple:
    return project_files.rebase(term, base) if isinstance(term, ox.NamedNode) else term


def parse_file(source: SourceFile, base: str = project_files.DEFAULT_BASE) -> LoadedFile:
    """Parse one file; raise DataError naming file, line and column on bad syntax."""
    fmt = mediatypes.for_path(source.path.name)
    if fmt is None or not isinstance(fmt.oxigraph, ox.RdfFormat):
        raise DataError("unknown RDF file type", str(source.path))
    graph = ox.NamedNode(source.graph)
    try:
        data = source.path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read: {exc.strerror}", str(source.path)) from exc
    try:
        parsed = ox.parse(
            data,
            format=fmt.oxigraph,
            base_iri=source.path.resolve().as_uri(),
            without_named_graphs=fmt.kind is not mediatypes.Kind.DATASET,
        )
        quads = []
        prefixes: dict[str, str] = {}
        for q in parsed:
            g = q.graph_name if not isinstance(q.graph_name, ox.DefaultGraph) else graph
            quads.append(q if g is q.graph_name else ox.Quad(q.subject, q.predicate, q.object, g))
        prefixes = dict(getattr(parsed, "prefixes", None) or {})
    except SyntaxError as exc:
        line, column = _position(exc)
        raise DataError(_syntax_message(exc), str(source.path), line, column) from exc
    except UnicodeDecodeError as exc:
        raise DataError("not valid UTF-8", str(source.path)) from exc
    if base != project_files.DEFAULT_BASE:
        quads = [
            ox.Quad(
                _rebase_any(q.subject, base),  # type: ignore[arg-type]
                _rebase_any(q.predicate, base),  # type: ignore[arg-type]
                _rebase_any(q.object, base),
                _rebase_any(q.graph_name, base),  # type: ignore[arg-type]
            )
            for q in quads
        ]
    return LoadedFile(source, quads, prefixes)


def _position(exc: SyntaxError) -> tuple[int | None, int | None]:
    return exc.lineno, exc.offset


def _syntax_message(exc: SyntaxError) -> str:
    text = exc.msg if isinstance(exc.msg, str) else str(exc)
    # Oxigraph prefixes "Parser error between line L column C and …": the position is already
    # in our "file:line:col:" prefix, keep the rest.
    if text.startswith("Parser error") and ": " in text:
        text = text.split(": ", 1)[1]
    return f"invalid RDF: {text}"


def load_all(
    sources: Iterable[SourceFile],
    base: str = project_files.DEFAULT_BASE,
    today: datetime.date | None = None,
) -> list[LoadedFile]:
    """Parse every file; the first syntax error stops with a DataError.

    Claim tables are compiled after the RDF files, against what those hold (their rows refer
    to its parks by slug): one loaded "file" per source graph the rows fill. A problem in a
    row raises :class:`parkld.claims.ClaimTableInvalid` naming every bad row.
    """
    sources = list(sources)
    loaded = [parse_file(s, base) for s in sources if s.role != "claims"]
    tables = [s.path for s in sources if s.role == "claims"]
    if not tables:
        return loaded
    from parkld import claims

    known = claims.known_from(
        (
            (_display(f.source.path), f.source.graph, f.quads)
            for f in loaded
            if f.source.role == "data"
        ),
        base,
    )
    compiled = claims.compile_tables(tables, known, today=today, base=base)
    for graph, quads in compiled.graphs.items():
        first = Path(compiled.files.get(graph, [str(tables[0])])[0])
        loaded.append(LoadedFile(SourceFile(first, graph, "data"), quads))
    return loaded


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def content_digest(path: Path) -> bytes:
    """The SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).digest()


def fingerprint(
    sources: Sequence[SourceFile], *extra: str, digest_of: Callable[[Path], bytes] = content_digest
) -> str:
    """A hash of the inputs (paths, graphs, contents, settings): unchanged inputs → same store."""
    digest = hashlib.sha256()
    for s in sources:
        digest.update(f"{s.role}\0{s.graph}\0{s.path.name}\0".encode())
        digest.update(digest_of(s.path))
    for value in extra:
        digest.update(value.encode() + b"\0")
    return digest.hexdigest()[:20]


def iter_quads(
    files: Iterable[LoadedFile], roles: Iterable[Role] | None = None
) -> Iterator[ox.Quad]:
    """All quads of the files with one of *roles* (all when None)."""
    wanted = set(roles) if roles is not None else None
    for f in files:
        if wanted is None or f.source.role in wanted:
            yield from f.quads
