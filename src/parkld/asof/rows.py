"""Which rows of the ``viz/*.rq`` queries hold on a day: the "as of" rules, in Python.

The queries return every row, dated or not, and bind nothing; the day is applied here, the same
way whatever store answered. (Passing the day into the query as bindings made Virtuoso return a
bound ``xsd:boolean`` as an integer, answer two rows of 136, or refuse the query as too costly.)

Each rule is the SPARQL comparison it replaces, with SPARQL's semantics: a value compares with
the day only when it is an ``xsd:date`` literal (SPARQL 1.1 §17.3: ``<=`` on an
``xsd:gYear`` and an ``xsd:date`` is a type error, and an error makes a FILTER false), so a
row whose date is a year, a month or malformed is not "on or before" any day.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

import pyoxigraph as ox

from parkld.namespaces import XSD
from parkld.store import Term

Row = Mapping[str, Term]
#: A rule: does *row* hold on *day*?
Rule = Callable[[Row, dt.date], bool]

_XSD_DATE = XSD + "date"
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def day_of(term: Term | None) -> dt.date | None:
    """The day an ``xsd:date`` literal names; ``None`` for anything else (or a bad lexical)."""
    if not isinstance(term, ox.Literal) or term.datatype.value != _XSD_DATE:
        return None
    if not _DAY.fullmatch(term.value):
        return None  # a timezone or a malformed date: not comparable with a plain day here
    try:
        return dt.date.fromisoformat(term.value)
    except ValueError:
        return None


def _on_or_before(term: Term | None, day: dt.date) -> bool:
    value = day_of(term)
    return value is not None and value <= day


def founded_by(row: Row, day: dt.date) -> bool:
    """A park row: no founding date, or founded on or before *day* (``viz/parks``)."""
    return "founded" not in row or _on_or_before(row["founded"], day)


def begun_by(row: Row, day: dt.date) -> bool:
    """An event row: its own start, else its larger event's, on or before *day*."""
    start = row["start"] if "start" in row else row.get("outerStart")
    return _on_or_before(start, day)


def reached_by(row: Row, day: dt.date) -> bool:
    """A status record row: ``?from`` on or before *day* (a later record supersedes it)."""
    return _on_or_before(row.get("from"), day)


def holding_on(row: Row, day: dt.date) -> bool:
    """An agreement or membership row: begun by *day* and not ended before it."""
    if not reached_by(row, day):
        return False
    if "end" not in row:
        return True
    end = day_of(row["end"])
    return end is not None and end >= day


def begun_by_day(row: Row, day: dt.date) -> bool:
    """An agreement or membership row for a timeline: begun by *day*, ended or not."""
    return reached_by(row, day)


#: Calendar types by how coarse their period is: on the same first day, the coarser sorts first.
_PERIODS = {XSD + "gYear": 0, XSD + "gYearMonth": 1, _XSD_DATE: 2}
_YEAR = re.compile(r"\d{4}")
_MONTH = re.compile(r"\d{4}-\d{2}")


def _first_day(term: ox.Literal) -> dt.date | None:
    kind, value = term.datatype.value, term.value
    try:
        if kind == XSD + "gYear" and _YEAR.fullmatch(value):
            return dt.date(int(value), 1, 1)
        if kind == XSD + "gYearMonth" and _MONTH.fullmatch(value):
            return dt.date(int(value[:4]), int(value[5:]), 1)
    except ValueError:
        return None
    return day_of(term)


def _order(term: Term) -> tuple[int, dt.date, int, str]:
    """SPARQL's MIN order for the dates of the data: by the first day of the period (a year,
    a month, a day), the coarser period first on the same day, anything else after them.
    (SPARQL leaves the order of an xsd:gYear and an xsd:date open; this is Oxigraph's.)"""
    if isinstance(term, ox.Literal) and (first := _first_day(term)) is not None:
        return (0, first, _PERIODS[term.datatype.value], term.value)
    return (1, dt.date.min, 0, str(term))


def earliest(terms: Iterable[Term]) -> Term | None:
    """The MIN of *terms* (see :func:`_order`); ``None`` when there are none."""
    return min(terms, key=_order, default=None)


def starts(rows: Iterable[Row], key: str) -> dict[str, Term]:
    """``?from`` of each *key* IRI from the rows of a ``viz/*_starts.rq`` query: the earliest
    ``?own`` day, else the earliest ``?reported`` one (what the sources' issue dates give)."""
    own: dict[str, list[Term]] = defaultdict(list)
    reported: dict[str, list[Term]] = defaultdict(list)
    for row in rows:
        if key not in row:
            continue
        fact = row[key].value
        if "own" in row:
            own[fact].append(row["own"])
        if "reported" in row:
            reported[fact].append(row["reported"])
    found = {}
    for fact in own.keys() | reported.keys():
        first = earliest(own[fact]) if own.get(fact) else earliest(reported[fact])
        if first is not None:
            found[fact] = first
    return found


def with_starts(
    rows: Iterable[dict[str, Term]], key: str, first_days: Mapping[str, Term]
) -> list[dict[str, Term]]:
    """*rows* with ``from`` set to their *key*'s first day, where one is known."""
    out = []
    for row in rows:
        fact = row.get(key)
        first = first_days.get(fact.value) if fact is not None else None
        out.append(row if first is None else {**row, "from": first})
    return out


def kept(rows: Sequence[dict[str, Term]], rule: Rule, day: dt.date | None) -> list[dict[str, Term]]:
    """The rows that hold on *day* by *rule*; every row when no day was asked for."""
    if day is None:
        return list(rows)
    return [row for row in rows if rule(row, day)]
