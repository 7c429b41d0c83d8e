"""Pictures on the web: the map, network and timeline pages, their JSON, the network downloads.

Every route takes ``?asOf=YYYY-MM-DD`` (a bad one is a 400). Pictures are drawn in the browser
by the modules in ``static/viz/`` from the JSON routes here; the partial templates
``viz/_map.html``, ``viz/_network.html`` and ``viz/_timeline.html`` let any page show them,
optionally about one resource (``viz_focus``: a park, alliance or agreement IRI).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, jsonify, render_template, request, url_for

from parkld.errors import BadRequest
from parkld.mediatypes import SPARQL_CSV
from parkld.viz import downloads, facts, geo, network, timeline
from parkld.viz.facts import Evidence, Park, StatusRecord
from parkld.web.asof import as_of_arg
from parkld.web.state import get_settings, get_store

bp = Blueprint("viz", __name__)


# -- request parameters ------------------------------------------------------------------------
def focus_arg() -> str | None:
    """The request's ``focus`` IRI (the resource a picture is about), or None."""
    text = request.args.get("focus", "").strip()
    if not text:
        return None
    try:
        return ox.NamedNode(text).value
    except ValueError as exc:
        raise BadRequest(f"focus must be an absolute IRI, got {text!r}") from exc


def href(iri: str) -> str:
    """The local link for an IRI under the base (``/park/x``), so pages stay on this host."""
    base = get_settings().base_iri
    return "/" + iri[len(base) :] if iri.startswith(base) else iri


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _park(p: Park) -> dict[str, Any]:
    return {
        "iri": p.iri,
        "href": href(p.iri),
        "label": p.label,
        "kind": p.kind,
        "kindLabel": p.kind_label,
        "country": p.country,
        "countryLabel": p.country_label,
        "lat": p.lat,
        "long": p.long,
    }


def _status(s: StatusRecord) -> dict[str, Any]:
    return {
        "about": s.about,
        "aboutLabel": s.about_label,
        "status": s.status,
        "statusLabel": s.status_label,
        "since": _day(s.on or s.start),
        "precision": s.precision,
    }


# -- JSON for the pictures ---------------------------------------------------------------------
@bp.get("/viz/map.json")
def map_json() -> Response:
    """Parks with coordinates (all, or those tied to ``focus``) as of ``asOf``."""
    return _map(focus_arg())


def _map(focus: str | None) -> Response:
    points = geo.points(get_store(), as_of_arg(), focus)
    return jsonify(
        asOf=_day(points.as_of),
        parks=[_park(p) for p in points.parks],
        withoutCoordinates=len(points.without_coordinates),
    )


def _evidence(e: Evidence) -> dict[str, Any]:
    return {
        "quote": e.quote,
        "language": e.language,
        "url": e.url,
        "retrieved": _day(e.retrieved),
        "note": e.note,
    }


def _network_dict(
    net: network.Network, evidence: dict[str, list[Evidence]] | None = None
) -> dict[str, Any]:
    shown = {e.via for e in net.edges if e.type != network.ALLIANCE}
    shown |= {m.iri for m in net.memberships}
    passages = evidence or {}
    return {
        "asOf": _day(net.as_of),
        "nodes": [_park(p) for p in net.nodes],
        "edges": [
            {
                "id": e.id,
                "source": e.source,
                "target": e.target,
                "type": e.type,
                "via": e.via,
                "viaHref": href(e.via),
                "viaLabel": e.via_label,
                "kindLabel": e.kind_label,
                "start": _day(e.start),
                "end": _day(e.end),
                "precision": e.precision,
            }
            for e in net.edges
        ],
        # What the picture draws for the alliance edges: each alliance as a hub, linked to
        # its members (a clique of 20 members would be 190 crossing lines).
        "memberships": [
            {
                "id": f"m{i}",
                "iri": m.iri,
                "member": m.member,
                "alliance": m.alliance,
                "allianceHref": href(m.alliance),
                "allianceLabel": m.alliance_label,
                "roles": m.roles,
                "start": _day(m.on or m.start),
                "end": _day(m.end),
                "precision": m.precision,
            }
            for i, m in enumerate(net.memberships)
        ],
        # Passages supporting the agreements and memberships shown, by claim IRI.
        "evidence": {
            claim: [_evidence(p) for p in found]
            for claim, found in sorted(passages.items())
            if claim in shown
        },
    }


