"""Dereferenceable IRIs: ``/<type>/<slug>``, the ontology, shapes and vocabularies.

The pipeline per request: parse the path (unknown shapes → 404) → negotiate (406) → look the
rendered answer up in the generation-keyed cache, else exists? → describe → (as of a day:
leave out what did not hold) → serialise or render HTML → answer with ETag/304, ``Vary:
Accept``, ``Link`` alternates and, when negotiated, ``Content-Location``. URI policy: 200 with
``Content-Location`` (no 303 round trip); see docs/linked-data.md.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, render_template, request

from parkld import mediatypes
from parkld.asof.day import as_of_query
from parkld.asof.held import Held
from parkld.errors import BadRequest, NotFound
from parkld.linked import rdf
from parkld.linked.describe import Description, describe
from parkld.linked.index import Index
from parkld.linked.iris import Target, parse_path
from parkld.linked.schemaorg import schema_document, script_json
from parkld.mediatypes import Format
from parkld.web.asof import as_of_arg, held
from parkld.web.negotiate import (
    Rendered,
    cached,
    cached_description,
    choose,
    current_context,
    description_index,
    rendered,
    respond,
)
from parkld.web.pages import PageView, document_sections
from parkld.web.state import get_formats, get_kinds, get_settings, get_store

bp = Blueprint("deref", __name__)


@bp.route("/<path:path>", methods=["GET", "HEAD"])
def resource(path: str) -> Response:
    """Any entity, ontology, shapes or vocabulary IRI, with or without a format extension."""
    formats = get_formats()
    target = parse_path(path, get_kinds(), formats)
    if target is None or target.kind == "dataset":
        # /dataset is served by the site blueprint's VoID route; everything else is unknown.
        if target is not None:
            from parkld.web.site import void_document

            return void_document(target.format)
        raise NotFound(f"/{path} is not a parkld resource")
    fmt = choose(formats.negotiable, target.format)
    page_property, page = _paging()
    day = as_of_arg()
    query = as_of_query(
        day, **{"in": page_property, "page": page if page_property is not None else None}
    )
    key = ("resource", target.path, fmt.name, page_property, page, day)
    result = cached(key, lambda: _render(target, fmt, page_property, page, query, day))
    return respond(
        result,
        path="/" + target.path,
        formats=formats.negotiable,
        chosen=fmt,
        negotiated=target.format is None,
        query=query,
    )


def _paging() -> tuple[str | None, int]:
    """``?in=<property IRI>&page=<n>``: one page of one property's incoming links."""
    prop = request.args.get("in")
    raw = request.args.get("page", "1")
    if not raw.isdigit() or len(raw) > 6:
        raise BadRequest("page must be a positive whole number")
    if prop is not None and not prop.startswith(("http://", "https://")):
        raise BadRequest("in must be a property IRI")
    return prop, int(raw)


def _render(
    target: Target, fmt: Format, prop: str | None, page: int, query: str, day: dt.date | None
) -> Rendered:
    settings = get_settings()
    base = settings.base_iri
    iri = target.iri(base)
    kind = target.kind
    if kind == "ontology" or kind == "shapes":
        iri = base + kind  # the version IRI (ontology/0.1.0) names the same document
    key = ("desc", iri, kind, prop, page)
    if kind == "validation":
        # The build's per-resource SHACL reports, kept beside the embedded store.
        from parkld import resource_reports
        from parkld.snapshot import current_path

        desc = resource_reports.describe(current_path(settings.store_dir), iri)
    else:
        desc = cached_description(
            key,
            lambda: describe(
                get_store(), iri, kind, base=base, page_property=prop, page=page, kinds=get_kinds()
            ),
        )
    index = description_index(key, desc)
    # As of a day, HTML and RDF alike leave out what did not hold then (one description
    # for both, so a researcher's download matches the page); documents are not dated.
    as_of = held(day) if day is not None and not desc.document else None
    if as_of is not None:
        desc = as_of.filter(desc)
    if fmt is mediatypes.HTML:
        return rendered(render_page(desc, index, "/" + target.path, query, as_of), fmt.content_type)
    quads = rdf.description_quads(desc, index)
    doc = f"{base}{target.path}.{fmt.extension}{query}"
    extra = (
        rdf.document_triples(desc, index, doc, f"{base}{target.path}.trig{query}")
        if not desc.document
        else []
    )
    context = current_context() if fmt.media_type.endswith("json") else None
    return rendered(
        rdf.serialise(quads, fmt, base, extra, context=context, top=iri), fmt.content_type
    )


def render_page(
    desc: Description, index: Index, path: str, query: str = "", as_of: Held | None = None
) -> str:
    """The HTML page of a description, in the template its kind's registry row names.

    *as_of*: the description was cut to that day; links then keep ``?asOf=`` and the page
    says what the day changes.
    """
    kinds = get_kinds()
    view = PageView(desc, index, as_of, kinds)
    url = index.base + path.lstrip("/")
    return render_template(
        view.kind.template,
        view=view,
        desc=desc,
        kind_name=view.kind.title,
        path=path,
        query=query,
        formats=[f for f in get_formats().resources if f is not mediatypes.HTML],
        schema_json=script_json(schema_document(desc, index, url, kinds)),
        document_sections=document_sections,
        as_of=as_of.day if as_of else None,
    )
