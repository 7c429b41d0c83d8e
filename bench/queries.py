"""The fixed query mix: the same SPARQL text for every system, parameters from the manifest.

The parameters are IRIs and numbers the generator chose, written into the text once so that
every endpoint receives byte-identical queries (user input never travels this way in parkld).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from bench.generate import BASE, Manifest

PREFIXES = (
    "PREFIX pld: <https://w3id.org/parkld/ontology#> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "PREFIX org: <http://www.w3.org/ns/org#> "
    "PREFIX wgs84: <http://www.w3.org/2003/01/geo/wgs84_pos#> "
)
SELECT_JSON = "application/sparql-results+json"
TURTLE = "text/turtle"


@dataclass(frozen=True)
class Query:
    """One entry of the mix: a SPARQL query for every system, or a parkld-only page."""

    name: str
    title: str
    sparql: str | None  # None: a parkld dereference, not a query
    accept: str
    #: parkld path for a dereference; peers answer *sparql* instead.
    parkld_path: str | None = None
    peer_note: str = ""


def mix(m: Manifest) -> list[Query]:
    """The query mix for the graph described by *m*."""
    park = f"<{BASE}park/{m.sample_park}>"
    lat0, lat1, long0, long1 = m.bbox
    outgoing = f"CONSTRUCT {{ {park} ?p ?o }} WHERE {{ {park} ?p ?o }}"
    return [
        Query("describe", "describe one park (DESCRIBE, Turtle)", f"DESCRIBE {park}", TURTLE),
        Query(
            "per_country",
            "count parks per country",
            PREFIXES + "SELECT ?country (COUNT(?park) AS ?n) WHERE { ?park a pld:Park ; "
            "pld:country ?country } GROUP BY ?country ORDER BY DESC(?n) ?country",
            SELECT_JSON,
        ),
        Query(
            "alliance_2hop",
            "parks sharing an alliance with a park (2-hop join)",
            PREFIXES + f"SELECT DISTINCT ?other WHERE {{ ?m1 org:member {park} ; "
            "org:organization ?a . ?m2 org:organization ?a ; org:member ?other . "
            f"FILTER (?other != {park}) }}",
            SELECT_JSON,
        ),
        Query(
            "label_search",
            "label search (CONTAINS over all labels)",
            PREFIXES + "SELECT ?s ?label WHERE { ?s rdfs:label ?label . "
            f'FILTER (CONTAINS(LCASE(STR(?label)), "{m.search_word.lower()}")) }} LIMIT 100',
            SELECT_JSON,
        ),
        Query(
            "bbox",
            "bounding-box filter on coordinates",
            PREFIXES + "SELECT ?park ?lat ?long WHERE { ?park a pld:Park ; wgs84:lat ?lat ; "
            f"wgs84:long ?long . FILTER (?lat >= {lat0} && ?lat <= {lat1} && "
            f"?long >= {long0} && ?long <= {long1}) }}",
            SELECT_JSON,
        ),
        Query(
            "deref_ttl",
            "dereference a park, Turtle",
            outgoing,
            TURTLE,
            parkld_path=f"/park/{m.sample_park}",
            peer_note="peers: CONSTRUCT of the park's outgoing triples",
        ),
        Query(
            "deref_html",
            "dereference a park, HTML",
            None,
            "text/html",
            parkld_path=f"/park/{m.sample_park}",
            peer_note="parkld only",
        ),
    ]


def query_path(endpoint: str, sparql: str) -> str:
    """GET path of a SPARQL protocol query."""
    return f"{endpoint}?query={quote(sparql, safe='')}"
