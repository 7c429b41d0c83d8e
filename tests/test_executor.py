"""The killable query worker pool: answers, limits, dataset arguments, and runaway queries."""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from parkld import mediatypes as mt
from parkld.errors import BadRequest, Forbidden, NotAcceptable, QuerySyntaxError, QueryTimeout
from parkld.sparql.executor import WorkerPool
from parkld.store.base import Formats, QueryRequest
from tests.sparql_support import GRAPH, PARK, RUNAWAY, parks_store


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkerPool]:
    store_dir = parks_store(tmp_path_factory.mktemp("pool"), filler=3000)
    workers = WorkerPool(store_dir, size=2)
    yield workers
    workers.close()


def select(pool: WorkerPool, query: str, **options: object) -> dict[str, object]:
    answer = pool.run_serialised(QueryRequest(query, **options), Formats((mt.SPARQL_JSON,), ()))  # type: ignore[arg-type]
    doc: dict[str, object] = json.loads(answer.body)
    return doc


def labels(doc: dict[str, object]) -> list[str]:
    bindings = doc["results"]["bindings"]  # type: ignore[index]
    return sorted(b["label"]["value"] for b in bindings)


def test_default_graph_is_the_union_and_graphs_are_reachable(pool: WorkerPool) -> None:
    q = (
        "SELECT ?label { ?p a <https://w3id.org/parkld/ontology#TechnologyPark> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(lang(?label) != 'zh') }"
    )
    assert len(labels(select(pool, q))) == 5
    q_graph = (
        f"SELECT ?label {{ GRAPH <{GRAPH}source-b> {{ ?p "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?label } }"
    )
    assert labels(select(pool, q_graph)) == [
        "Xi'an Hi-Tech Zone\twith a tab",
        "Zhangjiang Hi-Tech Park",
    ]


def test_protocol_dataset_replaces_the_union(pool: WorkerPool) -> None:
    q = "SELECT ?label { ?p <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    doc = select(pool, q, default_graphs=(f"{GRAPH}source-b",))
    assert labels(doc) == ["Xi'an Hi-Tech Zone\twith a tab", "Zhangjiang Hi-Tech Park"]
    # FROM in the query is honoured when the protocol names no dataset.
    doc = select(
        pool,
        f"SELECT ?label FROM <{GRAPH}source-b> {{ ?p "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?label }",
    )
    assert len(labels(doc)) == 2
    ask = pool.run_serialised(
        QueryRequest(
            f"ASK {{ GRAPH ?g {{ <{PARK}xian> ?p ?o }} }}", named_graphs=(f"{GRAPH}source-a",)
        ),
        Formats((mt.SPARQL_JSON,), ()),
    )
    assert json.loads(ask.body) == {"head": {}, "boolean": False}


def test_row_cap_says_so(pool: WorkerPool) -> None:
    answer = pool.run_serialised(
        QueryRequest("SELECT ?s { ?s ?p ?o }", max_rows=7), Formats((mt.SPARQL_CSV,), ())
    )
    assert answer.truncated and answer.count == 7
    assert answer.body.decode().splitlines()[1:] and len(answer.body.decode().splitlines()) == 8
    small = pool.run_serialised(
        QueryRequest("SELECT ?s { ?s ?p ?o } LIMIT 3", max_rows=3), Formats((mt.SPARQL_CSV,), ())
    )
    assert not small.truncated and small.count == 3
    graph = pool.run_serialised(
        QueryRequest("CONSTRUCT WHERE { ?s ?p ?o }", max_rows=5), Formats((), (mt.NTRIPLES,))
    )
    assert graph.truncated and graph.form == "construct"
    assert len(list(ox.parse(graph.body, format=ox.RdfFormat.N_TRIPLES))) == 5


