"""Claim tables (data/claims/*.csv): compiled RDF, evidence, determinism, and every error a
curator can make, named by file and line."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from parkld import claims, graphs
from tests.conftest import FIXTURES

TABLES = FIXTURES / "claims"
B = "https://w3id.org/parkld/"
PLD = rdflib.Namespace(B + "ontology#")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
SCHEMA = rdflib.Namespace("https://schema.org/")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
NEWS = URIRef(B + "graph/fixture-news-1")
NOUVELLES = URIRef(B + "graph/fixture-nouvelles-2")


class Graphs:
    """The compiled named graphs, each parsed by rdflib from its N-Quads."""

    def __init__(self, compiled: claims.Compiled) -> None:
        self.by_name: dict[URIRef, rdflib.Graph] = {}
        for name, quads in compiled.graphs.items():
            one = claims.Compiled({name: quads}, {}).nquads().decode()
            triples = "\n".join(line.rsplit(" ", 2)[0] + " ." for line in one.splitlines())
            self.by_name[URIRef(name)] = rdflib.Graph().parse(data=triples, format="nt")

    def graph(self, name: URIRef) -> rdflib.Graph:
        return self.by_name[name]

    def graphs(self) -> list[rdflib.Graph]:
        return [g for g in self.by_name.values()]


def compiled_dataset(tables: Path = TABLES) -> Graphs:
    return Graphs(claims.compile_tables(sorted(tables.glob("*.csv")), claims.Known()))


@pytest.fixture(scope="module")
def ds() -> Graphs:
    return compiled_dataset()


def test_rows_of_one_source_url_fill_one_named_graph_with_its_source_described(ds: Graphs) -> None:
    names = set(ds.by_name)
    assert {NEWS, NOUVELLES} <= names
    g = ds.graph(NOUVELLES)
    source = URIRef(B + "source/fixture-nouvelles-2")
    assert (NOUVELLES, PROV.wasDerivedFrom, source) in g
    assert (source, RDF.type, PLD.SourceDocument) in g
    assert (source, SCHEMA.url, URIRef("https://example.org/fixture/nouvelles-2")) in g
    assert g.value(source, DCTERMS.title) == Literal("Les parcs de test coopèrent", lang="fr")
    assert g.value(source, DCTERMS.issued) == Literal("2018-02", datatype=XSD.gYearMonth)
    assert str(g.value(source, DCTERMS.language)) == "fr"
    publisher = g.value(source, DCTERMS.publisher)
    assert g.value(publisher, RDFS.label) == Literal("Exemple Nouvelles", lang="en")


def test_agreement_parties_kind_date_place_and_signatories(ds: Graphs) -> None:
    g = ds.graph(NEWS)
    agr = URIRef(B + "agreement/fixture-park-a-fixture-park-b-sister-2016")
    assert set(g.objects(agr, PLD.party)) == {
        URIRef(B + "park/fixture-park-a"),
        URIRef(B + "park/fixture-park-b"),
    }
    assert g.value(agr, PLD.agreementKind) == URIRef(
        B + "vocab/agreement-kind/sister-park-agreement"
    )
    assert g.value(agr, PLD.date) == Literal("2016-07-02", datatype=XSD.date)
    place = g.value(agr, PLD.place)
    assert g.value(place, RDFS.label) == Literal("Fixture City B", lang="en")
    assert (g.value(place, PLD.country), RDF.type, PLD.Country) in g
    signers = {str(g.value(p, RDFS.label)) for p in g.objects(agr, PLD.signatory)}
    assert signers == {"Jean Exemple", "Li Ceshi"}
    functions = {str(g.value(s, PLD.function)) for s in g.objects(agr, PLD.signature)}
    assert functions == {"Director of Fixture Park B", "Chair"}
    # The second source keeps its own place, side by side.
    other = ds.graph(NOUVELLES)
    assert other.value(other.value(agr, PLD.place), RDFS.label) == Literal(
        "Fixture City A", lang="en"
    )


def test_dates_are_typed_by_their_precision(ds: Graphs) -> None:
    g = ds.graph(NEWS)
    mou = URIRef(B + "agreement/fixture-park-a-fixture-park-c-mou-2017")
    assert g.value(mou, PLD.yearMonth) == Literal("2017-05", datatype=XSD.gYearMonth)
    assert g.value(mou, PLD.year) == Literal("2017", datatype=XSD.gYear)
    assert g.value(mou, PLD.date) is None
    coop = URIRef(B + "agreement/fixture-park-b-fixture-park-c-cooperation-2017")
    assert g.value(coop, PLD.year) == Literal("2017", datatype=XSD.gYear)
    assert g.value(coop, PLD.yearMonth) is None
    park = URIRef(B + "park/fixture-park-a")
    assert g.value(park, PLD.foundingYear) == Literal("1991", datatype=XSD.gYear)


def test_parks_names_organisations(ds: Graphs) -> None:
    g = ds.graph(NEWS)
    park = URIRef(B + "park/fixture-park-a")
    assert g.value(park, RDFS.label) == Literal("Fixture Park A", lang="en")
    assert Literal("测试园区", lang="zh") in set(g.objects(park, SKOS.altLabel))
    assert g.value(park, PLD.parkKind) == URIRef(B + "vocab/park-kind/high-tech-zone")
    assert str(g.value(park, URIRef("http://www.w3.org/2003/01/geo/wgs84_pos#lat"))) == "30.5"
    committee = URIRef(B + "organisation/fixture-park-a-committee")
    assert (committee, RDF.type, PLD.Organisation) in g
    assert g.value(committee, PLD.actsFor) == park
    assert g.value(committee, PLD.organisationKind) == URIRef(
        B + "vocab/organisation-kind/administrative-committee"
    )


def test_alliance_founding_follows_the_status_model(ds: Graphs) -> None:
    g = ds.graph(NEWS)
    alliance = URIRef(B + "alliance/fixture-alliance")
    status = URIRef(B + "status/fixture-alliance-founded-fixture-news-1")
    assert g.value(status, PLD.about) == alliance
    assert g.value(status, PLD.status) == URIRef(B + "vocab/status/founded")
    assert g.value(status, PLD.yearMonth) == Literal("2015-03", datatype=XSD.gYearMonth)
    assert g.value(status, DCTERMS.source) == URIRef(B + "source/fixture-news-1")
    assert g.value(alliance, PLD.foundingYearMonth) == Literal("2015-03", datatype=XSD.gYearMonth)


def test_one_membership_per_member_with_role_and_start(ds: Graphs) -> None:
    g = ds.graph(NEWS)
    alliance = URIRef(B + "alliance/fixture-alliance")
    members = {g.value(m, ORG.member): m for m in g.subjects(ORG.organization, alliance)}
    assert set(members) == {URIRef(B + f"park/fixture-park-{x}") for x in "abc"}
    a = members[URIRef(B + "park/fixture-park-a")]
    assert g.value(a, ORG.role) == URIRef(B + "vocab/role/founding-member")
    assert g.value(a, PLD.yearMonth) == Literal("2015-03", datatype=XSD.gYearMonth)
    other = ds.graph(NOUVELLES)
    d = next(other.subjects(ORG.member, URIRef(B + "park/fixture-park-d")))
    assert other.value(d, PLD.startDate) == Literal("2019-06-01", datatype=XSD.date)


def test_every_claim_keeps_its_passage_in_its_graph(ds: Graphs) -> None:
    for graph, claim, quote, lang in (
        (NEWS, "membership/fixture-alliance-fixture-park-b", "B and C joined in 2018.", "en"),
        (
            NEWS,
            "alliance/fixture-alliance",
            "The Fixture Alliance was founded in March 2015.",
            "en",
        ),
        (
            NOUVELLES,
            "agreement/fixture-park-a-fixture-park-b-sister-2016",
            "Le 2 juillet 2016 les parcs A et B sont devenus parcs jumeaux.",
            "fr",
        ),
    ):
        g = ds.graph(graph)
        evidence = list(g.objects(URIRef(B + claim), PLD.evidence))
        assert len(evidence) == 1, claim
        ev = evidence[0]
        assert (ev, RDF.type, PLD.Evidence) in g
        assert g.value(ev, PLD.quote) == Literal(quote, lang=lang)
        assert str(g.value(ev, DCTERMS.language)) == lang
        assert str(g.value(ev, SCHEMA.url)).startswith("https://example.org/fixture/")
        assert g.value(ev, PLD.retrievedOn) == Literal("2026-12-01", datatype=XSD.date)
    # The first source's passage of the same agreement stays in the first graph only.
    agr = URIRef(B + "agreement/fixture-park-a-fixture-park-b-sister-2016")
    first = {
        str(ds.graph(NEWS).value(e, PLD.quote)) for e in ds.graph(NEWS).objects(agr, PLD.evidence)
    }
    assert first == {"On 2 July 2016 Fixture Park A and Fixture Park B became sister parks."}


def test_same_rows_give_the_same_bytes_and_no_blank_nodes(tmp_path: Path) -> None:
    first = claims.compile_tables(sorted(TABLES.glob("*.csv")), claims.Known()).nquads()
    # The same rows in another order, in a copy of the tables.
    for path in TABLES.glob("*.csv"):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        (tmp_path / path.name).write_text(lines[0] + "".join(reversed(lines[1:])), encoding="utf-8")
    again = claims.compile_tables(sorted(tmp_path.glob("*.csv")), claims.Known()).nquads()
    assert first == again
    assert b"_:" not in first


def test_claim_tables_build_with_the_turtle_data_and_conform() -> None:
    sources = [s for s in graphs.discover() if s.role != "claims"]
    sources += graphs.discover([TABLES], with_project=False)
    assert {s.role for s in sources} >= {"data", "claims", "shapes", "ontology"}
    files = graphs.load_all(sources)
    from parkld.validate import validate

    report = validate(files)
    assert report.conforms, report.as_text()
    compiled = {f.source.graph for f in files if f.source.path.suffix == ".csv"}
    assert compiled == {str(NEWS), str(NOUVELLES)}


# ---------------------------------------------------------------- errors, by file and line


def write_table(tmp_path: Path, rows: list[dict[str, str]], name: str = "t.csv") -> Path:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=claims.COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    folder = tmp_path / "claims"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def row(**cells: str) -> dict[str, str]:
    base = {
        "source_slug": "tmp-source",
        "source_url": "https://example.org/tmp",
        "source_title": "Tmp",
        "source_publisher": "Tmp News",
        "source_lang": "en",
        "retrieved": "2026-11-30",
        "quote": "the passage",
    }
    return base | cells


def agreement(**cells: str) -> dict[str, str]:
    return (
        row(
            kind="agreement",
            id="sophia-antipolis-chengdu-test-mou-2018",
            parties="park/sophia-antipolis;park/chengdu-hi-tech-zone",
            type="memorandum-of-understanding",
            date="2018-03",
        )
        | cells
    )


def run_validate(cli, path: Path):  # type: ignore[no-untyped-def]
    return cli("validate", str(path))


def line_of(path: Path, text: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return n
    raise AssertionError(text)


def test_a_good_row_validates_with_the_project_data(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_table(tmp_path, [agreement()])
    result = run_validate(cli, path)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "cells, message",
    [
        (
            {"parties": "park/sophia-antipolis;park/no-such-park"},
            "parties: unknown park 'park/no-such-park'",
        ),
        (
            {"parties": "park/sophia-antipolis;organisation/nobody"},
            "parties: unknown organisation 'organisation/nobody'",
        ),
        ({"date": "2999-01-01"}, "date: 2999-01-01 is in the future"),
        ({"parties": "park/sophia-antipolis"}, "parties: an agreement needs at least two parties"),
        (
            {"parties": "park/sophia-antipolis;park/sophia-antipolis"},
            "parties: an agreement needs at least two parties",
        ),
        ({"date": "2018-13"}, "date: '2018-13' is not a date written YYYY, YYYY-MM or YYYY-MM-DD"),
        ({"date": "March 2018"}, "date: 'March 2018' is not a date"),
        ({"quote": ""}, "quote: required on every row, but empty"),
        ({"retrieved": "2026-11"}, "retrieved: '2026-11' is not a day YYYY-MM-DD"),
        ({"type": "friendship"}, "type: an agreement needs its kind"),
        (
            {"parties": "sophia-antipolis;park/chengdu-hi-tech-zone"},
            "parties: 'sophia-antipolis' is not a path",
        ),
        # The Urenio article's sister-park deal, under another id.
        (
            {"id": "chengdu-sophia-sister-2016", "type": "sister-park-agreement", "date": "2016"},
            "id: duplicate of agreement 'sophia-antipolis-chengdu-sister-parks-2016' "
            "(the Turtle data)",
        ),
    ],
)
def test_each_row_error_names_file_and_line(  # type: ignore[no-untyped-def]
    cli,
    tmp_path: Path,
    cells: dict[str, str],
    message: str,
) -> None:
    filler = row(kind="name", id="park/sophia-antipolis", label="Sophia", lang="en")
    path = write_table(tmp_path, [filler, agreement(**cells)])
    result = run_validate(cli, path)
    assert result.exit_code == 1, result.output
    expected = f"{claims.read_table(path)[1].where}: {message}"
    assert expected in result.output, result.output
    assert ":3: " in expected  # the header is line 1, the filler line 2


def test_duplicate_between_rows_names_the_other_row(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = agreement()
    second = agreement(
        id="chengdu-sophia-antipolis-mou-2018-again",
        quote="again",
        parties="park/chengdu-hi-tech-zone;park/sophia-antipolis",
    )
    path = write_table(tmp_path, [first, second])
    result = run_validate(cli, path)
    assert result.exit_code == 1
    where = str(path) if not path.is_relative_to(Path.cwd()) else str(path.relative_to(Path.cwd()))
    assert (
        f"{where}:3: id: duplicate of agreement 'sophia-antipolis-chengdu-test-mou-2018' "
        f"({where}:2)"
    ) in result.output


def test_a_second_source_of_the_same_agreement_is_not_a_duplicate(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = agreement(
        source_slug="tmp-other",
        source_url="https://example.org/other",
        source_title="Other",
        quote="another passage",
    )
    path = write_table(tmp_path, [agreement(), other])
    assert run_validate(cli, path).exit_code == 0


def test_inconsistent_source_metadata_for_one_url(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    second = agreement(
        id="sophia-antipolis-chengdu-test-mou-2019",
        date="2019",
        source_title="Another title",
        source_date="2019-01-02",
    )
    third = agreement(
        id="sophia-antipolis-chengdu-test-mou-2020", date="2020", source_slug="tmp-renamed"
    )
    path = write_table(tmp_path, [agreement(), second, third])
    result = run_validate(cli, path)
    assert result.exit_code == 1
    where = claims.read_table(path)[0].where.rsplit(":", 1)[0]
    assert (
        f"{where}:3: source_title: 'Another title' differs from 'Tmp' given for the same "
        f"source_url at {where}:2"
    ) in result.output
    assert f"{where}:4: source_slug: 'tmp-renamed' differs from 'tmp-source'" in result.output


def test_one_slug_for_two_urls_and_a_slug_taken_by_a_turtle_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = agreement(id="x-y-mou-2019", date="2019", source_url="https://example.org/b")
    taken = agreement(
        id="x-y-mou-2020",
        date="2020",
        source_url="https://example.org/c",
        source_slug="urenio-2017-07-04-chengdu-partnership",
    )
    path = write_table(tmp_path, [agreement(), other, taken])
    result = run_validate(cli, path)
    assert result.exit_code == 1
    assert ":3: source_slug: 'tmp-source' is also used for another URL" in result.output
    assert (
        ":4: source_slug: 'urenio-2017-07-04-chengdu-partnership' is already the graph of "
        "data/urenio-2017-07-04-chengdu-partnership.ttl"
    ) in result.output


def test_membership_and_name_errors(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [
        row(kind="membership", id="no-such-alliance", parties="park/sophia-antipolis"),
        row(
            kind="membership",
            id="first-class-hi-tech-parks-confederation",
            parties="park/sophia-antipolis",
            role="boss",
            quote="q2",
        ),
        row(kind="name", id="park/nowhere", label="Nowhere", lang="en"),
        row(kind="park", id="new-park", label="New Park", lang="", quote="q3"),
        row(kind="park", id="Bad Slug", label="Bad", lang="en", quote="q4"),
    ]
    path = write_table(tmp_path, rows)
    result = run_validate(cli, path)
    assert result.exit_code == 1
    out = result.output
    assert ":2: id: unknown alliance 'alliance/no-such-alliance'" in out
    assert ":3: role: 'boss' is not one of member, founding-member, founder, collaborator" in out
    assert ":4: id: unknown park 'park/nowhere'" in out
    assert ":5: lang: the label needs its BCP 47 language tag" in out
    assert ":6: id: 'Bad Slug' is not a slug" in out


@pytest.mark.parametrize(
    "header, message",
    [
        ("kind,id,label", "missing column(s) lang, parties"),
        (",".join(claims.COLUMNS) + ",extra", "unknown column(s) 'extra'"),
        (",".join(reversed(claims.COLUMNS)), "columns out of order"),
    ],
)
def test_a_bad_header_is_unreadable_exit_2(cli, tmp_path: Path, header: str, message: str) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "claims"
    folder.mkdir()
    path = folder / "bad.csv"
    path.write_text(header + "\nagreement,x\n", encoding="utf-8")
    result = run_validate(cli, path)
    assert result.exit_code == 2, result.output
    assert f"{path}:1: " in result.output and message in result.output


def test_a_short_row_and_bad_encoding_are_unreadable(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_table(tmp_path, [agreement()])
    path.write_text(path.read_text(encoding="utf-8") + "agreement,x,y\n", encoding="utf-8")
    result = run_validate(cli, path)
    assert result.exit_code == 2
    assert f"{path}:3: 3 cells where the header has 22" in result.output
    path.write_bytes(path.read_bytes() + b"\xff\xfe\n")
    assert f"{path}:4: not valid UTF-8" in run_validate(cli, path).output


def test_nothing_is_built_when_a_table_is_wrong(tmp_path: Path) -> None:
    from parkld.build import ensure_built
    from parkld.errors import ValidationFailed
    from tests.conftest import make_settings

    data = tmp_path / "extra"
    shutil.copytree(TABLES, data / "claims")
    bad = write_table(data, [agreement(date="2999")], name="zz-bad.csv")
    settings = make_settings(tmp_path / "store", data_paths=(data,))
    with pytest.raises(ValidationFailed) as caught:
        ensure_built(settings)
    assert f"{claims.read_table(bad)[0].where}: date: 2999 is in the future" in str(caught.value)
    assert not (tmp_path / "store" / "current").exists()


def test_the_worked_example_of_data_readme(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """data/README.md's recipe, step by step, with the row the README shows."""
    from tests.conftest import ROOT, make_settings

    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    block = readme.split("### Worked example", 1)[1].split("```csv\n", 1)[1].split("```", 1)[0]
    lines = [line.strip() for line in block.strip().splitlines()]
    assert lines[0] == ",".join(claims.COLUMNS)
    table = tmp_path / "data" / "claims" / "agreements.csv"
    table.parent.mkdir(parents=True)
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # 2. validate with the project's data
    result = cli("validate", "--with-project", str(table))
    assert result.exit_code == 0, result.output
    # 3. build (the project's data plus this table)
    from parkld.build import ensure_built
    from parkld.store.embedded import EmbeddedStore
    from parkld.web import create_app

    settings = make_settings(tmp_path / "store", data_paths=(tmp_path / "data",))
    ensure_built(settings)
    store = EmbeddedStore(settings.store_dir)
    try:
        app = create_app(settings, store=store)
        app.config["TESTING"] = True
        web = app.test_client()
        # 4. see it at /agreement/<id>
        response = web.get(
            "/agreement/sophia-antipolis-chengdu-innovation-centres-2017",
            headers={"Accept": "text/html"},
        )
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        assert (
            '<blockquote lang="de">Vergangenen Oktober unterzeichneten Sophia Antipolis und '
            "Chengdu Hi-tech Zone eine Vereinbarung"
        ) in text
        assert "retrieved 2026-12-01" in text and "2017-10" in text
        assert 'href="http://www.hier-luebeck.de/politik-wirtschaft/' in text
        park = web.get("/park/sophia-antipolis", headers={"Accept": "text/html"})
        assert "sophia-antipolis-chengdu-innovation-centres-2017" in park.get_data(as_text=True)
    finally:
        store.close()


