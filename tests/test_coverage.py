"""The graph's coverage of park cooperation (issue 14), counted on the built store.

Agreements between parks (parties that are parks, or organisations acting for one), alliances
and memberships of an alliance; each claim carries evidence: a quote and the page it is from.
"""

from __future__ import annotations

import pyoxigraph as ox

from parkld.store.embedded import EmbeddedStore

PREFIXES = """PREFIX pld: <https://w3id.org/parkld/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
"""
PARKISH = "{ ?%s a/rdfs:subClassOf* pld:Park } UNION { ?%s pld:actsFor ?_%s }"


def count(store: EmbeddedStore, where: str) -> int:
    rows = store.select(PREFIXES + f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ {where} }}").rows
    value = rows[0]["n"]
    assert isinstance(value, ox.Literal)
    return int(value.value)


def test_at_least_100_agreements_between_parks(shipped_store: EmbeddedStore) -> None:
    between = "?c a pld:Agreement ; pld:party ?a, ?b . FILTER(?a != ?b) " + " ".join(
        "{ " + PARKISH % (v, v, v) + " }" for v in ("a", "b")
    )
    assert count(shipped_store, between) >= 100


def test_at_least_20_alliances_and_150_memberships(shipped_store: EmbeddedStore) -> None:
    assert count(shipped_store, "?c a pld:Alliance") >= 20
    assert count(shipped_store, "?c a pld:Membership ; org:organization/a pld:Alliance") >= 150


def test_every_claim_from_a_table_has_a_quote_and_its_page(shipped_store: EmbeddedStore) -> None:
    evidenced = "?c pld:evidence ?e . ?e pld:quote ?q ; schema:url ?u ; pld:retrievedOn ?d"
    claims = "?c a ?k VALUES ?k { pld:Agreement pld:Membership pld:Alliance } ?c pld:evidence ?x"
    total = count(shipped_store, claims)
    assert total >= 270  # 100 agreements + 20 alliances + 150 memberships at least
    assert count(shipped_store, claims + " . " + evidenced) == total
