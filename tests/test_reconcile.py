"""The W3C Reconciliation Service API (0.2, OpenRefine's): the manifest and a batch of 20
queries against the live server validate against the API's schemas (tests/reconcile_schemas.py)
and rank the right entity first — names in other languages and scripts, folded case and
accents, a typo, a shortened name refined by country or coordinates, and decoys that must not
match. Suggest, preview, data extension and bad input are checked on the app.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
from flask.testing import FlaskClient

from tests import reconcile_schemas as schemas
from tests.live import LiveServer

# (query, expected first id or None for a decoy)
BATCH: list[tuple[dict[str, Any], str | None]] = [
    ({"query": "Sophia Antipolis", "type": "Park"}, "park/sophia-antipolis"),
    ({"query": "ソフィア・アンティポリス"}, "park/sophia-antipolis"),
    ({"query": "成都ハイテク産業開発区", "type": "Park"}, "park/chengdu-hi-tech-zone"),
    ({"query": "Parc Científic de Barcelona", "type": ["Park"]}, "park/barcelona-science-park"),
    ({"query": "PARQUE TECNOLOGICO DE ÁLAVA", "type": "Park"}, "park/parque-tecnologico-de-alava"),
    ({"query": "Sophia Antipolia", "type": "Park"}, "park/sophia-antipolis"),  # typo
    ({"query": "Barcelona Sciense Park", "type": "Park"}, "park/barcelona-science-park"),  # typo
    (
        {
            "query": "Chengdu Hi-Tech Zone",
            "type": "Park",
            "properties": [{"pid": "country", "v": "China"}],
        },
        "park/chengdu-hi-tech-zone",
    ),
    (
        {"query": "Zhangjiang", "type": "Park", "properties": [{"pid": "city", "v": "Shanghai"}]},
        "park/zhangjiang-hi-tech-park",
    ),
    (
        {"query": "Softwarezentrum Böblingen", "type": "Park"},
        "park/softwarezentrum-boblingen-sindelfingen",
    ),
    (
        {
            "query": "WISTA",
            "type": "Park",
            "properties": [{"pid": "country", "v": {"id": "place/germany"}}],
        },
        "park/wista",
    ),
    (
        {
            "query": "Sophia",
            "type": "Park",
            "properties": [{"pid": "coordinates", "v": "43.62,7.05"}],
        },
        "park/sophia-antipolis",
    ),
    ({"query": "York Science Park", "type": "Park", "limit": 3}, "park/york-science-park"),
    ({"query": "Aston Science Park", "type": "Park"}, "park/aston-science-park"),
    ({"query": "Hoa Lac Hi-Tech Park", "type": "Park"}, "park/hoa-lac-hi-tech-park"),
    ({"query": "France", "type": "Place"}, "place/france"),
    (
        {"query": "First-class hi-tech parks confederation", "type": "Alliance"},
        "alliance/first-class-hi-tech-parks-confederation",
    ),
    ({"query": "Silicon Wadi Quantum Valley", "type": "Park"}, None),  # decoy: not in the graph
    ({"query": "Sophia Antipolis", "type": "Alliance"}, None),  # decoy: a park, not an alliance
    (
        {"query": "Chengdu", "type": "Park", "properties": [{"pid": "country", "v": "France"}]},
        "park/chengdu-hi-tech-zone",
    ),
]


def post(server: LiveServer, form: dict[str, str]) -> Any:
    data = urllib.parse.urlencode(form).encode()
    with urllib.request.urlopen(f"{server.base_url}/reconcile", data=data, timeout=60) as r:
        assert r.headers["Content-Type"].startswith("application/json")
        return json.load(r)


def test_manifest_validates(live_server: LiveServer) -> None:
    with urllib.request.urlopen(f"{live_server.base_url}/reconcile", timeout=60) as r:
        manifest = json.load(r)
    jsonschema.validate(manifest, schemas.MANIFEST)
    assert manifest["identifierSpace"] == "https://w3id.org/parkld/"
    assert {t["id"] for t in manifest["defaultTypes"]} == {
        "Park",
        "Alliance",
        "Agreement",
        "Place",
        "Organisation",
    }
    # The templates point at the configured public base (PARKLD_PUBLIC_URL, else the base IRI;
    # never the Host asked) and work: the view of an id is its page. This server is not
    # configured, so its paths are reached by swapping the base for its address.
    public = "https://w3id.org/parkld"
    view = manifest["view"]["url"].replace("{{id}}", "park/sophia-antipolis")
    assert view == f"{public}/park/sophia-antipolis"
    preview = manifest["preview"]["url"].replace("{{id}}", "park/sophia-antipolis")
    assert preview.startswith(public + "/")
    with urllib.request.urlopen(live_server.base_url + preview[len(public) :], timeout=60) as r:
        assert "Sophia Antipolis" in r.read().decode()


def test_batch_of_twenty_ranks_the_right_entity_first(live_server: LiveServer) -> None:
    queries = {f"q{n}": q for n, (q, _) in enumerate(BATCH)}
    assert len(queries) == 20
    jsonschema.validate(queries, schemas.QUERY_BATCH)
    answer = post(live_server, {"queries": json.dumps(queries)})
    jsonschema.validate(answer, schemas.RESULT_BATCH)
    assert set(answer) == set(queries)
    for n, (q, expected) in enumerate(BATCH):
        results = answer[f"q{n}"]["result"]
        scores = [r["score"] for r in results]
        assert scores == sorted(scores, reverse=True), q
        if expected is None:
            assert not any(r["match"] for r in results), (q, results[:2])
            assert all(r["score"] < 60 for r in results), (q, results[:2])
            continue
        assert results, q
        assert results[0]["id"] == expected, (q, results[:3])
        types = q.get("type")
        if types:
            wanted = {types} if isinstance(types, str) else set(types)
            assert all(wanted & {t["id"] for t in r["type"]} for r in results), q
        if "limit" in q:
            assert len(results) <= q["limit"]
    first = answer["q0"]["result"][0]
    assert first["match"] is True and first["score"] == 100
    # A typo ranks first but is not declared a certain match.
    assert answer["q5"]["result"][0]["match"] is False
    # The wrong country lowers the score of the right name below an exact match.
    assert answer["q19"]["result"][0]["score"] < 100 and not answer["q19"]["result"][0]["match"]


def test_data_extension(client: FlaskClient) -> None:
    proposed = client.get("/reconcile/propose_properties?type=Park").get_json()
    jsonschema.validate(proposed, schemas.PROPOSE)
    assert {"country", "city", "coordinates"} <= {p["id"] for p in proposed["properties"]}
    ext = {
        "ids": ["park/sophia-antipolis", "park/chengdu-hi-tech-zone"],
        "properties": [{"id": "country"}, {"id": "city"}, {"id": "coordinates"}],
    }
    r = client.post("/reconcile", data={"extend": json.dumps(ext)})
    body = r.get_json()
    jsonschema.validate(body, schemas.EXTEND_RESPONSE)
    sophia = body["rows"]["park/sophia-antipolis"]
    assert sophia["country"] == [{"id": "place/france", "name": "France"}]
    lat, long = (float(x) for x in sophia["coordinates"][0]["str"].split(","))
    assert abs(lat - 43.62) < 0.01 and abs(long - 7.05) < 0.01
    assert body["rows"]["park/chengdu-hi-tech-zone"]["city"][0]["id"] == "place/chengdu"
    # The same values the Turtle of the park gives.
    ttl = client.get("/park/sophia-antipolis.ttl").get_data(as_text=True)
    assert "place/france" in ttl


def test_suggest(client: FlaskClient) -> None:
    entities = client.get("/reconcile/suggest/entity?prefix=soph&type=Park").get_json()
    jsonschema.validate(entities, schemas.SUGGEST)
    assert [e["id"] for e in entities["result"]] == ["park/sophia-antipolis"]
    anything = client.get("/reconcile/suggest/entity?prefix=sophia").get_json()
    assert anything["result"][0]["id"] == "park/sophia-antipolis"
    assert len(anything["result"]) > 1  # agreements naming Sophia Antipolis too
    types = client.get("/reconcile/suggest/type?prefix=pa").get_json()
    jsonschema.validate(types, schemas.SUGGEST)
    assert [t["id"] for t in types["result"]] == ["Park"]
    props = client.get("/reconcile/suggest/property?prefix=coun").get_json()
    jsonschema.validate(props, schemas.SUGGEST)
    assert [p["id"] for p in props["result"]] == ["country"]


def test_preview_and_docs(client: FlaskClient) -> None:
    card = client.get("/reconcile/preview?id=park/sophia-antipolis")
    text = card.get_data(as_text=True)
    assert card.mimetype == "text/html" and "Sophia Antipolis" in text and "France" in text
    assert client.get("/reconcile/preview?id=park/nothing").status_code == 404
    docs = client.get("/reconcile/docs").get_data(as_text=True)
    assert 'id="coordinates"' in docs and 'id="Park"' in docs


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"queries": "{not json"}, "not JSON"),
        ({"queries": "[]"}, "JSON object"),
        ({"queries": json.dumps({"q0": {"query": ""}})}, "non-empty"),
        ({"queries": json.dumps({"q0": {"query": "x", "type": "Spaceship"}})}, "unknown type"),
        (
            {
                "queries": json.dumps(
                    {"q0": {"query": "x", "properties": [{"pid": "colour", "v": "red"}]}}
                )
            },
            "unknown property",
        ),
        ({"queries": json.dumps({f"q{n}": {"query": "x"} for n in range(101)})}, "at most 100"),
        ({"extend": json.dumps({"ids": ["park/x"]})}, "properties"),
        ({"queries": "{}", "extend": "{}"}, "either"),
    ],
)
def test_bad_input_is_a_clear_400(client: FlaskClient, form: dict[str, str], message: str) -> None:
    r = client.post("/reconcile", data=form)
    assert r.status_code == 400
    assert message in r.get_data(as_text=True)
