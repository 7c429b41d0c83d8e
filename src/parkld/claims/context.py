"""What the Turtle data already holds that claim rows refer to: resources, labels, places,
agreements and coordinates (so that rows can reuse slugs and be checked against them)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from parkld.namespaces import PLD, RDF_TYPE, RDFS, WGS84
from parkld.project_files import DEFAULT_BASE


@dataclass
class Known:
    """Facts of the already-parsed (Turtle) data, keyed by IRIs under the default base."""

    #: entity IRI → the display names of the files that type it
    typed_in: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    #: entity IRI → its rdfs:labels as (lang, text)
    labels: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))
    #: (class local name, casefolded English label) → place IRI, for reusing place slugs
    places: dict[tuple[str, str], str] = field(default_factory=dict)
    #: agreement IRI → (parties, kind IRI, date lexical forms), for duplicate detection
    agreements: dict[str, tuple[frozenset[str], str, frozenset[str]]] = field(default_factory=dict)
    #: park IRI → latitude lexical forms
    latitudes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    #: graph IRI → file that fills it
    graphs: dict[str, str] = field(default_factory=dict)

    def exists(self, iri: str) -> bool:
        return iri in self.typed_in

    def label(self, iri: str) -> str | None:
        """An English label of *iri*, if the data gives one."""
        english = sorted(t for lang, t in self.labels.get(iri, ()) if lang == "en")
        return english[0] if english else None


_PLACE_CLASSES = {PLD + "City": "City", PLD + "Country": "Country", PLD + "Region": "Region"}
_AGREEMENT_CLASSES = {PLD + "Agreement", PLD + "Declaration"}


def known_from(files: Iterable[tuple[str, str, list[ox.Quad]]], base: str = DEFAULT_BASE) -> Known:
    """Index the data quads of (display name, graph IRI, quads) files."""
    known = Known()
    parties: dict[str, set[str]] = defaultdict(set)
    kinds: dict[str, str] = {}
    dates: dict[str, set[str]] = defaultdict(set)
    agreements: set[str] = set()
    place_types: dict[str, str] = {}
    en_labels: dict[str, set[str]] = defaultdict(set)

    def norm(value: str) -> str:
        # Rebased data (another deployment) is compared under the default base.
        return (
            DEFAULT_BASE + value[len(base) :]
            if base != DEFAULT_BASE and value.startswith(base)
            else value
        )

    for name, graph, quads in files:
        known.graphs[norm(graph)] = name
        for q in quads:
            if not isinstance(q.subject, ox.NamedNode):
                continue
            s, p, o = norm(q.subject.value), q.predicate.value, q.object
            if q.predicate == RDF_TYPE and isinstance(o, ox.NamedNode):
                known.typed_in[s].add(name)
                if o.value in _PLACE_CLASSES:
                    place_types[s] = _PLACE_CLASSES[o.value]
                if o.value in _AGREEMENT_CLASSES:
                    agreements.add(s)
            elif p == RDFS + "label" and isinstance(o, ox.Literal):
                known.labels[s].add((o.language or "", o.value))
                if (o.language or "").startswith("en"):
                    en_labels[s].add(o.value.casefold())
            elif p == PLD + "party" and isinstance(o, ox.NamedNode):
                parties[s].add(norm(o.value))
            elif p == PLD + "agreementKind" and isinstance(o, ox.NamedNode):
                kinds[s] = o.value
            elif p in (PLD + "date", PLD + "year", PLD + "yearMonth") and isinstance(o, ox.Literal):
                dates[s].add(o.value)
            elif p == WGS84 + "lat" and isinstance(o, ox.Literal):
                known.latitudes[s].add(o.value)
    for iri, cls in sorted(place_types.items()):
        for label in sorted(en_labels.get(iri, ())):
            known.places.setdefault((cls, label), iri)
    for iri in agreements:
        known.agreements[iri] = (frozenset(parties[iri]), kinds.get(iri, ""), frozenset(dates[iri]))
    return known
