"""CORS on entity pages with several allowed origins: the matching one echoed (issue 13)."""

from __future__ import annotations

from flask.testing import FlaskClient

from parkld.store.embedded import EmbeddedStore
from parkld.web import create_app
from tests.conftest import make_settings

PARK = "/park/sophia-antipolis"
ORIGINS = "https://a.example,https://b.example"


def client(store: EmbeddedStore, origins: str) -> FlaskClient:
    app = create_app(make_settings(store.store_dir, cors_origins=origins), store=store)
    app.config["TESTING"] = True
    return app.test_client()


def test_the_matching_origin_is_echoed(shipped_store: EmbeddedStore) -> None:
    c = client(shipped_store, ORIGINS)
    for origin in ("https://a.example", "https://b.example"):
        answer = c.get(PARK, headers={"Accept": "text/turtle", "Origin": origin})
        assert answer.status_code == 200
        assert answer.headers["Access-Control-Allow-Origin"] == origin
        assert "Origin" in answer.headers["Vary"]
        assert "Link" in answer.headers["Access-Control-Expose-Headers"]


def test_another_origin_gets_no_allow_header(shipped_store: EmbeddedStore) -> None:
    answer = client(shipped_store, ORIGINS).get(
        PARK, headers={"Accept": "text/turtle", "Origin": "https://evil.example"}
    )
    assert answer.status_code == 200
    assert "Access-Control-Allow-Origin" not in answer.headers


def test_star_allows_any(shipped_store: EmbeddedStore) -> None:
    answer = client(shipped_store, "*").get(PARK, headers={"Accept": "text/turtle"})
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
