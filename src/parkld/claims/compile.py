"""Compiling claim rows into RDF: one named graph per source document.

Every row is checked first; all problems are collected and reported together, each naming
its file and line (:class:`ClaimTableInvalid`, exit 1), and nothing is compiled when there is
one. The output is deterministic: IRIs are made from slugs and digests of cell values (no
blank nodes), and quads come out sorted, so the same rows give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from parkld import namespaces as ns
from parkld import project_files
from parkld.claims import terms as t
from parkld.claims.context import Known
from parkld.claims.table import Row
from parkld.errors import ValidationFailed
from parkld.project_files import DEFAULT_BASE

PARK_KINDS = (
    "science-park",
    "technology-park",
    "high-tech-zone",
    "innovation-district",
    "incubator",
)
AGREEMENT_KINDS = (
    "sister-park-agreement",
    "memorandum-of-understanding",
    "cooperation-agreement",
    "joint-venture",
    "declaration",
)
ORGANISATION_KINDS = (
    "administrative-committee",
    "company",
    "government-body",
    "university",
    "association",
)
ROLES = ("member", "founding-member", "founder", "collaborator")
SOURCE_FIELDS = ("source_slug", "source_title", "source_publisher", "source_date", "source_lang")
QUOTE_LIMIT = 300


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one row."""

    where: str  # "file:line"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class ClaimTableInvalid(ValidationFailed):
    """Claim rows that cannot be compiled; lists every problem with its file and line."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(
            f"{len(self.problems)} problem(s) in the claim tables; nothing was loaded:\n{lines}"
        )


@dataclass
class Source:
    """A source document as its rows describe it."""

    url: str
    slug: str
    first: Row
    fields: dict[str, str] = field(default_factory=dict)
    given_at: dict[str, str] = field(default_factory=dict)  # column → row that gave it first
    files: set[str] = field(default_factory=set)

    @property
    def graph(self) -> ox.NamedNode:
        return t.entity(f"graph/{self.slug}")

    @property
    def iri(self) -> ox.NamedNode:
        return t.entity(f"source/{self.slug}")


@dataclass
class Compiled:
    """The RDF of the claim tables: per graph IRI, its sorted quads and the files it came from."""

    graphs: dict[str, list[ox.Quad]]
    files: dict[str, list[str]]

    def nquads(self) -> bytes:
        quads = [q for g in sorted(self.graphs) for q in self.graphs[g]]
        return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


class _Compiler:
    def __init__(self, rows: Sequence[Row], known: Known, today: dt.date) -> None:
        self.rows = rows
        self.known = known
        self.today = today
        self.problems: list[Problem] = []
        self.sources: dict[str, Source] = {}
        self.declared: dict[str, Row] = {}  # entity path → first row declaring it
        self.labelled: set[str] = set()  # entity paths some row gives a label to
        self.row_labels: dict[str, set[tuple[bool, str, str]]] = defaultdict(set)
        self.quads: set[
            tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal, ox.NamedNode]
        ] = set()

    # ------------------------------------------------------------ problems

    def fail(self, row: Row, message: str) -> None:
        self.problems.append(Problem(row.where, message))

    # ------------------------------------------------------------ first pass: what rows declare

    def declare(self) -> None:
        prefixes = {
            "park": "park",
            "organisation": "organisation",
            "alliance": "alliance",
            "agreement": "agreement",
        }
        for row in self.rows:
            kind = row["kind"]
            if kind in prefixes and t.SLUG.match(row["id"]):
                path = f"{prefixes[kind]}/{row['id']}"
                self.declared.setdefault(path, row)
                if row["label"]:
                    self.labelled.add(path)
                    self.row_labels[path].add((row["lang"] != "en", row["lang"], row["label"]))

    def exists(self, path: str) -> bool:
        return path in self.declared or self.known.exists(t.entity(path).value)

    def check_path(self, row: Row, column: str, path: str, allowed: Sequence[str]) -> bool:
        prefix, slash, slug = path.partition("/")
        if not slash or prefix not in allowed or not t.SLUG.match(slug):
            wanted = " or ".join(f"{p}/<slug>" for p in allowed)
            self.fail(
                row,
                f"{column}: {path!r} is not a path {wanted} (slugs are lowercase "
                "ASCII letters, digits and hyphens)",
            )
            return False
        if not self.exists(path):
            self.fail(
                row,
                f"{column}: unknown {prefix} {path!r}: no {prefix} row in the claim "
                "tables and no resource in the Turtle data has this slug (search the "
                f"data for the {prefix} under its other names, or add a "
                f"'{prefix}' row)",
            )
            return False
        return True

    # ------------------------------------------------------------ sources

    def collect_sources(self) -> None:
        slug_urls: dict[str, tuple[str, Row]] = {}
        for row in self.rows:
            url = row["source_url"]
            if not url:
                continue
            if not (url.startswith("http://") or url.startswith("https://")) or any(
                c in url for c in ' <>"{}|\\^`'
            ):
                self.fail(row, f"source_url: {url!r} is not an http(s) URL")
                continue
            src = self.sources.get(url)
            if src is None:
                slug = row["source_slug"]
                if not t.SLUG.match(slug):
                    self.fail(
                        row,
                        f"source_slug: {slug!r} is not a slug (lowercase ASCII "
                        "letters, digits and hyphens), required with each new source_url",
                    )
                    continue
                src = self.sources[url] = Source(url, slug, row)
                graph_file = self.known.graphs.get(src.graph.value)
                if graph_file is not None:
                    self.fail(
                        row,
                        f"source_slug: {slug!r} is already the graph of "
                        f"{graph_file}; choose another slug for this source",
                    )
                other = slug_urls.get(slug)
                if other is not None:
                    self.fail(
                        row,
                        f"source_slug: {slug!r} is also used for another URL "
                        f"({other[0]}, at {other[1].where}); one slug per source URL",
                    )
                else:
                    slug_urls[slug] = (url, row)
            src.files.add(row.file)
            for column in SOURCE_FIELDS:
                value = row[column]
                if not value:
                    continue
                before = src.fields.setdefault(column, value)
                at = src.given_at.setdefault(column, row.where)
                if before != value:
                    self.fail(
                        row,
                        f"{column}: {value!r} differs from {before!r} given for the "
                        f"same source_url at {at} (inconsistent source metadata: one "
                        "URL is one source)",
                    )
        for src in self.sources.values():
            for column, what in (
                ("source_title", "title"),
                ("source_publisher", "publisher"),
                ("source_lang", "language"),
            ):
                if column not in src.fields:
                    self.fail(
                        src.first,
                        f"{column}: no row of the source {src.url} gives its "
                        f"{what} (give it at least on the first row of the source)",
                    )
            lang = src.fields.get("source_lang", "")
            if lang and not t.LANG.match(lang):
                self.fail(src.first, f"source_lang: {lang!r} is not a BCP 47 language tag")
            issued = src.fields.get("source_date", "")
            if issued:
                self.check_date(src.first, "source_date", issued)
            src.fields.setdefault("source_slug", src.slug)

    def emit_source(self, src: Source) -> None:
        g, s = src.graph, src.iri
        lang = src.fields.get("source_lang", "en")
        title = src.fields.get("source_title", src.url)
        publisher = src.fields.get("source_publisher", "")
        issued = src.fields.get("source_date", "")
        self.add(g, ns.RDF_TYPE, t.pld("SourceGraph"), g)
        self.add(g, t.ns(ns.PROV, "wasDerivedFrom"), s, g)
        self.add(s, ns.RDF_TYPE, t.pld("SourceDocument"), g)
        when = f", {issued[:4]}" if issued else ""
        self.add(s, t.ns(ns.RDFS, "label"), t.text(f"{title} ({publisher}{when})", lang), g)
        self.add(s, t.ns(ns.DCT, "title"), t.text(title, lang), g)
        self.add(s, t.ns(ns.SCHEMA, "url"), ox.NamedNode(src.url), g)
        self.add(s, t.ns(ns.DCT, "language"), ox.Literal(lang), g)
        if issued and t.parse_date(issued):
            precision = t.parse_date(issued)
            assert precision is not None
            self.add(s, t.ns(ns.DCT, "issued"), t.typed(issued, precision[0]), g)
        if publisher:
            org = t.entity(f"organisation/{t.stable_slug(publisher, 'publisher')}")
            self.add(s, t.ns(ns.DCT, "publisher"), org, g)
            self.add(org, ns.RDF_TYPE, t.pld("Organisation"), g)
            self.add(org, t.ns(ns.RDFS, "label"), t.text(publisher, "en"), g)

    # ------------------------------------------------------------ checks shared by kinds

    def check_date(self, row: Row, column: str, value: str) -> bool:
        parsed = t.parse_date(value)
        if parsed is None:
            self.fail(row, f"{column}: {value!r} is not a date written YYYY, YYYY-MM or YYYY-MM-DD")
            return False
        if t.in_future(value, self.today):
            self.fail(
                row,
                f"{column}: {value} is in the future (today is "
                f"{self.today.isoformat()}): check the source",
            )
            return False
        return True

    def check_common(self, row: Row) -> bool:
        ok = True
        for column in ("kind", "id", "source_url", "retrieved", "quote"):
            if not row[column]:
                self.fail(row, f"{column}: required on every row, but empty")
                ok = False
        if row["kind"] and row["kind"] not in (
            "park",
            "organisation",
            "name",
            "alliance",
            "agreement",
            "membership",
        ):
            self.fail(
                row,
                f"kind: {row['kind']!r} is not one of park, organisation, name, "
                "alliance, agreement, membership",
            )
            ok = False
        if row["retrieved"]:
            if t.parse_date(row["retrieved"]) is None or len(row["retrieved"]) != 10:
                self.fail(row, f"retrieved: {row['retrieved']!r} is not a day YYYY-MM-DD")
                ok = False
            elif not self.check_date(row, "retrieved", row["retrieved"]):
                ok = False
        if len(row["quote"]) > QUOTE_LIMIT:
            self.fail(
                row,
                f"quote: {len(row['quote'])} characters; keep the supporting "
                f"passage to at most {QUOTE_LIMIT}",
            )
            ok = False
        if row["label"] and not row["lang"]:
            self.fail(row, "lang: the label needs its BCP 47 language tag (en, zh, ko, ...)")
            ok = False
        if row["lang"] and not t.LANG.match(row["lang"]):
            self.fail(row, f"lang: {row['lang']!r} is not a BCP 47 language tag")
            ok = False
        if row["date"] and not self.check_date(row, "date", row["date"]):
            ok = False
        if row["source_url"] and row["source_url"] not in self.sources:
            ok = False  # already reported by collect_sources
        return ok

    def need_label(self, row: Row, path: str) -> None:
        if path not in self.labelled and not self.known.labels.get(t.entity(path).value):
            self.fail(
                row,
                f"label: {path} has no name on any row or in the Turtle data; "
                "give the name as the source writes it",
            )

    # ------------------------------------------------------------ emitting

    def add(
        self, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal, g: ox.NamedNode
    ) -> None:
        self.quads.add((s, p, o, g))

    def place(self, name: str, cls: str, g: ox.NamedNode, country: str = "") -> ox.NamedNode:
        """The place called *name* (reusing the data's slug for that name), typed and named."""
        iri = self.known.places.get((cls, name.casefold()))
        node = ox.NamedNode(iri) if iri else t.entity(f"place/{t.stable_slug(name, 'place')}")
        self.add(node, ns.RDF_TYPE, t.pld(cls), g)
        self.add(node, t.ns(ns.RDFS, "label"), t.text(name, "en"), g)
        if country and cls != "Country":
            self.add(node, t.pld("country"), self.place(country, "Country", g), g)
        return node

    def evidence(self, row: Row, src: Source, claims: Sequence[ox.NamedNode]) -> None:
        g = src.graph
        lang = src.fields.get("source_lang", "en")
        key = t.digest(
            src.slug,
            row["kind"],
            row["id"],
            row["parties"],
            row["label"],
            row["date"],
            row["quote"],
        )
        ev = t.entity(f"evidence/{src.slug}-{key}")
        self.add(ev, ns.RDF_TYPE, t.pld("Evidence"), g)
        self.add(
            ev,
            t.ns(ns.RDFS, "label"),
            t.text(f"Passage supporting {row['kind']} {row['id']}", "en"),
            g,
        )
        self.add(ev, t.pld("quote"), t.text(row["quote"], lang), g)
        self.add(ev, t.ns(ns.DCT, "language"), ox.Literal(lang), g)
        self.add(ev, t.ns(ns.SCHEMA, "url"), ox.NamedNode(src.url), g)
        self.add(ev, t.pld("retrievedOn"), t.typed(row["retrieved"], "date"), g)
        self.add(ev, t.ns(ns.DCT, "source"), src.iri, g)
        if row["note"]:
            self.add(ev, t.ns(ns.RDFS, "comment"), t.text(row["note"], "en"), g)
        for claim in claims:
            self.add(claim, t.pld("evidence"), ev, g)

    def label(self, node: ox.NamedNode, row: Row, g: ox.NamedNode) -> None:
        if row["label"]:
            self.add(node, t.ns(ns.RDFS, "label"), t.text(row["label"], row["lang"]), g)

    # ------------------------------------------------------------ kinds

    def park(self, row: Row, src: Source) -> list[ox.NamedNode]:
        g, node = src.graph, t.entity(f"park/{row['id']}")
        if row["type"] and row["type"] not in PARK_KINDS:
            self.fail(
                row, f"type: {row['type']!r} is not a park kind ({', '.join(PARK_KINDS)} or empty)"
            )
        self.need_label(row, f"park/{row['id']}")
        lat, long = row["lat"], row["long"]
        if bool(lat) != bool(long):
            self.fail(row, "lat/long: give both coordinates or neither")
        elif lat:
            if not (
                t.DECIMAL.match(lat)
                and t.DECIMAL.match(long)
                and -90 <= float(lat) <= 90
                and -180 <= float(long) <= 180
            ):
                self.fail(
                    row,
                    f"lat/long: {lat}, {long} are not decimal degrees (latitude "
                    "-90..90, longitude -180..180)",
                )
            else:
                before = self.known.latitudes.get(node.value, set())
                if before and lat not in before:
                    self.fail(
                        row,
                        f"lat/long: park/{row['id']} already has coordinates in the "
                        "Turtle data (a park has one pair); leave them out or fix the "
                        "other source",
                    )
                self.add(node, t.ns(ns.WGS84, "lat"), t.typed(lat, "decimal"), g)
                self.add(node, t.ns(ns.WGS84, "long"), t.typed(long, "decimal"), g)
        self.add(node, ns.RDF_TYPE, t.pld("Park"), g)
        self.label(node, row, g)
        if row["type"] in PARK_KINDS:
            self.add(node, t.pld("parkKind"), t.concept("park-kind", row["type"]), g)
        if row["place"]:
            self.add(node, t.pld("city"), self.place(row["place"], "City", g, row["country"]), g)
        if row["country"]:
            self.add(node, t.pld("country"), self.place(row["country"], "Country", g), g)
        for p, o in t.date_literals(
            row["date"], "foundingDate", "foundingYearMonth", "foundingYear"
        ):
            self.add(node, p, o, g)
        return [node]

    def organisation(self, row: Row, src: Source) -> list[ox.NamedNode]:
        g, node = src.graph, t.entity(f"organisation/{row['id']}")
        self.need_label(row, f"organisation/{row['id']}")
        self.add(node, ns.RDF_TYPE, t.pld("Organisation"), g)
        self.label(node, row, g)
        if row["type"] in ORGANISATION_KINDS:
            self.add(
                node, t.pld("organisationKind"), t.concept("organisation-kind", row["type"]), g
            )
        elif row["type"]:
            self.add(node, t.ns(ns.DCT, "type"), t.text(row["type"], "en"), g)
        for path in row.split("parties"):
            if self.check_path(row, "parties", path, ("park",)):
                self.add(node, t.pld("actsFor"), t.entity(path), g)
        if row["country"]:
            self.add(node, t.pld("country"), self.place(row["country"], "Country", g), g)
        return [node]

    def name(self, row: Row, src: Source) -> list[ox.NamedNode]:
        if not self.check_path(row, "id", row["id"], t.PATH_PREFIXES):
            return []
        if not row["label"]:
            self.fail(row, "label: a name row gives the other name; it is empty")
            return []
        node = t.entity(row["id"])
        self.add(node, t.ns(ns.SKOS, "altLabel"), t.text(row["label"], row["lang"]), src.graph)
        return [node]

    def alliance(self, row: Row, src: Source) -> list[ox.NamedNode]:
        g, node = src.graph, t.entity(f"alliance/{row['id']}")
        self.need_label(row, f"alliance/{row['id']}")
        self.add(node, ns.RDF_TYPE, t.pld("Alliance"), g)
        self.label(node, row, g)
        if row["country"]:
            self.add(node, t.pld("country"), self.place(row["country"], "Country", g), g)
        if row["place"]:
            self.add(node, t.pld("place"), self.place(row["place"], "City", g, row["country"]), g)
        claims = [node]
        if row["date"] and t.parse_date(row["date"]):
            for p, o in t.date_literals(
                row["date"], "foundingDate", "foundingYearMonth", "foundingYear"
            ):
                self.add(node, p, o, g)
            status = t.entity(f"status/{row['id']}-founded-{src.slug}")
            name = row["label"] or row["id"]
            self.add(status, ns.RDF_TYPE, t.pld("StatusAssertion"), g)
            self.add(
                status,
                t.ns(ns.RDFS, "label"),
                t.text(f"{name}: founded ({row['date']})", row["lang"] or "en"),
                g,
            )
            self.add(status, t.pld("about"), node, g)
            self.add(status, t.pld("status"), t.concept("status", "founded"), g)
            for p, o in t.date_literals(row["date"], "date", "yearMonth", "year"):
                self.add(status, p, o, g)
            self.add(status, t.ns(ns.DCT, "source"), src.iri, g)
            claims.append(status)
        return claims

    def agreement(self, row: Row, src: Source) -> list[ox.NamedNode]:
        g, node = src.graph, t.entity(f"agreement/{row['id']}")
        kind = row["type"]
        if kind not in AGREEMENT_KINDS:
            self.fail(
                row,
                f"type: an agreement needs its kind, one of {', '.join(AGREEMENT_KINDS)}"
                f" (got {kind!r})",
            )
        parties = row.split("parties")
        if len(set(parties)) < 2:
            self.fail(
                row,
                f"parties: an agreement needs at least two parties, "
                f"';'-separated (got {len(set(parties))})",
            )
        good = [
            p for p in dict.fromkeys(parties) if self.check_path(row, "parties", p, t.PATH_PREFIXES)
        ]
        self.add(
            node, ns.RDF_TYPE, t.pld("Declaration" if kind == "declaration" else "Agreement"), g
        )
        if row["label"]:
            self.label(node, row, g)
        elif (
            not self.known.labels.get(node.value) and f"agreement/{row['id']}" not in self.labelled
        ):
            names = [self.known.label(t.entity(p).value) or self.row_label(p) or p for p in good]
            title = kind.replace("-", " ") if kind else "agreement"
            when = f" ({row['date']})" if row["date"] else ""
            self.add(
                node,
                t.ns(ns.RDFS, "label"),
                t.text(f"{title.capitalize()} between {' and '.join(names)}{when}", "en"),
                g,
            )
        if kind in AGREEMENT_KINDS:
            self.add(node, t.pld("agreementKind"), t.concept("agreement-kind", kind), g)
        for party in good:
            self.add(node, t.pld("party"), t.entity(party), g)
        for p, o in t.date_literals(row["date"], "date", "yearMonth", "year"):
            self.add(node, p, o, g)
        if row["place"]:
            self.add(node, t.pld("place"), self.place(row["place"], "City", g, row["country"]), g)
        elif row["country"]:
            self.add(node, t.pld("place"), self.place(row["country"], "Country", g), g)
        lang = src.fields.get("source_lang", "en")
        for signatory in row.split("signatories"):
            person_name, _, function = signatory.partition("(")
            person_name, function = person_name.strip(), function.rstrip(")").strip()
            if not person_name:
                self.fail(row, f"signatories: {signatory!r} has no name (write 'Name (function)')")
                continue
            person = t.entity(f"person/{t.stable_slug(person_name, 'person')}")
            self.add(person, ns.RDF_TYPE, t.pld("Person"), g)
            self.add(person, t.ns(ns.RDFS, "label"), t.text(person_name, lang), g)
            self.add(node, t.pld("signatory"), person, g)
            sig = t.entity(f"signature/{row['id']}-{t.stable_slug(person_name, 'person')}")
            self.add(node, t.pld("signature"), sig, g)
            self.add(sig, ns.RDF_TYPE, t.pld("Signature"), g)
            self.add(sig, t.pld("signer"), person, g)
            self.add(sig, t.ns(ns.RDFS, "label"), t.text(signatory, lang), g)
            if function:
                self.add(sig, t.pld("function"), t.text(function, lang), g)
        return [node]

    def row_label(self, path: str) -> str | None:
        """A name rows give *path* (English first; the same whatever the rows' order)."""
        labels = sorted(self.row_labels.get(path, ()))
        return labels[0][2] if labels else None

    def membership(self, row: Row, src: Source) -> list[ox.NamedNode]:
        g = src.graph
        alliance_path = row["id"] if row["id"].startswith("alliance/") else f"alliance/{row['id']}"
        if not self.check_path(row, "id", alliance_path, ("alliance",)):
            return []
        role = row["role"] or "member"
        if role not in ROLES:
            self.fail(row, f"role: {role!r} is not one of {', '.join(ROLES)} (empty = member)")
            return []
        members = row.split("parties")
        if not members:
            self.fail(row, "parties: a membership row names its member(s), ';'-separated paths")
        alliance = t.entity(alliance_path)
        alliance_slug = alliance_path.split("/", 1)[1]
        claims = []
        for path in dict.fromkeys(members):
            if not self.check_path(row, "parties", path, t.PATH_PREFIXES):
                continue
            prefix, _, slug = path.partition("/")
            local = slug if prefix == "park" else f"{prefix}-{slug}"
            node = t.entity(f"membership/{alliance_slug}-{local}")
            self.add(node, ns.RDF_TYPE, t.pld("Membership"), g)
            self.add(node, t.ns(ns.ORG, "member"), t.entity(path), g)
            self.add(node, t.ns(ns.ORG, "organization"), alliance, g)
            self.add(node, t.ns(ns.ORG, "role"), t.concept("role", role), g)
            member_name = self.known.label(t.entity(path).value) or self.row_label(path)
            alliance_name = self.known.label(alliance.value) or self.row_label(alliance_path)
            if member_name and alliance_name:
                self.add(
                    node,
                    t.ns(ns.RDFS, "label"),
                    t.text(f"{member_name} in {alliance_name}", "en"),
                    g,
                )
            for p, o in t.date_literals(row["date"], "startDate", "yearMonth", "year"):
                self.add(node, p, o, g)
            claims.append(node)
        return claims

    # ------------------------------------------------------------ duplicates

    def duplicates(self) -> None:
        seen: dict[tuple[frozenset[str], str, str], tuple[str, str]] = {}
        for iri, (parties, kind, dates) in sorted(self.known.agreements.items()):
            for date in dates:
                seen.setdefault((parties, kind, date), (iri, "the Turtle data"))
        for row in self.rows:
            if row["kind"] != "agreement" or not row["date"] or not row["type"]:
                continue
            parties = frozenset(t.entity(p).value for p in row.split("parties"))
            key = (parties, t.concept("agreement-kind", row["type"]).value, row["date"])
            iri = t.entity(f"agreement/{row['id']}").value
            other = seen.setdefault(key, (iri, row.where))
            if other[0] != iri:
                self.fail(
                    row,
                    f"id: duplicate of agreement {other[0].rsplit('/', 1)[-1]!r} "
                    f"({other[1]}): same parties, kind and date under another id; "
                    "give a second source of the same agreement the same id",
                )

    # ------------------------------------------------------------ driver

    def run(self) -> Compiled:
        self.declare()
        self.collect_sources()
        emit = {
            "park": self.park,
            "organisation": self.organisation,
            "name": self.name,
            "alliance": self.alliance,
            "agreement": self.agreement,
            "membership": self.membership,
        }
        for row in self.rows:
            if not self.check_common(row):
                continue
            if row["kind"] in (
                "park",
                "organisation",
                "alliance",
                "agreement",
            ) and not t.SLUG.match(row["id"]):
                self.fail(
                    row,
                    f"id: {row['id']!r} is not a slug (lowercase ASCII letters, "
                    "digits and hyphens)",
                )
                continue
            src = self.sources[row["source_url"]]
            claims = emit[row["kind"]](row, src)
            self.evidence(row, src, claims)
        self.duplicates()
        for src in self.sources.values():
            self.emit_source(src)
        if self.problems:
            raise ClaimTableInvalid(self.problems)
        graphs: dict[str, list[ox.Quad]] = defaultdict(list)
        for s, p, o, g in self.quads:
            graphs[g.value].append(ox.Quad(s, p, o, g))
        for graph_quads in graphs.values():
            graph_quads.sort(key=str)
        files = {src.graph.value: sorted(src.files) for src in self.sources.values()}
        return Compiled(dict(sorted(graphs.items())), files)


def compile_rows(
    rows: Sequence[Row], known: Known, today: dt.date | None = None, base: str = DEFAULT_BASE
) -> Compiled:
    """Check and compile *rows*; raise :class:`ClaimTableInvalid` listing every problem."""
    compiled = _Compiler(rows, known, today or dt.date.today()).run()
    if base != DEFAULT_BASE:

        def move(term: ox.NamedNode | ox.Literal) -> ox.NamedNode | ox.Literal:
            return project_files.rebase(term, base) if isinstance(term, ox.NamedNode) else term

        compiled = Compiled(
            {
                project_files.rebase(ox.NamedNode(g), base).value: [
                    ox.Quad(
                        project_files.rebase(q.subject, base),  # type: ignore[arg-type]
                        q.predicate,
                        move(q.object),  # type: ignore[arg-type]
                        project_files.rebase(q.graph_name, base),  # type: ignore[arg-type]
                    )
                    for q in quads
                ]
                for g, quads in compiled.graphs.items()
            },
            {
                project_files.rebase(ox.NamedNode(g), base).value: f
                for g, f in compiled.files.items()
            },
        )
    return compiled