@bp.get("/viz/network.json")
def network_json() -> Response:
    """The linked parks (or ``focus``'s neighbourhood) and their edges as of ``asOf``."""
    return _network(focus_arg())


def _network(focus: str | None) -> Response:
    net = network.build(get_store(), as_of_arg())
    net = net.neighbourhood(focus) if focus else net.connected()
    return jsonify(_network_dict(net, facts.evidence(get_store())))


@bp.get("/viz/timeline.json")
def timeline_json() -> Response:
    """Dated items up to ``asOf`` (of ``focus`` alone when given) and the latest statuses."""
    return _timeline(focus_arg())


def _timeline(focus: str | None) -> Response:
    line = timeline.build(get_store(), as_of_arg(), focus)
    return jsonify(
        asOf=_day(line.as_of),
        undated=line.undated,
        status=[_status(s) for s in line.status.values()],
        items=[
            {
                "iri": i.iri,
                "href": href(i.iri),
                "type": i.type,
                "label": i.label,
                "date": _day(i.date),
                "end": _day(i.end),
                "precision": i.precision,
            }
            for i in line.items
        ],
    )


PICTURES = {"map": _map, "network": _network, "timeline": _timeline}


@bp.get("/viz/<any(map, network, timeline):picture>/<path:local>.json")
def focus_json(picture: str, local: str) -> Response:
    """A picture's JSON about one resource under the base IRI, named by its path.

    The same answer as ``/viz/<picture>.json?focus=<base><local>``, at an address without a
    query string, so that a static copy of the site (``parkld export-site``) can hold it.
    """
    return PICTURES[picture](get_settings().base_iri + local)


@bp.app_template_global()
def viz_src(picture: str, focus: str = "") -> str:
    """Where a picture's JSON is fetched from: the path form for a resource under the base."""
    base = get_settings().base_iri
    if focus.startswith(base) and len(focus) > len(base):
        return url_for("viz.focus_json", picture=picture, local=focus[len(base) :])
    return url_for(f"viz.{picture}_json")


# -- downloads ---------------------------------------------------------------------------------
def _download(body: bytes | str, media_type: str, stem: str, extension: str) -> Response:
    as_of = as_of_arg()
    name = f"{stem}-{as_of.isoformat()}.{extension}" if as_of else f"{stem}.{extension}"
    response = Response(body, content_type=media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/network.graphml")
def network_graphml() -> Response:
    """Every park and every edge holding on ``asOf`` (all edges without it), as GraphML."""
    net = network.build(get_store(), as_of_arg())
    return _download(
        downloads.graphml(net),
        f"{downloads.GRAPHML_MEDIA_TYPE}; charset=utf-8",
        "parkld-network",
        "graphml",
    )


@bp.get("/network-nodes.csv")
def network_nodes_csv() -> Response:
    """The network's node list (every park) as CSV."""
    net = network.build(get_store(), as_of_arg())
    return _download(
        downloads.nodes_csv(net), SPARQL_CSV.content_type, "parkld-network-nodes", "csv"
    )


@bp.get("/network-edges.csv")
def network_edges_csv() -> Response:
    """The network's edge list as of ``asOf`` as CSV."""
    net = network.build(get_store(), as_of_arg())
    return _download(
        downloads.edges_csv(net), SPARQL_CSV.content_type, "parkld-network-edges", "csv"
    )


# -- pages -------------------------------------------------------------------------------------
def _page(template: str) -> str:
    as_of = as_of_arg()  # checked here too, so a bad date is a 400 page, not a broken picture
    return render_template(template, as_of=_day(as_of))


@bp.get("/map")
def map_page() -> str:
    """Every park with coordinates on a world map, with filters."""
    return _page("viz/map.html")


@bp.get("/network")
def network_page() -> str:
    """The cooperation network and its downloads."""
    return _page("viz/network.html")


@bp.get("/timeline")
def timeline_page() -> str:
    """Agreements, memberships, status changes and events over time."""
    return _page("viz/timeline.html")
