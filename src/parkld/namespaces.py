"""The vocabularies parkld writes and reads: each namespace IRI once, and the standard prefixes.

Everything else names terms from these (``RDFS + "label"``); the two terms nearly every module
writes are here as nodes. parkld's own namespaces are given under the default base
(:data:`parkld.project_files.DEFAULT_BASE`); code serving another base derives them from it
(:func:`parkld.linked.index.project_prefixes`).
"""

from __future__ import annotations

import pyoxigraph as ox

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
WGS84 = "http://www.w3.org/2003/01/geo/wgs84_pos#"
TIME = "http://www.w3.org/2006/time#"
FOAF = "http://xmlns.com/foaf/0.1/"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SH = "http://www.w3.org/ns/shacl#"
VANN = "http://purl.org/vocab/vann/"
WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
LDP = "http://www.w3.org/ns/ldp#"
DQV = "http://www.w3.org/ns/dqv#"
OA = "http://www.w3.org/ns/oa#"
PAV = "http://purl.org/pav/"
#: The SPARQL service description, the formats registry, JSON-LD's own terms (profiles) and
#: the SPARQL results XML namespace.
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
JSONLD = "http://www.w3.org/ns/json-ld#"
SPARQL_RESULTS = "http://www.w3.org/2005/sparql-results#"
#: SSSOM and its mapping-justification vocabulary (the Wikidata link proposals).
SSSOM = "https://w3id.org/sssom/"
SEMAPV = "https://w3id.org/semapv/vocab/"

#: parkld's ontology and controlled vocabularies, under the default base.
PLD = "https://w3id.org/parkld/ontology#"
VOCAB = "https://w3id.org/parkld/vocab/"

RDF_TYPE = ox.NamedNode(RDF + "type")
RDFS_LABEL = ox.NamedNode(RDFS + "label")

#: The standard prefixes: used to shorten IRIs that have no label, in Turtle/TriG output and
#: (with parkld's own) on the query page. ``wdt:`` is offered on the query page only.
PREFIXES: dict[str, str] = {
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dct": DCT,
    "org": ORG,
    "prov": PROV,
    "schema": SCHEMA,
    "wgs84": WGS84,
    "time": TIME,
    "foaf": FOAF,
    "void": VOID,
    "dcat": DCAT,
    "sh": SH,
    "vann": VANN,
    "wd": WD,
}


#: Every prefix name of this module, for files parkld writes (:func:`turtle_prefixes`).
NAMED: dict[str, str] = {
    **PREFIXES,
    "pld": PLD,
    "pav": PAV,
    "dqv": DQV,
    "oa": OA,
    "vcard": VCARD,
    "sssom": SSSOM,
    "semapv": SEMAPV,
}


def turtle_prefixes(*names: str, align: bool = False, **more: str) -> list[str]:
    """``@prefix`` lines for *names* (prefixes of :data:`NAMED`) and *more* (name → IRI);
    *align* lines the IRIs up in a column."""
    pairs = [(n, NAMED[n]) for n in names] + list(more.items())
    width = max((len(n) + 1 for n, _ in pairs), default=0) if align else 0
    return [f"@prefix {(n + ':').ljust(width)} <{iri}> ." for n, iri in pairs]
