"""SPARQL Update on a running ``parkld serve`` works every time, not once per run (issue 13).

Ten updates in a row on one server, with one and with two web workers: conforming ones are
applied (204) and seen by the next query of any worker; one breaking a shape gets 422 and
changes nothing; neither leaves the store unable to take the next write.
"""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from parkld.build import BuildResult
from parkld.config import Settings
from tests.live import running_server

TOKEN = "ten-updates-token"
GRAPH = "https://w3id.org/parkld/graph/urenio-2017-07-04-chengdu-partnership"
SOPHIA = "https://w3id.org/parkld/park/sophia-antipolis"
COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
BREAKS_A_SHAPE = f"DELETE WHERE {{ GRAPH ?g {{ <{SOPHIA}> <{LABEL}> ?name }} }}"


def post(url: str, data: dict[str, str], headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(data).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()


def comments(url: str) -> list[str]:
    status, body = post(
        url,
        {"query": f"SELECT ?c WHERE {{ <{SOPHIA}> <{COMMENT}> ?c }}"},
        {"Accept": "application/sparql-results+json"},
    )
    assert status == 200, body
    return sorted(b["c"]["value"] for b in json.loads(body)["results"]["bindings"])


@pytest.mark.parametrize("workers", [1, 2])
def test_ten_updates_in_a_row(
    workers: int, tmp_path: Path, shipped_settings: Settings, shipped_build: BuildResult
) -> None:
    store_dir = tmp_path / "store"
    shutil.copytree(shipped_settings.store_dir, store_dir, symlinks=True)
    env = {
        "PARKLD_UPDATE_ENABLED": "1",
        "PARKLD_UPDATE_TOKEN": TOKEN,
        "PARKLD_WORKERS": str(workers),
    }
    auth = {"Authorization": f"Bearer {TOKEN}", "Accept": "text/plain"}
    with running_server(store_dir, env=env, build=False) as server:
        before = comments(server.sparql_url)
        added: list[str] = []
        for i in range(10):
            if i % 3 == 2:
                status, body = post(server.sparql_url, {"update": BREAKS_A_SHAPE}, auth)
                assert status == 422, body
                assert b"park has no name" in body
            else:
                note = f"note {i}"
                status, body = post(
                    server.sparql_url,
                    {
                        "update": (
                            f"INSERT DATA {{ GRAPH <{GRAPH}> "
                            f'{{ <{SOPHIA}> <{COMMENT}> "{note}" }} }}'
                        )
                    },
                    auth,
                )
                assert status == 204, body
                added.append(note)
            # Every worker sees every applied update (asked more than once: either worker).
            for _ in range(workers):
                assert comments(server.sparql_url) == sorted(before + added)
        assert len(added) == 7
