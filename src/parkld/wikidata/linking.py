"""``parkld wikidata link``: find Wikidata items for parks that have none, and say why.

Candidates come from two batched queries (values as ``VALUES`` rows of typed terms):

1. by country: items in the parks' countries (P17) that are science/technology parks
   (P31/P279*), with their labels and aliases in several languages and coordinates;
2. by name: items whose label or alias equals one of the park's names, tried in several
   languages, whatever their class (the class is then reported and scores against them).

Each park's candidates are scored (:mod:`parkld.wikidata.scoring`). A link is *accepted* only
when the best candidate reaches the threshold, beats the runner-up by a margin, is not claimed
by another park in the same run and is not already linked to another parkld resource. Every
other candidate above :data:`REVIEW_FLOOR` is written for review, never asserted.

What blocks a link is often what a curator most needs to know: a park whose best match is an
item already linked to a parkld park is most likely *that park* under another name (a
duplicate to merge, keeping its names), and two parks of one run matching one item are most
likely one park twice. Both are reported as likely duplicates (``Decision.duplicate_of``),
naming the other park.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import pyoxigraph as ox

from parkld import queries
from parkld.namespaces import turtle_prefixes
from parkld.wikidata.client import Row, WikidataClient
from parkld.wikidata.project import Park
from parkld.wikidata.records import LANGUAGES
from parkld.wikidata.scoring import MARGIN, Candidate, Score, score
from parkld.wikidata.terms import PWD, item, parse_point, qid_of

DEFAULT_THRESHOLD = 0.8
#: Candidates scoring below this are not worth a reviewer's time.
REVIEW_FLOOR = 0.5


@dataclass
class Decision:
    """What the linker concluded for one park."""

    park: Park
    accepted: Score | None = None
    review: list[Score] = field(default_factory=list)
    reason: str = ""
    #: parkld parks this one is likely the same as (IRIs), and the item that says so
    duplicate_of: list[str] = field(default_factory=list)
    duplicate_item: str | None = None


def _merge(cands: dict[str, Candidate], rows: Sequence[Row], *, all_parks: bool) -> None:
    for row in rows:
        node = row.get("item")
        qid = qid_of(node.value) if isinstance(node, ox.NamedNode) else None
        if qid is None:
            continue
        cand = cands.setdefault(qid, Candidate(qid))
        name, coord, country = row.get("name"), row.get("coord"), row.get("country")
        if isinstance(name, ox.Literal):
            cand.names.add((name.value, name.language or ""))
        if isinstance(coord, ox.Literal):
            point = parse_point(coord.value)
            if point is not None and point not in cand.coords:
                cand.coords.append(point)
        if isinstance(country, ox.NamedNode):
            cq = qid_of(country.value)
            if cq:
                cand.countries.add(cq)
        if all_parks or isinstance(row.get("class"), ox.NamedNode):
            cand.is_park = True


def fetch_candidates(client: WikidataClient, parks: Sequence[Park]) -> dict[str, Candidate]:
    """Every candidate item for *parks*, from both queries."""
    cands: dict[str, Candidate] = {}
    countries = sorted({p.country_qid for p in parks if p.country_qid})
    if countries:
        _merge(
            cands,
            client.select_batched(
                queries.load("wikidata/candidates_by_country"),
                "country",
                [item(q) for q in countries],
                batch_size=20,
                label="candidates by country",
            ),
            all_parks=True,
        )
    keys = sorted({(text, lang) for p in parks for text, _ in p.names for lang in LANGUAGES})
    if keys:
        names = [ox.Literal(text, language=lang) for text, lang in keys]
        _merge(
            cands,
            client.select_batched(
                queries.load("wikidata/candidates_by_name"),
                "key",
                names,
                batch_size=60,
                label="candidates by name",
            ),
            all_parks=False,
        )
    return cands


def decide(
    parks: Sequence[Park],
    cands: dict[str, Candidate],
    linked: dict[str, str],
    threshold: float = DEFAULT_THRESHOLD,
    labels: dict[str, str] | None = None,
) -> list[Decision]:
    """Score every candidate for every park and accept only unambiguous, unclaimed links.

    *linked* maps QIDs to the parkld resource already carrying them (*labels* names those
    resources in the reasons). A park whose best candidate reaching the threshold is one of
    them is reported as a likely duplicate of that resource — whether or not the match is
    ambiguous — and two parks whose accepted candidate is the same item as likely duplicates
    of each other.
    """
    names = labels or {}

    def named(iri: str) -> str:
        return f"{iri} ({names[iri]})" if iri in names else iri

    decisions = []
    for park in parks:
        coord = (park.lat, park.lon) if park.lat is not None and park.lon is not None else None
        scored = sorted(
            (score(park.names, coord, park.country_qid, c) for c in cands.values()),
            key=lambda s: (-s.score, s.qid),
        )
        scored = [s for s in scored if s.score >= REVIEW_FLOOR or s.name >= 0.85]
        d = Decision(park, review=scored)
        taken = [
            s
            for s in scored
            if s.score >= threshold and s.qid in linked and linked[s.qid] != park.iri
        ]
        if not scored or scored[0].score < threshold:
            d.reason = "no candidate reaches the threshold" if scored else "no candidate"
        elif taken and taken[0].qid == scored[0].qid:
            other = linked[taken[0].qid]
            d.duplicate_of, d.duplicate_item = [other], taken[0].qid
            d.reason = (
                f"likely duplicate of {named(other)}: its best match "
                f"{taken[0].qid} ({taken[0].score:.2f}) is already linked to that park"
            )
        elif len(scored) > 1 and scored[0].score - scored[1].score < MARGIN:
            d.reason = f"ambiguous: {scored[0].qid} and {scored[1].qid} score within {MARGIN}"
            if taken:
                other = linked[taken[0].qid]
                d.duplicate_of, d.duplicate_item = [other], taken[0].qid
                d.reason += (
                    f"; possibly a duplicate of {named(other)}, which is linked to {taken[0].qid}"
                )
        else:
            d.accepted, d.review = scored[0], scored[1:]
        decisions.append(d)
    # One item, one park: two parks claiming the same item both go to review.
    claims: dict[str, list[Decision]] = defaultdict(list)
    for d in decisions:
        if d.accepted:
            claims[d.accepted.qid].append(d)
    for qid, ds in claims.items():
        if len(ds) > 1:
            for d in ds:
                assert d.accepted is not None
                d.review.insert(0, d.accepted)
                d.accepted = None
                others = [o.park.iri for o in ds if o is not d]
                d.duplicate_of, d.duplicate_item = others, qid
                d.reason = (
                    f"likely duplicate of {', '.join(named(o) for o in others)}: "
                    f"{qid} is the best match of {len(ds)} parks of this run"
                )
    return decisions


def render(
    decisions: Sequence[Decision], *, endpoint: str, threshold: float, today: date | None = None
) -> str:
    """The reviewable links file: accepted links asserted, candidates annotated, in Turtle.

    Each candidate is an ``owl:Axiom`` annotating (park, pld:wikidata, item) the way SSSOM
    writes mappings in OWL: ``sssom:confidence`` (the score), ``sssom:mapping_justification``,
    ``rdfs:comment`` (how the score was reached) and ``pwd:status`` accepted / review.
    """
    when = (today or date.today()).isoformat()
    out = [
        "# Wikidata links proposed by `parkld wikidata link` — review before merging.",
        f"# Endpoint: {endpoint}   threshold: {threshold}   date: {when}",
        "# Accepted links are asserted (park pld:wikidata item); candidates for review are",
        '# only described (pwd:status "review"), never asserted.',
        *turtle_prefixes("pld", "owl", "rdfs", "xsd", "dct", "sssom", "semapv", "wd", pwd=PWD),
        "",
    ]
    for d in decisions:
        park = f"<{d.park.iri}>"
        out.append(
            f"# {d.park.label}: "
            + (f"linked to {d.accepted.qid}" if d.accepted else f"not linked ({d.reason})")
        )
        for other in d.duplicate_of:
            out.append(f"{park} pwd:likelyDuplicateOf <{other}> .  # via wd:{d.duplicate_item}")
        if d.accepted:
            out.append(f"{park} pld:wikidata wd:{d.accepted.qid} .")
            out += _axiom(park, d.accepted, "accepted", when)
        for s in d.review:
            out += _axiom(park, s, "review", when)
        out.append("")
    return "\n".join(out)


def _axiom(park: str, s: Score, status: str, when: str) -> list[str]:
    method = str(ox.Literal(s.method, language="en"))
    label = str(ox.Literal(s.label))
    return [
        "[] a owl:Axiom ;",
        f"    owl:annotatedSource {park} ;",
        "    owl:annotatedProperty pld:wikidata ;",
        f"    owl:annotatedTarget wd:{s.qid} ;",
        f"    rdfs:label {label} ;",
        f'    sssom:confidence "{s.score:.4f}"^^xsd:decimal ;',
        "    sssom:mapping_justification semapv:CompositeMatching ;",
        '    sssom:mapping_tool "parkld wikidata link" ;',
        f'    dct:created "{when}"^^xsd:date ;',
        f'    pwd:status "{status}" ;',
        f"    rdfs:comment {method} .",
    ]
