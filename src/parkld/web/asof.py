"""``?asOf=YYYY-MM-DD`` on every page that takes it: the request's day and what held on it.

The day is parsed by :func:`parkld.asof.day.parse_as_of` (a bad one is a 400 naming ``asOf``);
what held on it is :func:`parkld.asof.held.held_on`, computed once per day and store
generation (10 queries, ~0.5 s on the shipped graph) and shared by every page asking that day.
"""

from __future__ import annotations

import datetime as dt

from flask import request

from parkld.asof.day import PARAM, parse_as_of
from parkld.asof.held import Held, held_on
from parkld.linked.cache import generation
from parkld.web.state import get_state, get_store


def as_of_arg() -> dt.date | None:
    """The request's ``asOf`` day, or None; BadRequest when it is not a date."""
    return parse_as_of(request.args.get(PARAM))


def held(day: dt.date) -> Held:
    """What held on *day*, for the current store generation."""
    # A few dozen days are plenty: readers walk a handful of dates, not every one.
    store = get_store()
    return get_state().held.get_or_make(generation(store), day, lambda: held_on(store, day))
