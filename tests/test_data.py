"""The shipped data: the seed article's facts are all there, each data file is one source's graph
with its source document described, and only verified Wikidata items are used."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, XSD

from parkld.kinds import KINDS

ROOT = Path(__file__).resolve().parent.parent
DATA_FILES = sorted((ROOT / "data").glob("*.ttl"))
BASE = "https://w3id.org/parkld/"
PLD = Namespace(BASE + "ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
PARK, PLACE, EVENT, SOURCE, GRAPH = (
    Namespace(f"{BASE}{t}/") for t in ("park", "place", "event", "source", "graph")
)
ALLIANCE, AGREEMENT, PERSON = (
    Namespace(f"{BASE}{t}/") for t in ("alliance", "agreement", "person")
)
ROLE, STATUS, AKIND = (Namespace(f"{BASE}vocab/{s}/") for s in ("role", "status", "agreement-kind"))
WD = "http://www.wikidata.org/entity/"

# the items listed in shared/data/wikidata-parks/README.md ...
README_QIDS = {
    "Q1359930",
    "Q986206",
    "Q11940149",
    "Q142",
    "Q148",
    "Q29",
    "Q145",
    "Q183",
    "Q55",
    "Q668",
    "Q801",
    "Q16",
}
# ... and those in the Wikidata snapshot itself (real Wikidata data), wherever a copy of it is found
SNAPSHOTS = [
    ROOT / "sources" / "wikidata-parks" / "parks_wikidata_subset.ttl",
    ROOT.parent / "shared" / "data" / "wikidata-parks" / "parks_wikidata_subset.ttl",
]


@cache
def verified_qids() -> set[str]:
    qids = set(README_QIDS)
    for path in SNAPSHOTS:
        if path.exists():
            qids |= set(re.findall(r"\bwd:(Q[0-9]+)\b", path.read_text(encoding="utf-8")))
            break
    return qids


# The first path segments an entity IRI may have: the registry's entity kinds, and the SKOS
# vocabularies' ``vocab/``.
TYPE_WORDS = {*KINDS.entity_segments(), "vocab"}


# ---- loading helpers (kept small so the package's own loader can replace them)


@cache
def load_file(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


@cache
def graph_of(stem: str) -> Graph:
    return load_file(ROOT / "data" / f"{stem}.ttl")


@cache
def union() -> Graph:
    g = Graph()
    for path in DATA_FILES:
        for triple in load_file(path):
            g.add(triple)
    return g


def memberships(alliance: URIRef, role: URIRef) -> set[URIRef]:
    g = union()
    return {
        g.value(m, ORG.member)  # type: ignore[misc]
        for m in g.subjects(ORG.organization, alliance)
        if (m, ORG.role, role) in g
    }


# ---- one graph per source document


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_data_file_is_one_sourced_graph(path: Path) -> None:
    g = load_file(path)
    graph, source = GRAPH[path.stem], SOURCE[path.stem]
    assert list(g.objects(graph, PROV.wasDerivedFrom)) == [source], (
        f"{path.name} must say {graph} prov:wasDerivedFrom {source}"
    )
    assert (graph, RDF.type, PLD.SourceGraph) in g
    assert (source, RDF.type, PLD.SourceDocument) in g
    url = g.value(source, SCHEMA.url)
    assert isinstance(url, URIRef) and str(url).startswith(("http://", "https://"))
    assert g.value(source, DCTERMS.title) is not None
    publisher = g.value(source, DCTERMS.publisher)
    assert publisher is not None and g.value(publisher, RDFS.label) is not None
    assert g.value(source, DCTERMS.language) is not None
    # no other graph is described as derived from something in this file
    assert set(g.subjects(PROV.wasDerivedFrom, None)) - {graph} <= {
        s for s in g.subjects(RDF.type, PLD.SourceDocument)
    }


def test_graph_urls_are_distinct() -> None:
    urls = [str(load_file(p).value(SOURCE[p.stem], SCHEMA.url)) for p in DATA_FILES]
    assert len(urls) == len(set(urls))


def test_entity_iris_follow_the_pattern() -> None:
    pattern = re.compile(r"^https://w3id\.org/parkld/(?P<type>[a-z]+)(/[a-z0-9-]+)+$")
    for node in {
        n for t in union() for n in t if isinstance(n, URIRef) and str(n).startswith(BASE)
    }:
        if str(node).startswith(str(PLD)):
            continue
        match = pattern.match(str(node))
        assert match and match.group("type") in TYPE_WORDS, (
            f"IRI does not follow the pattern: {node}"
        )


# ---- the seed article's facts


NAMED_PARKS = {
    "chengdu-hi-tech-zone": ("chengdu", "sichuan", "china"),
    "sophia-antipolis": ("valbonne", "provence-alpes-cote-d-azur", "france"),
    "zhangjiang-hi-tech-park": ("shanghai", "shanghai", "china"),
    "shenzhen-science-technology-industrial-park": ("shenzhen", "guangdong", "china"),
    "xian-hi-tech-zone": ("xian", "shaanxi", "china"),
    "barcelona-science-park": ("barcelona", "catalonia", "spain"),
}


@pytest.mark.parametrize("slug", sorted(NAMED_PARKS))
def test_named_park_has_city_region_and_country(slug: str) -> None:
    g, park = union(), PARK[slug]
    city, region, country = NAMED_PARKS[slug]
    assert (park, RDF.type, PLD.Park) in g
    assert any(
        isinstance(lab, Literal) and lab.language == "en" for lab in g.objects(park, RDFS.label)
    )
    assert (park, PLD.city, PLACE[city]) in g and (PLACE[city], RDF.type, PLD.City) in g
    assert (park, PLD.region, PLACE[region]) in g and (PLACE[region], RDF.type, PLD.Region) in g
    assert (park, PLD.country, PLACE[country]) in g and (PLACE[country], RDF.type, PLD.Country) in g
    # one city, one region, one country per named park, whatever the number of sources
    assert len(set(g.objects(park, PLD.country))) == 1
    assert len(set(g.objects(park, PLD.city))) == 1


UNNAMED = {
    "britain": "united-kingdom",
    "germany": "germany",
    "spain": "spain",
    "netherlands": "netherlands",
    "india": "india",
    "israel": "israel",
    "canada": "canada",
    "qatar": "qatar",
}


def test_eight_unnamed_parks_with_their_countries() -> None:
    g = union()
    unnamed = set(g.subjects(RDF.type, PLD.UnidentifiedPark))
    assert unnamed == {PARK[f"unnamed-{k}-2017-confederation"] for k in UNNAMED}
    for key, country in UNNAMED.items():
        park = PARK[f"unnamed-{key}-2017-confederation"]
        assert list(g.objects(park, PLD.country)) == [PLACE[country]]
        labels = [str(lab) for lab in g.objects(park, RDFS.label)]
        assert len(labels) == 1 and labels[0].startswith("Unnamed "), labels
        assert (park, SKOS_ALT, None) not in g
        assert (park, PLD.wikidata, None) not in g


SKOS_ALT = URIRef("http://www.w3.org/2004/02/skos/core#altLabel")


def test_confederation_collaborators_are_the_five_named_and_eight_unnamed_parks() -> None:
    collaborators = memberships(
        ALLIANCE["first-class-hi-tech-parks-confederation"], ROLE.collaborator
    )
    expected = {PARK[s] for s in NAMED_PARKS if s != "barcelona-science-park"}
    expected |= {PARK[f"unnamed-{k}-2017-confederation"] for k in UNNAMED}
    assert collaborators == expected


def test_fair_dates_and_place_from_shanghai_daily() -> None:
    g = graph_of("shine-2017-05-16-chengdu-fair")
    fair = EVENT["global-innovation-entrepreneurship-fair-2017"]
    assert (fair, RDF.type, PLD.Fair) in g
    assert g.value(fair, PLD.startDate) == Literal("2017-05-10", datatype=XSD.date)
    assert g.value(fair, PLD.endDate) == Literal("2017-05-12", datatype=XSD.date)
    assert g.value(fair, PLD.place) == PLACE.chengdu


def test_summit_of_about_80_representatives_during_the_fair() -> None:
    g = graph_of("urenio-2017-07-04-chengdu-partnership")
    summit = EVENT["technology-park-summit-chengdu-2017"]
    assert (summit, RDF.type, PLD.Summit) in g
    assert g.value(summit, PLD.participantCount) == Literal(80)
    assert g.value(summit, PLD.participantCountApproximate) == Literal(True)
    assert g.value(summit, PLD.partOfEvent) == EVENT["global-innovation-entrepreneurship-fair-2017"]
    assert g.value(summit, PLD.place) == PLACE.chengdu


def test_confederation_proposed_by_chengdu_and_sophia_antipolis_at_the_summit() -> None:
    g = graph_of("urenio-2017-07-04-chengdu-partnership")
    confederation = ALLIANCE["first-class-hi-tech-parks-confederation"]
    assert memberships(confederation, ROLE.proposer) == {
        PARK["chengdu-hi-tech-zone"],
        PARK["sophia-antipolis"],
    }
    status = URIRef(BASE + "status/first-class-hi-tech-parks-confederation-proposed-2017")
    assert g.value(status, PLD.about) == confederation
    assert g.value(status, PLD.status) == STATUS.proposed
    assert g.value(status, PLD.atEvent) == EVENT["technology-park-summit-chengdu-2017"]
    assert g.value(status, DCTERMS.source) == SOURCE["urenio-2017-07-04-chengdu-partnership"]


def test_declaration_passed_by_the_delegates() -> None:
    g = graph_of("urenio-2017-07-04-chengdu-partnership")
    declaration = AGREEMENT["chengdu-park-summit-declaration-2017"]
    assert (declaration, RDF.type, PLD.Declaration) in g
    assert g.value(declaration, PLD.agreementKind) == AKIND.declaration
    assert g.value(declaration, PLD.adoptedAt) == EVENT["technology-park-summit-chengdu-2017"]
    assert g.value(declaration, PLD.provides) is not None


def test_two_agreements_signed_on_2_july_2016_with_provisions() -> None:
    g = graph_of("investincotedazur-sister-parks-2016")
    agreements = set(g.subjects(PLD.date, Literal("2016-07-02", datatype=XSD.date)))
    assert agreements == {
        AGREEMENT["sophia-antipolis-chengdu-sister-parks-2016"],
        AGREEMENT["sophia-antipolis-china-innovation-center-2016"],
    }
    kinds = {g.value(a, PLD.agreementKind) for a in agreements}
    assert kinds == {AKIND["sister-park-agreement"], AKIND["cooperation-agreement"]}
    for agreement in agreements:
        assert set(g.objects(agreement, PLD.party)) == {
            PARK["chengdu-hi-tech-zone"],
            PARK["sophia-antipolis"],
        }
        assert list(g.objects(agreement, PLD.provides))
        assert g.value(agreement, PLD.atEvent) == EVENT["franco-chinese-forum-future-leaders-2016"]
    # the article's own account: exchanges, delegations and an innovation centre at Chengdu
    urenio = graph_of("urenio-2017-07-04-chengdu-partnership")
    provided = {
        str(urenio.value(p, PLD.provisionKind)).rsplit("/", 1)[1]
        for p in urenio.objects(
            AGREEMENT["sophia-antipolis-chengdu-sister-parks-2016"], PLD.provides
        )
    }
    assert provided == {"exchange", "delegation", "innovation-centre"}


def test_disagreeing_signing_places_are_kept_in_different_source_graphs() -> None:
    sister = AGREEMENT["sophia-antipolis-chengdu-sister-parks-2016"]
    places = {p.stem: set(load_file(p).objects(sister, PLD.place)) for p in DATA_FILES}
    claims = {stem: v for stem, v in places.items() if v}
    assert claims == {
        "investincotedazur-sister-parks-2016": {PLACE["skema-campus"]},
        "kyodo-prw-2016-07-05-chengdu-sophia-antipolis": {PLACE.nice},
    }


def test_philippe_mariani_chief_executive_of_sophia_antipolis_and_his_statement() -> None:
    g = graph_of("urenio-2017-07-04-chengdu-partnership")
    mariani = PERSON["philippe-mariani"]
    roles = {
        (g.value(m, ORG.organization), r)
        for m in g.subjects(ORG.member, mariani)
        for r in g.objects(m, ORG.role)
    }
    assert (PARK["sophia-antipolis"], ROLE["chief-executive-officer"]) in roles
    quotes = list(g.subjects(PLD.speaker, mariani))
    assert len(quotes) == 1
    text = str(g.value(quotes[0], PLD.text))
    assert "stimulate their development" in text and "share resources" in text
    assert g.value(quotes[0], PLD.reportedSpeech) == Literal(True)
    assert g.value(quotes[0], DCTERMS.source) == SOURCE["urenio-2017-07-04-chengdu-partnership"]


def test_the_article_and_its_citation_of_the_telegraph() -> None:
    g = graph_of("urenio-2017-07-04-chengdu-partnership")
    article = SOURCE["urenio-2017-07-04-chengdu-partnership"]
    assert g.value(article, SCHEMA.url) == URIRef(
        "https://urenio.org/2017/07/04/chengdu-building-global-technology-park-partnership/"
    )
    assert g.value(article, DCTERMS.issued) == Literal("2017-07-04", datatype=XSD.date)
    telegraph = g.value(article, DCTERMS.references)
    assert (telegraph, RDF.type, PLD.SourceDocument) in g
    assert str(g.value(g.value(telegraph, DCTERMS.publisher), RDFS.label)) == "The Telegraph"
    # not found: recorded as a known gap, never made up
    assert g.value(telegraph, SCHEMA.url) is None


def test_chengdu_hi_tech_zone_founded_1988_state_level_1991() -> None:
    g = graph_of("chinadaily-2018-10-18-chengdu-hi-tech-zone")
    zone = PARK["chengdu-hi-tech-zone"]
    assert g.value(zone, PLD.foundingYear) == Literal("1988", datatype=XSD.gYear)
    status = URIRef(BASE + "status/chengdu-hi-tech-zone-state-level-1991")
    assert g.value(status, PLD.year) == Literal("1991", datatype=XSD.gYear)
    assert g.value(status, PLD.about) == zone


# ---- Wikidata links


def test_only_verified_wikidata_items_are_used() -> None:
    used = {
        str(o)[len(WD) :]
        for t in union()
        for o in t
        if isinstance(o, URIRef) and str(o).startswith(WD)
    }
    assert used and used <= verified_qids(), f"unverified QIDs: {used - verified_qids()}"
    assert (None, OWL.sameAs, None) not in union()


def test_wikidata_links_of_the_parks() -> None:
    g = union()
    seed_parks = {PARK[s] for s in NAMED_PARKS}
    assert {(s, str(o)) for s, o in g.subject_objects(PLD.wikidata) if s in seed_parks} == {
        (PARK["sophia-antipolis"], WD + "Q1359930"),
        (PARK["zhangjiang-hi-tech-park"], WD + "Q986206"),
        (PARK["barcelona-science-park"], WD + "Q11940149"),
    }
    assert (PLACE.qatar, PLD.wikidata, None) not in g  # Qatar's item is not in the verified list
    for park in seed_parks - {
        PARK["sophia-antipolis"],
        PARK["zhangjiang-hi-tech-park"],
        PARK["barcelona-science-park"],
    }:
        assert (park, PLD.wikidata, None) not in g  # no QID was verified for these: left unlinked
