"""``parkld wikidata diff``: where parkld and Wikidata disagree about linked parks.

Compared: coordinates (further apart than ``max_km``), founding (year, and the day when both
give one), country (P17 against the country's ``pld:wikidata``), website (P856, compared
without scheme, ``www.`` and trailing slash) and names (per language both have). Sources may
disagree and the graph keeps both: the diff reports, it never changes data.

The RDF form is one ``dqv:QualityAnnotation`` per disagreement, targeting the park, with
``pwd:field``, ``pwd:parkldValue`` and ``pwd:wikidataValue``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from parkld import queries
from parkld.namespaces import turtle_prefixes
from parkld.wikidata.client import WikidataClient
from parkld.wikidata.project import Park
from parkld.wikidata.scoring import distance_km, fold
from parkld.wikidata.terms import PWD, item, parse_point, qid_of

DEFAULT_MAX_KM = 2.0


@dataclass
class Facts:
    """What Wikidata says about one item."""

    coords: list[tuple[float, float]] = field(default_factory=list)
    inception: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    websites: set[str] = field(default_factory=set)
    labels: dict[str, set[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Disagreement:
    """One fact parkld and Wikidata state differently."""

    park: str
    park_label: str
    qid: str
    field: str
    parkld: str
    wikidata: str
    detail: str = ""


def fetch_facts(client: WikidataClient, parks: Sequence[Park]) -> dict[str, Facts]:
    """Facts for every linked park's item, in batches."""
    qids = sorted({p.qid for p in parks if p.qid})
    rows = (
        client.select_batched(
            queries.load("wikidata/facts"),
            "item",
            [item(q) for q in qids],
            batch_size=50,
            label="Wikidata facts",
        )
        if qids
        else []
    )
    facts: dict[str, Facts] = {}
    for row in rows:
        node = row.get("item")
        qid = qid_of(node.value) if isinstance(node, ox.NamedNode) else None
        if qid is None:
            continue
        f = facts.setdefault(qid, Facts())
        coord, inc, country = row.get("coord"), row.get("inception"), row.get("country")
        web, label = row.get("website"), row.get("label")
        if isinstance(coord, ox.Literal) and (point := parse_point(coord.value)):
            f.coords.append(point)
        if isinstance(inc, ox.Literal):
            f.inception.add(inc.value)
        if isinstance(country, ox.NamedNode) and (cq := qid_of(country.value)):
            f.countries.add(cq)
        if isinstance(web, ox.NamedNode | ox.Literal):
            f.websites.add(web.value)
        if isinstance(label, ox.Literal):
            f.labels.setdefault(label.language or "", set()).add(label.value)
    return facts


def _site(url: str) -> str:
    text = url.strip().lower().split("://", 1)[-1]
    return text.removeprefix("www.").rstrip("/")


def _fmt(lat: float, lon: float) -> str:
    return f"{lat:.6f}, {lon:.6f}"


def compare(
    parks: Sequence[Park], facts: dict[str, Facts], *, max_km: float = DEFAULT_MAX_KM
) -> list[Disagreement]:
    """Every disagreement between *parks* and the Wikidata *facts* of their items."""
    out: list[Disagreement] = []
    for park in parks:
        f = facts.get(park.qid or "")
        if park.qid is None or f is None:
            continue

        def add(name: str, ours: str, theirs: str, detail: str = "", park: Park = park) -> None:
            assert park.qid is not None
            out.append(Disagreement(park.iri, park.label, park.qid, name, ours, theirs, detail))

        if park.lat is not None and park.lon is not None and f.coords:
            km, (lat, lon) = min((distance_km(park.lat, park.lon, *c), c) for c in f.coords)
            if km > max_km:
                add("coordinates", _fmt(park.lat, park.lon), _fmt(lat, lon), f"{km:.1f} km apart")
        if park.founding and f.inception:
            ours_y = {v[:4] for v in park.founding}
            theirs_y = {v.lstrip("+")[:4] for v in f.inception}
            ours_d = {v for v in park.founding if len(v) == 10}
            # Wikidata stores a bare year as YYYY-01-01: only compare days it really gives.
            theirs_d = {v.lstrip("+")[:10] for v in f.inception if v.lstrip("+")[4:10] != "-01-01"}
            if not ours_y & theirs_y:
                add(
                    "founding",
                    ", ".join(sorted(park.founding)),
                    ", ".join(sorted(f.inception)),
                    "different year",
                )
            elif ours_d and theirs_d and not ours_d & theirs_d:
                add(
                    "founding",
                    ", ".join(sorted(ours_d)),
                    ", ".join(sorted(theirs_d)),
                    "different day",
                )
        if park.country_qid and f.countries and park.country_qid not in f.countries:
            add("country", park.country_qid, ", ".join(sorted(f.countries)))
        if (
            park.websites
            and f.websites
            and not {_site(w) for w in park.websites} & {_site(w) for w in f.websites}
        ):
            add("website", ", ".join(sorted(park.websites)), ", ".join(sorted(f.websites)))
        ours_by_lang: dict[str, set[str]] = {}
        for text, lang in park.labels:  # aliases (skos:altLabel) are not claims of a name
            ours_by_lang.setdefault(lang, set()).add(text)
        for lang in sorted(set(ours_by_lang) & set(f.labels)):
            if not {fold(t) for t in ours_by_lang[lang]} & {fold(t) for t in f.labels[lang]}:
                add(
                    f"name@{lang}",
                    " | ".join(sorted(ours_by_lang[lang])),
                    " | ".join(sorted(f.labels[lang])),
                )
    return sorted(out, key=lambda d: (d.park, d.field))


def to_text(found: Sequence[Disagreement]) -> str:
    """An aligned table for a terminal."""
    if not found:
        return "no disagreements\n"
    head = ("park", "item", "field", "parkld", "wikidata", "detail")
    rows = [head] + [(d.park_label, d.qid, d.field, d.parkld, d.wikidata, d.detail) for d in found]
    widths = [min(40, max(len(r[i]) for r in rows)) for i in range(len(head))]
    lines = [
        "  ".join(c[:40].ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]
    return "\n".join(lines) + f"\n{len(found)} disagreement(s)\n"


def to_csv(found: Sequence[Disagreement]) -> str:
    """CSV with a header row."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["park", "label", "qid", "field", "parkld", "wikidata", "detail"])
    for d in found:
        writer.writerow([d.park, d.park_label, d.qid, d.field, d.parkld, d.wikidata, d.detail])
    return buf.getvalue()


def to_turtle(found: Sequence[Disagreement], *, endpoint: str) -> str:
    """The disagreements as RDF: one ``dqv:QualityAnnotation`` each."""
    out = [
        f"# Disagreements between parkld and {endpoint} (`parkld wikidata diff`).",
        *turtle_prefixes("dqv", "oa", "rdfs", "pld", "wd", pwd=PWD),
        "",
    ]
    for d in found:
        text = f"{d.field}: parkld says {d.parkld}; Wikidata says {d.wikidata}"
        if d.detail:
            text += f" ({d.detail})"
        out += [
            "[] a dqv:QualityAnnotation ;",
            "    oa:motivatedBy dqv:qualityAssessment ;",
            f"    oa:hasTarget <{d.park}> ;",
            f"    pwd:item wd:{d.qid} ;",
            f"    pwd:field {ox.Literal(d.field)} ;",
            f"    pwd:parkldValue {ox.Literal(d.parkld)} ;",
            f"    pwd:wikidataValue {ox.Literal(d.wikidata)} ;",
            f"    rdfs:comment {ox.Literal(text, language='en')} .",
            "",
        ]
    return "\n".join(out)
