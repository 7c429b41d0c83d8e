"""Small fixes of issue 13: a file name with a space, an option winning over a bad variable."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from parkld import config, graphs, project_files
from parkld.cli import main
from parkld.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def test_a_file_name_with_a_space_makes_a_valid_graph_iri(tmp_path: Path) -> None:
    source = tmp_path / "my park.ttl"
    shutil.copy(ROOT / "data" / "fr-academic-sophia-antipolis.ttl", source)
    (found,) = graphs.discover([source], with_project=False)
    assert found.graph == project_files.DEFAULT_BASE + "graph/my%20park"
    loaded = graphs.parse_file(found)
    assert loaded.quads and all(q.graph_name == ox.NamedNode(found.graph) for q in loaded.quads)


def test_validate_a_file_with_a_space_reports_instead_of_crashing(tmp_path: Path) -> None:
    source = tmp_path / "my park.ttl"
    source.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://w3id.org/parkld/x> rdfs:label "x"@en .\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main, ["validate", str(source)], env={"PARKLD_STORE_DIR": str(tmp_path / "s")}
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert "triples" in result.output


def test_an_option_wins_over_a_bad_variable() -> None:
    env = {"PARKLD_PORT": "abc"}
    assert config.from_env(env, port=18098).port == 18098
    with pytest.raises(ConfigError, match="PARKLD_PORT"):
        config.from_env(env)
    assert config.from_env(env, deferred=("port",)).port == 8080


@pytest.mark.parametrize("name", ["alliance-status-as-of", "agreements-in-force-as-of"])
def test_as_of_examples_answer_without_a_binding(backend_client: FlaskClient, name: str) -> None:
    query = (project_files.examples_dir() / f"{name}.rq").read_text(encoding="utf-8")
    answer = backend_client.post(
        "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert answer.status_code == 200
    rows = json.loads(answer.data)["results"]["bindings"]
    assert rows, "the default (today) finds the facts holding now"
    days = {r["asOf"]["value"] for r in rows}
    assert len(days) == 1
    assert dt.date.fromisoformat(days.pop()) >= dt.date(2026, 1, 1)
