"""``/sparql``: the SPARQL 1.1 Protocol (queries; updates only when configured), the Service
Description, and an HTML query page for people.

The blueprint only speaks HTTP: it reads the protocol's parameters, negotiates the response
format, checks credentials, CORS and the rate limit, and hands the query to the store
(:class:`~parkld.store.base.QueryRunner`), which enforces the time limit, the row cap and the
SERVICE allow-list; the answer is serialised by :mod:`parkld.sparql.answers`. An update goes
through :func:`parkld.writes.apply_update` (validated before anything is written).
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, render_template, request

from parkld import mediatypes, negotiation, project_files, queries, writes
from parkld.errors import (
    BadRequest,
    Forbidden,
    NotAcceptable,
    ParkldError,
    PayloadTooLarge,
    QuerySyntaxError,
    UnsupportedMediaType,
)
from parkld.mediatypes import Format, Kind
from parkld.namespaces import FORMATS, PLD, PREFIXES, SD, VOCAB, WDT
from parkld.sparql import analysis, lexer, results
from parkld.sparql.answers import Answer, Formats, QueryRequest, Serialised
from parkld.sparql.ratelimit import RateLimiter
from parkld.sparql.service_description import describe_service
from parkld.web.safety import link_target, public_base
from parkld.web.state import get_settings, get_state, get_store

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
#: Headers a browser script may read on a cross-origin answer.
EXPOSED = "X-Parkld-Result-Count, X-Parkld-Truncated, X-Parkld-Max-Rows, Retry-After"
#: A ``format=xml``/``json`` means the matching RDF syntax when the result is a graph, and back.
_COUNTERPART = {
    "json": mediatypes.JSONLD,
    "xml": mediatypes.RDFXML,
    "jsonld": mediatypes.SPARQL_JSON,
    "rdfxml": mediatypes.SPARQL_XML,
}
#: Standard prefixes offered on the HTML page, after the parkld ones.
_PAGE_STANDARD = ("rdf", "rdfs", "xsd", "owl", "skos", "dct", "schema", "org", "prov", "wgs84")
#: Prefixes offered on the HTML page (the parkld ones first).
PAGE_PREFIXES = {
    "pld": PLD,
    "pv": VOCAB,
    **{p: PREFIXES[p] for p in (*_PAGE_STANDARD, "time", "wd")},
    "wdt": WDT,
}


# -- the protocol request ---------------------------------------------------------------
@dataclass(frozen=True)
class Operation:
    """What a request asks for: a query, an update, or nothing (service description/page)."""

    kind: str | None  # "query" | "update" | None
    text: str = ""
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    using_graphs: tuple[str, ...] = field(default=())


def _media_type(header: str | None) -> tuple[str, dict[str, str]]:
    if not header:
        return "", {}
    main, *params = header.split(";")
    options = {}
    for p in params:
        key, _, value = p.partition("=")
        options[key.strip().lower()] = value.strip().strip('"')
    return main.strip().lower(), options


def _check_charset(options: dict[str, str]) -> None:
    charset = options.get("charset", "utf-8").lower()
    if charset not in {"utf-8", "utf8"}:
        raise UnsupportedMediaType(f"the request body must be UTF-8, not {charset}")


def _utf8_body() -> str:
    try:
        return request.get_data(cache=True).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"the request body is not valid UTF-8: {exc}") from exc


def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise BadRequest(f"give exactly one '{name}' parameter, not {len(values)}")
    return values[0] if values else None


def read_operation() -> Operation:
    """The protocol operation of the current request (GET, POST form, POST direct)."""
    args = request.args
    if request.method in ("GET", "HEAD"):  # HEAD is a GET without the body (RFC 9110)
        if "update" in args:
            raise BadRequest("SPARQL Update must be sent with POST")
        text = _one(args.getlist("query"), "query")
        return Operation(
            "query" if text is not None else None,
            text or "",
            tuple(args.getlist("default-graph-uri")),
            tuple(args.getlist("named-graph-uri")),
        )
    limit = get_settings().max_body_bytes
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(
            f"the request body is larger than {limit} bytes (PARKLD_MAX_BODY_BYTES)"
        )
    mime, options = _media_type(request.headers.get("Content-Type"))
    if mime == FORM:
        _check_charset(options)
        body = _utf8_body()  # refuse bad bytes before werkzeug decodes them leniently
        del body
        form = request.form
        queries = form.getlist("query") + args.getlist("query")
        updates = form.getlist("update") + args.getlist("update")
        if queries and updates:
            raise BadRequest("give either 'query' or 'update', not both")
        graphs = (
            tuple(form.getlist("default-graph-uri") + args.getlist("default-graph-uri")),
            tuple(form.getlist("named-graph-uri") + args.getlist("named-graph-uri")),
        )
        using = tuple(
            form.getlist("using-graph-uri")
            + args.getlist("using-graph-uri")
            + form.getlist("using-named-graph-uri")
            + args.getlist("using-named-graph-uri")
        )
        if updates:
            return Operation("update", _one(updates, "update") or "", using_graphs=using)
        text = _one(queries, "query")
        if text is None:
            raise BadRequest("a form POST needs a 'query' (or 'update') parameter")
        return Operation("query", text, *graphs)
    if mime == QUERY:
        _check_charset(options)
        return Operation(
            "query",
            _utf8_body(),
            tuple(args.getlist("default-graph-uri")),
            tuple(args.getlist("named-graph-uri")),
        )
    if mime == UPDATE:
        _check_charset(options)
        using = tuple(args.getlist("using-graph-uri") + args.getlist("using-named-graph-uri"))
        return Operation("update", _utf8_body(), using_graphs=using)
    raise UnsupportedMediaType(
        f"POST a query as {FORM} or {QUERY} (or an update as {UPDATE}), "
        f"not {mime or 'a body without Content-Type'}"
    )


# -- negotiation ------------------------------------------------------------------------
def negotiate(form: str | None) -> tuple[list[Format], list[Format]]:
    """Acceptable (results formats, graph formats): ``format``/``output`` beats Accept."""
    header = request.headers.get("Accept", "")
    result_formats = list(negotiation.ranked(header, mediatypes.RESULT_FORMATS))
    graph_formats = list(negotiation.ranked(header, mediatypes.GRAPH_FORMATS))
    asked = request.values.get("format") or request.values.get("output")
    if asked:
        fmt = mediatypes.by_name(asked)
        if fmt is None or fmt.kind is Kind.PAGE:
            raise NotAcceptable(
                "unknown format; use one of "
                + ", ".join(f.name for f in mediatypes.ALL if f.kind is not Kind.PAGE)
            )
        other = _COUNTERPART.get(fmt.name)
        if fmt.kind is Kind.RESULTS:
            result_formats = [fmt]
            graph_formats = [other] if other else graph_formats
        else:
            graph_formats = [fmt]
            result_formats = [other] if other else result_formats
    # Clients that send one Accept for every query (rdflib's SPARQLStore asks for SPARQL
    # results even for a CONSTRUCT) get the matching syntax of the other kind: SPARQL JSON
    # ↔ JSON-LD, SPARQL XML ↔ RDF/XML. Only when nothing matches is the answer 406.
    if not graph_formats:
        graph_formats = [g for f in result_formats if (g := _COUNTERPART.get(f.name))]
    if not result_formats:
        result_formats = [r for f in graph_formats if (r := _COUNTERPART.get(f.name))]
    wanted = graph_formats if form in ("construct", "describe") else result_formats
    if form in QUERY_FORMS and not wanted:
        kinds = "RDF" if form in ("construct", "describe") else "SPARQL results"
        raise NotAcceptable(
            f"cannot answer a {form.upper()} in any format the Accept header "
            f"allows; this endpoint writes {kinds} as "
            + ", ".join(
                f.media_type
                for f in (mediatypes.GRAPH_FORMATS if kinds == "RDF" else mediatypes.RESULT_FORMATS)
            )
        )
    return result_formats, graph_formats


QUERY_FORMS = analysis.QUERY_FORMS


def wants_page() -> bool:
    """A browser asking for HTML explicitly (not through ``*/*``), or ``format=html``."""
    asked = request.values.get("format")
    if asked:
        return mediatypes.by_name(asked) is mediatypes.HTML
    header = request.headers.get("Accept", "")
    if not negotiation.names_html(header):
        return False
    offered = (mediatypes.HTML, *mediatypes.RESULT_FORMATS, *mediatypes.GRAPH_FORMATS)
    return negotiation.choose(header, offered) is mediatypes.HTML


# -- responses --------------------------------------------------------------------------
def query_response(answer: Serialised, max_rows: int) -> Response:
    """The HTTP answer to a query, with the row count and an explicit truncation notice."""
    response = Response(answer.body, content_type=answer.format.content_type)
    response.headers["X-Parkld-Result-Count"] = str(answer.count)
    if answer.truncated:
        response.headers["X-Parkld-Truncated"] = "true"
        response.headers["X-Parkld-Max-Rows"] = str(max_rows)
        response.headers["Warning"] = (
            f'199 parkld "result truncated to the first {max_rows} rows (PARKLD_MAX_ROWS)"'
        )
    return response


def service_description() -> Response:
    """The Service Description, negotiated among the RDF formats (Turtle by default)."""
    settings = get_settings()
    formats = list(negotiation.ranked(request.headers.get("Accept", ""), mediatypes.GRAPH_FORMATS))
    asked = request.values.get("format")
    if asked:
        fmt = mediatypes.by_name(asked)
        formats = [fmt] if fmt in mediatypes.GRAPH_FORMATS and fmt is not None else []
    if not formats:
        raise NotAcceptable(
            "the service description is RDF: ask for "
            + ", ".join(f.media_type for f in mediatypes.GRAPH_FORMATS)
        )
    triples = describe_service(
        public_base() + "sparql",
        get_store().graph_names(),
        federation=bool(settings.service_allowlist),
        update=settings.update_enabled,
        # The default dataset is the one VoID describes (linked, so clients find it).
        dataset_iri=settings.base_iri + "dataset",
        void_url=public_base() + ".well-known/void",
    )
    sd = {"sd": SD, "formats": FORMATS}
    return Response(
        results.write_triples(triples, formats[0], sd), content_type=formats[0].content_type
    )


def query_request(op: Operation) -> QueryRequest:
    """A query operation with the configured limits."""
    settings = get_settings()
    return QueryRequest(
        op.text,
        default_graphs=op.default_graphs,
        named_graphs=op.named_graphs,
        timeout=settings.query_timeout,
        max_rows=settings.max_rows,
        service_allowlist=settings.service_allowlist,
        # Relative IRIs in a query resolve against the endpoint's URL, as the protocol's
        # tests expect (``CONSTRUCT { <s> <p> 1 } WHERE {}``): the configured one, not Host.
        base_iri=public_base() + "sparql",
    )


def run_query(
    op: Operation, result_formats: list[Format], graph_formats: list[Format]
) -> Serialised:
    """Hand a query to the store with the configured limits; its answer serialised."""
    formats = Formats(tuple(result_formats), tuple(graph_formats))
    return get_store().run_serialised(query_request(op), formats)


def run_update(op: Operation) -> Response:
    """Apply an update: only when enabled, with the bearer token, never LOAD."""
    settings = get_settings()
    if not settings.update_enabled:
        raise Forbidden(
            "this endpoint is read-only: SPARQL Update is disabled (PARKLD_UPDATE_ENABLED)"
        )
    given = request.headers.get("Authorization", "")
    scheme, _, token = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        token.strip().encode(), settings.update_token.encode()
    ):
        response = Response(
            "401 Unauthorized: SPARQL Update needs 'Authorization: Bearer <PARKLD_UPDATE_TOKEN>'\n",
            status=401,
            content_type="text/plain; charset=utf-8",
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="parkld"'
        return response
    if op.using_graphs:
        raise BadRequest(
            "using-graph-uri / using-named-graph-uri are not supported; "
            "write USING / WITH in the update instead"
        )
    found = analysis.check_update(op.text, settings.service_allowlist)
    if found.form != "update":
        raise BadRequest("this is not a SPARQL Update; send a query as 'query', not 'update'")
    # The engine meets the text first where time and memory are limited, then the update runs
    # on a copy that must conform to the shapes before anything is written (422 otherwise).
    try:
        writes.apply_update(
            get_store(),
            found.canonical,
            settings.query_timeout,
            memory_mb=settings.query_memory_mb,
        )
    except QuerySyntaxError as exc:
        raise QuerySyntaxError(lexer.original_position(exc.message, op.text)) from exc
    return Response(status=204)


# -- the HTML page ----------------------------------------------------------------------
def _cell(term: dict[str, Any], base_iri: str) -> dict[str, str]:
    kind, value = term.get("type", "literal"), str(term.get("value", ""))
    if kind == "uri":
        # Ours link to their local page; others only when http(s): a ``javascript:`` IRI in
        # a result is shown as text, never as a link that would run it.
        href = (
            "/" + value[len(base_iri) :] if value.startswith(base_iri) else link_target(value) or ""
        )
        return {"kind": "iri", "value": value, "href": href}
    if kind == "bnode":
        return {"kind": "bnode", "value": f"_:{value}"}
    if kind == "triple":
        return {"kind": "literal", "value": json.dumps(value)}
    note = f"@{term['xml:lang']}" if term.get("xml:lang") else ""
    if "datatype" in term:
        note = "^^" + str(term["datatype"]).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return {"kind": "literal", "value": value, "note": note}


def _table(answer: Answer, base_iri: str) -> dict[str, Any]:
    if answer.form == "ask":
        return {"boolean": answer.boolean}
    if answer.form in ("construct", "describe"):
        head = ["subject", "predicate", "object"]
        rows = [
            [_cell(results.json_term(x), base_iri) for x in (t.subject, t.predicate, t.object)]
            for t in answer.triples
        ]
        return {"head": head, "rows": rows}
    doc = results.solutions_document(answer.variables, answer.rows)
    head = doc["head"]["vars"]
    rows = [
        [_cell(b[v], base_iri) if v in b else {"kind": "empty", "value": ""} for v in head]
        for b in doc["results"]["bindings"]
    ]
    return {"head": head, "rows": rows}


def page(op: Operation) -> Response:
    """The query page; with a query, its results as a table (rendered here: works without JS)."""
    settings = get_settings()
    context: dict[str, Any] = {
        "query": op.text,
        "examples": queries.examples(project_files.examples_dir()),
        "prefixes": PAGE_PREFIXES,
        "endpoint": request.script_root + "/sparql",
        "max_rows": settings.max_rows,
        "timeout": settings.query_timeout,
    }
    status = 200
    if op.kind == "query" and op.text.strip():
        try:
            answer = get_store().run(query_request(op))
            context.update(
                table=_table(answer, settings.base_iri),
                count=answer.count,
                truncated=answer.truncated,
                form=answer.form,
                base_iri=settings.base_iri,
            )
            if answer.form == "select":  # the pictures (map, network) draw from the JSON
                context["results_json"] = results.solutions_document(answer.variables, answer.rows)
        except ParkldError as exc:
            status = exc.status
            context["error"] = exc.message
    body = render_template("sparql.html", **context)
    response = Response(body, status=status, content_type=mediatypes.HTML.content_type)
    if context.get("truncated"):
        response.headers["X-Parkld-Truncated"] = "true"
        response.headers["X-Parkld-Max-Rows"] = str(settings.max_rows)
    return response


# -- the route --------------------------------------------------------------------------
def _limiter() -> RateLimiter:
    return get_state().get_limiter()


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"], provide_automatic_options=False)
def endpoint() -> Response:
    """The SPARQL 1.1 Protocol endpoint."""
    if request.method == "OPTIONS":
        # What a preflight may ask for (web/http.py answers the CORS part from it).
        return Response(status=204, headers={"Allow": "GET, HEAD, POST, OPTIONS"})
    _limiter().hit(request.remote_addr or "unknown")
    op = read_operation()
    if op.kind == "update":
        return run_update(op)
    if wants_page():
        return page(op)
    if op.kind is None:
        return service_description()
    settings = get_settings()
    form = analysis.analyse(op.text).form
    if form == "update":
        raise BadRequest("this is a SPARQL Update; send it as 'update' (POST), not 'query'")
    result_formats, graph_formats = negotiate(form)
    return query_response(run_query(op, result_formats, graph_formats), settings.max_rows)


@bp.after_request
def protocol_headers(response: Response) -> Response:
    """``Vary: Accept`` on every answer (CORS is web/http.py's, for every route)."""
    response.vary.add("Accept")
    return response
