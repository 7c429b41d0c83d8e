"""A big build validates in a second process while it writes the store: the same store, the
same per-resource reports and the same refusals as validating first, in-process.

The threshold is lowered to 0 so the shipped data (claim tables, Turtle, the ontology and the
shapes: both what the child reads itself and what the parent sends it) takes that path.
"""

from __future__ import annotations

import logging
import multiprocessing
from pathlib import Path

import pyoxigraph as ox
import pytest

from parkld import graphs, validate_beside
from parkld.build import ensure_built
from parkld.config import Settings
from parkld.errors import DataError, ValidationFailed
from parkld.resource_reports import FILE as REPORTS
from parkld.validate import conforms_fast
from tests.conftest import make_settings
from tests.test_build import ASK_NAMELESS, ASK_SOPHIA, PARK_WITHOUT_NAME

FAILED = "validation beside the load failed"


@pytest.fixture
def beside(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate_beside, "FROM_BYTES", 0)


def quads_of(database: Path) -> list[str]:
    """The database's quads, blank nodes canonically named (each parse names them anew)."""
    store = ox.Store.read_only(str(database))
    try:
        dataset = ox.Dataset(store)
    finally:
        del store
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return sorted(str(q) for q in dataset)


def build_logged(settings: Settings) -> tuple[Path, list[str]]:
    said: list[str] = []
    result = ensure_built(settings, progress=said.append)
    return result.path, said


def test_validating_beside_gives_the_same_store_and_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(tmp_path / "first")
    sources = graphs.discover(settings.data_paths, base=settings.base_iri)
    direct = [s for s in sources if validate_beside.read_directly(s, settings.base_iri)]
    assert direct and any(s.role == "claims" for s in sources)  # both ways into the child
    here, said_here = build_logged(settings)
    assert not any("beside" in line for line in said_here)

    monkeypatch.setattr(validate_beside, "FROM_BYTES", 0)
    with caplog.at_level(logging.WARNING, logger="parkld.validate_beside"):
        apart, said_apart = build_logged(make_settings(tmp_path / "second"))
    assert "parsing" in said_apart[0] and "(validating beside)" in said_apart[0]
    assert FAILED not in caplog.text  # the child's verdict, not the fallback's

    assert quads_of(apart) == quads_of(here)
    reports = (apart / REPORTS).read_bytes()
    assert reports == (here / REPORTS).read_bytes()
    # The reports carry the recommended shapes' results, so the report graph crossed over.
    assert b"<http://www.w3.org/ns/shacl#ValidationResult>" in reports
    assert not multiprocessing.active_children()


def test_a_violation_found_beside_keeps_the_previous_store(tmp_path: Path, beside: None) -> None:
    settings = make_settings(tmp_path / "store")
    good = ensure_built(settings)
    bad_file = tmp_path / "extra" / "nameless.ttl"
    bad_file.parent.mkdir()
    bad_file.write_text(PARK_WITHOUT_NAME)
    bad = settings.replace(data_paths=(bad_file,))
    expected = conforms_fast(
        graphs.load_all(graphs.discover(bad.data_paths, base=bad.base_iri), bad.base_iri)
    )
    assert not expected.conforms and expected.violations > 0
    with pytest.raises(ValidationFailed, match=rf"^{expected.violations} SHACL violation"):
        ensure_built(bad)
    current = ox.Store.read_only(str(settings.store_dir / "current"))
    assert current.query(ASK_SOPHIA) and not current.query(ASK_NAMELESS)
    del current
    assert (settings.store_dir / "current").resolve() == good.path
    assert not [p for p in (settings.store_dir / "builds").iterdir() if p.name.startswith(".")]
    assert not multiprocessing.active_children()


def test_a_syntax_error_stops_the_child_and_names_the_line(tmp_path: Path, beside: None) -> None:
    settings = make_settings(tmp_path / "store")
    good = ensure_built(settings)
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n")
    with pytest.raises(DataError, match=r"broken\.ttl:2"):
        ensure_built(settings.replace(data_paths=(broken,)))
    assert (settings.store_dir / "current").resolve() == good.path
    assert not multiprocessing.active_children()


def test_a_child_that_dies_is_replaced_by_validating_here(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(tmp_path / "store")
    sources = graphs.discover(settings.data_paths, base=settings.base_iri)
    files = graphs.load_all(sources, settings.base_iri)
    expected = conforms_fast(files)
    with (
        caplog.at_level(logging.WARNING, logger="parkld.validate_beside"),
        validate_beside.Beside(sources, settings.base_iri) as beside,
    ):
        beside._process.kill()
        beside._process.join()
        beside.send(files)
        verdict = beside.verdict()
    assert FAILED in caplog.text and "exit -9" in caplog.text
    assert (verdict.conforms, verdict.violations) == (expected.conforms, expected.violations)
    assert len(verdict.graph) == len(expected.graph) > 0
