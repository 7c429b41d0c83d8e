"""The dataset around the resources: landing page, label search, VoID/DCAT, dumps, the JSON-LD
context and the sitemap."""

from __future__ import annotations

import datetime as dt
import gzip

from flask import Blueprint, Response, jsonify, render_template, request

from parkld import mediatypes, negotiation, project_files, queries
from parkld.asof.day import as_of_query
from parkld.errors import BadRequest, NotFound
from parkld.linked import dumps as dumps_mod
from parkld.linked import rdf
from parkld.linked.index import class_counts
from parkld.linked.schemaorg import dataset_document, script_json
from parkld.linked.search import MAX_QUERY_CHARS, MAX_RESULTS, search
from parkld.linked.sitemap import sitemap_xml
from parkld.linked.void import DUMPS, Dump, dataset_iri, licence, void_triples
from parkld.mediatypes import Format
from parkld.web.asof import as_of_arg, held
from parkld.web.negotiate import (
    Rendered,
    cached,
    choose,
    current_context,
    current_index,
    last_modified,
    rendered,
    respond,
)
from parkld.web.safety import public_base
from parkld.web.state import get_kinds, get_settings, get_store

bp = Blueprint("site", __name__)

#: The VoID description's formats (the shipped table's: the mirror writes a fixed set).
VOID_FORMATS = tuple(
    f
    for f in mediatypes.TABLE.negotiable
    if f.kind is mediatypes.Kind.GRAPH or f is mediatypes.HTML or f.media_type.endswith("json")
)
LANDING_FORMATS = (mediatypes.HTML, *(f for f in VOID_FORMATS if f is not mediatypes.HTML))


@bp.route("/", methods=["GET", "HEAD"])
def landing() -> Response:
    """Dataset statistics, example queries and the search box; RDF clients get the VoID.

    ``<base>`` is the dataset's ``void:rootResource``, so asking it for Turtle describes the
    dataset.
    """
    fmt = choose(LANDING_FORMATS)
    if fmt is not mediatypes.HTML:
        return void_document(fmt)
    day = as_of_arg()  # before the cache: a bad asOf is a 400 even when a page is cached
    result = cached(("landing", day), lambda: _render_landing(day))
    response = respond(
        result, path="/index", formats=(mediatypes.HTML,), chosen=mediatypes.HTML, negotiated=False
    )
    response.headers["Link"] = ", ".join(
        f'</.well-known/void.{f.extension}>; rel="alternate"; type="{f.media_type}"'
        for f in LANDING_FORMATS
        if f is not mediatypes.HTML and not f.profile
    )
    return response


def _render_landing(day: dt.date | None) -> Rendered:
    """The landing page; as of *day*, the park and alliance lists keep what existed then
    (parks not founded later; alliances with a membership or status by then), while the
    statistics stay those of the whole dataset."""
    store = get_store()
    index = current_index()
    as_of = held(day) if day is not None else None
    pld = index.base + "ontology#"
    per_class = class_counts(store)
    counts = {name: per_class.get(pld + name, 0) for name in get_kinds().counted_classes()}
    parks = sorted((iri for iri, ts in index.types.items() if pld + "Park" in ts), key=index.label)
    alliances = sorted(
        (iri for iri, ts in index.types.items() if pld + "Alliance" in ts), key=index.label
    )
    status: dict[str, str] = {}
    if as_of is not None:
        parks = [p for p in parks if not as_of.hides(p)]
        alliances = [a for a in alliances if a in as_of.alliances]
        status = {a: as_of.status[a].status for a in alliances if a in as_of.status}
    html = render_template(
        "index.html",
        as_of=day,
        as_of_query=as_of_query(day),
        status=status,
        triples=store.triple_count(),
        graphs=len(index.graph_sources),
        entities=len(index.entities()),
        counts=counts,
        parks=parks,
        alliances=alliances,
        examples=[(e.title, e.text) for e in queries.examples(project_files.examples_dir())],
        label=index.label,
        base=index.base,
        schema_json=script_json(
            dataset_document(
                index.base,
                licence(store, index.base),
                [(f"{index.base}dumps/{d.name}", d.media_type) for d in DUMPS],
            )
        ),
    )
    return rendered(html, mediatypes.HTML.content_type)


