"""``parkld wikidata diff`` and ``export`` against the Wikidata-shaped oxigraph server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from parkld.cli import main
from tests.oxigraph_server import OxigraphServer, oxigraph_server
from tests.wikidata_helpers import WIKIDATA_FILES, fault_server

PARKS = """\
@prefix pld: <https://w3id.org/parkld/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix wgs84: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix ak: <https://w3id.org/parkld/vocab/agreement-kind/> .
<https://w3id.org/parkld/park/t-sophia> a pld:Park ; rdfs:label "Sophia Antipolis"@en ;
    pld:wikidata wd:Q1359930 ; pld:foundingYear "1972"^^xsd:gYear ;
    wgs84:lat "43.70"^^xsd:decimal ; wgs84:long "7.05"^^xsd:decimal ;
    pld:country <https://w3id.org/parkld/place/t-france> ;
    pld:website <https://www.sophia-antipolis.fr> .
<https://w3id.org/parkld/park/t-pcb> a pld:Park ; rdfs:label "Barcelona Science Park"@en ;
    pld:wikidata wd:Q11940149 ; pld:country <https://w3id.org/parkld/place/t-italy> ;
    wgs84:lat "41.3815"^^xsd:decimal ; wgs84:long "2.11824"^^xsd:decimal .
<https://w3id.org/parkld/park/t-zhangjiang> a pld:Park ; rdfs:label "Zhangjiang Hi-Tech Park"@en ;
    pld:wikidata wd:Q986206 .
<https://w3id.org/parkld/place/t-france> a pld:Country ; rdfs:label "France"@en ;
    pld:wikidata wd:Q142 .
<https://w3id.org/parkld/place/t-italy> a pld:Country ; rdfs:label "Italy"@en ;
    pld:wikidata wd:Q38 .
<https://w3id.org/parkld/graph/parks> prov:wasDerivedFrom <https://w3id.org/parkld/source/t> .
<https://w3id.org/parkld/source/t> schema:url <https://example.org/sister-parks> .
<https://w3id.org/parkld/agreement/t1> pld:agreementKind ak:sister-park-agreement ;
    pld:party <https://w3id.org/parkld/park/t-sophia> , <https://w3id.org/parkld/park/t-pcb> ;
    pld:year "2016"^^xsd:gYear .
<https://w3id.org/parkld/agreement/t2> pld:agreementKind ak:sister-park-agreement ;
    pld:party <https://w3id.org/parkld/park/t-zhangjiang> , <https://w3id.org/parkld/park/t-pcb> .
<https://w3id.org/parkld/agreement/t3> pld:agreementKind ak:sister-park-agreement ;
    pld:party <https://w3id.org/parkld/park/t-sophia> , <https://w3id.org/parkld/park/t-unlinked> .
<https://w3id.org/parkld/park/t-unlinked> a pld:Park ; rdfs:label "Unlinked Park"@en .
"""


@pytest.fixture(scope="module")
def wikidata(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    with oxigraph_server(WIKIDATA_FILES, tmp_path_factory.mktemp("wd-diff")) as server:
        yield server


@pytest.fixture
def parks(tmp_path: Path) -> Path:
    path = tmp_path / "parks.ttl"
    path.write_text(PARKS, encoding="utf-8")
    return path


def test_diff_table_and_rdf(wikidata: OxigraphServer, parks: Path, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "diff.ttl"
    result = cli(
        "wikidata",
        "diff",
        "--endpoint",
        wikidata.query_url,
        "--input",
        str(parks),
        "--output",
        str(out),
        "--format",
        "csv",
        "--no-cache",
    )
    assert result.exit_code == 1, result.output  # disagreements found
    lines = result.output.splitlines()
    assert lines[0] == "park,label,qid,field,parkld,wikidata,detail"
    fields = {(line.split(",")[2], line.split(",")[3]) for line in lines[1:]}
    # Sophia: 8.7 km off and founded 1972 vs 1969; website equal up to the slash.
    # Barcelona: country Italy (Q38) vs Spain (Q29), and "Barcelona Science Park"@en vs
    # Wikidata's label "Barcelona Scientific Park"@en. Zhangjiang: nothing to compare.
    assert fields == {
        ("Q1359930", "coordinates"),
        ("Q1359930", "founding"),
        ("Q11940149", "country"),
        ("Q11940149", "name@en"),
    }
    triples = list(ox.parse(path=str(out), format=ox.RdfFormat.TURTLE))
    annotations = [
        t for t in triples if t.object == ox.NamedNode("http://www.w3.org/ns/dqv#QualityAnnotation")
    ]
    assert len(annotations) == 4


def test_diff_agreeing_park_exits_0(wikidata: OxigraphServer, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "ok.ttl"
    path.write_text(
        PARKS.split("<https://w3id.org/parkld/park/t-sophia>")[0]
        + "<https://w3id.org/parkld/park/t-z> a pld:Park ; rdfs:label "
        '"Zhangjiang Hi-Tech Park"@en ; pld:wikidata wd:Q986206 ; '
        'wgs84:lat "31.2078"^^xsd:decimal ; wgs84:long "121.61"^^xsd:decimal .\n'
    )
    result = cli(
        "wikidata", "diff", "--endpoint", wikidata.query_url, "--input", str(path), "--no-cache"
    )
    assert result.exit_code == 0, result.output
    assert "no disagreements" in result.output


def test_export_quickstatements(wikidata: OxigraphServer, parks: Path, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "qs.tsv"
    result = cli(
        "wikidata",
        "export",
        "--endpoint",
        wikidata.query_url,
        "--input",
        str(parks),
        "--output",
        str(out),
        "--no-cache",
    )
    assert result.exit_code == 0, result.output
    statements = [
        line.split("\t")
        for line in out.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
    ]
    ref = ["S854", '"https://example.org/sister-parks"']
    assert sorted(statements) == sorted(
        [
            ["Q11940149", "P2652", "Q1359930", "P580", "+2016-00-00T00:00:00Z/9", *ref],
            ["Q1359930", "P2652", "Q11940149", "P580", "+2016-00-00T00:00:00Z/9", *ref],
            ["Q11940149", "P2652", "Q986206", *ref],
        ]
    )  # Q986206 P2652 Q11940149 is already in the fixture: not proposed again
    text = out.read_text(encoding="utf-8")
    assert "#   Q986206 P2652 Q11940149" in text
    assert "t-unlinked> has no Wikidata item" in text


def test_export_timeout_writes_nothing(parks: Path, tmp_path: Path) -> None:
    out = tmp_path / "qs.tsv"
    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("PARKLD_")}
    env.update({"PARKLD_WIKIDATA_TIMEOUT": "0.3", "PARKLD_STORE_DIR": str(tmp_path / "s")})
    with fault_server([(200, {}, b"{}")], delay=1.5) as server:
        result = CliRunner().invoke(
            main,
            [
                "wikidata",
                "export",
                "--endpoint",
                server.url,
                "--input",
                str(parks),
                "--output",
                str(out),
                "--no-cache",
                "--retries",
                "0",
            ],
            env=env,
        )
    assert result.exit_code == 2
    assert "no answer within 0.3 s (timeout)" in result.output
    assert not out.exists()
