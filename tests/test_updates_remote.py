"""SPARQL Update against the remote (Virtuoso) store is validated like the embedded store's.

The update runs on an in-memory copy of the published graphs (:mod:`parkld.writes`); a copy that
breaks a shape is refused with the same 422 and SHACL finding as on the embedded store, and
nothing in Virtuoso changes; a conforming one rewrites only the graphs it changed, and the
default graph (the merge) follows. A Virtuoso of its own: these tests write.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from parkld import writes
from parkld.config import Settings
from parkld.errors import BadRequest, QuerySyntaxError, StoreUnavailable, ValidationFailed
from parkld.publish import plan, publish
from parkld.sparql.answers import QueryRequest
from parkld.store.remote import RemoteStore
from parkld.web import create_app
from tests import virtuoso as vt
from tests.backends import remote_settings, start_virtuoso

pytestmark = [pytest.mark.virtuoso, pytest.mark.slow]
TOKEN = "remote-update-token"
GRAPH = "https://w3id.org/parkld/graph/urenio-2017-07-04-chengdu-partnership"
OTHER = "https://w3id.org/parkld/graph/fr-academic-sophia-antipolis"
SOPHIA = "https://w3id.org/parkld/park/sophia-antipolis"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
BREAKS_A_SHAPE = f"DELETE WHERE {{ GRAPH ?g {{ <{SOPHIA}> <{LABEL}> ?name }} }}"
AUTH = {"Authorization": f"Bearer {TOKEN}", "Accept": "text/plain"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[vt.VirtuosoServer]:
    started = start_virtuoso(tmp_path_factory.mktemp("virtuoso-updates"))
    yield started
    started.stop()


@pytest.fixture(scope="module")
def settings(server: vt.VirtuosoServer, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    published = remote_settings(
        server,
        tmp_path_factory.mktemp("unused"),
        update_enabled=True,
        update_token=TOKEN,
    )
    with RemoteStore(published) as store:
        publish(store, plan(published))
    return published


@pytest.fixture(scope="module")
def store(settings: Settings) -> Iterator[RemoteStore]:
    remote = RemoteStore(settings)
    yield remote
    remote.close()


@pytest.fixture
def client(settings: Settings, store: RemoteStore) -> FlaskClient:
    return create_app(settings, store=store).test_client()


def statements(store: RemoteStore) -> dict[str, set[str]]:
    """Every graph's statements as N-Triples lines (blank nodes by their label)."""
    rows = store.select("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    found: dict[str, set[str]] = {}
    for row in rows:
        found.setdefault(row["g"].value, set()).add(f"{row['s']} {row['p']} {row['o']}")
    return found


def merged_count(store: RemoteStore) -> int:
    rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows
    return int(rows[0]["n"].value)


def test_update_breaking_a_shape_gets_422_and_changes_nothing(
    client: FlaskClient, store: RemoteStore
) -> None:
    before, merged, hashes = statements(store), merged_count(store), store.content_hashes()
    answer = client.post("/sparql", data={"update": BREAKS_A_SHAPE}, headers=AUTH)
    assert answer.status_code == 422
    assert b"park has no name" in answer.data
    assert b"nothing was changed" in answer.data
    assert statements(store) == before
    assert merged_count(store) == merged
    assert store.content_hashes() == hashes
    ask = client.get(
        "/sparql",
        query_string={"query": f'ASK {{ <{SOPHIA}> <{LABEL}> "Sophia Antipolis"@en }}'},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert json.loads(ask.data)["boolean"] is True


def test_the_same_finding_as_the_embedded_store(store: RemoteStore, tmp_path: Path) -> None:
    from parkld.build import ensure_built
    from parkld.store.embedded import EmbeddedStore
    from tests.conftest import make_settings

    local = make_settings(tmp_path / "store")
    ensure_built(local)
    with (
        EmbeddedStore(local.store_dir, query_workers=1) as embedded,
        pytest.raises(ValidationFailed) as on_embedded,
    ):
        writes.apply_update(embedded, BREAKS_A_SHAPE, timeout=30.0)
    with pytest.raises(ValidationFailed) as on_remote:
        writes.apply_update(store, BREAKS_A_SHAPE, timeout=30.0)
    assert on_remote.value.message == on_embedded.value.message


def test_conforming_update_rewrites_only_the_graph_it_changes(
    client: FlaskClient, store: RemoteStore
) -> None:
    before, merged, hashes = statements(store), merged_count(store), store.content_hashes()
    note = f'<{SOPHIA}> <{COMMENT}> "a remote note"@en'
    answer = client.post(
        "/sparql", data={"update": f"INSERT DATA {{ GRAPH <{GRAPH}> {{ {note} }} }}"}, headers=AUTH
    )
    assert answer.status_code == 204, answer.data
    after = statements(store)
    assert after[GRAPH] == before[GRAPH] | {note}
    assert {g: s for g, s in after.items() if g != GRAPH} == {
        g: s for g, s in before.items() if g != GRAPH
    }
    # The merge follows (one more triple), and the changed graph no longer claims the hash of
    # its published sources (the next publish restores it); the others keep theirs.
    assert merged_count(store) == merged + 1
    assert GRAPH not in store.content_hashes()
    assert store.content_hashes() == {g: h for g, h in hashes.items() if g != GRAPH}
    rows = client.post(
        "/sparql",
        data={"query": f"SELECT ?c WHERE {{ <{SOPHIA}> <{COMMENT}> ?c }}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    values = [b["c"]["value"] for b in json.loads(rows.data)["results"]["bindings"]]
    assert values.count("a remote note") == 1


def test_a_triple_in_two_graphs_is_in_the_merge_once(store: RemoteStore) -> None:
    note = f'<{SOPHIA}> <{COMMENT}> "twice, remotely"@en'
    writes.apply_update(
        store,
        f"INSERT DATA {{ GRAPH <{GRAPH}> {{ {note} }} GRAPH <{OTHER}> {{ {note} }} }}",
        timeout=30.0,
    )
    rows = store.select(f'SELECT ?s WHERE {{ ?s <{COMMENT}> "twice, remotely"@en }}').rows
    assert [r["s"].value for r in rows] == [SOPHIA]
    graphs = store.select(f"SELECT ?g WHERE {{ GRAPH ?g {{ {note} }} }}").values("g")
    assert sorted(graphs) == sorted([GRAPH, OTHER])


def test_update_writing_to_the_default_graph_is_refused(store: RemoteStore) -> None:
    before = statements(store)
    with pytest.raises(BadRequest, match="merge of the named graphs"):
        writes.apply_update(
            store, f'INSERT DATA {{ <{SOPHIA}> <{COMMENT}> "stray"@en }}', timeout=30.0
        )
    assert statements(store) == before


def test_malformed_update_is_400_naming_the_position(
    client: FlaskClient, store: RemoteStore
) -> None:
    before = statements(store)
    answer = client.post(
        "/sparql",
        data={"update": "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> } }"},
        headers=AUTH,
    )
    assert answer.status_code == 400
    assert b"malformed update" in answer.data
    with pytest.raises(QuerySyntaxError):
        writes.apply_update(store, "DELETE WHERE {", timeout=30.0)
    assert statements(store) == before


def min_of(store: RemoteStore, predicate: str) -> str:
    """MIN over a property of Sophia Antipolis: a query the remote store evaluates locally."""
    query = f"SELECT (MIN(?v) AS ?m) WHERE {{ <{SOPHIA}> <{predicate}> ?v }}"
    rows = list(store.run(QueryRequest(query)).rows)
    assert len(rows) == 1
    found = rows[0]["m"]
    assert isinstance(found, ox.Literal)
    return found.value


def test_a_locally_evaluated_query_sees_every_update(store: RemoteStore) -> None:
    # MIN is one of the constructs Virtuoso gets wrong (parkld.store.deviations): the answer
    # comes from the local copy, which must follow each write made through parkld at once
    # (not after the fingerprint's few seconds). Each note comes first by codepoint.
    for n in (2, 1, 0):
        note = f"{n}: a note that comes first"
        writes.apply_update(
            store,
            f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <{SOPHIA}> <{COMMENT}> "{note}"@en }} }}',
            timeout=30.0,
        )
        assert min_of(store, COMMENT) == note
    assert (store.mirror().directory / "current").exists()  # evaluated locally


