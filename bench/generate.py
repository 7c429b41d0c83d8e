"""A synthetic park graph shaped like parkld's own data, deterministic from a seed.

Why synthetic: the shipped graph has a few hundred triples; the benchmarks need 10k-1M triples
with the same shape (the same classes, properties, fan-out and literal kinds), so that the query
mix exercises the same index paths as real queries would.

Layout, like ``data/``: one Turtle file per source document, each loaded by parkld into the
named graph ``<base>graph/<stem>`` with ``prov:wasDerivedFrom`` a ``pld:SourceDocument``.

* ``bench-gazetteer.ttl``: countries (the project's own IRIs), cities, alliances with their
  founding status assertions, publishers.
* ``bench-sNNNN.ttl``: per source, :data:`PARKS_PER_SOURCE` parks (multilingual names,
  coordinates, kind, city, founding year, website, operator), the organisations located in
  them, their alliance memberships (role, start, sometimes end) and their agreements (≥ 2
  parties, date, place, provisions).

Everything conforms to ``shapes/`` (checked by ``tests/test_bench_smoke.py``).

The Turtle files go to ``OUT_DIR/data/`` (what ``PARKLD_DATA_PATHS`` names), the manifest to
``OUT_DIR/manifest.json`` (outside ``data/``: parkld would read a ``.json`` file as JSON-LD).

Usage: ``python -m bench.generate OUT_DIR --triples 100k [--seed 7]``.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TextIO

BASE = "https://w3id.org/parkld/"
PARKS_PER_SOURCE = 100
#: Measured average triples per park including its share of organisations, memberships,
#: agreements, alliances, cities and sources; used to size the graph from a triple target.
TRIPLES_PER_PARK = 35.3
#: Every label-search query looks for this word; about one park name in 24 carries it.
SEARCH_WORD = "Lotus"

PREFIXES = f"""\
@prefix pld:    <{BASE}ontology#> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
@prefix dct:    <http://purl.org/dc/terms/> .
@prefix org:    <http://www.w3.org/ns/org#> .
@prefix prov:   <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix wgs84:  <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix park:   <{BASE}park/> .
@prefix orgn:   <{BASE}organisation/> .
@prefix alliance: <{BASE}alliance/> .
@prefix mship:  <{BASE}membership/> .
@prefix agr:    <{BASE}agreement/> .
@prefix prv:    <{BASE}provision/> .
@prefix place:  <{BASE}place/> .
@prefix source: <{BASE}source/> .
@prefix status: <{BASE}status/> .
@prefix graph:  <{BASE}graph/> .
@prefix pk:     <{BASE}vocab/park-kind/> .
@prefix role:   <{BASE}vocab/role/> .
@prefix ak:     <{BASE}vocab/agreement-kind/> .
@prefix st:     <{BASE}vocab/status/> .
@prefix pvk:    <{BASE}vocab/provision-kind/> .

