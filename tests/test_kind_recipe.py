"""The recipe "a new kind of resource" (docs/architecture.md), followed once with a fixture.

A made-up kind, ``prize/…`` (tests/fixtures/kinds/prize, not facts): its class and properties
in an ontology file, its shape, one registry row made here (the shipped registry is not
edited: ``KINDS.extended`` and ``create_app(kinds=...)`` are the seam), one partial, a related
query and data. The store is built by the real build (which validates the data against the
project's shapes and the fixture's), and the prize then dereferences as HTML and Turtle and is
counted on the landing page, where kinds are listed; the app without the row does not know it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask

from parkld import graphs, project_files
from parkld.build import ensure_built
from parkld.errors import ValidationFailed
from parkld.kinds import EVIDENCE, KINDS, Kind, Related
from parkld.linked.iris import parse_path
from parkld.store.embedded import EmbeddedStore
from parkld.validate import validate
from parkld.web import create_app
from tests.conftest import make_settings

FIXTURE = Path(__file__).parent / "fixtures" / "kinds" / "prize"
BASE = "https://w3id.org/parkld/"
PLD = BASE + "ontology#"
PRIZE_IRI = BASE + "prize/kind-fixture-prize"
LAUREATE_IRI = BASE + "organisation/kind-fixture-laureate"

#: The recipe's "one row": everything the app needs to know about prizes.
PRIZE = Kind(
    "prize",
    "Prize",
    "Prize",
    {"Prize": "Intangible"},
    facts=("awardedTo", "awardYear"),
    related=(
        Related("laureates", FIXTURE / "queries" / "prize_laureates.rq", ("laureate",)),
        EVIDENCE,
    ),
    template="kinds/prize.html",
    counted=True,
    # Reports are written by the build, which knows the shipped kinds only.
    report=False,
)
WITH_PRIZES = KINDS.extended(PRIZE, templates=[FIXTURE / "templates"])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    settings = make_settings(tmp_path_factory.mktemp("prize-store"))
    extra = graphs.discover(
        [FIXTURE / "ontology", FIXTURE / "shapes", FIXTURE / "data"], with_project=False
    )
    ensure_built(settings, extra_files=extra)  # raises if anything breaks a shape
    opened = EmbeddedStore(settings.store_dir)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def app(store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    settings = make_settings(tmp_path_factory.mktemp("unused"))
    made = create_app(settings, store=store, kinds=WITH_PRIZES)
    made.config["TESTING"] = True
    return made


@pytest.fixture(scope="module")
def shipped_app(store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    settings = make_settings(tmp_path_factory.mktemp("unused-shipped"))
    made = create_app(settings, store=store)
    made.config["TESTING"] = True
    return made


def test_the_shape_catches_a_prize_without_laureate() -> None:
    files = graphs.load_all(
        graphs.discover(
            [
                project_files.ontology_dir(),
                FIXTURE / "ontology",
                FIXTURE / "shapes",
                FIXTURE / "bad",
            ],
            with_project=False,
        )
    )
    report = validate(files)
    assert not report.conforms
    assert [(f.focus, f.shape, f.message) for f in report.violations] == [
        (
            "prize:unawarded",  # shortened by the file's own prefixes
            "plds:PrizeLaureateShape",
            "A prize needs a laureate (pld:awardedTo), a park, an alliance or an organisation.",
        )
    ]


def test_the_build_refuses_a_prize_without_laureate(tmp_path: Path) -> None:
    # The same build as the store fixture's, with the violating file among the data.
    settings = make_settings(tmp_path / "store")
    extra = graphs.discover(
        [FIXTURE / "ontology", FIXTURE / "shapes", FIXTURE / "data", FIXTURE / "bad"],
        with_project=False,
    )
    with pytest.raises(ValidationFailed, match=r"^1 SHACL violation"):
        ensure_built(settings, extra_files=extra)
    assert not (tmp_path / "store" / "current").exists()


def test_the_registry_row_makes_the_path_a_resource() -> None:
    assert parse_path("prize/kind-fixture-prize") is None  # the shipped registry: no prizes
    target = parse_path("prize/kind-fixture-prize.ttl", WITH_PRIZES)
    assert target is not None and target.kind == "prize" and target.format is not None
    assert parse_path("validation/prize/kind-fixture-prize", WITH_PRIZES) is not None
    assert "prize" not in KINDS  # extending made a new registry
    with pytest.raises(ValueError, match="registered twice"):
        WITH_PRIZES.extended(PRIZE)


def test_a_prize_dereferences_as_html(app: Flask) -> None:
    r = app.test_client().get("/prize/kind-fixture-prize", headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert "<h1>Kind fixture prize (test data)</h1>" in html
    assert re.search(r'<p class="kind">Prize · <a href="/ontology#Prize">prize</a>', html)
    # The row's key facts, in its order, with the ontology's labels.
    facts = re.search(r'<dl class="facts">(.*?)</dl>', html, re.S)
    assert facts is not None
    assert re.findall(r"<dt>(.*?)</dt>", facts.group(1)) == ["awarded to", "award year"]
    assert "2019" in facts.group(1)
    # The partial's section, filled by the row's related query.
    section = re.search(r'<section id="laureates">(.*?)</section>', html, re.S)
    assert section is not None
    assert re.findall(r'<li class="laureate"><a href="([^"]+)">([^<]+)</a>', section.group(1)) == [
        ("/organisation/kind-fixture-laureate", "Kind fixture laureate (test data)")
    ]
    # No report link (the row says it has none), and the schema.org type from the row.
    assert 'class="validation-link"' not in html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert block is not None
    doc = json.loads(block.group(1))
    assert doc["@type"] == "Intangible" and doc["@id"] == PRIZE_IRI


def test_a_prize_dereferences_as_turtle(app: Flask) -> None:
    r = app.test_client().get("/prize/kind-fixture-prize", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    assert r.headers["Content-Location"] == "/prize/kind-fixture-prize.ttl"
    triples = {
        (q.subject, q.predicate, q.object) for q in ox.parse(r.data, format=ox.RdfFormat.TURTLE)
    }
    prize = ox.NamedNode(PRIZE_IRI)
    assert (prize, ox.NamedNode(PLD + "awardedTo"), ox.NamedNode(LAUREATE_IRI)) in triples
    assert (
        prize,
        ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode(PLD + "Prize"),
    ) in triples
    # The laureate's label travels with it, as for every shipped kind.
    assert (
        ox.NamedNode(LAUREATE_IRI),
        ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
        ox.Literal("Kind fixture laureate (test data)", language="en"),
    ) in triples


def test_prizes_are_counted_where_kinds_are_listed(app: Flask, shipped_app: Flask) -> None:
    page = app.test_client().get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    counts = dict(
        (name, int(n)) for n, name in re.findall(r"<li><strong>(\d+)</strong> (\w+)</li>", page)
    )
    assert counts["Prize"] == 1
    assert list(counts)[-1] == "Prize"  # after the shipped kinds, in registry order
    # The shipped app knows nothing of prizes: no count, and the IRI is not a resource.
    shipped = shipped_app.test_client()
    page = shipped.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "</strong> Prize</li>" not in page
    assert shipped.get("/prize/kind-fixture-prize.ttl").status_code == 404
