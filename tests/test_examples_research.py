"""The researcher's example queries (queries/examples/): parks with the most partners, the
country × country cooperation matrix, alliances a park belongs to over time, agreements per
year. Each answer is checked against one computed independently in Python over the triples
(rdflib graph walking, no SPARQL), on the project's data and on the project's data plus the
fixture claim tables (so the queries are exercised on agreements between parks, memberships
with dates and organisations acting for parks before the research data lands)."""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import RDF, RDFS, URIRef

from parkld import graphs
from parkld.validate import to_rdflib
from tests.conftest import FIXTURES, ROOT

QUERIES = ROOT / "queries" / "examples"
PLD = rdflib.Namespace("https://w3id.org/parkld/ontology#")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
B = "https://w3id.org/parkld/"

Row = dict[str, str | None]


@cache
def loaded(with_fixture: bool) -> tuple[ox.Store, rdflib.Graph]:
    sources = [s for s in graphs.discover() if s.role != "shapes"]
    if with_fixture:
        sources += graphs.discover([FIXTURES / "claims"], with_project=False)
    files = graphs.load_all(sources)
    store = ox.Store()
    store.bulk_extend(graphs.iter_quads(files))
    return store, to_rdflib(graphs.iter_quads(files))


def run(with_fixture: bool, name: str) -> list[Row]:
    store, _ = loaded(with_fixture)
    text = (QUERIES / name).read_text(encoding="utf-8")
    result = store.query(text, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in result]


# ---------------------------------------------------------------- independent computation


def subclasses(g: rdflib.Graph, top: URIRef) -> set[URIRef]:
    found, todo = {top}, [top]
    while todo:
        for sub in g.subjects(RDFS.subClassOf, todo.pop()):
            if isinstance(sub, URIRef) and sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def instances(g: rdflib.Graph, top: URIRef) -> set[rdflib.term.Node]:
    return {s for c in subclasses(g, top) for s in g.subjects(RDF.type, c)}


def resolve(
    g: rdflib.Graph, parks: set[rdflib.term.Node], x: rdflib.term.Node
) -> set[rdflib.term.Node]:
    """A party as the park(s) it is or acts for."""
    return ({x} if x in parks else set()) | set(g.objects(x, PLD.actsFor))


def agreement_parks(g: rdflib.Graph) -> dict[rdflib.term.Node, set[rdflib.term.Node]]:
    parks = instances(g, PLD.Park)
    return {
        a: {p for x in g.objects(a, PLD.party) for p in resolve(g, parks, x)}
        for a in instances(g, PLD.Agreement)
    }


