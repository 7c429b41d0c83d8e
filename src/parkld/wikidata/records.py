"""Wikidata park records, read from a Wikidata-shaped Turtle snapshot or SPARQL JSON results.

Both inputs become the same :class:`ParkRecord`, so ``parkld wikidata import`` treats a saved
snapshot and a live query alike.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from parkld import queries
from parkld.errors import DataError
from parkld.namespaces import RDFS_LABEL, WDT
from parkld.wikidata.terms import parse_point, qid_of

#: Label languages, in order of preference (the snapshot's own fallback order, then more).
LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl", "pl", "sv", "ca", "ja", "zh")

#: The live query behind the snapshot: parks of either class (or a subclass) with a coordinate.
PARKS_QUERY = queries.load("wikidata/parks")

_DECIMAL = re.compile(r"^[-+]?\d+(\.\d+)?$")


@dataclass
class ParkRecord:
    """What Wikidata says about one park item."""

    qid: str
    #: Labels by language tag.
    labels: dict[str, str] = field(default_factory=dict)
    #: Coordinates as decimal lexical forms (kept as written, so re-imports are byte-stable).
    lat: str | None = None
    lon: str | None = None
    country: str | None = None
    osm_relation: str | None = None

    def best_label(self) -> tuple[str, str] | None:
        """``(text, language)`` of the preferred label, or None when the item has none."""
        for lang in (*LANGUAGES, *sorted(self.labels)):
            if lang in self.labels:
                return self.labels[lang], lang
        return None


@dataclass
class Snapshot:
    """Park records plus the English labels of their countries."""

    parks: list[ParkRecord]
    country_labels: dict[str, str]


def _decimal(text: str) -> str:
    """A valid xsd:decimal lexical form for a WKT number (exponents are expanded)."""
    if _DECIMAL.match(text):
        return text
    return format(float(text), "f").rstrip("0").rstrip(".")


def _point(text: str) -> tuple[str, str] | None:
    """``(lat, lon)`` lexical forms from ``Point(lon lat)``."""
    if parse_point(text) is None:
        return None
    inner = text[text.index("(") + 1 : text.rindex(")")].split()
    return _decimal(inner[1]), _decimal(inner[0])


def _add(
    records: dict[str, ParkRecord],
    subject: str,
    predicate: str,
    obj: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple,
) -> None:
    qid = qid_of(subject)
    if qid is None:
        return
    if predicate == RDFS_LABEL.value and isinstance(obj, ox.Literal):
        records.setdefault(qid, ParkRecord(qid)).labels.setdefault(obj.language or "und", obj.value)
    elif predicate == WDT + "P625" and isinstance(obj, ox.Literal):
        point = _point(obj.value)
        rec = records.setdefault(qid, ParkRecord(qid))
        # Several coordinates: keep the smallest lexically, so the choice is stable.
        if point is not None and (rec.lat is None or point < (rec.lat, rec.lon or "")):
            rec.lat, rec.lon = point
    elif predicate == WDT + "P17" and isinstance(obj, ox.NamedNode):
        country = qid_of(obj.value)
        rec = records.setdefault(qid, ParkRecord(qid))
        if country is not None and (rec.country is None or country < rec.country):
            rec.country = country
    elif predicate == WDT + "P402" and isinstance(obj, ox.Literal) and obj.value.isdigit():
        records.setdefault(qid, ParkRecord(qid)).osm_relation = obj.value


def _split(records: dict[str, ParkRecord]) -> Snapshot:
    """Items with a coordinate are parks; the others (labels only) are their countries."""
    parks = [r for r in records.values() if r.lat is not None]
    park_ids = {r.qid for r in parks}
    countries = {
        r.qid: (r.best_label() or ("", ""))[0] for r in records.values() if r.qid not in park_ids
    }
    return Snapshot(sorted(parks, key=lambda r: int(r.qid[1:])), countries)


def read_turtle(path: Path) -> Snapshot:
    """Records from Wikidata-shaped Turtle (``wd:``/``wdt:`` triples, ``rdfs:label``)."""
    try:
        triples = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
        records: dict[str, ParkRecord] = {}
        for t in triples:
            if isinstance(t.subject, ox.NamedNode):
                _add(records, t.subject.value, t.predicate.value, t.object)
    except SyntaxError as exc:
        raise DataError(f"invalid Turtle: {exc.msg}", str(path), exc.lineno, exc.offset) from exc
    except OSError as exc:
        raise DataError(f"cannot read: {exc.strerror}", str(path)) from exc
    return _split(records)


def from_rows(rows: Iterable[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]]) -> Snapshot:
    """Records from the rows of :data:`PARKS_QUERY` (SPARQL JSON, live or saved)."""
    records: dict[str, ParkRecord] = {}
    country_labels: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        item = row.get("item")
        if not isinstance(item, ox.NamedNode) or qid_of(item.value) is None:
            continue
        for var, prop in (
            ("label", RDFS_LABEL.value),
            ("coord", WDT + "P625"),
            ("country", WDT + "P17"),
            ("osm", WDT + "P402"),
        ):
            value = row.get(var)
            if value is not None:
                _add(records, item.value, prop, value)
        country, clabel = row.get("country"), row.get("countryLabel")
        if isinstance(country, ox.NamedNode) and isinstance(clabel, ox.Literal):
            cqid = qid_of(country.value)
            if cqid:
                country_labels[cqid].add(clabel.value)
    snap = _split(records)
    snap.country_labels = {q: min(labels) for q, labels in country_labels.items()}
    return snap


def read_json(path: Path) -> Snapshot:
    """Records from a saved SPARQL JSON answer to :data:`PARKS_QUERY`."""
    try:
        solutions = ox.parse_query_results(path=str(path), format=ox.QueryResultsFormat.JSON)
    except (SyntaxError, ValueError) as exc:
        raise DataError(f"invalid SPARQL JSON results: {exc}", str(path)) from exc
    except OSError as exc:
        raise DataError(f"cannot read: {exc.strerror}", str(path)) from exc
    if not isinstance(solutions, ox.QuerySolutions):
        raise DataError("SPARQL JSON holds a boolean, not SELECT results", str(path))
    names = [v.value for v in solutions.variables]
    rows = []
    for s in solutions:
        row = {}
        for n in names:
            value = s[n]
            if value is not None and not isinstance(value, ox.Triple):
                row[n] = value
        rows.append(row)
    return from_rows(rows)


def read(path: Path) -> Snapshot:
    """A snapshot from a ``.ttl`` file, a ``.json``/``.srj`` file, or a directory holding one."""
    if path.is_dir():
        found = sorted(path.glob("*.ttl")) or sorted(path.glob("*.srj")) + sorted(
            path.glob("*.json")
        )
        if len(found) != 1:
            raise DataError("expected exactly one .ttl (or .json) snapshot file", str(path))
        path = found[0]
    if path.suffix in {".json", ".srj"}:
        return read_json(path)
    if path.suffix == ".ttl":
        return read_turtle(path)
    raise DataError("unknown snapshot type (expected .ttl, .json or .srj)", str(path))