@bp.route("/search", methods=["GET"])
def search_page() -> Response:
    """Label search: HTML for people, JSON for programs (``Accept`` or ``?format=json``)."""
    text = request.args.get("q", "")[:MAX_QUERY_CHARS]
    index = current_index()
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        raise BadRequest("page must be a positive integer") from None
    found = search(index, text, offset=(page - 1) * MAX_RESULTS)
    hits = found.hits
    wants_json = (
        request.args.get("format") == "json"
        or negotiation.choose(request.headers.get("Accept", ""), (mediatypes.HTML, mediatypes.JSON))
        is mediatypes.JSON
    )
    if wants_json:
        response = jsonify(
            [
                {
                    "iri": h.iri,
                    "label": h.label,
                    "matched": h.matched.text,
                    "lang": h.matched.lang,
                    "types": list(h.types),
                }
                for h in hits
            ]
        )
        # The list stays the body (clients read it as is); the true total and paging travel
        # in headers.
        response.headers["X-Total-Count"] = str(found.total)
    else:
        response = Response(
            render_template(
                "search.html",
                q=text,
                hits=hits,
                total=found.total,
                page=page,
                pages=-(-found.total // MAX_RESULTS),
                label=index.label,
                base=index.base,
            ),
            content_type=mediatypes.HTML.content_type,
        )
    response.vary.add("Accept")
    return response


@bp.route("/.well-known/void", methods=["GET", "HEAD"])
@bp.route("/.well-known/void.<ext>", methods=["GET", "HEAD"])
def well_known_void(ext: str | None = None) -> Response:
    """The VoID/DCAT description, negotiated; ``/dataset`` answers the same."""
    fmt = None
    if ext is not None:
        fmt = mediatypes.by_extension(ext)
        if fmt not in VOID_FORMATS:
            raise NotFound(f"no VoID document as .{ext}")
    return void_document(fmt, path="/.well-known/void")


def void_document(explicit: Format | None, path: str = "/dataset") -> Response:
    """The VoID description in the chosen format."""
    fmt = choose(VOID_FORMATS, explicit)

    endpoint = endpoint_url()

    def make() -> Rendered:
        store = get_store()
        index = current_index()
        sizes = {d.name: len(dump_rendered(d).body) for d in DUMPS}
        modified = last_modified(dump_rendered(DUMPS[0]).etag).date()
        triples = void_triples(store, index, endpoint=endpoint, sizes=sizes, modified=modified)
        if fmt is mediatypes.HTML:
            html = render_template(
                "void.html",
                triples=triples,
                label=index.label,
                short=index.short,
                base=index.base,
                dataset=dataset_iri(index.base),
                dumps=DUMPS,
                formats=[f for f in VOID_FORMATS if f is not fmt and not f.profile],
            )
            return rendered(html, fmt.content_type)
        import pyoxigraph as ox

        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
        return rendered(
            rdf.serialise(
                quads, fmt, index.base, context=current_context(), top=dataset_iri(index.base)
            ),
            fmt.content_type,
        )

    result = cached(("void", fmt.name, endpoint), make)
    return respond(result, path=path, formats=VOID_FORMATS, chosen=fmt, negotiated=explicit is None)


@bp.route("/dumps/<name>", methods=["GET", "HEAD"])
def dump(name: str) -> Response:
    """A whole-dataset dump, rendered once per store generation.

    Downloads resume: ``Range``/``If-Range`` give 206, ``Last-Modified`` and the ETag make it
    conditional. A client that accepts gzip gets the dump compressed once per generation
    (``Content-Encoding: gzip``, its own ETag), not compressed again for every request; ranges
    then index the gzip bytes, as HTTP says.
    """
    found = dumps_mod.dump_by_name(name)
    if found is None:
        raise NotFound(f"no dump called {name}")
    result = dump_rendered(found)
    encoding = None
    if not found.gzip and _accepts_gzip():
        plain = result
        result = cached(
            ("dump.gz", name),
            lambda: rendered(gzip.compress(plain.body, mtime=0), plain.content_type),
        )
        encoding = "gzip"
    response = Response(result.body, content_type=result.content_type)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    response.headers["Cache-Control"] = "public, max-age=300"
    response.set_etag(result.etag)
    response.last_modified = last_modified(result.etag)
    response.make_conditional(request, accept_ranges=True, complete_length=len(result.body))
    return response


def dump_rendered(found: Dump) -> Rendered:
    """A dump's bytes, made once per store generation."""
    base = get_settings().base_iri
    media = "application/gzip" if found.gzip else found.format.content_type
    return cached(
        ("dump", found.name),
        lambda: rendered(
            dumps_mod.render_dump(dumps_mod.all_quads(get_store()), found, base, current_context()),
            media,
        ),
    )


def endpoint_url() -> str:
    """The SPARQL endpoint that VoID and the service description both name: the configured
    public base's (``PARKLD_PUBLIC_URL``, else the base IRI), never one taken from ``Host``."""
    return public_base() + "sparql"


def _accepts_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0  # werkzeug matches "*" too


@bp.route("/context.jsonld", methods=["GET", "HEAD"])
def context() -> Response:
    """The JSON-LD @context of the ontology (terms → IRIs)."""
    base = get_settings().base_iri
    result = cached(
        ("context",),
        lambda: rendered(
            dumps_mod.context_bytes(get_store(), base, current_context()), "application/ld+json"
        ),
    )
    response = respond(
        result,
        path="/context",
        formats=(mediatypes.JSONLD,),
        chosen=mediatypes.JSONLD,
        negotiated=False,
    )
    response.headers.pop("Link", None)
    return response  # readable from any origin: web/http.py's PUBLIC_PATHS


@bp.route("/sitemap.xml", methods=["GET", "HEAD"])
def sitemap() -> Response:
    """Every page, with the site's configured URLs (never the request's Host); ``lastmod`` is
    when the data last changed."""
    site = public_base().rstrip("/")

    def make() -> Rendered:
        day = last_modified("sitemap").date()
        return rendered(sitemap_xml(current_index(), site, day), "application/xml; charset=utf-8")

    result = cached(("sitemap", site), make)
    response = respond(
        result, path="/sitemap", formats=(), chosen=mediatypes.HTML, negotiated=False
    )
    response.headers.pop("Link", None)
    return response


@bp.route("/robots.txt", methods=["GET", "HEAD"])
def robots() -> Response:
    """Crawlers are welcome everywhere; the sitemap lists every page."""
    body = f"User-agent: *\nAllow: /\n\nSitemap: {public_base()}sitemap.xml\n"
    response = Response(body, content_type="text/plain; charset=utf-8")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
