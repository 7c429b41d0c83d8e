"""Map points: parks with coordinates, all of them or those tied to one alliance or agreement.

Parks come from ``viz/parks.rq``; an alliance's parks are its members holding on the day
(``viz/memberships.rq``), an agreement's its parties when it holds (``viz/agreements.rq``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from parkld.store import Store
from parkld.viz import facts
from parkld.viz.facts import Park


@dataclass(frozen=True)
class MapPoints:
    """What the map draws, and how many parks it could not place."""

    parks: list[Park]
    without_coordinates: list[Park]
    as_of: dt.date | None = None


def related_parks(store: Store, focus: str, as_of: dt.date | None) -> set[str]:
    """The parks tied to *focus* on *as_of*: itself (a park), members or parties."""
    found = {m.member for m in facts.memberships(store, as_of) if m.alliance == focus}
    for agreement in facts.agreements(store, as_of):
        if agreement.iri == focus:
            found.update(agreement.parties)
    return found | {focus}


def points(store: Store, as_of: dt.date | None = None, focus: str | None = None) -> MapPoints:
    """Parks to draw as of *as_of*, restricted to those tied to *focus* when given."""
    parks = facts.parks(store, as_of)
    if focus is not None:
        keep = related_parks(store, focus, as_of)
        parks = [p for p in parks if p.iri in keep]
    return MapPoints(
        [p for p in parks if p.has_coordinates], [p for p in parks if not p.has_coordinates], as_of
    )
