"""The sitemap: every resource page of the dataset, for crawlers."""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape

from parkld.linked.index import Index

#: Pages that are not entities but belong in the sitemap.
FIXED_PATHS = ("/", "/ontology", "/.well-known/void")


def page_paths(index: Index) -> list[str]:
    """Root-relative paths of every page: fixed pages, then each entity (hash IRIs omitted)."""
    paths = list(FIXED_PATHS)
    for iri in index.entities():
        rest = iri[len(index.base) :]
        if "#" in rest or rest in ("ontology", "shapes"):
            continue  # ontology terms live on the ontology page
        paths.append("/" + rest)
    if index.base + "shapes" in index.types:
        paths.append("/shapes")
    return paths


def sitemap_xml(index: Index, site: str, lastmod: dt.date | None = None) -> bytes:
    """A sitemaps.org urlset with *site* (``https://host``, no trailing slash) before each path
    and, given *lastmod* (when the data last changed), that date on every URL."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    mod = f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod else ""
    lines += [f"  <url><loc>{escape(site + p)}</loc>{mod}</url>" for p in page_paths(index)]
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode()
