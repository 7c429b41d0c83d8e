"""The remote backend: any SPARQL 1.1 endpoint (Virtuoso, Fuseki, GraphDB, Neptune, QLever…).

Reads use the SPARQL 1.1 Protocol (POST, form-encoded); writes use SPARQL 1.1 Update on a
separate, authenticated endpoint. Everything the embedded store guarantees holds here too:

* The default graph is the merge of parkld's named graphs, each triple once (an RDF graph is
  a set): a graph :data:`MERGED_GRAPH` holding that merge is kept next to the per-source
  graphs (re-derived, inside the store, by every publish, graph replacement and update made
  through parkld), and every query that does not name its own dataset is sent with it as the
  only ``default-graph-uri`` and one ``named-graph-uri`` per visible graph, so ``GRAPH ?g``
  still reaches each source. Naming several default graphs would not do: stores (Virtuoso,
  Oxigraph) then return a triple once per graph stating it. Stores also differ in what
  "no dataset" means (Virtuoso: every graph, *including its system graphs*; Fuseki: an empty
  default graph), so parkld does not rely on it.
* Bindings become a ``VALUES`` block built from serialised terms (:mod:`.querytext`).
* User queries are parsed by Oxigraph first, in a bounded query worker (same syntax errors),
  the SERVICE allow-list and the LOAD refusal apply before any request, the store is asked
  to stop at the time limit (and the HTTP read times out shortly after), and answers are
  cut at the row cap and serialised by :mod:`parkld.sparql.answers`, as the embedded store's are.
* Updates are validated like the embedded store's (:mod:`parkld.writes`): an update runs on
  an in-memory copy of the graphs (:meth:`RemoteStore.rewrite`), and only the graphs it
  changed, once they conform, are written back — the store never evaluates the update.
* A query using a construct the store gets wrong (:mod:`.deviations`: MIN/MAX, ordering
  comparisons, transitive paths, several default graphs) is evaluated by parkld's engine on
  a local copy of the graphs (:mod:`.mirror`), so its answer is the embedded store's.
* Failures are never 404s: unreachable or overloaded → StoreUnavailable (503); too slow →
  QueryTimeout (504); refused credentials → StoreCredentialsError (503, says which setting).

Graph replacement is load-beside-then-swap (see :meth:`RemoteStore.stage` and
:meth:`RemoteStore.swap`): readers see the old graph or the new one, never a mix.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import pyoxigraph as ox
import requests
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from parkld import mediatypes
from parkld.config import Settings
from parkld.errors import (
    Forbidden,
    QuerySyntaxError,
    QueryTimeout,
    StoreUnavailable,
    UpstreamError,
)
from parkld.namespaces import LDP, OWL
from parkld.sparql import analysis, answers, lexer
from parkld.sparql.answers import Answer, Formats, QueryRequest, Serialised
from parkld.store import deviations, querytext
from parkld.store.base import CHUNK_TRIPLES, Bindings, Change, Solutions, Store, Term
from parkld.store.dataset import merged_default, named_quads
from parkld.store.mirror import Fingerprint, Mirror

#: parkld's own bookkeeping graph: one content hash per published graph.
META_GRAPH = "urn:parkld:meta"
HASH = ox.NamedNode("urn:parkld:meta#sha256")
#: The merge of the visible graphs, sent as the default graph (see the module docstring).
MERGED_GRAPH = "urn:parkld:merged"
#: The GRAPH keyword (in canonical or trusted text: keywords spelled out, prefixed names
#: expanded). A false positive only costs naming the graphs; none can be missed.
_GRAPH_KEYWORD = re.compile(r"(?<![\w:/#<-])GRAPH(?![\w-])", re.IGNORECASE)


def _mentions_graph(text: str) -> bool:
    return _GRAPH_KEYWORD.search(text) is not None


# Virtuoso echoes the request's dataset in X-SPARQL-named-graph, folded over one header line
# per graph; past ~100 graphs Python's HTTP client (limit: 100 header lines) dropped the
# connection and every query failed. One graph per source document makes hundreds normal.
http.client._MAXHEADERS = max(http.client._MAXHEADERS, 10_000)  # type: ignore[attr-defined]
#: Staging graphs of load-beside-then-swap; a stale one (an interrupted publish) is dropped
#: by the next publish of the same graph.
STAGING_PREFIX = "urn:parkld:staging:"
#: Graphs a store keeps for itself (Virtuoso's schemas, service description, DAV); hidden
#: from parkld's dataset so they never show up in the union or in statistics.
SYSTEM_GRAPHS = frozenset(
    {
        "http://www.openlinksw.com/schemas/virtrdf#",
        LDP,
        OWL,
    }
)
_SYSTEM_PATTERN = re.compile(r"^https?://[^/]+/(sparql|DAV/)$")
#: How long the list of visible graphs is reused before asking the store again.
GRAPH_LIST_TTL = 5.0
#: Extra seconds the HTTP read waits beyond a query's limit, for the store to say it stopped.
TIMEOUT_MARGIN = 2.0
CONNECT_TIMEOUT = 5.0
GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


class StoreCredentialsError(StoreUnavailable):
    """The store refused parkld's credentials: a deployment problem, reported as such."""


