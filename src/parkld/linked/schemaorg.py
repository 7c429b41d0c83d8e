"""The small schema.org JSON-LD document each HTML page embeds (for search engines).

Built by hand with :mod:`json` (pyoxigraph writes expanded JSON-LD only) and escaped so that
no label can close the ``<script>`` element it sits in.
"""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox

from parkld.kinds import KINDS, Kinds
from parkld.linked.describe import Description
from parkld.linked.index import Index
from parkld.namespaces import WGS84


def schema_document(
    desc: Description, index: Index, url: str, kinds: Kinds = KINDS
) -> dict[str, Any]:
    """``{"@context": "https://schema.org", "@id": …, "@type": …, "name": …}`` for *desc*.

    Its types are the schema.org types *kinds* gives the resource's ``pld:`` classes.
    """
    pld = index.base + "ontology#"
    to_schema = kinds.schema_types()
    types = sorted(
        {
            to_schema[t[len(pld) :]]
            for t in index.types.get(desc.iri, ())
            if t.startswith(pld) and t[len(pld) :] in to_schema
        }
    ) or ["Thing"]
    doc: dict[str, Any] = {
        "@context": "https://schema.org",
        "@id": desc.iri,
        "@type": types[0] if len(types) == 1 else types,
        "name": index.label(desc.iri),
        "url": url,
    }
    names = sorted({n.text for n in index.names.get(desc.iri, ()) if n.display} - {doc["name"]})
    if names:
        doc["alternateName"] = names
    same = [o.value for o in desc.values(pld + "wikidata") if isinstance(o, ox.NamedNode)]
    if same:
        doc["sameAs"] = same
    geo = _geo(desc)
    if geo and "Place" in types:
        doc["geo"] = geo
    if "Event" in types:
        for key, prop in (("startDate", "startDate"), ("endDate", "endDate")):
            days = sorted(o.value for o in desc.values(pld + prop) if isinstance(o, ox.Literal))
            if days:
                doc[key] = days[0]  # sources may disagree; the page shows every date
        places = [o.value for o in desc.values(pld + "place") if isinstance(o, ox.NamedNode)]
        if places:
            doc["location"] = [{"@type": "Place", "@id": p, "name": index.label(p)} for p in places]
            if len(places) == 1:
                doc["location"] = doc["location"][0]
    return doc


def _geo(desc: Description) -> dict[str, Any] | None:
    """schema.org ``GeoCoordinates`` from wgs84 ``lat``/``long`` (the first of each)."""
    lat = [o.value for o in desc.values(WGS84 + "lat") if isinstance(o, ox.Literal)]
    long = [o.value for o in desc.values(WGS84 + "long") if isinstance(o, ox.Literal)]
    if not lat or not long:
        return None
    try:
        return {"@type": "GeoCoordinates", "latitude": float(lat[0]), "longitude": float(long[0])}
    except ValueError:
        return None


def script_json(doc: dict[str, Any]) -> str:
    """JSON safe inside ``<script type="application/ld+json">``: ``<``, ``>``, ``&`` escaped."""
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def dataset_document(base: str, licence: str, dumps: list[tuple[str, str]]) -> dict[str, Any]:
    """The landing page's schema.org ``Dataset``: name, licence and download links."""
    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": base + "dataset",
        "name": "parkld: technology parks, alliances and agreements",
        "url": base,
        "license": licence,
        "isAccessibleForFree": True,
        "creator": {"@type": "Organization", "name": "parkld contributors"},
        "distribution": [
            {"@type": "DataDownload", "contentUrl": url, "encodingFormat": media}
            for url, media in dumps
        ],
    }
