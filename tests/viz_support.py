"""Helpers shared by the picture tests: the small fixture graph and its store."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from tests.live import write_store

FIXTURE = Path(__file__).parent / "fixtures" / "viz" / "graph.trig"
BASE = "https://w3id.org/parkld/"
SISTER_FIXTURE = BASE + "agreement/alpha-beta-sister-parks"
SISTER_SHIPPED = BASE + "agreement/sophia-antipolis-chengdu-sister-parks-2016"


def fixture_store_dir(store_dir: Path) -> Path:
    """A store directory holding the fixture graph, laid out like a build."""
    return write_store(store_dir, ox.parse(path=str(FIXTURE), format=ox.RdfFormat.TRIG))


# -- a generated graph of the size the research brings (>= 100 parks, agreements, memberships)
COUNTRIES = ("France", "China", "Spain", "Korea", "Japan", "Iran", "Russia", "Brazil")
_WORDS = (
    "Science",
    "Technology",
    "Innovation",
    "Research",
    "Hi-Tech",
    "Digital",
    "Bio",
    "Software",
    "Knowledge",
    "Enterprise",
    "Valley",
    "Harbour",
    "Northern",
    "Riverside",
)
PX = "https://w3id.org/parkld/ontology#"


def generated_quads(
    parks: int = 120,
    agreements: int = 110,
    alliances: int = 8,
    memberships: int = 150,
    seed: int = 14,
) -> list[ox.Quad]:
    """A deterministic graph: parks in 8 countries with names of varied length, agreements
    between random pairs dated 1994-2025 (a third sister-park agreements), alliances with
    dated memberships, and evidence (a quote) on every other agreement and membership."""
    import random

    rnd = random.Random(seed)
    quads: list[ox.Quad] = []
    graph = ox.NamedNode(BASE + "graph/generated")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    xsd_date = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")

    def add(s: ox.NamedNode, p: str | ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
        pred = p if isinstance(p, ox.NamedNode) else ox.NamedNode(p)
        quads.append(ox.Quad(s, pred, o, graph))

    def day(year: int) -> ox.Literal:
        return ox.Literal(
            f"{year}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}", datatype=xsd_date
        )

    def evidence(claim: ox.NamedNode, n: int, text: str) -> None:
        ev = ox.NamedNode(BASE + f"evidence/generated-{n}")
        add(ev, rdf_type, ox.NamedNode(PX + "Evidence"))
        add(ev, PX + "quote", ox.Literal(text, language="en"))
        add(ev, "http://purl.org/dc/terms/language", ox.Literal("en"))
        add(ev, "https://schema.org/url", ox.NamedNode(f"https://news.example.org/item/{n}"))
        add(ev, PX + "retrievedOn", ox.Literal("2026-11-30", datatype=xsd_date))
        add(claim, PX + "evidence", ev)

    countries = []
    for name in COUNTRIES:
        c = ox.NamedNode(BASE + f"place/{name.lower()}")
        add(c, rdf_type, ox.NamedNode(PX + "Country"))
        add(c, label, ox.Literal(name, language="en"))
        countries.append(c)
    park_iris = []
    for i in range(parks):
        p = ox.NamedNode(BASE + f"park/generated-{i:03d}")
        words = " ".join(rnd.sample(_WORDS, rnd.randint(1, 3)))
        add(p, rdf_type, ox.NamedNode(PX + "Park"))
        add(p, label, ox.Literal(f"{words} Park {i}", language="en"))
        add(p, PX + "country", countries[i % len(countries)])
        park_iris.append(p)
    sister = ox.NamedNode(BASE + "vocab/agreement-kind/sister-park-agreement")
    mou = ox.NamedNode(BASE + "vocab/agreement-kind/memorandum-of-understanding")
    for i in range(agreements):
        a = ox.NamedNode(BASE + f"agreement/generated-{i:03d}")
        x, y = rnd.sample(park_iris, 2)
        add(a, rdf_type, ox.NamedNode(PX + "Agreement"))
        add(a, label, ox.Literal(f"Generated agreement {i}", language="en"))
        add(a, PX + "agreementKind", sister if i % 3 == 0 else mou)
        add(a, PX + "party", x)
        add(a, PX + "party", y)
        add(a, PX + "date", day(1994 + (i * 31) // agreements))
        if i % 2 == 0:
            evidence(a, i, f"The two parks signed agreement number {i} today.")
    alliance_iris = []
    for j in range(alliances):
        al = ox.NamedNode(BASE + f"alliance/generated-{j}")
        add(al, rdf_type, ox.NamedNode(PX + "Alliance"))
        add(al, label, ox.Literal(f"Generated alliance {j}", language="en"))
        alliance_iris.append(al)
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < memberships:
        pairs.add((rnd.randrange(alliances), rnd.randrange(parks)))
    for n, (j, i) in enumerate(sorted(pairs)):
        m = ox.NamedNode(BASE + f"membership/generated-{n:03d}")
        add(m, rdf_type, ox.NamedNode(PX + "Membership"))
        add(m, "http://www.w3.org/ns/org#member", park_iris[i])
        add(m, "http://www.w3.org/ns/org#organization", alliance_iris[j])
        add(m, PX + "startDate", day(1995 + n % 30))
        if n % 2 == 0:
            evidence(m, 1000 + n, f"Park {i} joined alliance {j}.")
    return quads


def generated_store_dir(store_dir: Path) -> Path:
    """A store directory holding :func:`generated_quads`, laid out like a build."""
    return write_store(store_dir, generated_quads())