def test_validate_groups_infos_and_lists_them_in_json(cli) -> None:  # type: ignore[no-untyped-def]
    import json

    text = cli("validate", str(TABLES))
    assert text.exit_code == 0, text.output
    report = json.loads(cli("validate", "--format", "json", str(TABLES)).output)
    infos = [r for r in report["results"] if r["severity"] == "Info"]
    no_coordinates = {
        r["focus"] for r in infos if r["shape"] == "plds:ParkCoordinatesRecommendedShape"
    }
    assert {"park:fixture-park-b", "park:fixture-park-c", "park:fixture-park-d"} <= no_coordinates
    assert "park:fixture-park-a" not in no_coordinates  # its row gives coordinates
    assert f"Info: {len(no_coordinates)} resource(s): This park has no coordinates" in text.output
    assert "Violation:" not in text.output
    warnings = {r["focus"] for r in report["results"] if r["severity"] == "Warning"}
    assert "agr:fixture-park-a-fixture-park-c-mou-2017" in warnings  # no place given


def test_a_table_naming_project_parks_loads_for_wikidata_linking(tmp_path: Path) -> None:
    from parkld.wikidata import project

    path = write_table(
        tmp_path,
        [
            row(
                kind="name",
                id="park/sophia-antipolis",
                label="Technopole Sophia Antipolis",
                lang="fr",
            )
        ],
    )
    proj = project.load([path])
    names = {
        str(r["n"].value)
        for r in proj.store.query(  # type: ignore[union-attr]
            "SELECT ?n WHERE { GRAPH ?g { <https://w3id.org/parkld/park/sophia-antipolis> "
            "<http://www.w3.org/2004/02/skos/core#altLabel> ?n } }"
        )
    }
    assert names == {"Technopole Sophia Antipolis"}
    with pytest.raises(claims.ClaimTableInvalid):
        project.load(
            [
                write_table(
                    tmp_path,
                    [row(kind="name", id="park/nowhere", label="X", lang="en")],
                    name="bad.csv",
                )
            ]
        )
