"""The cooperation network: parks as nodes, typed and dated edges between them.

Edges come from two kinds of fact, both read by SPARQL (``viz/agreements.rq``,
``viz/memberships.rq``) so the picture and the downloads always match the graph:

* an agreement with several park parties links each pair of them — type
  ``sister-park-agreement`` for that kind, ``agreement`` for every other kind;
* two parks that are members of the same alliance are linked by an ``alliance`` edge, holding
  from the day both memberships hold until the first of them ends.

An edge's ``via`` is the agreement or alliance it stands for; parallel edges between the same
two parks are kept (a multigraph), one per agreement or alliance.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from parkld.store import Store
from parkld.viz import facts
from parkld.viz.facts import Park

SISTER = "sister-park-agreement"
AGREEMENT = "agreement"
ALLIANCE = "alliance"
EDGE_TYPES = (SISTER, AGREEMENT, ALLIANCE)

_SISTER_KIND_SUFFIX = "/agreement-kind/sister-park-agreement"


@dataclass(frozen=True)
class Edge:
    """One link between two parks (``source`` < ``target`` by IRI: the network is undirected)."""

    id: str
    source: str
    target: str
    type: str
    via: str
    via_label: str
    kind: str = ""
    kind_label: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    precision: str = "none"


@dataclass(frozen=True)
class Network:
    """Nodes and edges, as of one day (or over all time when ``as_of`` is None)."""

    nodes: list[Park]
    edges: list[Edge]
    as_of: dt.date | None = None
    #: The memberships behind the ``alliance`` edges (the picture draws an alliance as a hub
    #: linked to its members rather than as a clique of member-to-member edges).
    memberships: list[facts.Membership] = field(default_factory=list)

    def connected(self) -> Network:
        """The same network without isolated parks (what the picture draws)."""
        linked = {e.source for e in self.edges} | {e.target for e in self.edges}
        linked |= {m.member for m in self.memberships}
        return Network(
            [n for n in self.nodes if n.iri in linked], self.edges, self.as_of, self.memberships
        )

    def neighbourhood(self, focus: str) -> Network:
        """A park, its partners and the edges touching it (of an alliance: its members)."""
        edges = [e for e in self.edges if focus in (e.source, e.target)]
        memberships = [m for m in self.memberships if focus in (m.member, m.alliance)]
        keep = {focus} | {e.source for e in edges} | {e.target for e in edges}
        keep |= {m.member for m in memberships}
        return Network([n for n in self.nodes if n.iri in keep], edges, self.as_of, memberships)


def _agreement_edges(agreements: list[facts.Agreement], parks: set[str]) -> list[Edge]:
    edges = []
    for agreement in agreements:
        kind = SISTER if agreement.kind.endswith(_SISTER_KIND_SUFFIX) else AGREEMENT
        members = sorted(p for p in agreement.parties if p in parks)
        for source, target in combinations(members, 2):
            edges.append(
                Edge(
                    "",
                    source,
                    target,
                    kind,
                    agreement.iri,
                    agreement.label,
                    agreement.kind,
                    agreement.kind_label,
                    agreement.start,
                    agreement.end,
                    agreement.precision,
                )
            )
    return edges


def _alliance_edges(memberships: list[facts.Membership], parks: set[str]) -> list[Edge]:
    # One period per (alliance, park): when a park is listed twice (two sources, two roles),
    # the record with the earliest known start speaks for it.
    periods: dict[str, dict[str, facts.Membership]] = defaultdict(dict)
    for m in memberships:
        if m.member not in parks:
            continue
        known = periods[m.alliance].get(m.member)
        earlier = m.start is not None and (
            known is None or known.start is None or m.start < known.start
        )
        if known is None or earlier:
            periods[m.alliance][m.member] = m
    edges = []
    for alliance, members in periods.items():
        for source, target in combinations(sorted(members), 2):
            a, b = members[source], members[target]
            start = max(a.start, b.start) if a.start and b.start else None
            ends = [e for e in (a.end, b.end) if e is not None]
            later = a if (a.start or dt.date.min) >= (b.start or dt.date.min) else b
            edges.append(
                Edge(
                    "",
                    source,
                    target,
                    ALLIANCE,
                    alliance,
                    a.alliance_label,
                    start=start,
                    end=min(ends) if ends else None,
                    precision=later.precision,
                )
            )
    return edges


def build(store: Store, as_of: dt.date | None = None) -> Network:
    """The network of every park, with the edges holding on *as_of* (all edges without it)."""
    nodes = facts.parks(store, as_of)
    ids = {p.iri for p in nodes}
    memberships = [m for m in facts.memberships(store, as_of) if m.member in ids]
    edges = _agreement_edges(facts.agreements(store, as_of), ids) + _alliance_edges(
        memberships, ids
    )
    edges.sort(key=lambda e: (EDGE_TYPES.index(e.type), e.source, e.target, e.via))
    # Ids follow the sorted order, so the same graph always gives the same file.
    numbered = [dataclasses.replace(e, id=f"e{i}") for i, e in enumerate(edges)]
    return Network(nodes, numbered, as_of, memberships)
