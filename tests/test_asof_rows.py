"""``parkld.asof.rows`` decides as SPARQL's FILTERs it replaced would (issue 13).

Each rule is checked against Oxigraph evaluating the FILTER the ``viz/*.rq`` queries used to
carry, on rows made of the kinds of value the data has (a day, a year, a month, nothing) and
a few it should not have (a malformed day, a string), for days around them.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pyoxigraph as ox
import pytest

from parkld.asof import rows
from parkld.store import Term

XSD = "http://www.w3.org/2001/XMLSchema#"


def _lit(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


VALUES: list[Term | None] = [
    None,
    _lit("2012-03-15", "date"),
    _lit("2012-03-16", "date"),
    _lit("2012-03", "gYearMonth"),
    _lit("2012", "gYear"),
    _lit("2012-02-30", "date"),
    ox.Literal("2012-03-15"),
]
DAYS = [dt.date(2012, 3, 14), dt.date(2012, 3, 15), dt.date(2012, 3, 16), dt.date(2013, 1, 1)]

#: (rule, variables, the FILTER it replaces, with ?asOf the day and ?pastToo false).
CASES = [
    (rows.founded_by, ("founded",), "!BOUND(?founded) || ?founded <= ?asOf"),
    (rows.reached_by, ("from",), "BOUND(?from) && ?from <= ?asOf"),
    (rows.begun_by_day, ("from",), "BOUND(?from) && ?from <= ?asOf"),
    (
        rows.holding_on,
        ("from", "end"),
        "BOUND(?from) && ?from <= ?asOf && (!BOUND(?end) || ?end >= ?asOf)",
    ),
    (rows.begun_by, ("start", "outerStart"), "COALESCE(?start, ?outerStart) <= ?asOf"),
]


def _sparql_keeps(expression: str, row: dict[str, Term], day: dt.date) -> bool:
    names = sorted(row)
    values = (
        "VALUES ("
        + " ".join(f"?{n}" for n in names)
        + ") { ("
        + " ".join(str(row[n]) for n in names)
        + ") }"
        if row
        else ""
    )
    query = (
        f'ASK {{ {values} BIND("{day.isoformat()}"^^<{XSD}date> AS ?asOf) FILTER({expression}) }}'
    )
    answer = ox.Store().query(query)
    assert isinstance(answer, ox.QueryBoolean)
    return bool(answer)


@pytest.mark.parametrize(
    ("rule", "names", "expression"), CASES, ids=lambda c: getattr(c, "__name__", "")
)
def test_rule_agrees_with_the_sparql_filter(
    rule: rows.Rule, names: tuple[str, ...], expression: str
) -> None:
    checked = 0
    for combination in itertools.product(VALUES, repeat=len(names)):
        row = {n: v for n, v in zip(names, combination, strict=True) if v is not None}
        for day in DAYS:
            assert rule(row, day) == _sparql_keeps(expression, row, day), (row, day)
            checked += 1
    assert checked >= len(VALUES) * len(DAYS)


def test_no_day_keeps_every_row() -> None:
    table: list[dict[str, Term]] = [{}, {"from": _lit("2030-01-01", "date")}]
    assert rows.kept(table, rows.reached_by, None) == table
    assert rows.kept(table, rows.reached_by, dt.date(2020, 1, 1)) == []


#: The kinds of date the data has (a day, a month, a year), with ties on the first day.
DATES = [
    _lit("2012", "gYear"),
    _lit("2012-01", "gYearMonth"),
    _lit("2012-01-01", "date"),
    _lit("2011-05", "gYearMonth"),
    _lit("2011-12-31", "date"),
    _lit("2013", "gYear"),
]


def test_earliest_is_oxigraphs_min() -> None:
    for pair in itertools.permutations(DATES, 2):
        query = "SELECT (MIN(?d) AS ?m) WHERE { VALUES ?d { " + " ".join(map(str, pair)) + " } }"
        solutions = ox.Store().query(query)
        assert isinstance(solutions, ox.QuerySolutions)
        assert rows.earliest(pair) == next(iter(solutions))["m"], pair


def test_starts_prefer_own_days_to_reported_ones() -> None:
    a, b = ox.NamedNode("https://example.org/a"), ox.NamedNode("https://example.org/b")
    table: list[dict[str, Term]] = [
        {"fact": a, "own": _lit("2015-06-01", "date")},
        {"fact": a, "own": _lit("2014", "gYear")},
        {"fact": a, "reported": _lit("2001-01-01", "date")},
        {"fact": b, "reported": _lit("2019-03", "gYearMonth")},
        {"fact": b, "reported": _lit("2018-07-01", "date")},
    ]
    assert rows.starts(table, "fact") == {
        a.value: _lit("2014", "gYear"),
        b.value: _lit("2018-07-01", "date"),
    }
