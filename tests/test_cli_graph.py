"""`parkld validate`, `build`, `stats` and `query`: exit codes and what a curator reads."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox

from tests.conftest import ROOT

RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SOPHIA = "https://w3id.org/parkld/park/sophia-antipolis"


def copy_data_without_name(tmp_path: Path, park: str) -> Path:
    """A copy of data/ in which *park* has lost every rdfs:label (the curator's mistake)."""
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target, ignore=shutil.ignore_patterns("*.md"))
    for path in target.glob("*.ttl"):
        triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
        kept = [
            t
            for t in triples
            if not (t.subject == ox.NamedNode(park) and t.predicate == RDFS_LABEL)
        ]
        if len(kept) != len(triples):
            path.write_bytes(ox.serialize(kept, format=ox.RdfFormat.TURTLE) or b"")
    return target


def test_validate_shipped_data_conforms(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("validate")
    assert result.exit_code == 0, result.output
    assert "conform" in result.output


def test_park_without_name_is_reported_with_exit_1(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = copy_data_without_name(tmp_path, SOPHIA)
    result = cli("validate", str(data))
    assert result.exit_code == 1, result.output
    assert "Violation: park:sophia-antipolis" in result.output
    assert "path:    rdfs:label" in result.output
    assert "This park has no name" in result.output
    assert "does not conform" in result.output


def test_json_report_lists_focus_path_and_message(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = copy_data_without_name(tmp_path, SOPHIA)
    result = cli("validate", "--format", "json", str(data))
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["conforms"] is False
    hits = [r for r in report["results"] if r["focus"] == "park:sophia-antipolis"]
    assert hits and hits[0]["path"] == "rdfs:label" and hits[0]["severity"] == "Violation"
    assert any(f.endswith(".ttl") for f in hits[0]["files"])


def test_turtle_report_is_a_shacl_report(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = copy_data_without_name(tmp_path, SOPHIA)
    result = cli("validate", "--format", "turtle", str(data))
    assert result.exit_code == 1
    store = ox.Store()
    store.load(result.output.encode(), format=ox.RdfFormat.TURTLE)
    assert store.query(
        "PREFIX sh: <http://www.w3.org/ns/shacl#> ASK { ?r sh:focusNode ?park ; "
        "sh:resultPath <http://www.w3.org/2000/01/rdf-schema#label> }",
        substitutions={ox.Variable("park"): ox.NamedNode(SOPHIA)},
    )


def test_syntax_error_exits_2_naming_file_line_column(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "broken.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\n\nex:a ex:b "no end .\n')
    result = cli("validate", "--with-project", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:3:" in result.output
    assert "Traceback" not in result.output


def test_unreadable_path_exits_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("validate", str(tmp_path / "missing.ttl"))
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_build_then_rebuild_reuses_and_stats_count(cli) -> None:  # type: ignore[no-untyped-def]
    first = cli("build")
    assert first.exit_code == 0, first.output
    assert "built store" in first.output
    second = cli("build")
    assert second.exit_code == 0
    assert "reused store" in second.output
    stats = cli("stats")
    assert stats.exit_code == 0
    assert "https://w3id.org/parkld/ontology#Park" in stats.output or "Park" in stats.output
    assert "https://w3id.org/parkld/graph/urenio-2017-07-04-chengdu-partnership" in stats.output


def test_query_command_prints_csv(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    q = tmp_path / "q.rq"
    q.write_text(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?label WHERE { <https://w3id.org/parkld/park/sophia-antipolis> "
        "rdfs:label ?label FILTER(lang(?label) = 'en') }"
    )
    result = cli("query", str(q))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "label"
    assert "Sophia Antipolis" in lines[1:]


def test_lazy_command_table_matches_the_modules() -> None:
    from parkld.cli import COMMAND_MODULES, COMMANDS, load_commands

    registered = {name: module for module in COMMAND_MODULES for name in load_commands(module)}
    assert registered == COMMANDS


def test_serve_does_not_import_the_validator() -> None:
    import subprocess
    import sys

    code = (
        "import sys, parkld.cli as c; c.main.get_command(None, 'serve'); "
        "print('pyshacl' in sys.modules, 'parkld.validate' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
