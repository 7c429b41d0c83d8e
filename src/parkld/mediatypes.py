"""The one media-type table: media type ↔ rdflib format ↔ Oxigraph format ↔ file extension.

Every place that negotiates, parses or serialises looks formats up here, so adding a format is
one row.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import pyoxigraph as ox


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
JSONLD_NS = "http://www.w3.org/ns/json-ld#"
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

ALL: tuple[Format, ...] = (
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
)

#: Formats for a graph (CONSTRUCT/DESCRIBE, resource descriptions), preferred first.
GRAPH_FORMATS: tuple[Format, ...] = (TURTLE, JSONLD, NTRIPLES, RDFXML, TRIG, NQUADS)
#: Formats for SELECT/ASK results, preferred first.
RESULT_FORMATS: tuple[Format, ...] = (SPARQL_JSON, SPARQL_XML, SPARQL_CSV, SPARQL_TSV)
#: Formats that can be parsed as input files.
INPUT_FORMATS: tuple[Format, ...] = (TURTLE, NTRIPLES, RDFXML, JSONLD, TRIG, NQUADS)

_BY_NAME = {f.name: f for f in ALL}
# Extensions and media types name the first format that has them: a profile variant or the
# JSON view never takes the place of JSON-LD or SPARQL JSON results.
_BY_EXTENSION: dict[str, Format] = {}
_BY_MEDIA_TYPE: dict[str, Format] = {}
for _f in ALL:
    _BY_EXTENSION.setdefault(_f.extension, _f)
    for _mt in (_f.media_type, *_f.aliases):
        _BY_MEDIA_TYPE.setdefault(_mt, _f)
# Friendly names people type in ?format=
_BY_NAME.update(
    {
        "ttl": TURTLE,
        "nt": NTRIPLES,
        "xml-rdf": RDFXML,
        "rdf": RDFXML,
        "json-ld": JSONLD,
        "jsonld-compacted": JSONLD,
        "nq": NQUADS,
        "srj": SPARQL_JSON,
        "srx": SPARQL_XML,
    }
)


def by_name(name: str) -> Format | None:
    """The format a ``format=`` parameter names: a short name, an extension or a media type."""
    key = name.strip().lower()
    return _BY_NAME.get(key) or _BY_EXTENSION.get(key) or _BY_MEDIA_TYPE.get(key)


def variants(fmt: Format, formats: tuple[Format, ...]) -> list[Format]:
    """The profile variants of *fmt*'s media type among *formats*."""
    return [f for f in formats if f.profile and f.media_type == fmt.media_type]


def by_extension(extension: str) -> Format | None:
    """The format of a file extension (with or without the dot)."""
    return _BY_EXTENSION.get(extension.lower().lstrip("."))


def by_media_type(media_type: str) -> Format | None:
    """The format of a media type, ignoring parameters such as charset."""
    return _BY_MEDIA_TYPE.get(media_type.split(";", 1)[0].strip().lower())


def for_path(path: str) -> Format | None:
    """The input format of a file, from its extension (``.ttl``, ``.nt``, ``.trig``…)."""
    _, dot, ext = path.rpartition(".")
    if not dot:
        return None
    fmt = by_extension(ext)
    if fmt is None and ext.lower() in {"owl", "xml"}:
        return RDFXML
    return fmt if fmt in INPUT_FORMATS else None