"""

# (slug, English name, local language, local name, centroid lat, centroid long)
COUNTRIES: tuple[tuple[str, str, str, str, float, float], ...] = (
    ("china", "China", "zh", "中国", 31.0, 112.0),
    ("france", "France", "fr", "France", 46.5, 2.5),
    ("spain", "Spain", "es", "España", 40.2, -3.7),
    ("germany", "Germany", "de", "Deutschland", 51.0, 10.0),
    ("united-kingdom", "United Kingdom", "en", "United Kingdom", 53.0, -1.5),
    ("netherlands", "Netherlands", "nl", "Nederland", 52.2, 5.3),
    ("india", "India", "hi", "भारत", 21.0, 78.0),
    ("israel", "Israel", "he", "ישראל", 31.5, 34.9),
    ("canada", "Canada", "fr", "Canada", 50.0, -96.0),
    ("qatar", "Qatar", "ar", "قطر", 25.3, 51.2),
    ("japan", "Japan", "ja", "日本", 36.0, 138.0),
    ("south-korea", "South Korea", "ko", "대한민국", 36.5, 127.8),
    ("united-states", "United States", "en", "United States", 39.0, -98.0),
    ("brazil", "Brazil", "pt", "Brasil", -12.0, -50.0),
    ("italy", "Italy", "it", "Italia", 42.8, 12.5),
    ("sweden", "Sweden", "sv", "Sverige", 61.0, 15.0),
    ("finland", "Finland", "fi", "Suomi", 63.0, 26.0),
    ("singapore", "Singapore", "en", "Singapore", 1.35, 103.8),
    ("australia", "Australia", "en", "Australia", -27.0, 134.0),
    ("south-africa", "South Africa", "af", "Suid-Afrika", -29.0, 24.0),
)

# Local renderings of "<Name> <kind>" by language; {n} is the park's proper name.
LOCAL_PATTERNS = {
    "zh": "{n}科技园",
    "fr": "Parc technologique {n}",
    "es": "Parque Tecnológico {n}",
    "de": "Technologiepark {n}",
    "nl": "Technologiepark {n}",
    "hi": "{n} प्रौद्योगिकी पार्क",
    "he": "פארק הטכנולוגיה {n}",
    "ar": "مجمع {n} للتكنولوجيا",
    "ja": "{n}テクノパーク",
    "ko": "{n} 테크노파크",
    "pt": "Parque Tecnológico {n}",
    "it": "Parco Tecnologico {n}",
    "sv": "Teknikpark {n}",
    "fi": "Teknologiapuisto {n}",
    "af": "Tegnologiepark {n}",
}

NAME_WORDS = (
    "Lotus",
    "Pearl",
    "River",
    "Harbour",
    "Summit",
    "Jade",
    "Cedar",
    "Aurora",
    "Delta",
    "Falcon",
    "Granite",
    "Horizon",
    "Iris",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Meridian",
    "Nova",
    "Orchid",
    "Polaris",
    "Quartz",
    "Sierra",
    "Tidal",
    "Vertex",
)
SYLLABLES = (
    "ka",
    "lo",
    "mi",
    "ra",
    "ven",
    "dor",
    "sa",
    "tel",
    "bri",
    "no",
    "ha",
    "quin",
    "zu",
    "mar",
    "el",
    "tor",
    "ish",
    "an",
    "be",
    "ul",
)
KINDS = ("science-park", "technology-park", "high-tech-zone", "innovation-district", "incubator")
KIND_NAMES = {
    "science-park": "Science Park",
    "technology-park": "Technology Park",
    "high-tech-zone": "Hi-Tech Zone",
    "innovation-district": "Innovation District",
    "incubator": "Incubator",
}
ORG_SUFFIXES = (
    "Labs",
    "Systems",
    "Biotech",
    "Robotics",
    "Semiconductors",
    "Analytics",
    "Energy",
    "Photonics",
    "Software",
    "Materials",
)
ROLES = ("member", "member", "member", "founder", "proposer", "collaborator")
AGREEMENT_KINDS = ("sister-park-agreement", "memorandum-of-understanding", "cooperation-agreement")
PROVISION_KINDS = (
    "exchange",
    "delegation",
    "innovation-centre",
    "joint-events",
    "training",
    "mutual-base",
    "cooperation-fields",
    "collaboration",
)


@dataclass
class Manifest:
    """What was generated; the harness picks its query parameters from it."""

    seed: int
    target_triples: int
    triples: int = 0
    parks: int = 0
    organisations: int = 0
    alliances: int = 0
    memberships: int = 0
    agreements: int = 0
    sources: int = 0
    files: list[str] = field(default_factory=list)
    #: A park that is a member of at least one alliance (the 2-hop query's input).
    sample_park: str = ""
    #: Bounding box (min lat, max lat, min long, max long) around the sample park's country.
    bbox: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    search_word: str = SEARCH_WORD

    def write(self, out: Path) -> None:
        (out / "manifest.json").write_text(json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def read(cls, out: Path) -> Manifest:
        data = json.loads((out / "manifest.json").read_text())
        data["bbox"] = tuple(data["bbox"])
        return cls(**data)


class Turtle:
    """Writes subject blocks to a Turtle file and counts the triples written."""

    def __init__(self, fh: TextIO) -> None:
        self.fh = fh
        self.count = 0

    def block(self, subject: str, *pairs: tuple[str, str | list[str]]) -> None:
        parts = []
        for pred, obj in pairs:
            objs = obj if isinstance(obj, list) else [obj]
            self.count += len(objs)
            parts.append(f"{pred} {' , '.join(objs)}")
        self.fh.write(subject + " " + " ;\n    ".join(parts) + " .\n")


def data_dir(out: Path) -> Path:
    """Where :func:`generate` puts the Turtle files."""
    return out / "data"


def lit(text: str, lang: str = "en") -> str:
    """A language-tagged literal (our generated names never contain quotes or backslashes)."""
    return f'"{text}"@{lang}'


def typed(value: str, datatype: str) -> str:
    return f'"{value}"^^xsd:{datatype}'


def day(rng: random.Random, first_year: int, last_year: int) -> str:
    return f"{rng.randint(first_year, last_year)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def proper_name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def parse_size(text: str) -> int:
    """``10k`` → 10000, ``1M`` → 1000000, ``2500`` → 2500."""
    t = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(t[-1:], 1)
    return int(float(t[:-1] if scale > 1 else t) * scale)


def source_header(ttl: Turtle, slug: str, title: str, publisher: str, issued: str) -> None:
    """The provenance every data graph must carry (SourceGraphShape, SourceDocumentShape)."""
    ttl.block(f"graph:{slug}", ("a", "pld:SourceGraph"), ("prov:wasDerivedFrom", f"source:{slug}"))
    ttl.block(
        f"source:{slug}",
        ("a", "pld:SourceDocument"),
        ("rdfs:label", lit(title)),
        ("dct:title", lit(title)),
        ("schema:url", f"<https://bench.invalid/source/{slug}>"),
        ("dct:publisher", publisher),
        ("dct:issued", typed(issued, "date")),
        ("dct:language", '"en"'),
    )


def generate(out: Path, target_triples: int, seed: int = 7) -> Manifest:
    """Write the graph for about *target_triples* triples into *out* (emptied first)."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    data = data_dir(out)
    data.mkdir(parents=True)
    n_parks = max(20, round(target_triples / TRIPLES_PER_PARK))
    n_alliances = max(3, n_parks // 20)
    n_cities = max(len(COUNTRIES), n_parks // 10)
    n_sources = -(-n_parks // PARKS_PER_SOURCE)
    m = Manifest(
        seed=seed,
        target_triples=target_triples,
        parks=n_parks,
        alliances=n_alliances,
        sources=n_sources + 1,
    )

    # Cities: (slug, country index, lat, long)
    cities: list[tuple[str, int, float, float]] = []
    with (data / "bench-gazetteer.ttl").open("w", encoding="utf-8") as fh:
        fh.write(PREFIXES)
        ttl = Turtle(fh)
        source_header(
            ttl,
            "bench-gazetteer",
            "Synthetic gazetteer of the parkld benchmark",
            "orgn:bench-publisher-0",
            "2024-01-15",
        )
        for i in range(4):
            ttl.block(
                f"orgn:bench-publisher-{i}",
                ("a", "pld:Organisation"),
                ("rdfs:label", lit(f"Benchmark Wire {i}")),
            )
        for slug, name, lang, local, _lat, _long in COUNTRIES:
            labels = [lit(name)] + ([lit(local, lang)] if lang != "en" else [])
            ttl.block(f"place:{slug}", ("a", "pld:Country"), ("rdfs:label", labels))
        for c in range(n_cities):
            ci = c % len(COUNTRIES)
            _s, _n, lang, _l, clat, clong = COUNTRIES[ci]
            lat = max(-89.0, min(89.0, clat + rng.uniform(-4, 4)))
            long = max(-179.0, min(179.0, clong + rng.uniform(-6, 6)))
            slug = f"bench-c{c:05d}"
            cities.append((slug, ci, lat, long))
            ttl.block(
                f"place:{slug}",
                ("a", "pld:City"),
                ("rdfs:label", lit(proper_name(rng) + " City")),
                ("pld:country", f"place:{COUNTRIES[ci][0]}"),
            )
        for a in range(n_alliances):
            word = rng.choice(NAME_WORDS)
            ttl.block(
                f"alliance:bench-a{a:04d}",
                ("a", "pld:Alliance"),
                ("rdfs:label", lit(f"{word} Alliance of Technology Parks {a}")),
                ("pld:foundingYear", typed(str(rng.randint(1990, 2020)), "gYear")),
            )
            ttl.block(
                f"status:bench-a{a:04d}-founded",
                ("a", "pld:StatusAssertion"),
                ("pld:about", f"alliance:bench-a{a:04d}"),
                ("pld:status", "st:founded"),
                ("pld:date", typed(day(rng, 1990, 2020), "date")),
                ("dct:source", "source:bench-gazetteer"),
            )
        m.triples += ttl.count
    m.files.append("bench-gazetteer.ttl")

    park = 0
    for s in range(n_sources):
        slug = f"bench-s{s:04d}"
        with (data / f"{slug}.ttl").open("w", encoding="utf-8") as fh:
            fh.write(PREFIXES)
            ttl = Turtle(fh)
            source_header(
                ttl,
                slug,
                f"Synthetic park report {s}",
                f"orgn:bench-publisher-{s % 4}",
                day(rng, 2010, 2024),
            )
            first = park
            last = min(n_parks, park + PARKS_PER_SOURCE)
            for p in range(first, last):
                _write_park(ttl, rng, m, p, cities, n_alliances)
            # Agreements between parks of this source (so they share its provenance).
            for _ in range((last - first) // 2):
                parties = rng.sample(range(first, last), k=min(last - first, rng.choice((2, 2, 3))))
                _write_agreement(ttl, rng, m, parties, cities)
            park = last
            m.triples += ttl.count
        m.files.append(f"{slug}.ttl")
    m.write(out)
    return m


def _write_park(
    ttl: Turtle,
    rng: random.Random,
    m: Manifest,
    p: int,
    cities: list[tuple[str, int, float, float]],
    n_alliances: int,
) -> None:
    city, ci, clat, clong = cities[rng.randrange(len(cities))]
    cslug, _en, lang, _local, _lat, _long = COUNTRIES[ci]
    kind = rng.choice(KINDS)
    # One park name in len(NAME_WORDS) carries SEARCH_WORD, like a real name word would.
    name = f"{rng.choice(NAME_WORDS)} {proper_name(rng)} {KIND_NAMES[kind]}"
    labels = [lit(name)]
    if lang != "en":
        labels.append(lit(LOCAL_PATTERNS[lang].format(n=name.split()[1]), lang))
    if rng.random() < 0.3:
        labels.append(lit(f"{name.split()[1]} {KIND_NAMES[kind]}", "fr" if lang != "fr" else "de"))
    iri = f"park:bench-p{p:06d}"
    lat = max(-89.9, min(89.9, clat + rng.uniform(-0.3, 0.3)))
    long = max(-179.9, min(179.9, clong + rng.uniform(-0.3, 0.3)))
    n_orgs = rng.choice((1, 2, 2, 3))
    operator = f"orgn:bench-o{m.organisations:06d}"
    ttl.block(
        iri,
        ("a", "pld:Park"),
        ("rdfs:label", labels),
        ("pld:parkKind", f"pk:{kind}"),
        ("pld:country", f"place:{cslug}"),
        ("pld:city", f"place:{city}"),
        ("wgs84:lat", f"{lat:.5f}"),
        ("wgs84:long", f"{long:.5f}"),
        ("pld:foundingYear", typed(str(rng.randint(1960, 2022)), "gYear")),
        ("pld:website", f"<https://bench.invalid/park/{p}>"),
        ("pld:operatedBy", operator),
    )
    for _ in range(n_orgs):
        o = m.organisations
        m.organisations += 1
        ttl.block(
            f"orgn:bench-o{o:06d}",
            ("a", "pld:Organisation"),
            ("rdfs:label", lit(f"{proper_name(rng)} {rng.choice(ORG_SUFFIXES)}")),
            ("schema:location", iri),
        )
    for a in rng.sample(range(n_alliances), k=min(n_alliances, rng.choice((1, 2, 2, 3)))):
        ms = m.memberships
        m.memberships += 1
        start = rng.randint(1995, 2020)
        pairs: list[tuple[str, str | list[str]]] = [
            ("a", "pld:Membership"),
            ("org:member", iri),
            ("org:organization", f"alliance:bench-a{a:04d}"),
            ("org:role", f"role:{rng.choice(ROLES)}"),
            ("pld:startDate", typed(f"{start}-{rng.randint(1, 12):02d}-01", "date")),
        ]
        if rng.random() < 0.3:
            pairs.append(("pld:endDate", typed(f"{start + rng.randint(1, 6)}-06-30", "date")))
        ttl.block(f"mship:bench-m{ms:06d}", *pairs)
        if not m.sample_park:
            m.sample_park = f"bench-p{p:06d}"
            m.bbox = (
                round(clat - 3, 2),
                round(clat + 3, 2),
                round(clong - 3, 2),
                round(clong + 3, 2),
            )


def _write_agreement(
    ttl: Turtle,
    rng: random.Random,
    m: Manifest,
    parties: list[int],
    cities: list[tuple[str, int, float, float]],
) -> None:
    g = m.agreements
    m.agreements += 1
    kind = rng.choice(AGREEMENT_KINDS)
    provisions = [f"prv:bench-g{g:05d}-{i}" for i in range(rng.choice((1, 1, 2)))]
    ttl.block(
        f"agr:bench-g{g:05d}",
        ("a", "pld:Agreement"),
        ("rdfs:label", lit(f"Agreement {g} between {len(parties)} parks")),
        ("pld:agreementKind", f"ak:{kind}"),
        ("pld:party", [f"park:bench-p{p:06d}" for p in parties]),
        ("pld:date", typed(day(rng, 2000, 2024), "date")),
        ("pld:place", f"place:{cities[rng.randrange(len(cities))][0]}"),
        ("pld:provides", provisions),
    )
    for prov in provisions:
        pkind = rng.choice(PROVISION_KINDS)
        ttl.block(
            prov,
            ("a", "pld:Provision"),
            ("rdfs:label", lit(f"provides for {pkind}")),
            ("pld:provisionKind", f"pvk:{pkind}"),
        )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("out", type=Path)
    ap.add_argument("--triples", default="10k", help="target size, e.g. 10k, 100k, 1M")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    m = generate(args.out, parse_size(args.triples), args.seed)
    print(f"{m.triples} triples, {m.parks} parks, {len(m.files)} files in {args.out}")


if __name__ == "__main__":
    main()
