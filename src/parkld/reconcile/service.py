"""Reconciliation (W3C Reconciliation Service API 0.2): manifest, query batches, suggest,
preview data and data extension over parkld's label index and store.

Identifiers are IRIs relative to the base (``park/sophia-antipolis``; the manifest's
``identifierSpace`` is the base), types and properties short names (``Park``, ``country``).
Names are scored by :mod:`parkld.reconcile.scoring`; country and city values (a name, or a
reconciled ``{"id": …}``) and coordinates (``"lat,long"``) refine the score. Facts come from
``reconcile/facts.rq`` with the candidates bound as values; nothing from the request is ever
written into query text.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from parkld import __version__, project_files, queries
from parkld.errors import BadRequest
from parkld.linked.index import Index, normalise
from parkld.linked.search import search
from parkld.namespaces import WGS84
from parkld.reconcile.scoring import MIN_SCORE, distance_km, similarity
from parkld.store import Store

#: Reconciliation types (id → ontology class local name); each includes its subclasses.
TYPES: dict[str, str] = {
    "Park": "Park",
    "Alliance": "Alliance",
    "Agreement": "Agreement",
    "Place": "Place",
    "Organisation": "Organisation",
}
#: Properties a query may compare and data extension may fetch (id → name).
PROPERTIES: dict[str, str] = {
    "country": "country",
    "city": "city",
    "coordinates": "coordinates (lat,long)",
    "parkKind": "kind of park",
    "wikidata": "Wikidata item",
}
MAX_QUERIES = 100
MAX_LIMIT = 100
DEFAULT_LIMIT = 5
MAX_TEXT = 200
#: Coordinates this close (km) match fully; up to FAR they match in part.
NEAR_KM, FAR_KM = 10.0, 50.0


@dataclass
class Facts:
    """What reconciliation compares for each candidate: property id → values."""

    values: dict[str, dict[str, list[ox.NamedNode | ox.Literal]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )

    def of(self, iri: str, pid: str) -> list[ox.NamedNode | ox.Literal]:
        return self.values.get(iri, {}).get(pid, [])

    def coordinates(self, iri: str) -> tuple[float, float] | None:
        lat, long = self.of(iri, "lat"), self.of(iri, "long")
        try:
            return (float(lat[0].value), float(long[0].value)) if lat and long else None
        except ValueError:
            return None


@dataclass(frozen=True)
class Catalogue:
    """The index plus what reconciliation adds: each entity's reconciliation types."""

    index: Index
    types: dict[str, frozenset[str]]  # iri -> reconciliation type ids


def catalogue(store: Store, index: Index) -> Catalogue:
    """Give every entity its reconciliation types (its classes and their superclasses)."""
    pld = index.base + "ontology#"
    graph = ox.NamedNode(project_files.ontology_graph(index.base))
    parents: dict[str, set[str]] = defaultdict(set)
    for row in store.select(queries.load("reconcile/subclasses"), {"g": graph}).rows:
        parents[row["sub"].value].add(row["super"].value)

    def ancestors(cls: str) -> set[str]:
        seen, todo = {cls}, [cls]
        while todo:
            for parent in parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    wanted = {pld + local: tid for tid, local in TYPES.items()}
    closure: dict[str, frozenset[str]] = {}
    found: dict[str, frozenset[str]] = {}
    for iri, classes in index.types.items():
        if not iri.startswith(index.base):
            continue
        tids: set[str] = set()
        for cls in classes:
            if cls not in closure:
                closure[cls] = frozenset(wanted[c] for c in ancestors(cls) if c in wanted)
            tids |= closure[cls]
        if tids:
            found[iri] = frozenset(tids)
    return Catalogue(index, found)


def facts(store: Store, base: str, iris: Iterable[str]) -> Facts:
    """Country, city, coordinates, park kind and Wikidata link of *iris*."""
    names = {
        base + "ontology#country": "country",
        base + "ontology#city": "city",
        WGS84 + "lat": "lat",
        WGS84 + "long": "long",
        base + "ontology#parkKind": "parkKind",
        base + "ontology#wikidata": "wikidata",
    }
    found = Facts()
    rows = store.select_each(
        queries.load("reconcile/facts"), "s", [ox.NamedNode(i) for i in iris]
    ).rows
    for row in rows:
        pid = names.get(row["p"].value)
        obj = row["o"]
        if pid is not None and isinstance(obj, ox.NamedNode | ox.Literal):
            found.values[row["s"].value][pid].append(obj)
    return found


