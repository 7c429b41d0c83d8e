"""``parkld wikidata export``: QuickStatements for facts parkld has and Wikidata lacks.

Two kinds of fact are exported, each with its reference (``S854``, the URL of the source
document of the graph that states it):

* sister-park agreements between two linked parks → ``P2652`` (partnership with) both ways,
  qualified with ``P580`` (start time) from the agreement's date or year;
* membership of a linked park in a linked alliance → ``P463`` (member of).

A fact whose other party has no Wikidata item is listed as a comment ("blocked"): items are
never created and QIDs never invented. Statements Wikidata already has are left out. The file is
for a person to review and paste into QuickStatements; parkld never sends it anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from parkld import queries
from parkld.namespaces import WDT
from parkld.store.querytext import with_values
from parkld.wikidata.client import WikidataClient
from parkld.wikidata.project import Project, solutions
from parkld.wikidata.terms import item, qid_of


@dataclass(frozen=True)
class Statement:
    """One QuickStatements line: subject, property, value, qualifiers, reference."""

    subject: str
    prop: str
    value: str
    reference: str
    qualifiers: tuple[tuple[str, str], ...] = ()
    why: str = ""

    def line(self) -> str:
        """The tab-separated V1 line (``S854`` reference last)."""
        cells = [self.subject, self.prop, self.value]
        for p, v in self.qualifiers:
            cells += [p, v]
        cells += ["S854", f'"{self.reference}"']
        return "\t".join(cells)


@dataclass
class Plan:
    """What parkld could tell Wikidata, and what it cannot yet."""

    statements: list[Statement] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


def _qid(value: object) -> str | None:
    return qid_of(value.value) if isinstance(value, ox.NamedNode) else None


def _time(date: object, year: object) -> tuple[tuple[str, str], ...]:
    if isinstance(date, ox.Literal):
        return (("P580", f"+{date.value}T00:00:00Z/11"),)
    if isinstance(year, ox.Literal):
        return (("P580", f"+{year.value}-00-00T00:00:00Z/9"),)
    return ()


def plan(project: Project) -> Plan:
    """Every exportable fact in *project*, with the ones blocked by a missing item."""
    out = Plan()
    seen: set[tuple[str, str, str]] = set()
    for row in solutions(project.store, queries.load("wikidata/sister_agreements")):
        aq, bq, url = _qid(row["aq"]), _qid(row["bq"]), row["url"]
        if not isinstance(url, ox.NamedNode):
            out.blocked.append(f"sister parks {row['a']} / {row['b']}: no source URL")
            continue
        if aq is None or bq is None:
            missing = row["a"] if aq is None else row["b"]
            out.blocked.append(
                f"sister parks {row['a']} / {row['b']} ({url.value}): "
                f"{missing} has no Wikidata item"
            )
            continue
        quals = _time(row["date"], row["year"])
        for s, o in ((aq, bq), (bq, aq)):
            if (s, "P2652", o) not in seen:
                seen.add((s, "P2652", o))
                out.statements.append(
                    Statement(s, "P2652", o, url.value, quals, "sister-park agreement")
                )
    for row in solutions(project.store, queries.load("wikidata/memberships")):
        pq, aq, url = _qid(row["pq"]), _qid(row["aq"]), row["url"]
        if not isinstance(url, ox.NamedNode) or pq is None:
            continue  # an unlinked member is the linker's business, not the exporter's
        if aq is None:
            out.blocked.append(
                f"{pq} member of {row['alliance']} ({url.value}): the alliance has no Wikidata item"
            )
            continue
        if (pq, "P463", aq) not in seen:
            seen.add((pq, "P463", aq))
            out.statements.append(Statement(pq, "P463", aq, url.value, (), "membership"))
    out.blocked = sorted(set(out.blocked))
    return out


def existing(client: WikidataClient, statements: Sequence[Statement]) -> set[tuple[str, str, str]]:
    """The (subject, property, value) triples among *statements* that Wikidata already has."""
    triples = sorted({(s.subject, s.prop, s.value) for s in statements})
    if not triples:
        return set()
    wanted = set(triples)
    found = set()
    # One property at a time, its subjects in batches: the store's VALUES writer binds one
    # variable per block, and the few statements of other values are dropped below.
    for prop in sorted({p for _, p, _ in triples}):
        template = with_values(queries.load("wikidata/statements"), "p", [ox.NamedNode(WDT + prop)])
        subjects = sorted({s for s, p, _ in triples if p == prop})
        rows = client.select_batched(
            template, "s", [item(s) for s in subjects], label="checking Wikidata"
        )
        for row in rows:
            s, o, p = _qid(row.get("s")), _qid(row.get("o")), row.get("p")
            if s and o and isinstance(p, ox.NamedNode):
                triple = (s, p.value.removeprefix(WDT), o)
                if triple in wanted:
                    found.add(triple)
    return found


def render(plan: Plan, present: set[tuple[str, str, str]]) -> str:
    """The QuickStatements file: statements to review, then what was skipped and why."""
    lines = [
        "# QuickStatements (V1) proposed by `parkld wikidata export` — REVIEW BEFORE USE.",
        "# parkld never sends these to Wikidata. Each line carries its reference (S854).",
        "# P2652 = partnership with, P580 = start time, P463 = member of, S854 = reference URL.",
    ]
    todo = [s for s in plan.statements if (s.subject, s.prop, s.value) not in present]
    for s in todo:
        lines.append(f"# {s.why}")
        lines.append(s.line())
    done = [s for s in plan.statements if (s.subject, s.prop, s.value) in present]
    if done:
        lines.append("# Already in Wikidata (not proposed):")
        lines += [f"#   {s.subject} {s.prop} {s.value}" for s in done]
    if plan.blocked:
        lines.append("# Blocked (a party has no Wikidata item; link or create it first):")
        lines += [f"#   {b}" for b in plan.blocked]
    return "\n".join(lines) + "\n"
