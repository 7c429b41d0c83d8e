"""Example queries (queries/examples/*.rq) answer the researchers' questions correctly.

Each query runs against the shipped ontology + data in two engines: a pyoxigraph Store (one named
graph per data file, the default graph as the union of all graphs) and an rdflib
Dataset(default_union=True) loaded the same way. Expected rows are written from what the sources
say, not copied from a query run.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.query import ResultRow

from tests.ox_terms import solutions as ox_solutions

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries" / "examples"
BASE = "https://w3id.org/parkld/"
ONTOLOGY_GRAPH = BASE + "ontology"

Row = dict[str, str | None]


# ---- loading helpers (kept small so the package's own loader can replace them)


def graph_files() -> Iterator[tuple[str, Path]]:
    """(graph IRI, file) for all the store holds: ontology files, then one graph per data file."""
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        yield ONTOLOGY_GRAPH, path
    for path in sorted((ROOT / "data").glob("*.ttl")):
        yield f"{BASE}graph/{path.stem}", path


@cache
def oxigraph_store() -> ox.Store:
    store = ox.Store()
    for graph, path in graph_files():
        store.load(path=path, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
    return store


@contextmanager
def rdflib_deprecations_ignored() -> Iterator[None]:
    """rdflib 7.x's SPARQL engine calls its own deprecated Dataset.default_context; the project
    runs tests with warnings as errors, so silence only rdflib's internal DeprecationWarnings."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"rdflib(\.|$)")
        yield


@cache
def rdflib_dataset() -> Dataset:
    ds = Dataset(default_union=True)
    with rdflib_deprecations_ignored():
        for graph, path in graph_files():
            ds.graph(URIRef(graph)).parse(path, format="turtle")
    return ds


def _ox_value(term: Any) -> str | None:
    return None if term is None else str(term.value)


def run_oxigraph(query: str, bindings: dict[str, URIRef | Literal]) -> list[Row]:
    subs: dict[ox.Variable, Any] = {}
    for name, value in bindings.items():
        if isinstance(value, URIRef):
            subs[ox.Variable(name)] = ox.NamedNode(str(value))
        else:
            datatype = ox.NamedNode(str(value.datatype)) if value.datatype else None
            subs[ox.Variable(name)] = ox.Literal(str(value), datatype=datatype)
    solutions = ox_solutions(
        oxigraph_store().query(query, use_default_graph_as_union=True, substitutions=subs)
    )
    names = [v.value for v in solutions.variables]
    return [{n: _ox_value(s[n]) for n in names} for s in solutions]


def run_rdflib(query: str, bindings: dict[str, URIRef | Literal]) -> list[Row]:
    with rdflib_deprecations_ignored():
        result = rdflib_dataset().query(query, initBindings=dict(bindings))
        names = [str(v) for v in result.vars or []]
        rows: list[Row] = []
        for row in result:
            assert isinstance(row, ResultRow), row
            rows.append({n: (None if row[n] is None else str(row[n])) for n in names})
        return rows


ENGINES: dict[str, Callable[[str, dict[str, URIRef | Literal]], list[Row]]] = {
    "oxigraph": run_oxigraph,
    "rdflib": run_rdflib,
}


def run(engine: str, name: str, **bindings: URIRef | Literal) -> list[Row]:
    return ENGINES[engine]((QUERIES / name).read_text(encoding="utf-8"), bindings)


def iri(kind: str, slug: str) -> str:
    return f"{BASE}{kind}/{slug}"


def date(value: str) -> Literal:
    return Literal(value, datatype=XSD.date)


engines = pytest.mark.parametrize("engine", sorted(ENGINES))


# ---- every query is documented


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.rq")), ids=lambda p: p.name)
def test_query_starts_with_a_question_comment(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# ") and len(first) > 20, (
        f"{path.name} must start with a '# ...' line saying what it answers"
    )


