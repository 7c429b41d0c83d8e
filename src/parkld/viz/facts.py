"""The facts the pictures draw, read from the store by the ``viz-*.rq`` queries.

Sources may give a park several labels or an agreement several dates, so the queries return one
row per combination and this module folds them into one record per resource, choosing values
deterministically (an English label first, then the alphabetically first) so that pictures and
downloads do not change from one request to the next.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypedDict

import pyoxigraph as ox

from parkld.asof import rows as asof_rows
from parkld.queries import load
from parkld.store import Store, Term


@dataclass
class Park:
    """A park as the map and the network show it."""

    iri: str
    label: str
    kind: str = ""
    kind_label: str = ""
    country: str = ""
    country_label: str = ""
    lat: float | None = None
    long: float | None = None

    @property
    def has_coordinates(self) -> bool:
        return self.lat is not None and self.long is not None


@dataclass
class Dated:
    """What every dated fact carries: when it is known to hold from, what the sources say."""

    iri: str
    label: str
    start: dt.date | None = None  # first day known to hold (the asOf criterion)
    on: dt.date | None = None  # the exact day a source gives
    in_year: int | None = None  # the year a source gives when it gives no day
    end: dt.date | None = None

    @property
    def precision(self) -> str:
        """``day``, ``year``, ``by`` (held by ``start``, e.g. a source date) or ``none``."""
        if self.on is not None:
            return "day"
        if self.in_year is not None:
            return "year"
        return "by" if self.start is not None else "none"


@dataclass
class Agreement(Dated):
    """An agreement and its parties."""

    kind: str = ""
    kind_label: str = ""
    parties: list[str] = field(default_factory=list)


@dataclass
class Membership(Dated):
    """A park's membership in an alliance."""

    member: str = ""
    alliance: str = ""
    alliance_label: str = ""
    roles: list[str] = field(default_factory=list)


@dataclass
class StatusRecord(Dated):
    """An organisation's status reached at a date."""

    about: str = ""
    about_label: str = ""
    status: str = ""
    status_label: str = ""


@dataclass
class Event(Dated):
    """A fair, summit or forum, and who was involved in what happened there."""

    parent: str = ""
    involved: list[str] = field(default_factory=list)


# -- reading values ---------------------------------------------------------------------------
def _text(term: Term | None) -> str:
    return term.value if term is not None else ""


def _date(term: Term | None) -> dt.date | None:
    if term is None:
        return None
    try:
        return dt.date.fromisoformat(term.value[:10])
    except ValueError:
        return None  # a malformed date in the data is shown as undated, not as a crash


def _year(term: Term | None) -> int | None:
    try:
        return int(term.value[:4]) if term is not None else None
    except ValueError:
        return None


def _float(term: Term | None) -> float | None:
    try:
        return float(term.value) if term is not None else None
    except ValueError:
        return None


def best_label(terms: Iterable[Term], fallback: str) -> str:
    """English (or untagged) labels first, then the alphabetically first; else *fallback*."""
    ranked = sorted(
        (0 if (t.language or "en").startswith("en") else 1, t.value)
        for t in terms
        if isinstance(t, ox.Literal)
    )
    return ranked[0][1] if ranked else fallback


def local_name(iri: str) -> str:
    """The last path segment of an IRI, used as a label of last resort."""
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _group(rows: Iterable[dict[str, Term]], key: str) -> dict[str, list[dict[str, Term]]]:
    groups: dict[str, list[dict[str, Term]]] = defaultdict(list)
    for row in rows:
        if key in row:
            groups[row[key].value].append(row)
    return groups


def _all(rows: list[dict[str, Term]], name: str) -> list[Term]:
    return [row[name] for row in rows if name in row]


def _first(rows: list[dict[str, Term]], name: str) -> Term | None:
    values = sorted(_all(rows, name), key=lambda t: t.value)
    return values[0] if values else None


class _Dates(TypedDict):
    start: dt.date | None
    on: dt.date | None
    in_year: int | None
    end: dt.date | None


def _dating(rows: list[dict[str, Term]]) -> _Dates:
    return {
        "start": _date(_first(rows, "from")),
        "on": _date(_first(rows, "on")),
        "in_year": _year(_first(rows, "inYear")),
        "end": _date(_first(rows, "end")),
    }


def _distinct(rows: list[dict[str, Term]], name: str) -> list[str]:
    return sorted({t.value for t in _all(rows, name)})


def _dated(store: Store, name: str, key: str) -> list[dict[str, Term]]:
    """The rows of ``viz/<name>``, each with the ``from`` day of its *key* (``viz/*_starts``)."""
    starts_query = "status_starts" if name == "status" else f"{key}_starts"
    first_days = asof_rows.starts(store.select(load(f"viz/{starts_query}")).rows, key)
    return asof_rows.with_starts(store.select(load(f"viz/{name}")).rows, key, first_days)


# -- the facts --------------------------------------------------------------------------------
def parks(store: Store, as_of: dt.date | None = None) -> list[Park]:
    """Every park (founded by *as_of*, when given), sorted by label."""
    result = []
    held = asof_rows.kept(store.select(load("viz/parks")).rows, asof_rows.founded_by, as_of)
    for iri, rows in _group(held, "park").items():
        # Coordinates are taken as a pair from one row, never latitude from one source and
        # longitude from another.
        coords = sorted(
            (_float(r.get("lat")), _float(r.get("long")))
            for r in rows
            if "lat" in r and "long" in r
        )
        kind = _first(rows, "kind")
        kind_rows = [r for r in rows if kind is not None and r.get("kind") == kind]
        country = _first(rows, "country")
        country_rows = [r for r in rows if country is not None and r.get("country") == country]
        lat, long = coords[0] if coords else (None, None)
        result.append(
            Park(
                iri=iri,
                label=best_label(_all(rows, "label"), local_name(iri)),
                kind=_text(kind),
                kind_label=best_label(_all(kind_rows, "kindLabel"), local_name(_text(kind))),
                country=_text(country),
                country_label=best_label(
                    _all(country_rows, "countryLabel"), local_name(_text(country))
                ),
                lat=lat,
                long=long,
            )
        )
    return sorted(result, key=lambda p: (p.label.casefold(), p.iri))