def test_a_store_too_big_to_copy_is_a_clear_503(settings: Settings) -> None:
    with RemoteStore(settings.replace(store_mirror_max_triples=10)) as small:
        with pytest.raises(StoreUnavailable) as refused:
            min_of(small, LABEL)
        assert "MIN" in refused.value.message
        assert "PARKLD_STORE_MIRROR_MAX_TRIPLES" in refused.value.message
        # A query without such a construct goes to the store as before.
        query = f"SELECT ?name WHERE {{ <{SOPHIA}> <{LABEL}> ?name }}"
        names = {str(r["name"]) for r in small.run(QueryRequest(query)).rows}
        assert '"Sophia Antipolis"@en' in names
    # Limit 0: the store's own answer, nothing copied. (Virtuoso's is wrong here too: MIN
    # over labels in several languages comes back unbound; SPARQL orders them, §15.1.)
    with RemoteStore(settings.replace(store_mirror_max_triples=0)) as direct:
        query = f"SELECT (MIN(?v) AS ?m) WHERE {{ <{SOPHIA}> <{LABEL}> ?v }}"
        assert len(direct.run(QueryRequest(query)).rows) == 1
        assert not (direct.mirror().directory / "current").exists()


class _NoParsing:
    def query(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("user text was parsed in the web process")


def test_user_text_is_parsed_in_a_query_worker(settings: Settings) -> None:
    with RemoteStore(settings) as remote:
        remote._parser = _NoParsing()  # type: ignore[assignment]
        with pytest.raises(QuerySyntaxError) as bad:
            remote.run(QueryRequest("SELECT ?x WHERE {\n  ?x ?y"))
        assert "malformed query" in bad.value.message
        assert "line 2" in bad.value.message
        assert remote.mirror().pool.pids()
