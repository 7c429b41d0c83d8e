"""Writes to the embedded store are validated first (:mod:`parkld.writes`): a change breaking a
shape changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from parkld import writes
from parkld.build import ensure_built
from parkld.errors import BadRequest, QueryAborted, QueryTimeout, ValidationFailed
from parkld.store.embedded import EmbeddedStore
from parkld.web import create_app
from tests.conftest import make_settings

SOPHIA = "https://w3id.org/parkld/park/sophia-antipolis"
DROP_NAMES = (
    "DELETE WHERE { GRAPH ?g { <" + SOPHIA + "> "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?name } }"
)
ASK_NAMED = (
    "ASK { <" + SOPHIA + '> <http://www.w3.org/2000/01/rdf-schema#label> "Sophia Antipolis"@en }'
)


def update(store: EmbeddedStore, text: str) -> None:
    """A user's update, as the endpoint applies it (validate, then write)."""
    writes.apply_update(store, text, timeout=30.0)


@pytest.fixture
def own_store(tmp_path: Path) -> EmbeddedStore:
    settings = make_settings(tmp_path / "store")
    ensure_built(settings)
    return EmbeddedStore(settings.store_dir, query_workers=1)


def test_update_breaking_a_shape_is_refused_and_changes_nothing(own_store: EmbeddedStore) -> None:
    before = own_store.triple_count()
    with pytest.raises(ValidationFailed, match="nothing was changed") as info:
        update(own_store, DROP_NAMES)
    assert "park has no name" in info.value.message
    assert own_store.triple_count() == before
    assert own_store.ask(ASK_NAMED)


def test_conforming_update_is_applied(own_store: EmbeddedStore) -> None:
    graph = "https://w3id.org/parkld/graph/urenio-2017-07-04-chengdu-partnership"
    update(
        own_store,
        f"INSERT DATA {{ GRAPH <{graph}> {{ <{SOPHIA}> "
        '<http://www.w3.org/2000/01/rdf-schema#comment> "a note"@en } }',
    )
    assert own_store.ask(f'ASK {{ <{SOPHIA}> ?p "a note"@en }}')


def test_replace_graphs_validates_the_new_content(own_store: EmbeddedStore) -> None:
    graph = "https://w3id.org/parkld/graph/unsourced"
    nameless = [
        ox.Triple(
            ox.NamedNode("https://w3id.org/parkld/park/nameless"),
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode("https://w3id.org/parkld/ontology#Park"),
        )
    ]
    with pytest.raises(ValidationFailed):
        writes.replace_graphs(own_store, {graph: nameless})
    assert graph not in own_store.graph_names()


def test_http_update_that_breaks_a_shape_gets_422(own_store: EmbeddedStore) -> None:
    settings = make_settings(own_store.store_dir, update_enabled=True, update_token="t0ken")
    client = create_app(settings, store=own_store).test_client()
    answer = client.post(
        "/sparql",
        data={"update": DROP_NAMES},
        headers={"Authorization": "Bearer t0ken", "Accept": "text/plain"},
    )
    assert answer.status_code == 422
    assert b"park has no name" in answer.data
    ask = client.get(
        "/sparql",
        query_string={"query": ASK_NAMED},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert json.loads(ask.data)["boolean"] is True


def test_update_writing_to_the_default_graph_is_refused(own_store: EmbeddedStore) -> None:
    before = own_store.triple_count()
    with pytest.raises(BadRequest, match="merge of the named graphs"):
        update(
            own_store,
            f"INSERT DATA {{ <{SOPHIA}> "
            '<http://www.w3.org/2000/01/rdf-schema#comment> "stray"@en }',
        )
    assert own_store.triple_count() == before
    assert not own_store.ask(f'ASK {{ <{SOPHIA}> ?p "stray"@en }}')


def test_an_update_is_in_the_default_graph_once_and_survives_a_restart(
    own_store: EmbeddedStore,
) -> None:
    graph = "https://w3id.org/parkld/graph/urenio-2017-07-04-chengdu-partnership"
    other = "https://w3id.org/parkld/graph/fr-academic-sophia-antipolis"
    note = '<http://www.w3.org/2000/01/rdf-schema#comment> "twice"@en'
    update(
        own_store,
        f"INSERT DATA {{ GRAPH <{graph}> {{ <{SOPHIA}> {note} }} "
        f"GRAPH <{other}> {{ <{SOPHIA}> {note} }} }}",
    )
    rows = own_store.select(f"SELECT ?o WHERE {{ <{SOPHIA}> {note.split()[0]} ?o }}").rows
    assert [r["o"].value for r in rows] == ["twice"]
    graphs = own_store.select(f"SELECT ?g WHERE {{ GRAPH ?g {{ <{SOPHIA}> {note} }} }}")
    assert sorted(graphs.values("g")) == sorted([graph, other])
    # A restart with unchanged inputs keeps the written version, not the original build.
    ensure_built(make_settings(own_store.store_dir))
    assert EmbeddedStore(own_store.store_dir).ask(f"ASK {{ <{SOPHIA}> {note} }}")


#: An update whose WHERE clause is a cross product of every triple with every triple: its
#: evaluation grows without bound, as a hostile or careless client's might.
RUNAWAY = (
    "INSERT { GRAPH <urn:parkld:test:runaway> { ?a <urn:parkld:test:p> ?f } } "
    "WHERE { ?a ?b ?c . ?d ?e ?f }"
)


def test_a_runaway_update_is_stopped_at_its_time_limit_and_changes_nothing(
    own_store: EmbeddedStore,
) -> None:
    graphs = sorted(own_store.graph_names())
    with pytest.raises(QueryTimeout, match="took longer than 2 s") as caught:
        writes.apply_update(own_store, RUNAWAY, timeout=2.0)
    assert "nothing was changed" in caught.value.message
    assert sorted(own_store.graph_names()) == graphs
    # The store still takes a conforming update afterwards (no lock, no process left over).
    update(own_store, DROP_NAMES.replace("?name", '"no such name"@zz'))
    assert own_store.ask(ASK_NAMED)
    own_store.close()


def test_a_runaway_update_is_stopped_at_its_memory_limit(own_store: EmbeddedStore) -> None:
    graphs = sorted(own_store.graph_names())
    with pytest.raises(QueryAborted, match="PARKLD_QUERY_MEMORY_MB") as caught:
        writes.apply_update(own_store, RUNAWAY, timeout=600.0, memory_mb=64)
    assert "nothing was changed" in caught.value.message
    assert sorted(own_store.graph_names()) == graphs
    own_store.close()


def test_http_runaway_update_gets_504_naming_the_limit(own_store: EmbeddedStore) -> None:
    settings = make_settings(
        own_store.store_dir, update_enabled=True, update_token="t0ken", query_timeout=2.0
    )
    client = create_app(settings, store=own_store).test_client()
    answer = client.post(
        "/sparql",
        data={"update": RUNAWAY},
        headers={"Authorization": "Bearer t0ken", "Accept": "text/plain"},
    )
    assert answer.status_code == 504
    text = answer.get_data(as_text=True)
    assert "took longer than 2 s (PARKLD_QUERY_TIMEOUT)" in text
    assert "nothing was changed" in text and "Traceback" not in text
    ask = client.get(
        "/sparql",
        query_string={"query": "ASK { GRAPH <urn:parkld:test:runaway> { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert json.loads(ask.data)["boolean"] is False
    own_store.close()
