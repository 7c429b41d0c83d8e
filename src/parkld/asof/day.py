"""The "as of" day: parsing ``?asOf=YYYY-MM-DD``, writing it into links, and passing it to the
queries as bindings.

Every ``viz/*.rq`` query takes the same three bindings, so one call shape serves them all:

* ``?asOf`` (``xsd:date``) — the day asked about;
* ``?anyDate`` (``xsd:boolean``) — true when no day was asked for: keep everything;
* ``?pastToo`` (``xsd:boolean``) — true for timelines, which also keep what has ended.

Why a flag instead of leaving ``?asOf`` unbound: Oxigraph folds ``BOUND(?asOf)`` to false when
nothing in the pattern binds it, before substitutions apply, so "unbound means no filter"
cannot be written portably. A flag is an ordinary bound value on every engine.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox

from parkld.errors import BadRequest
from parkld.namespaces import XSD
from parkld.store import Bindings

#: The request parameter that carries the day, on every page that takes one.
PARAM = "asOf"

XSD_DATE = ox.NamedNode(XSD + "date")
XSD_BOOLEAN = ox.NamedNode(XSD + "boolean")

#: Any day works as ``?asOf`` when ``?anyDate`` is true; this one is never compared.
_UNUSED_DAY = dt.date(9999, 12, 31)
_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_as_of(text: str | None) -> dt.date | None:
    """The day of an ``asOf`` parameter; ``None`` for a missing or empty one.

    Raises :class:`~parkld.errors.BadRequest` with the expected form for anything else.
    """
    if text is None or not text.strip():
        return None
    value = text.strip()
    if not _SHAPE.fullmatch(value):
        raise BadRequest(f"{PARAM} must be a date written YYYY-MM-DD, got {value!r}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise BadRequest(f"{PARAM} {value!r} is not a valid date: {exc}") from exc


def _boolean(value: bool) -> ox.Literal:
    return ox.Literal("true" if value else "false", datatype=XSD_BOOLEAN)


def date_literal(day: dt.date) -> ox.Literal:
    """A day as an ``xsd:date`` literal."""
    return ox.Literal(day.isoformat(), datatype=XSD_DATE)


def bindings(as_of: dt.date | None, *, past_too: bool = False) -> Bindings:
    """The ``?asOf`` / ``?anyDate`` / ``?pastToo`` bindings for a ``viz/*.rq`` query."""
    return {
        "asOf": date_literal(as_of or _UNUSED_DAY),
        "anyDate": _boolean(as_of is None),
        "pastToo": _boolean(past_too),
    }


def as_of_query(day: dt.date | None, **more: Any) -> str:
    """``?asOf=…`` (plus *more* parameters that are not None) for links, or ``""``."""
    params = {k: v for k, v in more.items() if v is not None}
    if day is not None:
        params[PARAM] = day.isoformat()
    return "?" + urlencode(params) if params else ""