@pytest.fixture(params=[False, True], ids=["project", "project+fixture"])
def with_fixture(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


def test_parks_with_most_partners(with_fixture: bool) -> None:
    _, g = loaded(with_fixture)
    partners: dict[str, set[str]] = defaultdict(set)
    deals: dict[str, set[str]] = defaultdict(set)
    for agreement, parks in agreement_parks(g).items():
        for park in parks:
            others = parks - {park}
            if others:
                partners[str(park)] |= {str(o) for o in others}
                deals[str(park)].add(str(agreement))
    expected = {(p, len(partners[p]), len(deals[p])) for p in partners}
    rows = run(with_fixture, "parks-with-most-partners.rq")
    got = [(r["park"], int(r["partners"] or 0), int(r["agreements"] or 0)) for r in rows]
    assert set(got) == expected and len(got) == len(expected)
    assert [n for _, n, _ in got] == sorted((n for _, n, _ in got), reverse=True)
    sophia = [r for r in got if r[0] == "https://w3id.org/parkld/park/sophia-antipolis"]
    assert sophia and sophia[0][2] >= 2  # the two 2016 deals at least
    if with_fixture:
        # Park A signed with B, C and D; the committee acting for A signed with B and C.
        assert (B + "park/fixture-park-a", 3, 4) in got


def test_country_cooperation_matrix(with_fixture: bool) -> None:
    _, g = loaded(with_fixture)
    cells: dict[tuple[str, str], set[str]] = defaultdict(set)
    for agreement, parks in agreement_parks(g).items():
        for a in parks:
            for b in parks - {a}:
                for ca in g.objects(a, PLD.country):
                    for cb in g.objects(b, PLD.country):
                        if str(ca) <= str(cb):
                            cells[(str(ca), str(cb))].add(str(agreement))
    expected = {k: len(v) for k, v in cells.items()}
    rows = run(with_fixture, "country-cooperation-matrix.rq")
    got = {(r["countryA"], r["countryB"]): int(r["agreements"] or 0) for r in rows}
    assert got == expected and len(rows) == len(expected)
    assert got[(B + "place/china", B + "place/france")] >= 2
    if with_fixture:
        # What the fixture adds to the project's own matrix: A (China) with B (France), the
        # sister-park agreement and, through the committee acting for A, the cooperation
        # agreement of 2017; A with a Korean park; B with a Spanish one.
        alone = {
            (r["countryA"], r["countryB"]): int(r["agreements"] or 0)
            for r in run(False, "country-cooperation-matrix.rq")
        }
        added = {k: n - alone.get(k, 0) for k, n in got.items() if n != alone.get(k, 0)}
        assert added[(B + "place/china", B + "place/france")] == 2
        assert added[(B + "place/china", B + "place/south-korea")] == 1
        assert added[(B + "place/france", B + "place/spain")] == 1


def test_alliances_a_park_belongs_to_over_time(with_fixture: bool) -> None:
    _, g = loaded(with_fixture)
    parks = instances(g, PLD.Park)
    alliances = set(g.subjects(RDF.type, PLD.Alliance))
    since: dict[tuple[str, str], list[str]] = defaultdict(list)
    until: dict[tuple[str, str], list[str]] = defaultdict(list)
    roles: dict[tuple[str, str], set[str]] = defaultdict(set)
    for m in set(g.subjects(ORG.member, None)):
        for park in g.objects(m, ORG.member):
            for alliance in g.objects(m, ORG.organization):
                if park not in parks or alliance not in alliances:
                    continue
                key = (str(park), str(alliance))
                roles[key] |= {str(r).rsplit("/", 1)[-1] for r in g.objects(m, ORG.role)}
                events = [
                    d
                    for e in g.objects(m, PLD.atEvent)
                    for d in [
                        *g.objects(e, PLD.startDate),
                        *(
                            d2
                            for sup in g.objects(e, PLD.partOfEvent)
                            for d2 in g.objects(sup, PLD.startDate)
                        ),
                    ]
                ]
                for values in (
                    list(g.objects(m, PLD.startDate)),
                    list(g.objects(m, PLD.yearMonth)),
                    list(g.objects(m, PLD.year)),
                    events,
                ):
                    if values:
                        since[key] += [str(v) for v in values]
                        break
                until[key] += [str(v) for v in g.objects(m, PLD.endDate)]
    expected = {
        (
            k[0],
            k[1],
            min(since[k]) if since[k] else None,
            max(until[k]) if until[k] else None,
            frozenset(roles[k]),
        )
        for k in roles
    }
    rows = run(with_fixture, "park-alliances-over-time.rq")
    got = {
        (r["park"], r["alliance"], r["since"], r["until"], frozenset((r["roles"] or "").split()))
        for r in rows
    }
    assert got == expected and len(rows) == len(expected)
    confederation = B + "alliance/first-class-hi-tech-parks-confederation"
    zhangjiang = {
        r["since"]
        for r in rows
        if r["alliance"] == confederation and r["park"] == B + "park/zhangjiang-hi-tech-park"
    }
    assert zhangjiang == {"2017-05-10"}  # dated by the summit, during the fair of 10-12 May
    if with_fixture:
        fixture = {
            r["park"].rsplit("-", 1)[-1]: r["since"]  # type: ignore[union-attr]
            for r in rows
            if r["alliance"] == B + "alliance/fixture-alliance"
        }
        assert fixture == {"a": "2015-03", "b": "2018", "c": "2018", "d": "2019-06-01"}


def test_agreements_per_year(with_fixture: bool) -> None:
    _, g = loaded(with_fixture)
    years: dict[str, int] = {}
    for a in instances(g, PLD.Agreement):
        found = [
            int(str(d)[:4]) for p in (PLD.date, PLD.yearMonth, PLD.year) for d in g.objects(a, p)
        ]
        for e in [*g.objects(a, PLD.atEvent), *g.objects(a, PLD.adoptedAt)]:
            found += [int(str(d)[:4]) for p in (PLD.startDate, PLD.date) for d in g.objects(e, p)]
            found += [
                int(str(d)[:4])
                for sup in g.objects(e, PLD.partOfEvent)
                for d in g.objects(sup, PLD.startDate)
            ]
        if found:
            years[str(a)] = min(found)
    expected: dict[int, int] = defaultdict(int)
    for year in years.values():
        expected[year] += 1
    rows = run(with_fixture, "agreements-per-year.rq")
    got = {int(r["year"] or 0): int(r["agreements"] or 0) for r in rows}
    assert got == dict(expected)
    assert [int(r["year"] or 0) for r in rows] == sorted(got)
    assert got[2016] >= 2 and got[2017] >= 1
    if with_fixture:
        alone = {
            int(r["year"] or 0): int(r["agreements"] or 0)
            for r in run(False, "agreements-per-year.rq")
        }
        assert got[2019] - alone.get(2019, 0) == 1  # the fixture's A–D memorandum, 2019-01-15


def test_the_example_files_say_what_they_answer() -> None:
    for name in (
        "parks-with-most-partners.rq",
        "country-cooperation-matrix.rq",
        "park-alliances-over-time.rq",
        "agreements-per-year.rq",
    ):
        first = (QUERIES / name).read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# ") and first.endswith("?"), name
        assert Path(QUERIES / name).stat().st_size < 4000