def agreements(
    store: Store, as_of: dt.date | None = None, *, past_too: bool = False
) -> list[Agreement]:
    """Agreements holding on *as_of* (or ever, without it), sorted by start date and IRI."""
    found = []
    rule = asof_rows.begun_by_day if past_too else asof_rows.holding_on
    held = asof_rows.kept(_dated(store, "agreements", "agreement"), rule, as_of)
    for iri, rows in _group(held, "agreement").items():
        kind = _first(rows, "kind")
        found.append(
            Agreement(
                iri=iri,
                label=best_label(_all(rows, "label"), local_name(iri)),
                kind=_text(kind),
                kind_label=best_label(_all(rows, "kindLabel"), local_name(_text(kind))),
                parties=_distinct(rows, "party"),
                **_dating(rows),
            )
        )
    return sorted(found, key=lambda a: (a.start or dt.date.max, a.iri))


def memberships(
    store: Store, as_of: dt.date | None = None, *, past_too: bool = False
) -> list[Membership]:
    """Parks' alliance memberships holding on *as_of* (or ever), sorted by start and IRI."""
    found = []
    rule = asof_rows.begun_by_day if past_too else asof_rows.holding_on
    held = asof_rows.kept(_dated(store, "memberships", "membership"), rule, as_of)
    for iri, rows in _group(held, "membership").items():
        alliance = _text(_first(rows, "alliance"))
        found.append(
            Membership(
                iri=iri,
                label="",
                member=_text(_first(rows, "member")),
                alliance=alliance,
                alliance_label=best_label(_all(rows, "allianceLabel"), local_name(alliance)),
                roles=sorted(
                    {
                        best_label(
                            [r["roleLabel"]] if "roleLabel" in r else [],
                            local_name(r["role"].value),
                        )
                        for r in rows
                        if "role" in r
                    }
                ),
                **_dating(rows),
            )
        )
    return sorted(found, key=lambda m: (m.start or dt.date.max, m.iri))


def status_records(store: Store, as_of: dt.date | None = None) -> list[StatusRecord]:
    """Status records reached by *as_of* (or all), sorted by start date and IRI."""
    found = []
    held = asof_rows.kept(_dated(store, "status", "record"), asof_rows.reached_by, as_of)
    for iri, rows in _group(held, "record").items():
        about = _text(_first(rows, "about"))
        status = _text(_first(rows, "status"))
        found.append(
            StatusRecord(
                iri=iri,
                label="",
                about=about,
                about_label=best_label(_all(rows, "aboutLabel"), local_name(about)),
                status=status,
                status_label=best_label(_all(rows, "statusLabel"), local_name(status)),
                **_dating(rows),
            )
        )
    return sorted(found, key=lambda s: (s.start or dt.date.max, s.iri))


def current_status(records: Iterable[StatusRecord], about: str) -> StatusRecord | None:
    """The latest dated record about *about*: its status on the day the records were cut at."""
    dated = [r for r in records if r.about == about and r.start is not None]
    return max(dated, key=lambda r: (r.start, r.iri)) if dated else None


def events(store: Store, as_of: dt.date | None = None) -> list[Event]:
    """Events begun by *as_of* (or all), sorted by start date and IRI."""
    found = []
    held = asof_rows.kept(store.select(load("viz/events")).rows, asof_rows.begun_by, as_of)
    for iri, rows in _group(held, "event").items():
        own = _date(_first(rows, "start"))
        found.append(
            Event(
                iri=iri,
                label=best_label(_all(rows, "label"), local_name(iri)),
                start=own or _date(_first(rows, "outerStart")),
                on=own,
                end=_date(_first(rows, "end")),
                parent=_text(_first(rows, "parent")),
                involved=_distinct(rows, "involved"),
            )
        )
    return sorted(found, key=lambda e: (e.start or dt.date.max, e.iri))


@dataclass(frozen=True)
class Evidence:
    """A passage of a source supporting one claim (every part may be missing)."""

    iri: str
    quote: str = ""
    language: str = ""
    url: str = ""
    retrieved: dt.date | None = None
    note: str = ""


def evidence(store: Store) -> dict[str, list[Evidence]]:
    """The passages supporting each agreement and membership, by claim IRI (none: no key)."""
    by_claim: dict[str, dict[str, list[dict[str, Term]]]] = defaultdict(lambda: defaultdict(list))
    for row in store.select(load("viz/evidence")).rows:
        if "claim" in row and "evidence" in row:
            by_claim[row["claim"].value][row["evidence"].value].append(row)
    found: dict[str, list[Evidence]] = {}
    for claim, passages in by_claim.items():
        items = []
        for iri, rows in passages.items():
            quote = _first(rows, "quote")
            language = _text(_first(rows, "language"))
            if not language and isinstance(quote, ox.Literal):
                language = quote.language or ""  # the quote's own tag, when no dct:language
            items.append(
                Evidence(
                    iri=iri,
                    quote=_text(quote),
                    language=language,
                    url=_text(_first(rows, "url")),
                    retrieved=_date(_first(rows, "retrieved")),
                    note=best_label(_all(rows, "note"), ""),
                )
            )
        found[claim] = sorted(items, key=lambda e: (e.retrieved or dt.date.min, e.url, e.iri))
    return found
