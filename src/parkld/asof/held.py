"""What held on one day, for resource pages, their RDF and the landing page ("as of" a date).

One implementation of "what held on day D": the pictures' facts (:mod:`parkld.viz.facts`, the
``viz/*.rq`` queries, cut at the day by :mod:`parkld.asof.rows`). They are read twice — for every
day and for D — and every dated fact that is known but did not hold on D is *hidden*:

* agreements, parks' alliance memberships, status records and events, by the rules of
  docs/pictures.md (a fact with no known start is hidden as of any day);
* parks founded after D.

A description as of D leaves out the related rows and incoming links that come from hidden
resources; the resource's own statements stay whole (the page says when the resource itself
did not hold yet). People's roles in parks are not dated by any source and are outside the
pictures' facts, so they are never hidden.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace

from parkld.linked.describe import Description, IncomingGroup
from parkld.store import Store, Term
from parkld.viz import facts

#: How the notice names a fact that had not started: (noun, "not yet …" phrase).
_PHRASES: dict[type, tuple[str, str]] = {
    facts.Agreement: ("agreement", "signed"),
    facts.Membership: ("membership", "in force"),
    facts.StatusRecord: ("status", "reached"),
    facts.Event: ("event", "begun"),
}


@dataclass(frozen=True)
class Held:
    """The dated facts of the graph and which of them held on :attr:`day`."""

    day: dt.date
    #: Every dated fact the pictures know (any day), by IRI.
    dated: Mapping[str, facts.Dated]
    #: The IRIs of those that held on the day.
    holding: frozenset[str]
    #: Every park, and the parks not founded after the day.
    all_parks: frozenset[str]
    parks: frozenset[str]
    #: Each organisation's status on the day: its latest status record reached by then.
    status: Mapping[str, facts.StatusRecord]
    #: Alliances known to exist on the day (a membership held or a status reached by then).
    alliances: frozenset[str]

    def hides(self, iri: str) -> bool:
        """Whether *iri* is a dated fact or park that did not hold on the day."""
        if iri in self.dated:
            return iri not in self.holding
        return iri in self.all_parks and iri not in self.parks

    def notice(self, iri: str) -> str | None:
        """Why the resource *iri* itself is not part of the picture on the day, or None."""
        day = self.day.isoformat()
        if iri in self.all_parks and iri not in self.parks:
            return f"Not yet founded as of {day}."
        fact = self.dated.get(iri)
        if fact is None or iri in self.holding:
            return None
        noun, verb = _PHRASES.get(type(fact), ("fact", "in force"))
        if fact.start is None:
            return (
                f"No date is known for this {noun}, so as of any day ({day} too) it is "
                "left out of lists and pictures."
            )
        if fact.start > self.day:
            return f"Not yet {verb} as of {day}: parkld dates it from {_since(fact)}."
        if fact.end is not None and fact.end < self.day:
            return f"No longer in force as of {day}: it ended on {fact.end.isoformat()}."
        return None

    def filter(self, desc: Description) -> Description:
        """*desc* without the related rows and incoming links of hidden resources."""
        related = {
            key: [row for row in rows if not self._hides_row(desc.row_subjects.get(key, ()), row)]
            for key, rows in desc.related.items()
        }
        incoming = []
        for group in desc.incoming:
            items = tuple(item for item in group.items if not self.hides(item[0]))
            if not items:
                continue
            # A single page holds the whole group, so its count can be exact; a paged group
            # keeps the count over all dates (counting per day would need every page).
            total = len(items) if group.pages == 1 else group.total
            incoming.append(
                IncomingGroup(group.predicate, total, group.page, group.page_size, items)
            )
        return replace(desc, related=related, incoming=incoming)

    def _hides_row(self, subjects: tuple[str, ...], row: Mapping[str, Term]) -> bool:
        # *subjects*: the variables naming what the row is about (parkld.kinds.Related).
        return any(name in row and self.hides(row[name].value) for name in subjects)


def _since(fact: facts.Dated) -> str:
    start = fact.start.isoformat() if fact.start else "?"
    if fact.precision == "year":
        return f"{start} (the last day of {fact.in_year}, the year the sources give)"
    if fact.precision == "by":
        return f"{start} (known to hold by then: the date of its event or source)"
    return start


def held_on(store: Store, day: dt.date) -> Held:
    """Read the graph's dated facts and which of them held on *day* (10 queries)."""
    every: dict[str, facts.Dated] = {}
    on_day: list[facts.Dated] = []
    readers = (facts.agreements, facts.memberships, facts.status_records, facts.events)
    for read in readers:
        every.update((f.iri, f) for f in read(store, None))
        on_day.extend(read(store, day))
    records = [f for f in on_day if isinstance(f, facts.StatusRecord)]
    status = {}
    for about in {r.about for r in records}:
        now = facts.current_status(records, about)
        if now is not None:
            status[about] = now
    alliances = {f.alliance for f in on_day if isinstance(f, facts.Membership)}
    alliances |= {r.about for r in records}
    return Held(
        day=day,
        dated=every,
        holding=frozenset(f.iri for f in on_day),
        all_parks=frozenset(p.iri for p in facts.parks(store, None)),
        parks=frozenset(p.iri for p in facts.parks(store, day)),
        status=status,
        alliances=frozenset(alliances),
    )