def is_hidden(graph: str) -> bool:
    """True for bookkeeping, staging and store-system graphs."""
    return (
        graph in (META_GRAPH, MERGED_GRAPH)
        or graph.startswith(STAGING_PREFIX)
        or graph in SYSTEM_GRAPHS
        or bool(_SYSTEM_PATTERN.match(graph))
    )


def staging_graph(graph: str) -> str:
    """The staging graph of *graph*: stable, so a rerun finds and drops a stale one."""
    return STAGING_PREFIX + hashlib.sha256(graph.encode()).hexdigest()[:32]


class _ChallengeAuth(AuthBase):
    """Digest or Basic, whichever the server's challenge names.

    Virtuoso's ``/sparql-auth`` asks for Digest; Fuseki and GraphDB for Basic.
    """

    def __init__(self, user: str, password: str) -> None:
        self.digest = HTTPDigestAuth(user, password)
        self.basic = HTTPBasicAuth(user, password)
        self.use_basic = False

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if self.use_basic:
            basic: requests.PreparedRequest = self.basic(request)
            return basic
        digest: requests.PreparedRequest = self.digest(request)
        digest.hooks["response"].append(self._basic_fallback)
        return digest

    def _basic_fallback(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        challenge = response.headers.get("www-authenticate", "").lower()
        if response.status_code != 401 or "basic" not in challenge or "digest" in challenge:
            return response
        self.use_basic = True
        retry = response.request.copy()
        self.basic(retry)
        response.close()
        again: requests.Response = response.connection.send(retry, **kwargs)
        again.history.append(response)
        return again


def _bnode_id(raw: str) -> str:
    """A valid blank-node label for a store's node id (Virtuoso says ``nodeID://b10007``)."""
    label = raw.removeprefix("nodeID://").removeprefix("_:")
    return re.sub(r"[^A-Za-z0-9_]", "_", label) or "b"


def _json_term(cell: Mapping[str, str]) -> Term:
    kind = cell.get("type")
    value = cell["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(_bnode_id(value))
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in cell:
            return ox.Literal(value, language=cell["xml:lang"])
        if "datatype" in cell:
            return ox.Literal(value, datatype=ox.NamedNode(cell["datatype"]))
        return ox.Literal(value)
    raise UpstreamError(f"the store answered with an unknown term type {kind!r}")


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint reached over HTTP with a connection pool."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.query_url = settings.store_query_url
        self.update_url = settings.store_update_url
        self.graph_url = settings.store_graph_url
        self.timeout = settings.store_timeout
        self.session = requests.Session()
        adapter = HTTPAdapter(
            pool_connections=2, pool_maxsize=max(4, settings.threads), max_retries=0
        )
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = "parkld (remote store client)"
        self.auth = (
            _ChallengeAuth(settings.store_user, settings.store_password)
            if settings.store_user
            else None
        )
        # Parsing parkld's own queries only (user text is parsed in a query worker).
        self._parser = ox.Store()
        self._graphs: tuple[float, list[str]] | None = None
        self._graphs_lock = threading.Lock()
        self._mirror: Mirror | None = None
        self._mirror_pid = 0
        self._mirror_lock = threading.Lock()

    # -- HTTP ------------------------------------------------------------------------------
    def _post(
        self,
        url: str,
        data: Mapping[str, str | Sequence[str]] | bytes,
        accept: str,
        read_timeout: float,
        *,
        auth: AuthBase | None = None,
        params: Mapping[str, str] | None = None,
        content_type: str | None = None,
    ) -> requests.Response:
        """POST a protocol request and map every failure to a parkld error."""
        headers = {"Accept": accept}
        if content_type is not None:
            headers["Content-Type"] = content_type
        try:
            response = self.session.post(
                url,
                data=data,
                params=params,
                headers=headers,
                auth=auth,
                timeout=(min(CONNECT_TIMEOUT, read_timeout), read_timeout),
            )
        except requests.ConnectTimeout as exc:
            raise StoreUnavailable(
                f"the SPARQL store at {url} does not accept connections "
                f"(no answer within {CONNECT_TIMEOUT:g} s)"
            ) from exc
        except requests.ReadTimeout as exc:
            raise QueryTimeout(
                f"the SPARQL store did not answer within {read_timeout:g} s; "
                "the query was abandoned"
            ) from exc
        except requests.ConnectionError as exc:
            raise StoreUnavailable(
                f"the SPARQL store at {url} is unreachable (is it running?): {_reason(exc)}"
            ) from exc
        except requests.RequestException as exc:
            raise StoreUnavailable(f"request to the SPARQL store failed: {exc}") from exc
        status = response.status_code
        if status in (401, 403):
            raise StoreCredentialsError(
                f"the SPARQL store at {url} refused parkld's credentials (HTTP {status}); "
                "check PARKLD_STORE_USER and PARKLD_STORE_PASSWORD"
                + ("" if auth else " (none are set)")
            )
        if status == 404:
            raise StoreUnavailable(
                f"no SPARQL endpoint at {url} (HTTP 404); "
                "check PARKLD_STORE_QUERY_URL / PARKLD_STORE_UPDATE_URL"
            )
        if status in (502, 503, 504) or status == 429:
            raise StoreUnavailable(f"the SPARQL store at {url} is unavailable (HTTP {status})")
        if status >= 400 and "estimated execution time" in response.text[:300]:
            # Virtuoso refuses up front a query it estimates would run past its limit.
            raise QueryTimeout(
                f"the store refused a query it estimates would run too long: {_message(response)}"
            )
        if status >= 400:
            raise UpstreamError(
                f"the SPARQL store refused the request (HTTP {status}): {_message(response)}"
            )
        # Virtuoso's "anytime" answers: a result cut by its time limit, sent as a success.
        if response.headers.get("X-SQL-State", "").upper() == "S1TAT":
            raise QueryTimeout("the query ran past its time limit and was stopped by the store")
        return response

    def _dataset(
        self,
        request_default: Sequence[str] = (),
        request_named: Sequence[str] = (),
        has_dataset: bool = False,
        uses_graph: bool = True,
    ) -> dict[str, list[str]]:
        if request_default or request_named:
            return {
                "default-graph-uri": list(request_default),
                "named-graph-uri": list(request_named),
            }
        if has_dataset:
            return {}
        if not uses_graph:
            # No GRAPH pattern: only the default graph is read. Naming every source graph
            # would cost Virtuoso a query plan over hundreds of graphs for nothing (~0.2 s a
            # query with 250 graphs, most of a page's time).
            return {"default-graph-uri": [MERGED_GRAPH]}
        graphs = self._visible_graphs()
        # An empty list would mean "the store's default" (everything, on Virtuoso): name a
        # graph that cannot exist instead, so an empty parkld dataset stays empty.
        names = graphs or [META_GRAPH + "#none"]
        return {"default-graph-uri": [MERGED_GRAPH], "named-graph-uri": names}

    def _query(
        self,
        query: str,
        accept: str,
        read_timeout: float,
        *,
        dataset: Mapping[str, Sequence[str]],
        server_timeout: float,
    ) -> requests.Response:
        data: dict[str, str | Sequence[str]] = {"query": query, **dataset}
        # Virtuoso and Fuseki stop a query at ``timeout`` (ms); other stores ignore it.
        data["timeout"] = str(int(server_timeout * 1000))
        # Credentials go along (a Digest client only answers a challenge): publishing reads
        # its hashes from the authenticated endpoint it writes to.
        return self._post(self.query_url, data, accept, read_timeout, auth=self.auth)

    def _prepare(
        self, query: str, bindings: Bindings | None, base_iri: str | None = None
    ) -> tuple[str, querytext.Shape]:
        """Check syntax locally (no evaluation) and add the bindings; trusted queries only."""
        found = querytext.check_syntax(query, self._parser, base_iri)
        return querytext.with_bindings(query, bindings, found), found

    def _results(self, response: requests.Response) -> dict[str, Any]:
        try:
            doc: dict[str, Any] = response.json()
        except ValueError as exc:
            raise UpstreamError("the SPARQL store sent results that are not SPARQL JSON") from exc
        return doc

    def _select_rows(
        self,
        query: str,
        bindings: Bindings | None,
        *,
        timeout: float,
        dataset: Mapping[str, Sequence[str]] | None = None,
    ) -> tuple[list[str], Iterator[dict[str, Term]], bool | None]:
        text, found = self._prepare(query, bindings)
        response = self._query(
            text,
            mediatypes.SPARQL_JSON.media_type,
            timeout + TIMEOUT_MARGIN,
            dataset=dataset
            if dataset is not None
            else self._dataset(has_dataset=found.has_dataset, uses_graph=_mentions_graph(text)),
            server_timeout=timeout,
        )
        doc = self._results(response)
        if "boolean" in doc:
            return [], iter(()), bool(doc["boolean"])
        variables = list(doc.get("head", {}).get("vars", []))
        bindings_json = doc.get("results", {}).get("bindings", [])
        rows = ({k: _json_term(v) for k, v in row.items()} for row in bindings_json)
        return variables, rows, None

    # -- the Store interface: reading -------------------------------------------------------
    def select(self, query: str, bindings: Bindings | None = None) -> Solutions:
        variables, rows, boolean = self._select_rows(query, bindings, timeout=self.timeout)
        if boolean is not None:
            raise QuerySyntaxError("expected a SELECT query")
        return Solutions(variables, list(rows))

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        _, _, boolean = self._select_rows(query, bindings, timeout=self.timeout)
        if boolean is None:
            raise QuerySyntaxError("expected an ASK query")
        return boolean

    def construct(self, query: str, bindings: Bindings | None = None) -> list[ox.Triple]:
        text, found = self._prepare(query, bindings)
        if found.form not in ("construct", "describe"):
            raise QuerySyntaxError("expected a CONSTRUCT or DESCRIBE query")
        return list(self._triples(text, found, self.timeout))

    def _triples(
        self,
        text: str,
        found: querytext.Shape,
        timeout: float,
        dataset: Mapping[str, Sequence[str]] | None = None,
    ) -> Iterator[ox.Triple]:
        response = self._query(
            text,
            mediatypes.NTRIPLES.media_type,
            timeout + TIMEOUT_MARGIN,
            dataset=dataset
            if dataset is not None
            else self._dataset(has_dataset=found.has_dataset, uses_graph=_mentions_graph(text)),
            server_timeout=timeout,
        )
        # A store that ignores Accept may send Turtle, which also reads N-Triples.
        turtle = "turtle" in response.headers.get("Content-Type", "")
        fmt = ox.RdfFormat.TURTLE if turtle else ox.RdfFormat.N_TRIPLES
        try:
            for quad in ox.parse(response.content, format=fmt):
                subject = quad.subject
                if isinstance(subject, ox.BlankNode):
                    subject = ox.BlankNode(_bnode_id(subject.value))
                obj = quad.object
                if isinstance(obj, ox.BlankNode):
                    obj = ox.BlankNode(_bnode_id(obj.value))
                yield ox.Triple(subject, quad.predicate, obj)
        except SyntaxError as exc:
            raise UpstreamError(f"the SPARQL store sent unreadable RDF: {exc}") from exc

    def start(self) -> None:
        self.mirror()

    def mirror(self) -> Mirror:
        """This process's local copy and query workers, started on first use.

        Per process, as the embedded store's pool: gunicorn forks its workers after the app
        exists, and a pool's pipes and child processes belong to the process that made them.
        """
        with self._mirror_lock:
            if self._mirror is None or self._mirror_pid != os.getpid():
                self._mirror = Mirror(
                    self.settings.query_workers,
                    memory_mb=self.settings.query_memory_mb,
                    network=bool(self.settings.service_allowlist),
                )
                self._mirror_pid = os.getpid()
            return self._mirror

    def run(self, request: QueryRequest) -> Answer:
        found = self._checked(request)
        local = self._local_mirror(request, found)
        if local is not None:
            return local.run(request)
        return self._run_here(request, found)

    def run_serialised(self, request: QueryRequest, formats: Formats) -> Serialised:
        found = self._checked(request)
        local = self._local_mirror(request, found)
        if local is not None:
            return local.run_serialised(request, formats)
        return answers.serialise(self._run_here(request, found), formats)

    def _checked(self, request: QueryRequest) -> analysis.Analysis:
        # The embedded store's checks, in the same order and words, before any request.
        found = analysis.check_query(request.query, request.service_allowlist, request.base_iri)
        querytext.check_builtins(found.canonical)
        return found

    def _local_mirror(self, request: QueryRequest, found: analysis.Analysis) -> Mirror | None:
        """The synchronised local copy when *request* must be evaluated there, else None."""
        reasons = deviations.found(found, request.default_graphs)
        limit = self.settings.store_mirror_max_triples
        if not reasons or limit <= 0:
            return None
        local = self.mirror()
        local.sync(self._fingerprint, self._named_quads, limit, reasons)
        return local

    def _run_here(self, request: QueryRequest, found_names: analysis.Analysis) -> Answer:
        # What is sent is the canonical text the checks read (parkld.sparql.lexer).
        probe, found = querytext.syntax_probe(found_names.canonical)
        try:
            self.mirror().check_syntax(probe, request.base_iri, request.timeout)
        except QuerySyntaxError as exc:  # positions as in the text the user wrote
            raise QuerySyntaxError(
                lexer.original_position(exc.message, request.query, request.base_iri)
            ) from exc
        text = querytext.with_base(found_names.canonical, request.base_iri)
        dataset = self._dataset(
            request.default_graphs,
            request.named_graphs,
            found.has_dataset,
            uses_graph=_mentions_graph(text),
        )
        if found.form in ("construct", "describe"):
            return answers.triples(
                self._triples(text, found, request.timeout, dataset),
                request.max_rows,
                found.form,
                found_names.prefixes,
            )
        variables, rows, boolean = self._select_rows(
            text, None, timeout=request.timeout, dataset=dataset
        )
        if boolean is not None:
            return answers.boolean(boolean)
        return answers.solutions(variables, rows, request.max_rows)

    def _visible_graphs(self) -> list[str]:
        cached = self._graphs
        if cached is not None and time.monotonic() - cached[0] < GRAPH_LIST_TTL:
            return cached[1]
        with self._graphs_lock:
            names = self._list_graphs()
            self._graphs = (time.monotonic(), names)
            return names

    def _list_graphs(self) -> list[str]:
        # GROUP BY, not DISTINCT: the same rows, but Virtuoso 7 answers ``SELECT DISTINCT ?g``
        # over GRAPH ?g by scanning every quad (~5 s for the shipped graph, measured) and
        # GROUP BY ?g from its graph index (~0.03 s). The list is refreshed every few seconds.
        response = self._query(
            "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
            mediatypes.SPARQL_JSON.media_type,
            self.timeout + TIMEOUT_MARGIN,
            dataset={},
            server_timeout=self.timeout,
        )
        rows = self._results(response).get("results", {}).get("bindings", [])
        return sorted(
            v
            for row in rows
            if row.get("g", {}).get("type") == "uri" and not is_hidden(v := row["g"]["value"])
        )

    def graph_names(self) -> list[str]:
        with self._graphs_lock:
            names = self._list_graphs()
            self._graphs = (time.monotonic(), names)
        return names

    def triple_count(self) -> int:
        return super().triple_count() if self.graph_names() else 0

    def quad_count(self) -> int:
        return super().quad_count() if self.graph_names() else 0

    def ping(self) -> None:
        self._query(
            "ASK {}",
            mediatypes.SPARQL_JSON.media_type,
            min(self.timeout, 5.0),
            dataset={},
            server_timeout=min(self.timeout, 5.0),
        )

    # -- writing -------------------------------------------------------------------------
    def rewrite(self, change: Change) -> None:
        """Apply *change* to an in-memory copy of the visible graphs (and their merge as the
        default graph), then replace the graphs it changed (each by stage and swap).

        Graphs another client writes between the read and the swap are overwritten: parkld
        takes no lock on a remote store.
        """
        before = self._named_quads()
        copy = ox.Store()
        copy.extend(merged_default(before))
        change(copy)
        old = _by_graph(before)
        new = _by_graph(named_quads(copy))
        changed = {g: sorted(new.get(g, set()), key=str) for g in old.keys() | new.keys()}
        changed = {g: t for g, t in changed.items() if set(t) != old.get(g, set())}
        if changed:
            self.replace_graphs(changed)

    def _fingerprint(self) -> Fingerprint:
        """What changes with the content of the visible graphs (see :mod:`.mirror`): the
        recorded hashes and each graph's size; and the number of statements."""
        sizes = sorted(
            (row["g"].value, int(row["n"].value))
            for row in self._select_rows(
                GRAPH_SIZES, None, timeout=self.timeout, dataset=self._dataset()
            )[1]
        )
        state = repr((sizes, sorted(self.recorded_hashes().items())))
        return hashlib.sha256(state.encode()).hexdigest(), sum(n for _, n in sizes)

    def _named_quads(self) -> list[ox.Quad]:
        """Every statement of the visible graphs, checked against their sizes: a store that
        cuts results (Virtuoso's ``ResultSetMaxRows``) must not make a write lose triples."""
        dataset = self._dataset()
        sizes = self._select_rows(
            GRAPH_SIZES,
            None,
            timeout=self.timeout,
            dataset=dataset,
        )[1]
        expected = sum(int(row["n"].value) for row in sizes)
        rows = self._select_rows(
            "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }",
            None,
            timeout=self.timeout,
            dataset=dataset,
        )[1]
        quads = []
        for row in rows:
            graph, subject, predicate = row["g"], row["s"], row["p"]
            if not isinstance(graph, ox.NamedNode) or isinstance(subject, ox.Literal):
                continue
            assert isinstance(predicate, ox.NamedNode)
            quads.append(ox.Quad(subject, predicate, row["o"], graph))
        if len(quads) != expected:
            raise StoreUnavailable(
                f"the SPARQL store returned {len(quads)} of the {expected} statements of its "
                "graphs (a result size limit, e.g. Virtuoso's ResultSetMaxRows?); "
                "nothing was changed"
            )
        return quads

    def refresh_merged(self) -> None:
        """Re-derive :data:`MERGED_GRAPH` from the visible graphs, inside the store, in one
        request (one transaction: readers see the old merge or the new).

        Copied by the store itself, not loaded from here, so blank nodes stay the same nodes
        in a source graph and in the merge; the store keeps a graph as a set.
        """
        self._graphs = None
        names = self.graph_names()
        merged = f"<{MERGED_GRAPH}>"
        parts = [f"DROP SILENT GRAPH {merged}"]
        if names:
            listed = ", ".join(querytext.term_text(ox.NamedNode(g)) for g in names)
            parts.append(
                f"INSERT {{ GRAPH {merged} {{ ?s ?p ?o }} }} WHERE {{ "
                f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g IN ({listed})) }}"
            )
        self._update(" ;\n".join(parts))

    def _update(self, update: str) -> None:
        if not self.update_url:
            raise Forbidden(
                "the remote store is read-only here: PARKLD_STORE_UPDATE_URL is not set"
            )
        try:
            self._post(self.update_url, {"update": update}, "*/*", self.timeout, auth=self.auth)
        finally:
            self._wrote()

    def content_hashes(self) -> dict[str, str]:
        """The content hash recorded for each published graph (the merge not included)."""
        return {g: h for g, h in self.recorded_hashes().items() if g != MERGED_GRAPH}

    def merged_hash(self) -> str | None:
        return self.recorded_hashes().get(MERGED_GRAPH)

    def derive_merge(self, content_hash: str) -> None:
        self.refresh_merged()
        self.record_hash(MERGED_GRAPH, content_hash)

    def recorded_hashes(self) -> dict[str, str]:
        """Every hash in the bookkeeping graph, :data:`MERGED_GRAPH`'s included."""
        rows = self._select_rows(
            f"SELECT ?g ?h WHERE {{ GRAPH <{META_GRAPH}> {{ ?g <{HASH.value}> ?h }} }}",
            None,
            timeout=self.timeout,
            dataset={},
        )[1]
        return {row["g"].value: row["h"].value for row in rows}

    def stage(
        self,
        graph: str,
        triples: Sequence[ox.Triple],
        progress: Callable[[int], None] | None = None,
        chunk: int = CHUNK_TRIPLES,
    ) -> str:
        """Load *triples* into the staging graph of *graph* (emptied first); return its IRI.

        Readers never look at staging graphs, so this may take many requests.
        """
        staging = staging_graph(graph)
        self._update(f"DROP SILENT GRAPH <{staging}>")
        for part in bnode_safe_chunks(triples, chunk):
            if self.graph_url:
                self._post_triples(staging, part)
            else:
                self._update(insert_text(staging, part))
            if progress is not None:
                progress(len(part))
        return staging

    def _post_triples(self, graph: str, triples: Sequence[ox.Triple]) -> None:
        """Add *triples* to *graph* through the Graph Store Protocol (an N-Triples POST).

        Why not INSERT DATA on Virtuoso (7.2): a one-operation update request stores a
        literal whose value equals an earlier constant of the request under that
        constant's datatype when both are calendar types: ``"2012"^^xsd:gYear`` then
        ``"2012-01"^^xsd:gYearMonth`` (both 2012-01-01 to Virtuoso) stores the second as
        ``"2012"^^xsd:gYear``. Its RDF parser, behind the Graph Store endpoint, keeps each
        literal as written (tests/test_remote_literals.py).
        """
        body = "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples)
        try:
            self._post(
                self.graph_url,
                body.encode("utf-8"),
                "*/*",
                self.timeout,
                auth=self.auth,
                params={"graph": graph},
                content_type=mediatypes.NTRIPLES.media_type,
            )
        finally:
            self._wrote()

    def swap(self, graph: str, staging: str | None, content_hash: str | None) -> None:
        """Make *staging* the content of *graph* (or drop it) and record its hash, in one request.

        One update request is one transaction on Virtuoso (and on Fuseki, GraphDB, Neptune):
        readers see the old graph or the new, and the hash changes with the content.
        """
        g = f"<{graph}>"
        parts = [
            f"DROP SILENT GRAPH {g}"
            if staging is None
            else f"MOVE SILENT GRAPH <{staging}> TO GRAPH {g}",
            f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ {g} <{HASH.value}> ?h }} }}",
        ]
        if content_hash is not None:
            literal = querytext.term_text(ox.Literal(content_hash))
            parts.append(
                f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ {g} <{HASH.value}> {literal} }} }}"
            )
        self._update(" ;\n".join(parts))
        self._graphs = None

    def record_hash(self, graph: str, content_hash: str) -> None:
        """Record *content_hash* for *graph* in the bookkeeping graph."""
        g = f"<{graph}>"
        literal = querytext.term_text(ox.Literal(content_hash))
        self._update(
            f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ {g} <{HASH.value}> ?h }} }} ;\n"
            f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ {g} <{HASH.value}> {literal} }} }}"
        )

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Triple]]) -> None:
        for graph, triples in graphs.items():
            staged = list(triples)
            staging = self.stage(graph, staged) if staged else None
            self.swap(graph, staging, None)
        self.refresh_merged()

    def _wrote(self) -> None:
        # After every write, failed ones too (a timeout may still have changed the store):
        # the next local query asks for the fingerprint again.
        if self._mirror is not None:
            self._mirror.invalidate()

    def close(self) -> None:
        with self._mirror_lock:
            if self._mirror is not None and self._mirror_pid == os.getpid():
                self._mirror.close()
            self._mirror = None
        self.session.close()