# --- identifiers ---------------------------------------------------------------------------


def entity_id(iri: str, base: str) -> str:
    """The reconciliation id of an entity: its IRI relative to the base."""
    return iri[len(base) :] if iri.startswith(base) else iri


def entity_iri(ident: str, base: str) -> str:
    """The IRI an id names (full IRIs are accepted too)."""
    return ident if ident.startswith(("http://", "https://")) else base + ident


def type_id(value: str, base: str) -> str:
    """A type as a query names it: ``Park``, ``pld:Park`` or the class IRI."""
    for prefix in (base + "ontology#", "pld:"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    if value not in TYPES:
        raise BadRequest(f"unknown type {value!r}; types are {', '.join(TYPES)}")
    return value


# --- manifest ------------------------------------------------------------------------------


def manifest(base: str, service_url: str) -> dict[str, Any]:
    """The service manifest; *service_url* is where this server answers (no trailing /)."""

    def service(path: str) -> dict[str, str]:
        return {"service_url": service_url, "service_path": path}

    return {
        "versions": ["0.2"],
        "name": "parkld: technology parks, alliances and agreements",
        "identifierSpace": base,
        "schemaSpace": base + "ontology#",
        "documentation": service_url + "/reconcile/docs",
        "serviceVersion": __version__,
        "defaultTypes": [{"id": t, "name": t} for t in TYPES],
        "view": {"url": service_url + "/{{id}}"},
        "feature_view": {"url": service_url + "/reconcile/docs#{{id}}"},
        "preview": {
            "url": service_url + "/reconcile/preview?id={{id}}",
            "width": 420,
            "height": 140,
        },
        "suggest": {
            "entity": service("/reconcile/suggest/entity"),
            "type": service("/reconcile/suggest/type"),
            "property": service("/reconcile/suggest/property"),
        },
        "extend": {
            "propose_properties": service("/reconcile/propose_properties"),
            "property_settings": [],
        },
    }


# --- queries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """One parsed reconciliation query."""

    text: str
    types: tuple[str, ...]
    limit: int
    properties: tuple[tuple[str, tuple[Any, ...]], ...]


def parse_batch(raw: str, base: str) -> dict[str, Query]:
    """A ``queries`` parameter, checked: a JSON object of at most MAX_QUERIES queries."""
    try:
        batch = json.loads(raw)
    except ValueError as exc:
        raise BadRequest(f"queries is not JSON: {exc}") from None
    if not isinstance(batch, dict) or not batch:
        raise BadRequest("queries must be a JSON object of queries, keyed by query id")
    if len(batch) > MAX_QUERIES:
        raise BadRequest(f"at most {MAX_QUERIES} queries in one batch")
    return {str(key): _query(key, q, base) for key, q in batch.items()}


def _query(key: str, q: Any, base: str) -> Query:
    if not isinstance(q, dict) or not isinstance(q.get("query"), str) or not q["query"].strip():
        raise BadRequest(f"query {key!r} needs a non-empty string 'query'")
    if len(q["query"]) > MAX_TEXT:
        raise BadRequest(f"query {key!r}: 'query' is longer than {MAX_TEXT} characters")
    raw_types = q.get("type", [])
    if isinstance(raw_types, str):
        raw_types = [raw_types]
    if not isinstance(raw_types, list) or not all(isinstance(t, str) for t in raw_types):
        raise BadRequest(f"query {key!r}: 'type' must be a string or a list of strings")
    limit = q.get("limit", DEFAULT_LIMIT)
    if isinstance(limit, bool) or not isinstance(limit, int | float) or limit < 1:
        raise BadRequest(f"query {key!r}: 'limit' must be a positive number")
    props: list[tuple[str, tuple[Any, ...]]] = []
    raw_props = q.get("properties", [])
    if not isinstance(raw_props, list):
        raise BadRequest(f"query {key!r}: 'properties' must be a list")
    for p in raw_props:
        if not isinstance(p, dict) or not isinstance(p.get("pid"), str) or "v" not in p:
            raise BadRequest(f"query {key!r}: each property needs 'pid' and 'v'")
        if p["pid"] not in PROPERTIES:
            raise BadRequest(
                f"query {key!r}: unknown property {p['pid']!r}; properties are "
                + ", ".join(PROPERTIES)
            )
        values = p["v"] if isinstance(p["v"], list) else [p["v"]]
        props.append((p["pid"], tuple(values)))
    return Query(
        q["query"],
        tuple(type_id(t, base) for t in raw_types),
        min(int(limit), MAX_LIMIT),
        tuple(props),
    )


def reconcile(store: Store, cat: Catalogue, batch: Mapping[str, Query]) -> dict[str, Any]:
    """Answer a batch: for each query id, its candidates best first."""
    base = cat.index.base
    scored = {key: _candidates(cat, q) for key, q in batch.items()}
    needs_facts = {
        iri for key, q in batch.items() if q.properties for iri, _ in scored[key][: q.limit * 4]
    }
    known = facts(store, base, sorted(needs_facts)) if needs_facts else Facts()
    answer: dict[str, Any] = {}
    for key, q in batch.items():
        ranked = []
        for iri, name_score in scored[key][: q.limit * 4 if q.properties else q.limit]:
            prop_scores = [
                _property_score(cat.index, known, iri, pid, vs) for pid, vs in q.properties
            ]
            score = (
                name_score
                if not prop_scores
                else (0.75 * name_score + 0.25 * sum(prop_scores) / len(prop_scores))
            )
            ranked.append((score, name_score, prop_scores, iri))
        ranked.sort(key=lambda r: (-r[0], r[3]))
        ranked = ranked[: q.limit]
        results = []
        for n, (score, name_score, prop_scores, iri) in enumerate(ranked):
            unique = n == 0 and (len(ranked) == 1 or ranked[1][1] < 1.0)
            match = name_score == 1.0 and unique and all(s == 1.0 for s in prop_scores)
            results.append(
                {
                    "id": entity_id(iri, base),
                    "name": cat.index.label(iri),
                    "score": round(100 * score, 1),
                    "match": match,
                    "type": [{"id": t, "name": t} for t in sorted(cat.types.get(iri, ()))],
                    "features": [{"id": "name", "value": round(name_score, 3)}]
                    + [
                        {"id": pid, "value": round(s, 3)}
                        for (pid, _), s in zip(q.properties, prop_scores, strict=True)
                    ],
                }
            )
        answer[key] = {"result": results}
    return answer


def _candidates(cat: Catalogue, q: Query) -> list[tuple[str, float]]:
    """(iri, best name score) of entities of the query's types, best first."""
    wanted = normalise(q.text)
    best: dict[str, float] = {}
    types = set(q.types)
    for norm, iri, _name in cat.index.search_entries:
        tids = cat.types.get(iri)
        if tids is None or (types and not tids & types):
            continue
        score = similarity(wanted, norm)
        if score >= MIN_SCORE and score > best.get(iri, 0.0):
            best[iri] = score
    return sorted(best.items(), key=lambda item: (-item[1], item[0]))


def _property_score(
    index: Index, known: Facts, iri: str, pid: str, values: tuple[Any, ...]
) -> float:
    """1 when a given value matches the candidate's, partly for near names or places."""
    best = 0.0
    for v in values:
        if pid == "coordinates":
            here = known.coordinates(iri)
            there = _point(v)
            if here and there:
                km = distance_km(here, there)
                best = max(best, 1.0 if km <= NEAR_KM else 0.5 if km <= FAR_KM else 0.0)
            continue
        have = known.of(iri, pid)
        if isinstance(v, dict) and isinstance(v.get("id"), str):
            target = entity_iri(v["id"], index.base)
            best = max(best, 1.0 if any(h.value == target for h in have) else 0.0)
            continue
        text = normalise(str(v))
        for h in have:
            names = (
                [normalise(n.text) for n in index.names.get(h.value, ())]
                if isinstance(h, ox.NamedNode)
                else [normalise(h.value)]
            )
            names.append(normalise(h.value.rsplit("/", 1)[-1]))
            best = max(best, *(similarity(text, n) for n in names))
    return best


def _point(value: Any) -> tuple[float, float] | None:
    try:
        lat, long = (float(x) for x in str(value).split(","))
    except ValueError:
        return None
    return (lat, long) if -90 <= lat <= 90 and -180 <= long <= 180 else None


# --- suggest, preview, extend --------------------------------------------------------------


def suggest_entities(
    cat: Catalogue, prefix: str, types: tuple[str, ...] = (), limit: int = 10
) -> dict[str, Any]:
    """Entities with a name containing every word typed so far (the site's label search,
    same folding and order), of *types* if given."""
    wanted = set(types)
    found = [
        (h.iri, 0.0)
        for h in search(cat.index, prefix[:MAX_TEXT], limit=10 * limit).hits
        if h.iri in cat.types and (not wanted or cat.types[h.iri] & wanted)
    ][:limit]
    return {
        "result": [
            {
                "id": entity_id(iri, cat.index.base),
                "name": cat.index.label(iri),
                "description": ", ".join(sorted(cat.types.get(iri, ()))),
                "notable": [{"id": t, "name": t} for t in sorted(cat.types.get(iri, ()))],
            }
            for iri, _ in found
        ]
    }


def suggest_types(prefix: str) -> dict[str, Any]:
    """The reconciliation types whose names start with (or contain) *prefix*."""
    p = normalise(prefix)
    return {"result": [{"id": t, "name": t} for t in TYPES if p in normalise(t)]}


def suggest_properties(prefix: str) -> dict[str, Any]:
    """The properties whose id or name contains *prefix*."""
    p = normalise(prefix)
    return {
        "result": [
            {"id": pid, "name": name}
            for pid, name in PROPERTIES.items()
            if p in normalise(pid) or p in normalise(name)
        ]
    }


def propose_properties(type_name: str, base: str, limit: int = 10) -> dict[str, Any]:
    """What data extension can add to entities of *type_name*."""
    tid = type_id(type_name, base) if type_name else "Park"
    props = [{"id": pid, "name": name} for pid, name in PROPERTIES.items()]
    if tid != "Park":
        props = [p for p in props if p["id"] != "parkKind"]
    return {"type": tid, "properties": props[:limit], "limit": limit}


def preview(store: Store, cat: Catalogue, ident: str) -> dict[str, Any] | None:
    """What the preview card shows: name, types, country and city names, IRI."""
    base = cat.index.base
    iri = entity_iri(ident, base)
    if iri not in cat.types:
        return None
    known = facts(store, base, [iri])
    return {
        "iri": iri,
        "id": entity_id(iri, base),
        "name": cat.index.label(iri),
        "types": sorted(cat.types[iri]),
        "country": [cat.index.label(v.value) for v in known.of(iri, "country")],
        "city": [cat.index.label(v.value) for v in known.of(iri, "city")],
    }


def parse_extend(raw: str, base: str) -> tuple[list[str], list[str]]:
    """An ``extend`` parameter: (entity ids, property ids)."""
    try:
        ext = json.loads(raw)
    except ValueError as exc:
        raise BadRequest(f"extend is not JSON: {exc}") from None
    if (
        not isinstance(ext, dict)
        or not isinstance(ext.get("ids"), list)
        or not isinstance(ext.get("properties"), list)
    ):
        raise BadRequest("extend needs 'ids' (a list) and 'properties' (a list)")
    ids = ext["ids"]
    if not all(isinstance(i, str) for i in ids) or len(ids) > 1000:
        raise BadRequest("extend 'ids' must be at most 1000 strings")
    pids = []
    for p in ext["properties"]:
        pid = p.get("id") if isinstance(p, dict) else None
        if pid not in PROPERTIES:
            raise BadRequest(
                f"extend: unknown property {pid!r}; properties are " + ", ".join(PROPERTIES)
            )
        pids.append(pid)
    return ids, pids


def extend(store: Store, cat: Catalogue, ids: list[str], pids: list[str]) -> dict[str, Any]:
    """Data extension: each entity's values of each property."""
    base = cat.index.base
    iris = {i: entity_iri(i, base) for i in ids}
    known = facts(store, base, sorted(set(iris.values())))
    rows: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for ident, iri in iris.items():
        row: dict[str, list[dict[str, Any]]] = {}
        for pid in pids:
            if pid == "coordinates":
                point = known.coordinates(iri)
                row[pid] = [{"str": f"{point[0]},{point[1]}"}] if point else []
            elif pid == "wikidata":
                row[pid] = [{"str": v.value.rsplit("/", 1)[-1]} for v in known.of(iri, pid)]
            else:
                row[pid] = [
                    {"id": entity_id(v.value, base), "name": cat.index.label(v.value)}
                    for v in known.of(iri, pid)
                ]
        rows[ident] = row
    meta: list[dict[str, Any]] = []
    for pid in pids:
        item: dict[str, Any] = {"id": pid, "name": PROPERTIES[pid]}
        if pid in ("country", "city"):
            item["type"] = {"id": "Place", "name": "Place"}
        meta.append(item)
    return {"meta": meta, "rows": rows}
