"""Engine choice for the embedded store: rdflib's memory store against Oxigraph (pyoxigraph).

A small, repeatable measurement (the full harness is the benchmarks issue): the same synthetic
park graph is loaded by each engine from the same Turtle text, then the three park queries run
several times; medians are printed as a Markdown table.

    .venv/bin/python bench/engine_choice.py [--parks 5000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

import pyoxigraph as ox
import rdflib

PREFIXES = """PREFIX pld: <https://w3id.org/parkld/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX wgs84: <http://www.w3.org/2003/01/geo/wgs84_pos#>
"""
QUERIES = {
    "describe one park": PREFIXES
    + "SELECT ?p ?o WHERE { <https://w3id.org/parkld/park/p42> ?p ?o }",
    "count per country": PREFIXES + "SELECT ?c (COUNT(?park) AS ?n) WHERE { ?park a pld:Park ; "
    "pld:country ?c } GROUP BY ?c ORDER BY DESC(?n)",
    "bounding box": PREFIXES + "SELECT ?park WHERE { ?park wgs84:lat ?lat ; wgs84:long ?long "
    "FILTER(?lat > 30 && ?lat < 45 && ?long > 100 && ?long < 125) }",
}


def synthetic_turtle(parks: int, seed: int = 7) -> str:
    """About 10 triples per park: type, labels, country, city, coordinates, founding, partner."""
    rng = random.Random(seed)
    lines = [
        "@prefix pld: <https://w3id.org/parkld/ontology#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix wgs84: <http://www.w3.org/2003/01/geo/wgs84_pos#> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        "@prefix p: <https://w3id.org/parkld/park/> .",
    ]
    for i in range(parks):
        lines.append(
            f'p:p{i} a pld:Park ; rdfs:label "Park {i}"@en , "Parc {i}"@fr ; '
            f'pld:country "C{rng.randrange(60)}" ; pld:city "City {rng.randrange(900)}" ; '
            f'wgs84:lat "{rng.uniform(-60, 70):.4f}"^^xsd:decimal ; '
            f'wgs84:long "{rng.uniform(-180, 180):.4f}"^^xsd:decimal ; '
            f'pld:founded "{rng.randrange(1950, 2020)}-01-01"^^xsd:date ; '
            f"pld:partner p:p{rng.randrange(parks)} ."
        )
    return "\n".join(lines)


def median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parks", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    text = synthetic_turtle(args.parks)

    started = time.perf_counter()
    graph = rdflib.Graph()
    graph.parse(data=text, format="turtle")
    rdflib_load = time.perf_counter() - started

    started = time.perf_counter()
    store = ox.Store()
    store.load(text.encode(), format=ox.RdfFormat.TURTLE)
    ox_load = time.perf_counter() - started
    assert len(graph) == len(store), (len(graph), len(store))

    rows = [("load (s)", f"{rdflib_load:.2f}", f"{ox_load:.3f}")]
    for name, query in QUERIES.items():
        r = median_ms(lambda q=query: list(graph.query(q)), args.repeat)
        o = median_ms(lambda q=query: list(store.query(q)), args.repeat)  # type: ignore[arg-type]
        assert len(list(graph.query(query))) == len(list(store.query(query)))  # type: ignore[arg-type]
        rows.append((f"{name} (ms)", f"{r:.2f}", f"{o:.2f}"))
    print(f"{len(store)} triples, {args.parks} parks, median of {args.repeat}\n")
    print("| measure | rdflib memory store | pyoxigraph |")
    print("|---|---:|---:|")
    for row in rows:
        print(f"| {row[0]} | {row[1]} | {row[2]} |")


if __name__ == "__main__":
    main()