def _by_graph(quads: Iterable[ox.Quad]) -> dict[str, set[ox.Triple]]:
    graphs: dict[str, set[ox.Triple]] = {}
    for q in quads:
        assert isinstance(q.graph_name, ox.NamedNode)
        graphs.setdefault(q.graph_name.value, set()).add(q.triple)
    return graphs


def bnode_safe_chunks(triples: Sequence[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    """Chunks of about *size* triples that never split the triples sharing a blank node.

    Each update request makes fresh blank nodes, so ``_:b`` in two requests would be two
    nodes: every group of triples connected through blank nodes must travel together.
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for t in triples:
        labels = [n.value for n in (t.subject, t.object) if isinstance(n, ox.BlankNode)]
        for other in labels[1:]:
            parent[find(other)] = find(labels[0])
        for label in labels:
            find(label)
    groups: dict[str, list[ox.Triple]] = {}
    current: list[ox.Triple] = []
    for t in triples:
        node = next((n for n in (t.subject, t.object) if isinstance(n, ox.BlankNode)), None)
        if node is None:
            current.append(t)
            if len(current) >= size:
                yield current
                current = []
        else:
            groups.setdefault(find(node.value), []).append(t)
    for group in groups.values():
        current.extend(group)
        if len(current) >= size:
            yield current
            current = []
    if current:
        yield current


def insert_text(graph: str, triples: Sequence[ox.Triple]) -> str:
    """An update adding *triples* to *graph*, written from terms.

    Triples with blank nodes go in an ``INSERT … WHERE {}`` template: Virtuoso refuses blank
    nodes in ``INSERT DATA``, and a template makes fresh nodes, which is what loading means.
    """
    body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
    if any(isinstance(n, ox.BlankNode) for t in triples for n in (t.subject, t.object)):
        return f"INSERT {{ GRAPH <{graph}> {{\n{body}\n}} }} WHERE {{}}"
    return f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}"


def _reason(exc: Exception) -> str:
    text = str(exc)
    for marker in (
        "Connection refused",
        "Name or service not known",
        "timed out",
        "Connection reset",
        "Remote end closed connection",
    ):
        if marker in text:
            return marker.lower()
    return text[:200]


def _message(response: requests.Response) -> str:
    text = response.text.strip()
    # Virtuoso echoes the whole query after its message; keep the message.
    first = text.split("\n\n", 1)[0].strip()
    return first[:500] or response.reason or "no message"


__all__ = [
    "MERGED_GRAPH",
    "META_GRAPH",
    "STAGING_PREFIX",
    "RemoteStore",
    "StoreCredentialsError",
    "bnode_safe_chunks",
    "insert_text",
    "is_hidden",
    "staging_graph",
]
