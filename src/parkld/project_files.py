"""Where the project's own RDF lives, whether run from a clone or from an installed wheel."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

DEFAULT_BASE = "https://w3id.org/parkld/"
#: Characters kept as they are in a graph name made from a file name (RFC 3987 unreserved and
#: sub-delims); anything else (a space, "<", non-ASCII) is percent-encoded as UTF-8.
_IRI_SAFE = "-._~!$&'()*+,;=@"

_PACKAGED = Path(__file__).parent / "_resources"
_CLONE = Path(__file__).resolve().parents[2]


def root() -> Path:
    """The directory holding ``ontology/``, ``shapes/``, ``data/`` and ``queries/examples/``."""
    return _PACKAGED if _PACKAGED.is_dir() else _CLONE


def ontology_dir() -> Path:
    return root() / "ontology"


def shapes_dir() -> Path:
    return root() / "shapes"


def data_dir() -> Path:
    return root() / "data"


def examples_dir() -> Path:
    return root() / "queries" / "examples"


def ontology_graph(base: str = DEFAULT_BASE) -> str:
    """Named graph holding the ontology (and its SKOS concept schemes)."""
    return base + "ontology"


def shapes_graph(base: str = DEFAULT_BASE) -> str:
    """Named graph holding the SHACL shapes."""
    return base + "shapes"


def source_graph(stem: str, base: str = DEFAULT_BASE) -> str:
    """Named graph of the statements taken from one source document (``data/<stem>.ttl``).

    The stem is percent-encoded where an IRI may not hold it as is ("my park" → "my%20park").
    """
    return f"{base}graph/{quote(stem, safe=_IRI_SAFE)}"


# The vocabulary (ontology, shapes, SKOS schemes) keeps its identity on every deployment, the
# way schema.org terms do; only the data's entity IRIs move to a deployment's own base.
_FIXED = tuple(DEFAULT_BASE + p for p in ("ontology", "shapes", "vocab/"))


def rebase(term: ox.NamedNode, base: str) -> ox.NamedNode:
    """Move an entity IRI from the default base to *base* (a deployment on another domain)."""
    value = term.value
    if value.startswith(DEFAULT_BASE) and not value.startswith(_FIXED):
        return ox.NamedNode(base + value[len(DEFAULT_BASE) :])
    return term
