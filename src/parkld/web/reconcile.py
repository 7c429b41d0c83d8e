"""The W3C Reconciliation Service API at ``/reconcile`` (OpenRefine's 0.2): the manifest,
query batches (``queries``), data extension (``extend``), suggest, preview and a docs page.

Only parameters and JSON here; the work is in :mod:`parkld.reconcile.service`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request

from parkld.errors import BadRequest, NotFound
from parkld.linked.cache import generation
from parkld.reconcile import service
from parkld.reconcile.service import Catalogue
from parkld.web.negotiate import current_index
from parkld.web.safety import public_base
from parkld.web.state import get_settings, get_state, get_store

bp = Blueprint("reconcile", __name__)


def current_catalogue() -> Catalogue:
    """The reconciliation catalogue of the current store generation."""
    store = get_store()
    return get_state().catalogue.get_or_make(
        generation(store), "catalogue", lambda: service.catalogue(store, current_index())
    )


def _service_url() -> str:
    # The configured public base, never the request's Host (docs/security.md).
    return public_base().rstrip("/")


def _json(body: Any) -> Response:
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/reconcile", methods=["GET", "POST"])
def reconcile() -> Response:
    """The manifest, or the answer to ``queries`` / ``extend`` (form or query string)."""
    base = get_settings().base_iri
    queries = request.values.get("queries")
    extend = request.values.get("extend")
    if queries is not None and extend is not None:
        raise BadRequest("send either queries or extend, not both")
    if queries is not None:
        batch = service.parse_batch(queries, base)
        return _json(service.reconcile(get_store(), current_catalogue(), batch))
    if extend is not None:
        ids, pids = service.parse_extend(extend, base)
        return _json(service.extend(get_store(), current_catalogue(), ids, pids))
    return _json(service.manifest(base, _service_url()))


def _types_arg() -> tuple[str, ...]:
    base = get_settings().base_iri
    return tuple(service.type_id(t, base) for t in request.args.getlist("type") if t)


def _limit_arg(default: int = 10) -> int:
    raw = request.args.get("limit", str(default))
    if not raw.isdigit() or not 1 <= int(raw) <= service.MAX_LIMIT:
        raise BadRequest(f"limit must be a whole number from 1 to {service.MAX_LIMIT}")
    return int(raw)


@bp.get("/reconcile/suggest/entity")
def suggest_entity() -> Response:
    """Entities for a ``prefix`` typed so far (optionally of ``type``)."""
    prefix = request.args.get("prefix", "")
    return _json(service.suggest_entities(current_catalogue(), prefix, _types_arg(), _limit_arg()))


@bp.get("/reconcile/suggest/type")
def suggest_type() -> Response:
    return _json(service.suggest_types(request.args.get("prefix", "")))


@bp.get("/reconcile/suggest/property")
def suggest_property() -> Response:
    return _json(service.suggest_properties(request.args.get("prefix", "")))


@bp.get("/reconcile/propose_properties")
def propose_properties() -> Response:
    """What data extension can add to entities of ``type``."""
    return _json(
        service.propose_properties(
            request.args.get("type", ""), get_settings().base_iri, _limit_arg()
        )
    )


@bp.get("/reconcile/preview")
def preview() -> Response:
    """A small HTML card for one entity (``id``), shown in OpenRefine's cells."""
    ident = request.args.get("id", "")
    card = service.preview(get_store(), current_catalogue(), ident) if ident else None
    if card is None:
        raise NotFound(f"no entity {ident!r} to preview")
    return Response(
        render_template("reconcile_preview.html", card=card, site=_service_url()),
        content_type="text/html; charset=utf-8",
    )


@bp.get("/reconcile/docs")
def docs() -> Response:
    """What the service offers, for people adding it to OpenRefine."""
    return Response(
        render_template(
            "reconcile_docs.html",
            url=_service_url() + "/reconcile",
            types=service.TYPES,
            properties=service.PROPERTIES,
        ),
        content_type="text/html; charset=utf-8",
    )
