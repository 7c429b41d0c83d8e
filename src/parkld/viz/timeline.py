"""The timeline: agreements, memberships, status changes and events, in date order.

As of a day, a timeline shows the history up to that day: what has ended stays on it (the
queries run with ``?pastToo`` true), what began later is left out. Facts dated only by the
source that reports them are placed at that source's date and marked ``by``; facts with
no date at all cannot be placed and are only counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from parkld.store import Store
from parkld.viz import facts


@dataclass(frozen=True)
class Item:
    """One thing on the timeline."""

    iri: str
    type: str  # "agreement" | "membership" | "status" | "event"
    label: str
    date: dt.date  # where it is drawn: the day, 1 January of the year, or the source's date
    end: dt.date | None
    precision: str  # "day" | "year" | "by"
    about: tuple[str, ...]  # the resources it concerns (for a park's or an alliance's timeline)


@dataclass(frozen=True)
class Timeline:
    """Placed items, how many could not be placed, and each organisation's latest status."""

    items: list[Item]
    undated: int
    status: dict[str, facts.StatusRecord]
    as_of: dt.date | None = None


def _place(fact: facts.Dated) -> dt.date | None:
    if fact.on is not None:
        return fact.on
    if fact.in_year is not None:
        return dt.date(fact.in_year, 1, 1)
    return fact.start


def build(store: Store, as_of: dt.date | None = None, focus: str | None = None) -> Timeline:
    """The timeline up to *as_of* (all of it without), of *focus* alone when given."""
    labels = {p.iri: p.label for p in facts.parks(store)}
    candidates: list[tuple[facts.Dated, str, str, tuple[str, ...]]] = []
    for a in facts.agreements(store, as_of, past_too=True):
        candidates.append((a, "agreement", a.label, (a.iri, *a.parties)))
    for m in facts.memberships(store, as_of, past_too=True):
        member = labels.get(m.member, facts.local_name(m.member))
        roles = f" ({', '.join(m.roles)})" if m.roles else ""
        candidates.append(
            (
                m,
                "membership",
                f"{member} in {m.alliance_label}{roles}",
                (m.iri, m.member, m.alliance),
            )
        )
    records = facts.status_records(store, as_of)
    for s in records:
        candidates.append((s, "status", f"{s.about_label}: {s.status_label}", (s.iri, s.about)))
    for e in facts.events(store, as_of):
        candidates.append(
            (e, "event", e.label, tuple(x for x in (e.iri, e.parent, *e.involved) if x))
        )

    items, undated = [], 0
    for fact, kind, label, about in candidates:
        if focus is not None and focus not in about:
            continue
        day = _place(fact)
        if day is None:
            undated += 1
            continue
        items.append(Item(fact.iri, kind, label, day, fact.end, fact.precision, about))
    items.sort(key=lambda i: (i.date, i.type, i.label))
    status: dict[str, facts.StatusRecord] = {}
    for subject in sorted({r.about for r in records}):
        if focus is None or focus == subject:
            latest = facts.current_status(records, subject)
            if latest is not None:
                status[subject] = latest
    return Timeline(items, undated, status, as_of)
