"""``parkld wikidata import``: the committed registry is a fresh import, merged, and valid."""

from __future__ import annotations

import csv
from pathlib import Path

import pyoxigraph as ox

from parkld import graphs
from parkld.cli.wikidata import default_registry, default_snapshot
from parkld.validate import validate
from parkld.wikidata import importer, project, records
from tests.oxigraph_server import oxigraph_server
from tests.wikidata_helpers import ROOT, SNAPSHOT

PLD = "https://w3id.org/parkld/ontology#"
WD = "http://www.wikidata.org/entity/"


def fresh_import() -> importer.ImportResult:
    registry = default_registry()
    proj = project.load(project.project_data_files(exclude=[registry]))
    return importer.render(records.read(default_snapshot()), proj, importer.SourceInfo.snapshot())


def test_committed_registry_equals_a_fresh_import() -> None:
    assert default_registry().read_text(encoding="utf-8") == fresh_import().turtle, (
        "data/wikidata-parks.ttl is stale: run `parkld wikidata import`"
    )


def test_snapshot_copy_matches_the_csv() -> None:
    with (ROOT / "sources/wikidata-parks/parks_wikidata.csv").open(encoding="utf-8") as f:
        rows = {r["wikidata_id"]: r for r in csv.DictReader(f)}
    snap = records.read(SNAPSHOT)
    assert len(rows) == len(snap.parks) == 231
    for rec in snap.parks:
        row = rows[rec.qid]
        assert (rec.lat, rec.lon) == (row["lat"], row["lon"])  # Point(lon lat) read right
        label = rec.best_label()
        assert (label[0] if label else rec.qid) == row["name"]
        assert snap.country_labels[rec.country or ""] == row["country"]


def test_every_named_park_is_in_the_served_graph_once() -> None:
    result = fresh_import()
    assert result.parks == 213 and len(result.skipped) == 18  # nameless items, listed
    files = project.project_data_files()
    store = project.load(files).store
    linked: dict[str, set[str]] = {}
    for row in project.solutions(store, f"SELECT ?s ?q WHERE {{ ?s <{PLD}wikidata> ?q }}"):
        linked.setdefault(row["q"].value, set()).add(row["s"].value)
    snap = records.read(SNAPSHOT)
    for rec in snap.parks:
        if rec.best_label() is None:
            continue
        assert len(linked[WD + rec.qid]) == 1, rec.qid
    # The seed parks are merged into the IRIs the other data files use.
    assert linked[WD + "Q1359930"] == {"https://w3id.org/parkld/park/sophia-antipolis"}
    assert linked[WD + "Q11940149"] == {"https://w3id.org/parkld/park/barcelona-science-park"}
    assert linked[WD + "Q986206"] == {"https://w3id.org/parkld/park/zhangjiang-hi-tech-park"}
    assert linked[WD + "Q148"] == {"https://w3id.org/parkld/place/china"}


def test_registry_has_name_country_coordinates_and_validates() -> None:
    store = project.load([default_registry()]).store
    rows = project.solutions(
        store,
        f"""
        SELECT ?park ?name ?lat ?country WHERE {{
          ?park a <{PLD}Park> ; <http://www.w3.org/2000/01/rdf-schema#label> ?name ;
                <{PLD}country> ?country .
          OPTIONAL {{ ?park <http://www.w3.org/2003/01/geo/wgs84_pos#lat> ?lat }} }}""",
    )
    assert len({r["park"] for r in rows}) == 213
    kulim = [r for r in rows if r["name"] == ox.Literal("Kulim Hi-tech Park", language="en")]
    assert kulim[0]["lat"].value == "5.36"
    assert kulim[0]["country"].value == "https://w3id.org/parkld/place/malaysia"
    report = validate(graphs.load_all(graphs.discover()))
    assert report.conforms, report.as_text()


def test_live_import_from_a_local_endpoint(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    from tests.wikidata_helpers import WIKIDATA_FILES

    out = tmp_path / "registry.ttl"
    with oxigraph_server(WIKIDATA_FILES, tmp_path) as server:
        result = cli(
            "wikidata",
            "import",
            "--live",
            "--endpoint",
            server.query_url,
            "--output",
            str(out),
            "--no-cache",
        )
    assert result.exit_code == 0, result.output
    # The registry being regenerated is not "existing data", wherever --output points: only
    # the parks parkld's own sources already describe are merges, as in the committed file.
    expected = fresh_import()
    assert f"213 parks ({len(expected.merged)} merged into existing parkld parks: " in result.output
    assert 0 < len(expected.merged) < 10
    text = out.read_text(encoding="utf-8")
    assert text.count("wgs84:lat") == default_registry().read_text(encoding="utf-8").count(
        "wgs84:lat"
    )
    assert "pav:retrievedOn" in text
    # The live query reads labels in several languages: the fixture's Chinese label arrives.
    assert '"张江高科技园区"@zh' in text


def test_import_to_another_file_writes_the_committed_registry(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "elsewhere.ttl"
    result = cli("wikidata", "import", "--output", str(out))
    assert result.exit_code == 0, result.output
    committed = default_registry().read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == committed
    merged = fresh_import().merged
    assert f"({len(merged)} merged into existing parkld parks: {', '.join(merged)})" in (
        result.output
    )
    parsed = ox.Store()
    parsed.load(path=str(out), format=ox.RdfFormat.TURTLE)
    with_coordinates = parsed.query(
        "SELECT (COUNT(DISTINCT ?p) AS ?n) "
        "WHERE { ?p <http://www.w3.org/2003/01/geo/wgs84_pos#lat> ?l }"
    )
    assert isinstance(with_coordinates, ox.QuerySolutions)
    assert int(next(iter(with_coordinates))["n"].value) >= 200
