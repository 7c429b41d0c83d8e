"""``parkld wikidata link`` against a Wikidata-shaped oxigraph server: the gold set.

Precision must be 1.0 (a wrong link is worse than a missing one); recall is recorded in
docs/wikidata.md and must not fall below :data:`MIN_RECALL`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.oxigraph_server import OxigraphServer, oxigraph_server
from tests.wikidata_helpers import WIKIDATA_FILES, gold, gold_turtle

MIN_RECALL = 0.9
PLD_WIKIDATA = ox.NamedNode("https://w3id.org/parkld/ontology#wikidata")
PWD_STATUS = ox.NamedNode("https://w3id.org/parkld/wikidata#status")


@pytest.fixture(scope="module")
def wikidata(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    with oxigraph_server(WIKIDATA_FILES, tmp_path_factory.mktemp("wd")) as server:
        yield server


def links(path: Path) -> dict[str, str]:
    triples = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
    return {t.subject.value: t.object.value.rsplit("/", 1)[1] for t in triples
            if t.predicate == PLD_WIKIDATA and isinstance(t.subject, ox.NamedNode)}


def test_gold_set_precision_and_recall(wikidata: OxigraphServer, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    parks = gold()
    (tmp_path / "parks.ttl").write_text(gold_turtle(parks), encoding="utf-8")
    out = tmp_path / "links.ttl"
    result = cli("wikidata", "link", "--endpoint", wikidata.query_url,
                 "--input", str(tmp_path / "parks.ttl"), "--output", str(out), "--no-cache")
    assert result.exit_code == 0, result.output
    found = links(out)
    expected = {p.iri: p.expected_qid for p in parks if p.expected_qid}
    wrong = {iri: q for iri, q in found.items() if expected.get(iri) != q}
    assert not wrong, f"wrong links: {wrong}"
    recall = sum(1 for iri, q in expected.items() if found.get(iri) == q) / len(expected)
    precision = 1.0 if not found else (len(found) - len(wrong)) / len(found)
    print(f"gold set: {len(parks)} parks, {len(expected)} linkable, {len(found)} linked, "
          f"precision {precision:.2f}, recall {recall:.2f}")
    assert precision == 1.0
    assert recall >= MIN_RECALL


def test_decoys_go_to_review_not_to_links(wikidata: OxigraphServer, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    parks = [p for p in gold() if p.slug in {"decoy-gothenburg", "decoy-barcelona-tech-city"}]
    (tmp_path / "parks.ttl").write_text(gold_turtle(parks), encoding="utf-8")
    out = tmp_path / "links.ttl"
    result = cli("wikidata", "link", "--endpoint", wikidata.query_url, "--input",
                 str(tmp_path / "parks.ttl"), "--output", str(out), "--no-cache")
    assert result.exit_code == 0, result.output
    assert links(out) == {}
    text = out.read_text(encoding="utf-8")
    # The company named exactly "Gothenburg Science Park" is listed, marked as not a park.
    assert "wd:Q99990011" in text and "NOT a park class" in text
    assert 'pwd:status "accepted"' not in text and 'pwd:status "review"' in text
    assert "0 accepted link(s), 2 park(s) left for review" in result.output


def test_project_parks_already_linked_are_not_relinked(wikidata: OxigraphServer,
                                                       tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "links.ttl"
    result = cli("wikidata", "link", "--endpoint", wikidata.query_url, "--output", str(out),
                 "--no-cache")
    assert result.exit_code == 0, result.output
    found = links(out)
    # No parkld park may be linked to an item another parkld resource already carries.
    assert "https://w3id.org/parkld/park/sophia-antipolis" not in found
    assert not {"Q1359930", "Q986206", "Q11940149"} & set(found.values())


@pytest.mark.parametrize(("status", "body", "message"), [
    (500, b"boom", "HTTP 500"),
    (200, b"<html>not json", "malformed SPARQL JSON"),
])
def test_failures_leave_no_links_file(tmp_path: Path, cli, status: int, body: bytes,  # type: ignore[no-untyped-def]
                                      message: str) -> None:
    from tests.wikidata_helpers import fault_server

    parks = gold()[:2]
    (tmp_path / "parks.ttl").write_text(gold_turtle(parks), encoding="utf-8")
    out = tmp_path / "links.ttl"
    with fault_server([(status, {}, body)]) as server:
        result = cli("wikidata", "link", "--endpoint", server.url, "--input",
                     str(tmp_path / "parks.ttl"), "--output", str(out), "--no-cache",
                     "--retries", "0")
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert not out.exists() and not list(tmp_path.glob(".links.ttl*"))


def test_endpoint_down_leaves_no_file(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    from tests.oxigraph_server import free_port

    (tmp_path / "parks.ttl").write_text(gold_turtle(gold()[:1]), encoding="utf-8")
    out = tmp_path / "links.ttl"
    result = cli("wikidata", "link", "--endpoint", f"http://127.0.0.1:{free_port()}/query",
                 "--input", str(tmp_path / "parks.ttl"), "--output", str(out), "--no-cache")
    assert result.exit_code == 2
    assert "cannot reach Wikidata endpoint" in result.output
    assert not out.exists()