def test_every_query_is_checked_here() -> None:
    checked = {
        "confederation-collaborators.rq",
        "sister-parks-of-sophia-antipolis.rq",
        "agreements-2016-provisions.rq",
        "confederation-proposal.rq",
        "signing-place-by-source.rq",
        "claims-with-sources.rq",
        "parks-linked-to-wikidata.rq",
        "alliance-status-as-of.rq",
        "agreements-in-force-as-of.rq",
        # needs a Wikidata stand-in server: answered in tests/test_wikidata_federation.py
        "wikidata-federation.rq",
        # researchers' questions, answered in tests/test_examples_research.py (with claim tables)
        "parks-with-most-partners.rq",
        "country-cooperation-matrix.rq",
        "park-alliances-over-time.rq",
        "agreements-per-year.rq",
    }
    assert {p.name for p in QUERIES.glob("*.rq")} == checked


# ---- the answers


@engines
def test_confederation_collaborators(engine: str) -> None:
    rows = run(engine, "confederation-collaborators.rq")
    got = {(r["park"], r["country"], r["identified"]) for r in rows}
    named = {
        ("chengdu-hi-tech-zone", "china"),
        ("sophia-antipolis", "france"),
        ("zhangjiang-hi-tech-park", "china"),
        ("shenzhen-science-technology-industrial-park", "china"),
        ("xian-hi-tech-zone", "china"),
    }
    unnamed = {
        "britain": "united-kingdom",
        "germany": "germany",
        "spain": "spain",
        "netherlands": "netherlands",
        "india": "india",
        "israel": "israel",
        "canada": "canada",
        "qatar": "qatar",
    }
    expected = {(iri("park", p), iri("place", c), "true") for p, c in named} | {
        (iri("park", f"unnamed-{k}-2017-confederation"), iri("place", c), "false")
        for k, c in unnamed.items()
    }
    assert got == expected
    assert len(rows) == 13
    names = {r["park"]: r["parkName"] for r in rows}
    assert names[iri("park", "xian-hi-tech-zone")] in {
        "Xi'an Hi-Tech Industries Development Zone",
        "Xi'an Hi-tech Industries Development Zone",
    }
    qatar = names[iri("park", "unnamed-qatar-2017-confederation")]
    assert qatar is not None
    assert qatar.startswith("Unnamed technology park from Qatar")
    assert all(r["countryName"] for r in rows)


@engines
def test_sister_parks_of_sophia_antipolis(engine: str) -> None:
    rows = run(engine, "sister-parks-of-sophia-antipolis.rq")
    assert [(r["park"], r["agreement"], r["since"], r["sinceYear"]) for r in rows] == [
        (
            iri("park", "chengdu-hi-tech-zone"),
            iri("agreement", "sophia-antipolis-chengdu-sister-parks-2016"),
            "2016-07-02",
            "2016",
        )
    ]


@engines
def test_what_the_2016_agreements_provide_for(engine: str) -> None:
    rows = run(engine, "agreements-2016-provisions.rq")
    sister, centre = (
        "sophia-antipolis-chengdu-sister-parks-2016",
        "sophia-antipolis-china-innovation-center-2016",
    )
    urenio, invest, kyodo = (
        "urenio-2017-07-04-chengdu-partnership",
        "investincotedazur-sister-parks-2016",
        "kyodo-prw-2016-07-05-chengdu-sophia-antipolis",
    )
    expected = {
        (sister, "sister-parks-2016-exchanges", "exchange", urenio),
        (sister, "sister-parks-2016-delegations", "delegation", urenio),
        (sister, "sister-parks-2016-innovation-centre-at-chengdu", "innovation-centre", urenio),
        (sister, "sister-parks-2016-mutual-national-base", "mutual-base", invest),
        (sister, "sister-parks-2016-joint-events", "joint-events", invest),
        (sister, "sister-parks-2016-training", "training", invest),
        (sister, "sister-parks-2016-visits", "delegation", invest),
        (sister, "sister-parks-2016-fields", "cooperation-fields", invest),
        (centre, "china-innovation-center-2016-development", "innovation-centre", invest),
        (sister, "sister-parks-2016-cooperation-fields-kyodo", "cooperation-fields", kyodo),
        (sister, "sister-parks-2016-window-kyodo", "mutual-base", kyodo),
    }
    got = {
        (
            str(r["agreement"]).rsplit("/", 1)[1],
            str(r["provision"]).rsplit("/", 1)[1],
            str(r["kind"]).rsplit("/", 1)[1],
            str(r["source"]).rsplit("/", 1)[1],
        )
        for r in rows
    }
    assert got == expected
    assert len(rows) == len(expected)
    urls = {r["source"]: r["url"] for r in rows}
    assert (
        urls[iri("source", urenio)]
        == "https://urenio.org/2017/07/04/chengdu-building-global-technology-park-partnership/"
    )


