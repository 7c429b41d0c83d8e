"""The "as of" day: parsing ``?asOf=YYYY-MM-DD`` and writing it into links.

Which facts hold on the day is decided in Python on the rows of the ``viz/*.rq`` queries
(:mod:`parkld.asof.rows`); nothing about the day is passed into SPARQL.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlencode

from parkld.errors import BadRequest

#: The request parameter that carries the day, on every page that takes one.
PARAM = "asOf"

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


def as_of_query(day: dt.date | None, **more: Any) -> str:
    """``?asOf=…`` (plus *more* parameters that are not None) for links, or ``""``."""
    params = {k: v for k, v in more.items() if v is not None}
    if day is not None:
        params[PARAM] = day.isoformat()
    return "?" + urlencode(params) if params else ""
