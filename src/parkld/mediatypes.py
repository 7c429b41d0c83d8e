"""The one media-type table: media type ↔ rdflib format ↔ Oxigraph format ↔ file extension.

Every place that negotiates, parses or serialises looks formats up here, so adding a format is
one row (and, for an app of one's own, :meth:`Table.extended`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

import pyoxigraph as ox

from parkld.namespaces import JSONLD as JSONLD_NS


class Kind(Enum):
    """What a format can carry."""

    GRAPH = "graph"  # triples
    DATASET = "dataset"  # quads (also carries triples)
    RESULTS = "results"  # SPARQL SELECT/ASK results
    PAGE = "page"  # HTML for people


@dataclass(frozen=True)
class Format:
    """One representation."""

    name: str  # short name, used by ``?format=``
    media_type: str
    kind: Kind
    extension: str  # without the dot
    aliases: tuple[str, ...] = ()  # other media types that mean the same
    rdflib: str | None = None
    oxigraph: ox.RdfFormat | ox.QueryResultsFormat | None = None
    charset: bool = True  # add "; charset=utf-8" to Content-Type
    #: A JSON-LD profile IRI (``…json-ld#expanded``): a variant of the same media type,
    #: chosen by the Accept header's ``profile`` parameter or by ``?format=<name>``.
    profile: str = ""

    @property
    def content_type(self) -> str:
        ct = f"{self.media_type}; charset=utf-8" if self.charset else self.media_type
        return f'{ct}; profile="{self.profile}"' if self.profile else ct


TURTLE = Format(
    "turtle",
    "text/turtle",
    Kind.GRAPH,
    "ttl",
    ("application/x-turtle",),
    "turtle",
    ox.RdfFormat.TURTLE,
)
NTRIPLES = Format(
    "ntriples",
    "application/n-triples",
    Kind.GRAPH,
    "nt",
    ("text/plain",),
    "nt",
    ox.RdfFormat.N_TRIPLES,
)
RDFXML = Format(
    "rdfxml",
    "application/rdf+xml",
    Kind.GRAPH,
    "rdf",
    ("application/xml",),
    "xml",
    ox.RdfFormat.RDF_XML,
)
#: JSON-LD compacted with parkld's context (linked/jsonld.py); the profile is implied.
JSONLD = Format(
    "jsonld", "application/ld+json", Kind.DATASET, "jsonld", (), "json-ld", ox.RdfFormat.JSON_LD
)
JSONLD_EXPANDED = Format(
    "jsonld-expanded",
    "application/ld+json",
    Kind.DATASET,
    "jsonld",
    (),
    "json-ld",
    ox.RdfFormat.JSON_LD,
    profile=JSONLD_NS + "expanded",
)
JSONLD_FLATTENED = Format(
    "jsonld-flattened",
    "application/ld+json",
    Kind.DATASET,
    "jsonld",
    (),
    "json-ld",
    ox.RdfFormat.JSON_LD,
    profile=JSONLD_NS + "flattened",
)
#: Plain JSON clients get the compacted JSON-LD document (its context is inline).
JSON = Format(
    "jsonld-json", "application/json", Kind.DATASET, "json", (), "json-ld", ox.RdfFormat.JSON_LD
)
TRIG = Format("trig", "application/trig", Kind.DATASET, "trig", (), "trig", ox.RdfFormat.TRIG)
NQUADS = Format(
    "nquads", "application/n-quads", Kind.DATASET, "nq", (), "nquads", ox.RdfFormat.N_QUADS
)
SPARQL_JSON = Format(
    "json",
    "application/sparql-results+json",
    Kind.RESULTS,
    "srj",
    ("application/json",),
    None,
    ox.QueryResultsFormat.JSON,
)
SPARQL_XML = Format(
    "xml",
    "application/sparql-results+xml",
    Kind.RESULTS,
    "srx",
    (),
    None,
    ox.QueryResultsFormat.XML,
)
SPARQL_CSV = Format("csv", "text/csv", Kind.RESULTS, "csv", (), None, ox.QueryResultsFormat.CSV)
SPARQL_TSV = Format(
    "tsv", "text/tab-separated-values", Kind.RESULTS, "tsv", (), None, ox.QueryResultsFormat.TSV
)
HTML = Format("html", "text/html", Kind.PAGE, "html", ("application/xhtml+xml",))
#: Plain text, for messages (error bodies): offered in negotiation, never a data format, so
#: not in ALL (its media type is already there, as an N-Triples alias).
TEXT = Format("text", "text/plain", Kind.PAGE, "txt")


@dataclass(frozen=True)
class Table:
    """The formats an app knows, by what each is for, with the lookups over them.

    :data:`TABLE` is the shipped one. :meth:`extended` makes a table with one more row without
    editing this module (``create_app(formats=...)`` serves it; docs/architecture.md's "a new
    format" recipe, followed in ``tests/test_format_recipe.py``).
    """

    #: Every format, in lookup order: an extension or media type names the first row that has
    #: it, so a profile variant or the JSON view never takes the place of JSON-LD or SPARQL JSON.
    all: tuple[Format, ...]
    #: For a graph (CONSTRUCT/DESCRIBE results), preferred first.
    graphs: tuple[Format, ...]
    #: For SELECT/ASK results, preferred first.
    results: tuple[Format, ...]
    #: What can be parsed as an input file.
    inputs: tuple[Format, ...]
    #: The representations of a resource, each with its extension URL (``/park/x.ttl``), in
    #: negotiation order: on a tie (``*/*``, no Accept) the first wins, so curl gets Turtle
    #: while browsers, which name text/html, get HTML.
    resources: tuple[Format, ...]
    #: What a resource's negotiation may answer besides: plain JSON (the compacted JSON-LD) and
    #: the JSON-LD profile variants, which have no file of their own (``?format=…``).
    resource_variants: tuple[Format, ...] = ()
    #: Friendly names people type in ``?format=``.
    nicknames: tuple[tuple[str, Format], ...] = ()
    _by_name: dict[str, Format] = field(init=False, repr=False, compare=False)
    _by_extension: dict[str, Format] = field(init=False, repr=False, compare=False)
    _by_media_type: dict[str, Format] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name = {f.name: f for f in self.all}
        by_name.update(self.nicknames)
        by_extension: dict[str, Format] = {}
        by_media_type: dict[str, Format] = {}
        for f in self.all:
            by_extension.setdefault(f.extension, f)
            for mt in (f.media_type, *f.aliases):
                by_media_type.setdefault(mt, f)
        object.__setattr__(self, "_by_name", by_name)
        object.__setattr__(self, "_by_extension", by_extension)
        object.__setattr__(self, "_by_media_type", by_media_type)

    def __hash__(self) -> int:
        return hash(self.all)

    @property
    def negotiable(self) -> tuple[Format, ...]:
        """Everything a resource's negotiation may answer."""
        return (*self.resources, *self.resource_variants)

    @property
    def media_types(self) -> tuple[str, ...]:
        """Every media type of the table, aliases included (what a response memo keys on)."""
        return tuple(dict.fromkeys(mt for f in self.all for mt in (f.media_type, *f.aliases)))

    def extended(
        self, fmt: Format, *, resource: bool = False, graph: bool = False, input: bool = False
    ) -> Table:
        """This table with *fmt* added: as a representation of resources (after the shipped
        ones), a CONSTRUCT/DESCRIBE result format, an input format, as asked."""
        if fmt.name in self._by_name or fmt.extension in self._by_extension:
            raise ValueError(f"the table has a format named {fmt.name!r} or .{fmt.extension}")
        return Table(
            (*self.all, fmt),
            (*self.graphs, fmt) if graph else self.graphs,
            self.results,
            (*self.inputs, fmt) if input else self.inputs,
            (*self.resources, fmt) if resource else self.resources,
            self.resource_variants,
            self.nicknames,
        )

    def by_name(self, name: str) -> Format | None:
        """The format a ``format=`` parameter names: a short name, an extension or a media type."""
        key = name.strip().lower()
        return self._by_name.get(key) or self._by_extension.get(key) or self._by_media_type.get(key)

    def by_extension(self, extension: str) -> Format | None:
        """The format of a file extension (with or without the dot)."""
        return self._by_extension.get(extension.lower().lstrip("."))

    def by_media_type(self, media_type: str) -> Format | None:
        """The format of a media type, ignoring parameters such as charset."""
        return self._by_media_type.get(media_type.split(";", 1)[0].strip().lower())

    def resource_extension(self, extension: str) -> Format | None:
        """The representation a resource URL's extension asks for (``x.ttl``), if any."""
        fmt = self._by_extension.get(extension)
        return fmt if fmt in self.resources else None

    def for_path(self, path: str) -> Format | None:
        """The input format of a file, from its extension (``.ttl``, ``.nt``, ``.trig``…)."""
        _, dot, ext = path.rpartition(".")
        if not dot:
            return None
        fmt = self.by_extension(ext)
        if fmt is None and ext.lower() in {"owl", "xml"}:
            return RDFXML
        return fmt if fmt in self.inputs else None


TABLE = Table(
    all=(
        TURTLE,
        NTRIPLES,
        RDFXML,
        JSONLD,
        TRIG,
        NQUADS,
        SPARQL_JSON,
        SPARQL_XML,
        SPARQL_CSV,
        SPARQL_TSV,
        HTML,
        JSONLD_EXPANDED,
        JSONLD_FLATTENED,
        JSON,
    ),
    graphs=(TURTLE, JSONLD, NTRIPLES, RDFXML, TRIG, NQUADS),
    results=(SPARQL_JSON, SPARQL_XML, SPARQL_CSV, SPARQL_TSV),
    inputs=(TURTLE, NTRIPLES, RDFXML, JSONLD, TRIG, NQUADS),
    resources=(TURTLE, HTML, JSONLD, RDFXML, NTRIPLES, TRIG, NQUADS),
    resource_variants=(JSON, JSONLD_EXPANDED, JSONLD_FLATTENED),
    nicknames=(
        ("ttl", TURTLE),
        ("nt", NTRIPLES),
        ("xml-rdf", RDFXML),
        ("rdf", RDFXML),
        ("json-ld", JSONLD),
        ("jsonld-compacted", JSONLD),
        ("nq", NQUADS),
        ("srj", SPARQL_JSON),
        ("srx", SPARQL_XML),
    ),
)

# The shipped table's rows and lookups, for code that serves no app of its own (CLI, build,
# query workers). Routes use their app's table (``web.state.get_formats``).
ALL = TABLE.all
GRAPH_FORMATS = TABLE.graphs
RESULT_FORMATS = TABLE.results
INPUT_FORMATS = TABLE.inputs
by_name = TABLE.by_name
by_extension = TABLE.by_extension
by_media_type = TABLE.by_media_type
for_path = TABLE.for_path


def variants(fmt: Format, formats: tuple[Format, ...]) -> list[Format]:
    """The profile variants of *fmt*'s media type among *formats*."""
    return [f for f in formats if f.profile and f.media_type == fmt.media_type]
