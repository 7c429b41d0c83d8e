"""Federation: /sparql joins parkld's parks with a Wikidata-shaped endpoint through SERVICE.

The documented example (queries/examples/wikidata-federation.rq) names the public WDQS; here the
configured Wikidata endpoint is a loopback oxigraph server, put in the allow-list, and the
example's SERVICE IRI is pointed at it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from parkld.build import BuildResult
from parkld.config import WIKIDATA_SPARQL, Settings
from parkld.store.embedded import EmbeddedStore
from parkld.web import create_app
from tests.conftest import ROOT
from tests.oxigraph_server import OxigraphServer, oxigraph_server
from tests.wikidata_helpers import WIKIDATA_FILES

EXAMPLE = ROOT / "queries" / "examples" / "wikidata-federation.rq"


@pytest.fixture(scope="module")
def wikidata(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    with oxigraph_server(WIKIDATA_FILES, tmp_path_factory.mktemp("wd-fed")) as server:
        yield server


def ask(settings: Settings, store: EmbeddedStore, query: str) -> tuple[int, bytes]:
    app = create_app(settings, store=store)
    app.config["TESTING"] = True
    answer = app.test_client().post(
        "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    return answer.status_code, answer.data


def test_example_joins_parks_with_wikidata_facts(
    wikidata: OxigraphServer,
    shipped_settings: Settings,
    shipped_build: BuildResult,
    shipped_store: EmbeddedStore,
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.startswith("# Which parkld parks are linked to Wikidata")
    query = text.replace(WIKIDATA_SPARQL, wikidata.query_url)
    settings = shipped_settings.replace(
        wikidata_endpoint=wikidata.query_url, service_allowlist=(wikidata.query_url,)
    )
    status, body = ask(settings, shipped_store, query)
    assert status == 200, body[:500]
    rows = {b["name"]["value"]: b for b in json.loads(body)["results"]["bindings"]}
    sophia = rows["Sophia Antipolis"]
    assert sophia["item"]["value"] == "http://www.wikidata.org/entity/Q1359930"
    assert sophia["inception"]["value"].startswith("1969-01-01")  # fixture value
    assert sophia["website"]["value"] == "https://www.sophia-antipolis.fr/"
    assert "Aston Science Park" in rows  # a registry park, with no fixture facts
    assert "inception" not in rows["Aston Science Park"]


def test_endpoint_not_in_allowlist_is_refused(
    wikidata: OxigraphServer,
    shipped_settings: Settings,
    shipped_build: BuildResult,
    shipped_store: EmbeddedStore,
    tmp_path: Path,
) -> None:
    query = EXAMPLE.read_text(encoding="utf-8").replace(WIKIDATA_SPARQL, wikidata.query_url)
    status, body = ask(shipped_settings, shipped_store, query)  # default allow-list: WDQS only
    assert status == 403, body[:300]
