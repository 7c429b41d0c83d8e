"""Namespaces, QIDs and WDQS points.

Values never reach a query as raw user text: a QID must match :data:`QID_RE` before it becomes
an IRI, and terms enter a query only through the store's VALUES writer
(:func:`parkld.store.querytext.with_values`), which serialises them with Oxigraph.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from parkld.namespaces import WD

# Re-exported for wikidata/importer.py, which imports it from here.
from parkld.namespaces import WGS84 as WGS84

#: parkld's own terms for Wikidata reports (links, diffs): not part of the served ontology.
PWD = "https://w3id.org/parkld/wikidata#"  # noqa: S105 - a namespace, not a password

#: Wikidata's science park and technology park classes (their subclasses are reached by P279*).
PARK_CLASSES = ("Q1976594", "Q1281153")

QID_RE = re.compile(r"^Q[1-9][0-9]{0,11}$")
_POINT_RE = re.compile(
    r"^\s*(?:<[^>]*>\s*)?Point\(\s*([-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s+"
    r"([-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*\)\s*$",
    re.IGNORECASE,
)


def is_qid(text: str) -> bool:
    """True for a well-formed Wikidata item id such as ``Q1359930``."""
    return bool(QID_RE.match(text))


def qid_of(iri: str) -> str | None:
    """The QID of a ``http://www.wikidata.org/entity/Q…`` IRI, or None for anything else."""
    if not iri.startswith(WD):
        return None
    tail = iri[len(WD) :]
    return tail if is_qid(tail) else None


def item(qid: str) -> ox.NamedNode:
    """The entity IRI of a QID; ValueError for anything that is not a QID."""
    if not is_qid(qid):
        raise ValueError(f"not a Wikidata item id: {qid!r}")
    return ox.NamedNode(WD + qid)


def parse_point(wkt: str) -> tuple[float, float] | None:
    """``(lat, lon)`` from WDQS's ``Point(lon lat)`` (longitude first!), or None."""
    match = _POINT_RE.match(wkt)
    if not match:
        return None
    lon, lat = float(match.group(1)), float(match.group(2))
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None
    return lat, lon
