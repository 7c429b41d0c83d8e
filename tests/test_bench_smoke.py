"""The benchmark harness still works: a tiny graph of the right shape, and a smoke run whose
results table has every row and column. Timings are never asserted: they depend on the machine.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from parkld import graphs
from parkld.validate import validate
from tests.ox_terms import value

# bench/ lives beside src/, not in the installed package: import it from the checkout.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import generate, run
from bench.generate import BASE, Manifest, data_dir
from bench.queries import mix

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PLD = "https://w3id.org/parkld/ontology#"
ORG = "http://www.w3.org/ns/org#"
SYSTEMS = ("parkld", "oxigraph", "rdflib-endpoint", "virtuoso")


def _quads(out: Path) -> list[ox.Quad]:
    return list(
        graphs.iter_quads(graphs.load_all(graphs.discover([data_dir(out)], with_project=False)))
    )


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Manifest]:
    out = tmp_path_factory.mktemp("bench") / "tiny"
    return out, generate.generate(out, 1500, seed=3)


def test_generated_graph_has_the_park_shape(tiny: tuple[Path, Manifest]) -> None:
    out, m = tiny
    quads = _quads(out)
    assert len(quads) == m.triples
    types = Counter(value(q.object) for q in quads if q.predicate == RDF_TYPE)
    assert types[PLD + "Park"] == m.parks >= 20
    assert types[PLD + "Organisation"] >= m.organisations
    assert types[PLD + "Alliance"] == m.alliances
    assert types[PLD + "Membership"] == m.memberships
    assert types[PLD + "Agreement"] == m.agreements
    assert types[PLD + "SourceGraph"] == types[PLD + "SourceDocument"] == m.sources
    by_subject: dict[str, list[ox.Quad]] = {}
    for q in quads:
        by_subject.setdefault(value(q.subject), []).append(q)
    park = by_subject[f"{BASE}park/{m.sample_park}"]
    props = {q.predicate.value for q in park}
    assert {
        "http://www.w3.org/2003/01/geo/wgs84_pos#lat",
        PLD + "country",
        PLD + "city",
        PLD + "parkKind",
    } <= props
    langs = {
        q.object.language for q in park if isinstance(q.object, ox.Literal) and q.object.language
    }
    assert langs, "park names carry language tags"
    # Agreements have at least two parties; memberships name member, alliance and role.
    for subject, qs in by_subject.items():
        kinds = {value(q.object) for q in qs if q.predicate == RDF_TYPE}
        preds = Counter(q.predicate.value for q in qs)
        if PLD + "Agreement" in kinds:
            assert preds[PLD + "party"] >= 2, subject
        if PLD + "Membership" in kinds:
            assert preds[ORG + "member"] == preds[ORG + "organization"] == 1, subject
            assert preds[ORG + "role"] >= 1 and preds[PLD + "startDate"] == 1, subject
    # Each file is one source graph that says where it comes from.
    for f in (data_dir(out)).glob("*.ttl"):
        graph = f"{BASE}graph/{f.stem}"
        assert any(
            value(q.subject) == graph and q.predicate.value.endswith("wasDerivedFrom")
            for q in quads
        ), f


def test_generation_is_deterministic(tiny: tuple[Path, Manifest], tmp_path: Path) -> None:
    out, _ = tiny
    again = generate.generate(tmp_path / "again", 1500, seed=3)
    generate.generate(tmp_path / "other", 1500, seed=4)
    for f in data_dir(out).glob("*.ttl"):
        assert (data_dir(tmp_path / "again") / f.name).read_bytes() == f.read_bytes()
    assert json.loads((out / "manifest.json").read_text())["triples"] == again.triples
    assert (data_dir(tmp_path / "other") / "bench-s0000.ttl").read_bytes() != (
        data_dir(out) / "bench-s0000.ttl"
    ).read_bytes()


def test_generated_graph_conforms_to_the_shapes(tiny: tuple[Path, Manifest]) -> None:
    out, _ = tiny
    report = validate(graphs.load_all(graphs.discover([data_dir(out)])))
    assert report.conforms, report.as_text()


def test_parse_size() -> None:
    assert [generate.parse_size(s) for s in ("10k", "100K", "1M", "2500")] == [
        10_000,
        100_000,
        1_000_000,
        2500,
    ]


@pytest.mark.slow
def test_smoke_run_writes_every_row_and_column(tmp_path: Path) -> None:
    output = tmp_path / "RESULTS.md"
    code = run.main(
        [
            "--smoke",
            "--work",
            str(tmp_path / "work"),
            "--output",
            str(output),
            "--no-peers-venv",
            "--seconds",
            "0.3",
            "--reliability",
            "2",
        ]
    )
    assert code == 0
    text = output.read_text()
    assert "**Smoke run**" in text and "**Command:**" in text and "cores" in text
    load = _table(text, "### Load and start")
    assert [row[0] for row in load] == list(SYSTEMS)
    by_system = {row[0]: row for row in load}
    # parkld and oxigraph serve must really run; the others run or say why not, in the table.
    for name in ("parkld", "oxigraph"):
        assert by_system[name][1] != "skipped", by_system[name]
    latency = _table(text, "### Latency at concurrency 1")
    assert len(latency) == len(mix(_manifest(tmp_path)))
    header = _header(text, "### Latency at concurrency 1")
    assert header[2:6] == list(SYSTEMS)
    assert header[6:] == [f"p50 ÷ {p}" for p in SYSTEMS[1:]]
    for row in latency:
        assert len(row) == len(header)
        for name, cell in zip(SYSTEMS, row[2:6], strict=True):
            # a figure "p50 / p99", or the reason there is none
            assert " / " in cell or cell.startswith(("skipped", "n/a", "HTTP")), (name, cell)
    throughput = _table(text, "### Throughput")
    assert {(r[0], r[1]) for r in throughput} == {
        (q.name, str(c)) for q in mix(_manifest(tmp_path)) for c in (1, 8)
    }
    assert "## Targets (issue #7)" in text
    assert "## Reliability run" in text and "unexpected 5xx" in text
    assert list((tmp_path / "work").glob("results-*.json"))


def _manifest(tmp_path: Path) -> Manifest:
    return Manifest.read(next((tmp_path / "work").glob("data-*")))


def _section(text: str, heading: str) -> list[str]:
    lines = text.split(heading, 1)[1].splitlines()[1:]
    start = next(i for i, ln in enumerate(lines) if ln.startswith("|"))
    block = []
    for ln in lines[start:]:
        if not ln.startswith("|"):
            break
        block.append(ln)
    return block


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _header(text: str, heading: str) -> list[str]:
    return _cells(_section(text, heading)[0])


def _table(text: str, heading: str) -> list[list[str]]:
    return [_cells(ln) for ln in _section(text, heading)[2:]]
