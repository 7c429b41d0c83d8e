"""The picture core (parkld.viz) on the small fixture graph: facts, asOf, network, timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from parkld.asof.day import parse_as_of
from parkld.errors import BadRequest
from parkld.store.embedded import EmbeddedStore
from parkld.viz import facts, geo, network, timeline
from tests.viz_support import BASE, SISTER_FIXTURE, fixture_store_dir

D = dt.date


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    s = EmbeddedStore(fixture_store_dir(tmp_path_factory.mktemp("viz")))
    yield s
    s.close()


@pytest.mark.parametrize(
    ("text", "day"), [(None, None), ("", None), ("  ", None), ("2016-07-02", D(2016, 7, 2))]
)
def test_parse_as_of_accepts_dates_and_nothing(text: str | None, day: D | None) -> None:
    assert parse_as_of(text) == day


@pytest.mark.parametrize(
    "text", ["2016", "2016-7-2", "02/07/2016", "2016-02-30", "tomorrow", "2016-07-02T00:00"]
)
def test_parse_as_of_rejects_anything_else_with_the_expected_form(text: str) -> None:
    with pytest.raises(BadRequest, match="asOf"):
        parse_as_of(text)


def test_parks_fold_sources_and_hide_parks_founded_later(store: EmbeddedStore) -> None:
    parks = {p.iri.removeprefix(BASE + "park/"): p for p in facts.parks(store)}
    assert sorted(parks) == ["alpha", "beta", "delta", "gamma", "unnamed-qatar"]
    assert parks["alpha"].label == "Alpha Park"  # two sources' labels: one chosen, stably
    assert (parks["beta"].lat, parks["beta"].long) == (30.57, 104.06)
    assert parks["gamma"].kind_label == "science park"
    assert not parks["unnamed-qatar"].has_coordinates
    assert "delta" not in {p.iri.rsplit("/", 1)[1] for p in facts.parks(store, D(2019, 1, 1))}
    assert "delta" in {p.iri.rsplit("/", 1)[1] for p in facts.parks(store, D(2020, 1, 15))}


def test_agreement_dates_prefer_the_day_over_the_year_and_the_source(store: EmbeddedStore) -> None:
    by_iri = {a.iri: a for a in facts.agreements(store)}
    sister = by_iri[SISTER_FIXTURE]
    assert (sister.start, sister.on, sister.in_year, sister.precision) == (
        D(2016, 7, 2),
        D(2016, 7, 2),
        2016,
        "day",
    )
    declaration = by_iri[BASE + "agreement/summit-declaration"]
    assert declaration.start == D(2017, 5, 10)  # adopted at the summit, which began that day


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2016, 7, 1), set()),
        (D(2016, 7, 2), {"alpha-beta-sister-parks"}),
        (D(2018, 3, 1), {"alpha-beta-sister-parks", "beta-gamma-mou", "summit-declaration"}),
        (D(2020, 1, 1), {"alpha-beta-sister-parks", "summit-declaration"}),  # the MoU ended
    ],
)
def test_agreements_as_of_follow_signing_and_end(
    store: EmbeddedStore, day: D, expected: set[str]
) -> None:
    assert {a.iri.rsplit("/", 1)[1] for a in facts.agreements(store, day)} == expected


def test_timelines_keep_what_ended(store: EmbeddedStore) -> None:
    kept = {a.iri.rsplit("/", 1)[1] for a in facts.agreements(store, D(2020, 1, 1), past_too=True)}
    assert "beta-gamma-mou" in kept


def test_membership_start_from_own_date_event_or_source(store: EmbeddedStore) -> None:
    starts = {m.iri.rsplit("/", 1)[1]: (m.start, m.precision) for m in facts.memberships(store)}
    assert starts == {
        "alpha": (D(2017, 5, 10), "day"),
        "beta": (D(2017, 6, 1), "day"),
        "gamma": (D(2017, 7, 4), "by"),
        "unnamed-qatar": (D(2017, 7, 4), "by"),
    }


@pytest.mark.parametrize(
    ("day", "status"),
    [
        (D(2017, 5, 9), None),
        (D(2017, 5, 10), "proposed"),
        (D(2018, 12, 30), "proposed"),
        (D(2018, 12, 31), "founded"),
    ],
)
def test_alliance_status_follows_its_history(
    store: EmbeddedStore, day: D, status: str | None
) -> None:
    latest = facts.current_status(facts.status_records(store, day), BASE + "alliance/confederation")
    assert (latest.status_label if latest else None) == status


def _pairs(net: network.Network) -> set[tuple[str, str, str]]:
    return {(e.type, e.source.rsplit("/", 1)[1], e.target.rsplit("/", 1)[1]) for e in net.edges}


def test_network_edges_over_all_time(store: EmbeddedStore) -> None:
    net = network.build(store)
    assert len(net.nodes) == 5
    members = ["alpha", "beta", "gamma", "unnamed-qatar"]
    alliance = {("alliance", a, b) for i, a in enumerate(members) for b in members[i + 1 :]}
    assert (
        _pairs(net)
        == {("sister-park-agreement", "alpha", "beta"), ("agreement", "beta", "gamma")} | alliance
    )
    assert [e.id for e in net.edges] == [f"e{i}" for i in range(8)]


def test_network_as_of_watches_the_partnership_form(store: EmbeddedStore) -> None:
    assert _pairs(network.build(store, D(2016, 7, 1))) == set()
    assert _pairs(network.build(store, D(2016, 7, 2))) == {
        ("sister-park-agreement", "alpha", "beta")
    }
    june = _pairs(network.build(store, D(2017, 6, 15)))
    assert ("alliance", "alpha", "beta") in june and ("alliance", "alpha", "gamma") not in june
    alliance_edge = next(
        e
        for e in network.build(store).edges
        if e.type == "alliance" and e.target.endswith("/gamma") and e.source.endswith("/beta")
    )
    assert (alliance_edge.start, alliance_edge.end) == (D(2017, 7, 4), D(2018, 6, 30))


def test_network_neighbourhood_and_connected(store: EmbeddedStore) -> None:
    net = network.build(store, D(2016, 12, 31))
    assert {n.iri.rsplit("/", 1)[1] for n in net.connected().nodes} == {"alpha", "beta"}
    hood = network.build(store).neighbourhood(BASE + "park/gamma")
    assert all(BASE + "park/gamma" in (e.source, e.target) for e in hood.edges)
    assert len(hood.nodes) == 4


def test_map_points_for_an_alliance_follow_membership(store: EmbeddedStore) -> None:
    alliance = BASE + "alliance/confederation"
    june = geo.points(store, D(2017, 6, 15), alliance)
    assert {p.label for p in june.parks} == {"Alpha Park", "Beta Zone"}
    later = geo.points(store, D(2017, 8, 1), alliance)
    assert {p.label for p in later.parks} == {"Alpha Park", "Beta Zone", "Gamma Science Park"}
    assert [p.label for p in later.without_coordinates] == ["Unnamed park from Qatar"]
    sister = geo.points(store, D(2016, 7, 2), SISTER_FIXTURE)
    assert {p.label for p in sister.parks} == {"Alpha Park", "Beta Zone"}
    assert geo.points(store, D(2016, 7, 1), SISTER_FIXTURE).parks == []


def test_timeline_orders_items_and_cuts_at_as_of(store: EmbeddedStore) -> None:
    line = timeline.build(store)
    dates = [i.date for i in line.items]
    assert dates == sorted(dates)
    assert {i.type for i in line.items} == {"agreement", "membership", "status", "event"}
    founded = next(i for i in line.items if i.label.endswith("founded"))
    assert (founded.date, founded.precision) == (D(2018, 1, 1), "year")
    cut = timeline.build(store, D(2017, 5, 31))
    assert max(i.date for i in cut.items) <= D(2017, 5, 31)
    park = timeline.build(store, focus=BASE + "park/gamma")
    assert {i.type for i in park.items} == {"agreement", "membership"}
