"""``parkld publish``: validate first, one atomic swap per graph, idempotent, survives a kill.

Runs against a Virtuoso of its own (the session's one holds the shipped graph for the
backend tests and must not change under them).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from parkld.errors import ValidationFailed
from parkld.publish import plan, publish
from parkld.store.remote import META_GRAPH, RemoteStore, staging_graph
from tests import virtuoso as vt
from tests.backends import remote_settings, start_virtuoso

pytestmark = [pytest.mark.virtuoso, pytest.mark.slow]
PARKLD = Path(sys.executable).parent / "parkld"
MARKER = '<urn:parkld-test:marker> <urn:parkld-test:version> "v2" .\n'


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[vt.VirtuosoServer]:
    started = start_virtuoso(tmp_path_factory.mktemp("virtuoso-publish"))
    yield started
    started.stop()


@pytest.fixture(scope="module")
def store(
    server: vt.VirtuosoServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RemoteStore]:
    remote = RemoteStore(remote_settings(server, tmp_path_factory.mktemp("unused")))
    yield remote
    remote.close()


def counts(store: RemoteStore) -> dict[str, int]:
    rows = store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {row["g"].value: int(row["n"].value) for row in rows.rows}


def markers(store: RemoteStore) -> set[str]:
    return set(
        store.select("SELECT ?g WHERE { GRAPH ?g { <urn:parkld-test:marker> ?p ?o } }").values("g")
    )


def cli_env(server: vt.VirtuosoServer, password: str = vt.PASSWORD) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARKLD_")}
    env.update({"PARKLD_STORE_USER": vt.USER, "PARKLD_STORE_PASSWORD": password})
    return env


def test_publish_then_idempotent(
    server: vt.VirtuosoServer, store: RemoteStore, tmp_path: Path
) -> None:
    settings = remote_settings(server, tmp_path)
    plans = plan(settings)
    first = publish(store, plans)
    assert sorted(first.published) == sorted(p.graph for p in plans)
    assert first.triples == sum(len(p.triples) for p in plans)
    assert store.graph_names() == sorted(p.graph for p in plans)
    assert counts(store) == {p.graph: len(set(map(str, p.triples))) for p in plans}
    assert store.content_hashes() == {p.graph: p.content_hash for p in plans}
    assert META_GRAPH not in store.graph_names()
    again = publish(store, plan(settings))
    assert (again.published, sorted(again.unchanged)) == ([], sorted(p.graph for p in plans))


def test_validation_failure_publishes_nothing(
    server: vt.VirtuosoServer, store: RemoteStore, tmp_path: Path
) -> None:
    before = (counts(store), store.content_hashes())
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "nameless-park.ttl").write_text(
        "<https://w3id.org/parkld/park/nameless> a "
        "<https://w3id.org/parkld/ontology#SciencePark> .\n"
    )
    with pytest.raises(ValidationFailed, match="nothing was published"):
        plans = plan(remote_settings(server, tmp_path, data_paths=(bad,)))
        publish(store, plans)
    assert (counts(store), store.content_hashes()) == before


def v2_dir(tmp_path: Path, n: int) -> tuple[Path, list[str]]:
    """Extra files adding a marker triple to *n* data graphs (same stems as data files)."""
    from parkld import project_files

    stems = sorted(p.stem for p in project_files.data_dir().glob("*.ttl"))[:n]
    extra = tmp_path / "v2"
    extra.mkdir()
    for stem in stems:
        (extra / f"{stem}.ttl").write_text(MARKER)
    return extra, [project_files.source_graph(s) for s in stems]


def test_publish_killed_half_way_loses_nothing(
    server: vt.VirtuosoServer, store: RemoteStore, tmp_path: Path
) -> None:
    publish(store, plan(remote_settings(server, tmp_path)))  # v1 everywhere
    v1 = counts(store)
    extra, changed = v2_dir(tmp_path, 6)
    command = [str(PARKLD), "publish", "--to", server.update_url, "--chunk-size", "3", str(extra)]
    process = subprocess.Popen(
        command, env=cli_env(server), stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert process.stderr is not None
    swapped = 0
    seen = []
    for line in process.stderr:
        seen.append(line)
        if line.startswith("… published"):
            swapped += 1
            if swapped == 2:
                process.send_signal(signal.SIGKILL)  # mid-way through the third graph
                break
    process.wait(timeout=30)
    process.stderr.close()
    assert process.stdout is not None
    process.stdout.close()
    assert process.returncode == -signal.SIGKILL, f"publish was not killed: {''.join(seen)}"
    now, new = counts(store), markers(store)
    assert len(new) == 2 and new < set(changed)
    for graph in v1:
        # Each graph is wholly old or wholly new: v1's triples, or v1's plus the marker.
        assert now[graph] == v1[graph] + (1 if graph in new else 0), graph
    assert set(store.graph_names()) == set(v1)
    # A rerun finishes the job (dropping the stale staging graph) and a third changes nothing.
    done = subprocess.run(
        command, env=cli_env(server), capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "published 4 graph(s)" in done.stdout
    assert markers(store) == set(changed)
    assert counts(store) == {g: v1[g] + (g in changed) for g in v1}
    staging = {staging_graph(g) for g in changed}
    leftovers = store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", None)
    assert not staging & set(leftovers.values("g"))
    third = subprocess.run(
        command, env=cli_env(server), capture_output=True, text=True, check=False, timeout=300
    )
    assert "published 0 graph(s)" in third.stdout


def test_wrong_credentials_clear_error(server: vt.VirtuosoServer, tmp_path: Path) -> None:
    done = subprocess.run(
        [str(PARKLD), "publish", "--to", server.update_url],
        env=cli_env(server, password="wrong"),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 2
    assert "refused parkld's credentials (HTTP 401)" in done.stderr
    assert "PARKLD_STORE_PASSWORD" in done.stderr
    assert "Traceback" not in done.stderr