@engines
def test_who_proposed_the_confederation_where_and_when(engine: str) -> None:
    rows = run(engine, "confederation-proposal.rq")
    summit = iri("event", "technology-park-summit-chengdu-2017")
    fair = iri("event", "global-innovation-entrepreneurship-fair-2017")
    chengdu = iri("place", "chengdu")
    assert [
        (r["proposer"], r["event"], r["fair"], r["start"], r["end"], r["place"]) for r in rows
    ] == [
        (iri("park", "chengdu-hi-tech-zone"), summit, fair, "2017-05-10", "2017-05-12", chengdu),
        (iri("park", "sophia-antipolis"), summit, fair, "2017-05-10", "2017-05-12", chengdu),
    ]


@engines
def test_signing_place_by_source(engine: str) -> None:
    rows = run(engine, "signing-place-by-source.rq")
    got = {(r["place"], r["source"], r["issued"]) for r in rows}
    assert got == {
        (
            iri("place", "nice"),
            iri("source", "kyodo-prw-2016-07-05-chengdu-sophia-antipolis"),
            "2016-07-05",
        ),
        (iri("place", "skema-campus"), iri("source", "investincotedazur-sister-parks-2016"), None),
    }
    assert all(r["url"] and r["title"] for r in rows)


@engines
def test_claims_about_the_sister_park_agreement_with_sources(engine: str) -> None:
    agreement = URIRef(iri("agreement", "sophia-antipolis-chengdu-sister-parks-2016"))
    rows = run(engine, "claims-with-sources.rq", subject=agreement)
    pld = "https://w3id.org/parkld/ontology#"
    got = {(r["property"], r["value"], str(r["source"]).rsplit("/", 1)[1]) for r in rows}
    for claim in [
        (pld + "place", iri("place", "skema-campus"), "investincotedazur-sister-parks-2016"),
        (pld + "place", iri("place", "nice"), "kyodo-prw-2016-07-05-chengdu-sophia-antipolis"),
        (pld + "date", "2016-07-02", "investincotedazur-sister-parks-2016"),
        (pld + "year", "2016", "urenio-2017-07-04-chengdu-partnership"),
        (
            pld + "party",
            iri("park", "chengdu-hi-tech-zone"),
            "urenio-2017-07-04-chengdu-partnership",
        ),
        (pld + "party", iri("park", "chengdu-hi-tech-zone"), "investincotedazur-sister-parks-2016"),
        (
            pld + "party",
            iri("park", "chengdu-hi-tech-zone"),
            "kyodo-prw-2016-07-05-chengdu-sophia-antipolis",
        ),
    ]:
        assert claim in got
    assert all(r["url"] and r["publisherName"] for r in rows)


def test_every_statement_in_the_data_has_a_source() -> None:
    """Unbound, the provenance query gives one row per data triple: none lacks a sourced URL."""
    rows = run("oxigraph", "claims-with-sources.rq")
    data_quads = sum(
        1
        for q in oxigraph_store().quads_for_pattern(None, None, None, None)
        if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(BASE + "graph/")
    )
    assert len(rows) == data_quads


