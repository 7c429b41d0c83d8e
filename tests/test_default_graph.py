"""The default graph is a set: the merge of the named graphs, each triple once (issue 13).

Expected numbers come from rdflib over the shipped files (:mod:`tests.reference`), never from
parkld itself; each test runs on the embedded store and on Virtuoso.
"""

from __future__ import annotations

import json
from collections import Counter

import pyoxigraph as ox
from flask.testing import FlaskClient

from tests.reference import merged_graph, shipped_dataset

PLD = "https://w3id.org/parkld/ontology#"
SOPHIA = "https://w3id.org/parkld/park/sophia-antipolis"
PER_COUNTRY = (
    f"PREFIX pld: <{PLD}> SELECT ?c (COUNT(?p) AS ?n) (COUNT(DISTINCT ?p) AS ?d) "
    "WHERE { ?p a pld:Park ; pld:country ?c } GROUP BY ?c"
)
VOID = "http://rdfs.org/ns/void#"


def rows(client: FlaskClient, query: str) -> list[dict[str, str]]:
    answer = client.post(
        "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert answer.status_code == 200, answer.data[:300]
    doc = json.loads(answer.data)
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]


def test_per_country_count_counts_each_park_once(backend_client: FlaskClient) -> None:
    expected = {
        str(r.c): (int(r.n), int(r.d))  # type: ignore[union-attr]
        for r in merged_graph().query(PER_COUNTRY)
    }
    found = {r["c"]: (int(r["n"]), int(r["d"])) for r in rows(backend_client, PER_COUNTRY)}
    assert found == expected
    france = found["https://w3id.org/parkld/place/france"]
    assert france[0] == france[1] >= 5  # the seed's five French parks at least, each once
    assert all(n == d for n, d in found.values())


def test_a_triple_stated_by_several_sources_is_one_row(backend_client: FlaskClient) -> None:
    types = rows(backend_client, f"SELECT ?t WHERE {{ <{SOPHIA}> a ?t }}")
    assert Counter(r["t"] for r in types) == Counter(
        str(o)
        for o in merged_graph().objects(
            ox_ref(SOPHIA), ox_ref("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
        )
    )
    assert len(types) == len({r["t"] for r in types})
    described = rows(backend_client, f"SELECT ?p ?o WHERE {{ <{SOPHIA}> ?p ?o }}")
    assert len(described) == len(list(merged_graph().predicate_objects(ox_ref(SOPHIA))))


def test_graph_still_says_who_states_what(backend_client: FlaskClient) -> None:
    found = rows(backend_client, f"SELECT ?g WHERE {{ GRAPH ?g {{ <{SOPHIA}> a <{PLD}Park> }} }}")
    expected = {
        str(g.identifier)
        for g in shipped_dataset().graphs()
        if (
            ox_ref(SOPHIA),
            ox_ref("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox_ref(PLD + "Park"),
        )
        in g
        and g.identifier != shipped_dataset().default_graph.identifier
    }
    assert len(expected) > 1
    assert {r["g"] for r in found} == expected
    assert len(found) == len(expected)


def test_void_triples_are_distinct_triples(backend_client: FlaskClient) -> None:
    answer = backend_client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    store = ox.Store()
    store.load(answer.data, format=ox.RdfFormat.TURTLE)
    result = store.query(
        f"SELECT ?n WHERE {{ <https://w3id.org/parkld/dataset> <{VOID}triples> ?n }}"
    )
    assert isinstance(result, ox.QuerySolutions)
    (row,) = list(result)
    assert int(row["n"].value) == len(merged_graph())
    wikidata = ox_ref(PLD + "wikidata")
    linkset = store.query(f"SELECT ?n WHERE {{ ?l a <{VOID}Linkset> ; <{VOID}triples> ?n }}")
    assert isinstance(linkset, ox.QuerySolutions)
    (link,) = list(linkset)
    assert int(link["n"].value) == len(list(merged_graph().triples((None, wikidata, None))))


def ox_ref(iri: str):  # type: ignore[no-untyped-def]
    from rdflib import URIRef

    return URIRef(iri)


TWO_SOURCES = (
    "https://w3id.org/parkld/graph/kyodo-prw-2016-07-05-chengdu-sophia-antipolis",
    "https://w3id.org/parkld/graph/urenio-2017-07-04-chengdu-partnership",
)


def test_two_default_graph_uris_are_merged(client: FlaskClient) -> None:
    """Protocol §2.1.4 with two default-graph-uri: the default graph is their merge (a set),
    and a FROM NAMED-less dataset has no named graphs. (Embedded store: Virtuoso repeats the
    triples both state, listed in test_differential.py.)"""
    answer = client.post(
        "/sparql",
        data={
            "query": f"SELECT ?p ?o WHERE {{ <{SOPHIA}> ?p ?o }}",
            "default-graph-uri": list(TWO_SOURCES),
        },
        headers={"Accept": "application/sparql-results+json"},
    )
    assert answer.status_code == 200, answer.data[:300]
    found = Counter(
        (b["p"]["value"], b["o"]["value"]) for b in json.loads(answer.data)["results"]["bindings"]
    )
    dataset = shipped_dataset()
    expected = {
        (str(p), str(o))
        for g in TWO_SOURCES
        for p, o in dataset.graph(ox_ref(g)).predicate_objects(ox_ref(SOPHIA))
    }
    assert set(found) == expected and set(found.values()) == {1}
    assert len(expected) >= 5  # both sources say several of the same things
    named = rows_with(client, "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1", TWO_SOURCES)
    assert named == []


def rows_with(client: FlaskClient, query: str, defaults: tuple[str, ...]) -> list[object]:
    answer = client.post(
        "/sparql",
        data={"query": query, "default-graph-uri": list(defaults)},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert answer.status_code == 200, answer.data[:300]
    return list(json.loads(answer.data)["results"]["bindings"])
