"""Reading RDF files into named graphs: conventions, errors with file/line/column, rebasing."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from parkld import graphs, project_files
from parkld.errors import DataError
from tests.ox_terms import value


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_file_stem_names_the_source_graph(tmp_path: Path) -> None:
    f = write(
        tmp_path / "extra" / "my-source.ttl",
        "<https://w3id.org/parkld/park/a> <http://www.w3.org/2000/01/rdf-schema#label> 'A' .",
    )
    sources = graphs.discover([tmp_path / "extra"], with_project=False)
    assert [(s.path, s.graph, s.role) for s in sources] == [
        (f, "https://w3id.org/parkld/graph/my-source", "data")
    ]
    loaded = graphs.load_all(sources)
    assert {value(q.graph_name) for q in loaded[0].quads} == {
        "https://w3id.org/parkld/graph/my-source"
    }


def test_trig_keeps_its_own_graphs(tmp_path: Path) -> None:
    f = write(
        tmp_path / "d.trig",
        "<http://g/1> { <http://s> <http://p> 'o' . }\n<http://s> <http://p> 'default' .\n",
    )
    (loaded,) = graphs.load_all(graphs.discover([f], with_project=False))
    assert sorted(value(q.graph_name) for q in loaded.quads) == [
        "http://g/1",
        "https://w3id.org/parkld/graph/d",
    ]


def test_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    f = write(
        tmp_path / "bad.ttl", '@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b "open .\n'
    )
    with pytest.raises(DataError) as info:
        graphs.load_all(graphs.discover([f], with_project=False))
    err = info.value
    assert (err.path, err.line) == (str(f), 3)
    assert err.column is not None
    assert err.message.startswith(f"{f}:3:")
    assert "invalid RDF" in err.message


def test_missing_path_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        graphs.discover([tmp_path / "nope.ttl"], with_project=False)


def test_rebase_moves_only_parkld_iris(tmp_path: Path) -> None:
    f = write(
        tmp_path / "s.ttl",
        "<https://w3id.org/parkld/park/a> "
        "<http://www.w3.org/2000/01/rdf-schema#seeAlso> <http://example.org/x> .",
    )
    base = "http://127.0.0.1:8080/"
    (loaded,) = graphs.load_all(graphs.discover([f], base=base, with_project=False), base)
    (quad,) = loaded.quads
    assert quad.subject == ox.NamedNode("http://127.0.0.1:8080/park/a")
    assert quad.object == ox.NamedNode("http://example.org/x")
    assert quad.graph_name == ox.NamedNode("http://127.0.0.1:8080/graph/s")


def test_fingerprint_changes_with_content_and_settings(tmp_path: Path) -> None:
    f = write(tmp_path / "s.ttl", "<http://s> <http://p> 'o' .")
    sources = graphs.discover([f], with_project=False)
    first = graphs.fingerprint(sources, "base-a")
    assert graphs.fingerprint(sources, "base-a") == first
    assert graphs.fingerprint(sources, "base-b") != first
    f.write_text("<http://s> <http://p> 'changed' .")
    assert graphs.fingerprint(sources, "base-a") != first


def test_project_files_are_found_with_their_roles() -> None:
    sources = graphs.discover()
    roles = {s.role for s in sources}
    assert roles == {"ontology", "shapes", "data", "claims"}  # claims: data/claims/*.csv
    assert all(s.graph == project_files.ontology_graph() for s in sources if s.role == "ontology")
    assert all(s.graph == project_files.shapes_graph() for s in sources if s.role == "shapes")