@engines
def test_parks_linked_to_wikidata(engine: str) -> None:
    rows = run(engine, "parks-linked-to-wikidata.rq")
    wd = "http://www.wikidata.org/entity/"
    got = {(r["park"], r["item"], r["lat"], r["long"]) for r in rows}
    # the seed article's parks that are linked (data/ may also hold a wider Wikidata import)
    assert {
        (iri("park", "barcelona-science-park"), wd + "Q11940149", "41.3815", "2.11824"),
        (iri("park", "zhangjiang-hi-tech-park"), wd + "Q986206", "31.20781", "121.6103"),
        (iri("park", "sophia-antipolis"), wd + "Q1359930", "43.622222222", "7.05"),
    } <= got
    unlinked = {
        iri("park", s)
        for s in (
            "chengdu-hi-tech-zone",
            "xian-hi-tech-zone",
            "shenzhen-science-technology-industrial-park",
        )
    }
    assert not unlinked & {r["park"] for r in rows}
    assert all(
        re.fullmatch(r"http://www\.wikidata\.org/entity/Q[1-9][0-9]*", str(r["item"])) for r in rows
    )
    assert len({r["park"] for r in rows}) == len(rows)  # one row per park


@engines
def test_alliance_status_as_of_a_date(engine: str) -> None:
    after = run(engine, "alliance-status-as-of.rq", asOf=date("2017-06-01"))
    assert [(r["alliance"], r["status"], r["when"], r["source"]) for r in after] == [
        (
            iri("alliance", "first-class-hi-tech-parks-confederation"),
            BASE + "vocab/status/proposed",
            "2017-05-12",
            iri("source", "urenio-2017-07-04-chengdu-partnership"),
        )
    ]
    before = run(engine, "alliance-status-as-of.rq", asOf=date("2017-05-01"))
    assert before == []


@engines
def test_agreements_and_memberships_in_force_as_of_a_date(engine: str) -> None:
    # Invest in Côte d'Azur: the sister-park agreement and the China Innovation Center
    # agreement were both signed on Saturday 2 July 2016; nothing is dated earlier.
    assert run(engine, "agreements-in-force-as-of.rq", asOf=date("2016-07-01")) == []
    sophia, chengdu = iri("park", "sophia-antipolis"), iri("park", "chengdu-hi-tech-zone")
    on_the_day = run(engine, "agreements-in-force-as-of.rq", asOf=date("2016-07-02"))
    assert {(r["fact"], r["a"], r["b"], r["from"]) for r in on_the_day} == {
        (
            iri("agreement", "sophia-antipolis-chengdu-sister-parks-2016"),
            chengdu,
            sophia,
            "2016-07-02",
        ),
        (
            iri("agreement", "sophia-antipolis-china-innovation-center-2016"),
            chengdu,
            sophia,
            "2016-07-02",
        ),
    }
    assert {r["asOf"] for r in on_the_day} == {"2016-07-02"}
    # The 2017 summit (during the fair of 10-12 May): Chengdu and Sophia Antipolis propose the
    # confederation, the parks the article names (and the unnamed ones) agree to collaborate,
    # and the delegates pass a declaration naming no parties. Every membership of the
    # confederation in the Urenio graph is dated by the summit.
    summit = run(engine, "agreements-in-force-as-of.rq", asOf=date("2017-05-12"))
    confederation = iri("alliance", "first-class-hi-tech-parks-confederation")
    urenio = rdflib.Graph().parse(ROOT / "data" / "urenio-2017-07-04-chengdu-partnership.ttl")
    org_ns = rdflib.Namespace("http://www.w3.org/ns/org#")
    expected = {
        (str(m), confederation)
        for m in urenio.subjects(org_ns.organization, rdflib.URIRef(confederation))
    }
    assert len(expected) == 13
    assert {
        (r["fact"], r["b"]) for r in summit if r["type"] == BASE + "ontology#Membership"
    } == expected
    assert run(engine, "agreements-in-force-as-of.rq", asOf=date("2017-05-09")) and not {
        r["fact"]
        for r in run(engine, "agreements-in-force-as-of.rq", asOf=date("2017-05-09"))
        if r["type"] == BASE + "ontology#Membership"
    }
    assert (iri("agreement", "chengdu-park-summit-declaration-2017"), None) in {
        (r["fact"], r["a"]) for r in summit
    }
    assert len(summit) == len({tuple(r.items()) for r in summit})  # DISTINCT: no repeats