def test_user_errors_come_back_as_their_type(pool: WorkerPool) -> None:
    with pytest.raises(QuerySyntaxError, match="malformed query"):
        pool.run_serialised(QueryRequest("SELECT * {"), Formats((mt.SPARQL_JSON,), ()))
    with pytest.raises(NotAcceptable):
        pool.run_serialised(
            QueryRequest("CONSTRUCT WHERE { ?s ?p ?o }"), Formats((mt.SPARQL_JSON,), ())
        )
    with pytest.raises(Forbidden):
        pool.run_serialised(
            QueryRequest("SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"),
            Formats((mt.SPARQL_JSON,), ()),
        )


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_runaway_query_is_killed_while_others_are_served(pool: WorkerPool) -> None:
    before = set(pool.pids())
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        try:
            pool.run_serialised(QueryRequest(RUNAWAY, timeout=1.5), Formats((mt.SPARQL_JSON,), ()))
        except QueryTimeout as exc:
            outcome["error"] = exc.message
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    # Meanwhile another client is answered by the other worker.
    doc = select(
        pool,
        f"SELECT ?label {{ <{PARK}sophia> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}",
    )
    assert labels(doc) == ["Sophia Antipolis"]
    assert thread.is_alive(), "the runaway query should still be running"
    thread.join(timeout=10)
    assert "was stopped" in str(outcome["error"]) and "1.5 s" in str(outcome["error"])
    assert 1.4 <= float(outcome["seconds"]) <= 3.5  # type: ignore[arg-type]
    killed = before - set(pool.pids())
    assert len(killed) == 1
    assert not any(_alive(pid) for pid in killed)
    assert pool.killed >= 1
    # The replacement (started in the background) answers, and the pool is full again.
    assert labels(
        select(
            pool,
            f"SELECT ?label {{ <{PARK}barcelona> "
            "<http://www.w3.org/2000/01/rdf-schema#label> ?label }",
        )
    ) == ["Barcelona Science Park"]
    deadline = time.monotonic() + 20
    while len(pool.pids()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(pool.pids()) == 2 and not set(pool.pids()) & killed


def test_workers_follow_a_new_generation(tmp_path: Path) -> None:
    from parkld.store.embedded import EmbeddedStore

    store_dir = parks_store(tmp_path)
    store = EmbeddedStore(store_dir, query_workers=1)
    try:
        q = QueryRequest(f"ASK {{ <{PARK}new> ?p ?o }}")
        assert store.run(q).boolean is False
        store.replace_graphs(
            {
                f"{GRAPH}new": [
                    ox.Triple(ox.NamedNode(f"{PARK}new"), ox.NamedNode(f"{PARK}p"), ox.Literal("x"))
                ]
            }
        )
        assert store.run(q).boolean is True
        assert store.executor() is store.executor()
        assert os.getpid() == store._executor_pid
    finally:
        store.close()


def test_busy_pool_refuses_untokenizable_text_at_once_and_parses_the_rest_in_a_worker(
    tmp_path: Path,
) -> None:
    """Text that does not tokenize is refused in this process without borrowing a worker (the
    runaway holding the only worker is still running when the refusal comes); a grammar error
    in well-formed tokens is the engine's to find, so it waits for a worker and comes back as
    the parser's 400 from there."""
    store_dir = parks_store(tmp_path, filler=3000)
    single = WorkerPool(store_dir, size=1)
    try:
        outcome: dict[str, object] = {}

        def runaway() -> None:
            try:
                single.run_serialised(
                    QueryRequest(RUNAWAY, timeout=2), Formats((mt.SPARQL_JSON,), ())
                )
            except QueryTimeout as exc:
                outcome["timeout"] = exc.message

        thread = threading.Thread(target=runaway)
        thread.start()
        time.sleep(0.3)
        with pytest.raises(BadRequest, match="malformed query: unexpected"):
            single.run_serialised(
                QueryRequest('SELECT * WHERE { ?s ?p "unterminated }', timeout=2),
                Formats((mt.SPARQL_JSON,), ()),
            )
        assert thread.is_alive() and single.killed == 0
        with pytest.raises(QuerySyntaxError, match="malformed query: error at"):
            single.run_serialised(
                QueryRequest("SELECT * WHERE { ?s ?p }", timeout=2), Formats((mt.SPARQL_JSON,), ())
            )
        waited = select(single, "SELECT (COUNT(*) AS ?n) { ?s a ?t }", timeout=2)
        thread.join(timeout=10)
        assert "stopped" in str(outcome["timeout"])
        assert int(waited["results"]["bindings"][0]["n"]["value"]) > 0  # type: ignore[index]
    finally:
        single.close()


def test_unsupported_function_is_a_400_not_a_500(pool: WorkerPool) -> None:
    # Oxigraph raises RuntimeError for evaluation errors the query causes.
    for query in (
        "SELECT (<http://example.org/fn>('x') AS ?v) WHERE {}",
        "ASK { FILTER(<http://example.org/fn>(1)) }",
    ):
        with pytest.raises(BadRequest, match="could not be evaluated"):
            pool.run_serialised(QueryRequest(query), Formats((mt.SPARQL_JSON,), ()))


def test_a_query_that_crashes_its_worker_is_504_and_the_worker_is_replaced(tmp_path: Path) -> None:
    """A list of 5000 terms passes the cheap bounds and overflows the engine's stack while it
    parses: the worker dies (SIGSEGV/SIGABRT), the client gets QueryAborted (504) naming the
    limits, and a replacement worker joins the pool and answers."""
    from parkld.errors import QueryAborted

    pool = WorkerPool(parks_store(tmp_path), size=1, memory_mb=400)
    try:
        before = set(pool.pids())
        with pytest.raises(QueryAborted, match="PARKLD_QUERY_MEMORY_MB") as caught:
            pool.run_serialised(
                QueryRequest("SELECT * { ?s ?p (" + " 1" * 5000 + " ) }"),
                Formats((mt.SPARQL_JSON,), ()),
            )
        assert "ended by SIG" in caught.value.message
        assert caught.value.status == 504
        doc = select(
            pool,
            f"SELECT ?label {{ <{PARK}sophia> "
            "<http://www.w3.org/2000/01/rdf-schema#label> ?label }",
            timeout=60,
        )
        assert labels(doc) == ["Sophia Antipolis"]
        assert len(pool.pids()) == 1 and not set(pool.pids()) & before
    finally:
        pool.close()


def test_memory_limit_stops_a_sort_of_a_large_cross_product(tmp_path: Path) -> None:
    from parkld.errors import QueryAborted

    pool = WorkerPool(parks_store(tmp_path, filler=3000), size=1, memory_mb=300)
    try:
        with pytest.raises(QueryAborted, match="300 MiB"):
            pool.run_serialised(
                QueryRequest(
                    "SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY RAND() LIMIT 1", timeout=60
                ),
                Formats((mt.SPARQL_JSON,), ()),
            )
        assert select(pool, "ASK {}", timeout=60)["boolean"] is True
    finally:
        pool.close()


def test_failing_service_endpoints_are_502_naming_them(pool: WorkerPool) -> None:
    """An allow-listed SERVICE that refuses the connection, redirects (never followed: the
    redirect target sees no connection) or answers 500 is a 502 naming the endpoint."""
    import http.server
    import socket

    from parkld.errors import UpstreamError
    from tests.listener_support import counting_listener

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}/sparql"

    with counting_listener() as target:

        class Upstream(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path == "/redirect":
                    self.send_response(302)
                    self.send_header("Location", target.url)
                    self.send_header("Content-Length", "0")
                else:
                    self.send_response(500)
                    self.send_header("Content-Length", "4")
                self.end_headers()
                if self.path != "/redirect":
                    self.wfile.write(b"oops")

            do_GET = do_POST  # noqa: N815

            def log_message(self, format: str, *args: object) -> None:
                pass

        upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
        thread = threading.Thread(target=upstream.serve_forever, daemon=True)
        thread.start()
        try:
            base = f"http://127.0.0.1:{upstream.server_address[1]}"
            for endpoint in (closed, f"{base}/redirect", f"{base}/failing"):
                for form in ("SELECT * WHERE", "ASK"):
                    with pytest.raises(UpstreamError) as caught:
                        pool.run_serialised(
                            QueryRequest(
                                f"{form} {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}",
                                service_allowlist=(endpoint,),
                            ),
                            Formats((mt.SPARQL_JSON,), ()),
                        )
                    assert caught.value.status == 502
                    assert f"SERVICE endpoint <{endpoint}> failed" in caught.value.message
        finally:
            upstream.shutdown()
            upstream.server_close()
            thread.join(timeout=5)
        assert target.connections == 0


def test_workers_without_an_allowlist_have_no_network(tmp_path: Path) -> None:
    """Defence in depth: a pool for a server with an empty SERVICE allow-list runs its workers
    in an empty network namespace. Even a SERVICE call that got past the allow-list (here the
    request's own list allows it) cannot connect: 502, and the listener sees nothing."""
    from parkld.errors import UpstreamError
    from tests.listener_support import counting_listener

    pool = WorkerPool(parks_store(tmp_path), size=1, network=False)
    try:
        assert labels(
            select(
                pool,
                f"SELECT ?label {{ <{PARK}sophia> "
                "<http://www.w3.org/2000/01/rdf-schema#label> ?label }",
            )
        ) == ["Sophia Antipolis"]
        with counting_listener() as listener:
            with pytest.raises(UpstreamError, match=r"unreachable|refused"):
                pool.run_serialised(
                    QueryRequest(
                        f"SELECT * {{ SERVICE <{listener.url}> {{ }} }}",
                        service_allowlist=(listener.url,),
                    ),
                    Formats((mt.SPARQL_JSON,), ()),
                )
            assert listener.connections == 0
    finally:
        pool.close()


def test_a_slow_service_is_stopped_at_the_time_limit_naming_it(pool: WorkerPool) -> None:
    """A SERVICE endpoint that takes far longer than the limit to answer holds only a query
    worker, which is killed at the limit: 504 naming the endpoint (it held the web worker 35 s
    when the syntax check evaluated queries there)."""
    import http.server

    release = threading.Event()

    class Sleepy(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            release.wait(30)
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST  # noqa: N815

        def log_message(self, format: str, *args: object) -> None:
            pass

    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sleepy)
    upstream.daemon_threads = True
    thread = threading.Thread(target=upstream.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{upstream.server_address[1]}/sparql"
    try:
        with pytest.raises(QueryTimeout) as caught:
            pool.run_serialised(
                QueryRequest(
                    f"SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
                    timeout=1.5,
                    service_allowlist=(url,),
                ),
                Formats((mt.SPARQL_JSON,), ()),
            )
        assert "1.5 s" in caught.value.message and f"SERVICE <{url}>" in caught.value.message
    finally:
        release.set()
        upstream.shutdown()
        upstream.server_close()
        thread.join(timeout=5)


def test_close_while_a_replacement_boots_leaves_no_worker_running(tmp_path: Path) -> None:
    """A runaway is killed and its replacement boots in a thread; closing the pool at once
    (a server shutting down, a test ending) must stop the replacement too — once it had been
    added after close() and left running, its process and pipe outliving the pool."""
    others = {c.pid for c in multiprocessing.active_children()}  # the module's pool
    pool = WorkerPool(parks_store(tmp_path, filler=3000), size=1)
    first = set(pool.pids())
    with pytest.raises(QueryTimeout):
        pool.run_serialised(QueryRequest(RUNAWAY, timeout=0.5), Formats((mt.SPARQL_JSON,), ()))
    refills = [t for t in threading.enumerate() if t.name == "parkld-pool-refill"]
    pool.close()
    assert all(not t.is_alive() for t in refills), "close() waits for the refill"
    assert pool.pids() == []
    left = {c.pid for c in multiprocessing.active_children()} - others
    assert left == set() and first.isdisjoint(left)
