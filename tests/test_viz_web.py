"""The picture routes: JSON for the pictures, GraphML and CSV downloads, pages, asOf errors.

The fixture graph gives exact expectations; the shipped graph is checked against SPARQL counts
written here independently of the viz queries.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import networkx as nx  # type: ignore[import-untyped]
import pytest
from flask.testing import FlaskClient

from parkld import config
from parkld.store import Store
from parkld.store.embedded import EmbeddedStore
from parkld.web import create_app
from tests.viz_support import BASE, SISTER_FIXTURE, SISTER_SHIPPED, fixture_store_dir

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


@pytest.fixture(scope="module")
def fixture_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fixture_store_dir(tmp_path_factory.mktemp("viz-web"))


@pytest.fixture
def fx(fixture_dir: Path) -> Iterator[FlaskClient]:
    """A client of the app over the fixture graph."""
    store = EmbeddedStore(fixture_dir)
    app = create_app(config.from_env({}, store_dir=fixture_dir), store=store)
    app.config["TESTING"] = True
    yield app.test_client()
    store.close()


def read_graphml(body: bytes) -> nx.Graph:
    return nx.read_graphml(io.BytesIO(body))


def check_graphml_structure(body: bytes) -> None:
    """What GraphML requires and readers rely on: declared keys, typed, before the graph."""
    root = ET.fromstring(body)
    assert root.tag == f"{GRAPHML}graphml"
    keys = {k.get("id"): k for k in root.findall(f"{GRAPHML}key")}
    assert all(k.get("for") in {"graph", "node", "edge"} for k in keys.values())
    assert all(k.get("attr.type") in {"string", "double", "int", "boolean"} for k in keys.values())
    children = [child.tag for child in root]
    assert children.index(f"{GRAPHML}graph") > max(
        i for i, tag in enumerate(children) if tag == f"{GRAPHML}key"
    )
    graph = root.find(f"{GRAPHML}graph")
    assert graph is not None and graph.get("edgedefault") == "undirected"
    node_ids = {n.get("id") for n in graph.findall(f"{GRAPHML}node")}
    for edge in graph.findall(f"{GRAPHML}edge"):
        assert edge.get("source") in node_ids and edge.get("target") in node_ids
    for data in root.iter(f"{GRAPHML}data"):
        assert data.get("key") in keys


def test_map_json_lists_parks_with_coordinates(fx: FlaskClient) -> None:
    body = fx.get("/viz/map.json").get_json()
    assert [p["label"] for p in body["parks"]] == [
        "Alpha Park",
        "Beta Zone",
        "Delta Park",
        "Gamma Science Park",
    ]
    assert body["withoutCoordinates"] == 1
    assert body["parks"][0]["href"] == "/park/alpha"  # links stay on this host


@pytest.mark.parametrize(
    "url",
    [
        "/viz/map.json",
        "/viz/network.json",
        "/viz/timeline.json",
        "/network.graphml",
        "/network-nodes.csv",
        "/network-edges.csv",
        "/map",
        "/network",
        "/timeline",
    ],
)
def test_every_route_rejects_a_bad_as_of_with_400(fx: FlaskClient, url: str) -> None:
    response = fx.get(url, query_string={"asOf": "2016-02-30"})
    assert response.status_code == 400
    assert "asOf" in response.get_data(as_text=True)


def test_bad_focus_is_400(fx: FlaskClient) -> None:
    response = fx.get("/viz/map.json", query_string={"focus": "not an iri"})
    assert response.status_code == 400
    assert "focus" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("as_of", "has_sister"), [("2016-07-01", False), ("2016-07-02", True), ("2017-01-01", True)]
)
def test_as_of_hides_the_sister_park_agreement_before_its_signing(
    fx: FlaskClient, as_of: str, has_sister: bool
) -> None:
    edges = fx.get("/viz/network.json", query_string={"asOf": as_of}).get_json()["edges"]
    assert (SISTER_FIXTURE in {e["via"] for e in edges}) is has_sister
    rows = list(
        csv.DictReader(
            io.StringIO(
                fx.get("/network-edges.csv", query_string={"asOf": as_of}).get_data(as_text=True)
            )
        )
    )
    assert (SISTER_FIXTURE in {r["via"] for r in rows}) is has_sister


def test_graphml_round_trips_through_networkx(fx: FlaskClient) -> None:
    response = fx.get("/network.graphml")
    assert response.content_type.startswith("application/graphml+xml")
    assert 'filename="parkld-network.graphml"' in response.headers["Content-Disposition"]
    check_graphml_structure(response.data)
    graph = read_graphml(response.data)
    assert isinstance(graph, nx.MultiGraph)  # alpha–beta: sister parks and same alliance
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (5, 8)
    alpha = graph.nodes[BASE + "park/alpha"]
    assert (alpha["label"], alpha["lat"], alpha["countryLabel"]) == ("Alpha Park", 43.62, "France")
    types = sorted(d["type"] for _, _, d in graph.edges(data=True))
    assert types.count("alliance") == 6 and types.count("sister-park-agreement") == 1
    sister = next(d for _, _, d in graph.edges(data=True) if d["type"] == "sister-park-agreement")
    assert (sister["start"], sister["via"]) == ("2016-07-02", SISTER_FIXTURE)


def test_graphml_as_of_keeps_every_park_and_only_holding_edges(fx: FlaskClient) -> None:
    response = fx.get("/network.graphml", query_string={"asOf": "2016-07-02"})
    assert 'filename="parkld-network-2016-07-02.graphml"' in response.headers["Content-Disposition"]
    graph = read_graphml(response.data)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (4, 1)  # Delta: 2020
    assert graph.graph["asOf"] == "2016-07-02"


def test_csv_lists_match_the_graphml(fx: FlaskClient) -> None:
    graph = read_graphml(fx.get("/network.graphml").data)
    nodes = list(csv.DictReader(io.StringIO(fx.get("/network-nodes.csv").get_data(as_text=True))))
    edges = list(csv.DictReader(io.StringIO(fx.get("/network-edges.csv").get_data(as_text=True))))
    assert {n["id"] for n in nodes} == set(graph.nodes)
    assert len(edges) == graph.number_of_edges()
    assert set(edges[0]) >= {"id", "source", "target", "type", "via", "start", "end"}


def test_timeline_json_for_an_alliance_gives_its_status_on_the_day(fx: FlaskClient) -> None:
    body = fx.get(
        "/viz/timeline.json",
        query_string={"focus": BASE + "alliance/confederation", "asOf": "2018-02-01"},
    ).get_json()
    assert [s["statusLabel"] for s in body["status"]] == ["proposed"]
    assert [i["date"] for i in body["items"]] == sorted(i["date"] for i in body["items"])
    assert all(i["date"] <= "2018-02-01" for i in body["items"])


@pytest.mark.parametrize(
    ("url", "viz"), [("/map", "map"), ("/network", "network"), ("/timeline", "timeline")]
)
def test_pages_carry_their_picture_and_the_as_of_control(
    fx: FlaskClient, url: str, viz: str
) -> None:
    page = fx.get(url, query_string={"asOf": "2017-06-01"}).get_data(as_text=True)
    assert f'data-viz="{viz}"' in page
    assert 'name="asOf" value="2017-06-01"' in page
    assert "/static/viz/viz.js" in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")  # nothing remote


# -- the shipped graph ---------------------------------------------------------------------------
PREFIXES = """PREFIX pld: <https://w3id.org/parkld/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX wgs84: <http://www.w3.org/2003/01/geo/wgs84_pos#>
"""
PARKS_WITH_COORDINATES = (
    PREFIXES
    + """SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {
  ?p a/rdfs:subClassOf* pld:Park ; wgs84:lat ?lat ; wgs84:long ?long }"""
)
PARKS = PREFIXES + "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a/rdfs:subClassOf* pld:Park }"
#: Over all time, an edge per agreement and pair of park parties, and per alliance and pair of
#: park members.
EDGES = (
    PREFIXES
    + """SELECT (COUNT(*) AS ?n) WHERE {
  { SELECT DISTINCT ?via ?a ?b WHERE {
      ?via a/rdfs:subClassOf* pld:Agreement ; pld:party ?a, ?b .
      ?a a/rdfs:subClassOf* pld:Park . ?b a/rdfs:subClassOf* pld:Park .
      FILTER(STR(?a) < STR(?b)) } }
  UNION
  { SELECT DISTINCT ?via ?a ?b WHERE {
      ?via a pld:Alliance . ?ma org:organization ?via ; org:member ?a .
      ?mb org:organization ?via ; org:member ?b .
      ?a a/rdfs:subClassOf* pld:Park . ?b a/rdfs:subClassOf* pld:Park .
      FILTER(STR(?a) < STR(?b)) } }
}"""
)


def count(store: Store, query: str) -> int:
    return int(store.select(query).rows[0]["n"].value)


def test_shipped_map_has_a_marker_per_park_with_coordinates(
    client: FlaskClient, shipped_store: EmbeddedStore
) -> None:
    expected = count(shipped_store, PARKS_WITH_COORDINATES)
    assert expected > 0
    assert len(client.get("/viz/map.json").get_json()["parks"]) == expected


def test_shipped_graphml_counts_match_sparql(
    client: FlaskClient, shipped_store: EmbeddedStore
) -> None:
    body = client.get("/network.graphml").data
    check_graphml_structure(body)
    graph = read_graphml(body)
    assert graph.number_of_nodes() == count(shipped_store, PARKS)
    assert graph.number_of_edges() == count(shipped_store, EDGES)


@pytest.mark.parametrize(
    ("as_of", "has_sister"), [("2016-07-01", False), ("2016-07-02", True), ("2017-06-01", True)]
)
def test_shipped_as_of_hides_the_2016_sister_park_agreement_before_2016_07_02(
    client: FlaskClient, as_of: str, has_sister: bool
) -> None:
    graph = read_graphml(client.get("/network.graphml", query_string={"asOf": as_of}).data)
    vias = {d.get("via") for _, _, d in graph.edges(data=True)}
    assert (SISTER_SHIPPED in vias) is has_sister


def test_network_json_lists_memberships_for_the_alliance_hubs(fx: FlaskClient) -> None:
    body = fx.get("/viz/network.json").get_json()
    members = sorted(m["member"].removeprefix(BASE + "park/") for m in body["memberships"])
    assert members == ["alpha", "beta", "gamma", "unnamed-qatar"]
    assert {m["allianceLabel"] for m in body["memberships"]} == {"Park confederation"}
    beta = next(m for m in body["memberships"] if m["member"].endswith("/beta"))
    assert (beta["start"], beta["end"], beta["precision"]) == ("2017-06-01", "2018-06-30", "day")
    # Every member is drawn, also one with no agreement (the unnamed park from Qatar).
    assert BASE + "park/unnamed-qatar" in {n["iri"] for n in body["nodes"]}
    assert body["evidence"] == {}  # the fixture graph has no pld:evidence: nothing is made up
    later = fx.get("/viz/network.json", query_string={"asOf": "2019-01-01"}).get_json()
    assert "beta" not in {m["member"].rsplit("/", 1)[1] for m in later["memberships"]}


@pytest.mark.parametrize("picture", ["map", "network", "timeline"])
@pytest.mark.parametrize(
    "local", ["park/alpha", "alliance/confederation", "agreement/alpha-beta-sister-parks"]
)
def test_a_picture_about_a_resource_has_a_path_of_its_own(
    fx: FlaskClient, picture: str, local: str
) -> None:
    by_path = fx.get(f"/viz/{picture}/{local}.json", query_string={"asOf": "2017-07-04"})
    by_query = fx.get(
        f"/viz/{picture}.json", query_string={"focus": BASE + local, "asOf": "2017-07-04"}
    )
    assert by_path.status_code == by_query.status_code == 200
    assert by_path.get_json() == by_query.get_json()
    page = fx.get(f"/{local}", headers={"Accept": "text/html"}).get_data(as_text=True)
    if f'data-viz="{picture}"' in page:  # the resource page fetches it by that path
        assert f'data-src="/viz/{picture}/{local}.json"' in page
