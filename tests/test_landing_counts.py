"""The landing page's counts include instances of subclasses (issue 13).

Expected numbers are computed here from rdflib's reading of the shipped files: the class
closure is walked in Python over ``rdfs:subClassOf`` (no SPARQL property path).
"""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from rdflib import RDF, RDFS, URIRef

from parkld.kinds import KINDS
from tests.reference import merged_graph

PLD = "https://w3id.org/parkld/ontology#"
COUNTED = KINDS.counted_classes()


def expected_counts() -> dict[str, int]:
    graph = merged_graph()
    supers: dict[URIRef, set[URIRef]] = {}
    for sub, sup in graph.subject_objects(RDFS.subClassOf):
        supers.setdefault(sub, set()).add(sup)  # type: ignore[arg-type]

    def closure(cls: URIRef) -> set[URIRef]:
        seen, todo = {cls}, [cls]
        while todo:
            for up in supers.get(todo.pop(), ()):
                if up not in seen:
                    seen.add(up)
                    todo.append(up)
        return seen

    members: dict[str, set[str]] = {name: set() for name in COUNTED}
    for s, t in graph.subject_objects(RDF.type):
        if isinstance(s, URIRef) and isinstance(t, URIRef):
            for cls in closure(t):
                if str(cls).startswith(PLD) and str(cls)[len(PLD) :] in members:
                    members[str(cls)[len(PLD) :]].add(str(s))
    return {name: len(found) for name, found in members.items()}


def test_landing_counts_include_subclass_instances(backend_client: FlaskClient) -> None:
    page = backend_client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    shown = {
        name: int(n)
        for n, name in re.findall(r"<li><strong>(\d+)</strong> (\w+)</li>", page)
        if name in COUNTED
    }
    expected = expected_counts()
    assert shown == expected
    # The defect: only instances typed with the class itself were counted. Places are
    # typed pld:City, pld:Country… and events pld:Fair, pld:Summit…, so the true counts are
    # larger than the direct ones (the issue saw "0 Event · 0 Place").
    graph = merged_graph()
    for name in ("Place", "Event"):
        direct = len(set(graph.subjects(RDF.type, URIRef(PLD + name))))
        assert expected[name] > direct, name
