"""Content negotiation and cached, conditional responses for the linked-data routes.

Negotiation is :func:`parkld.negotiation.choose` over the formats a resource has, after two
overrides: a format extension in the path, then ``?format=``. Every answer carries
``Vary: Accept`` and a ``Link: <…>; rel="alternate"; type="…"`` for each other representation;
a negotiated one also says which document it is (``Content-Location``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
from collections.abc import Callable, Hashable, Sequence

from flask import Response, request

from parkld import mediatypes, negotiation
from parkld.errors import NotAcceptable
from parkld.linked.cache import generation
from parkld.linked.describe import Description
from parkld.linked.index import Index, build_index, index_for
from parkld.linked.jsonld import Context, context_from_store
from parkld.mediatypes import Format
from parkld.web.state import Rendered as Rendered  # the cached answer; routes import it here
from parkld.web.state import get_formats, get_settings, get_state, get_store


def rendered(body: bytes | str, content_type: str) -> Rendered:
    """Wrap a body with its strong ETag (a hash of the bytes)."""
    data = body.encode() if isinstance(body, str) else body
    return Rendered(data, content_type, hashlib.blake2b(data, digest_size=12).hexdigest())


def current_context() -> Context:
    """The JSON-LD context of the current store generation (what /context.jsonld serves)."""
    store = get_store()
    base = get_settings().base_iri
    return get_state().context.get_or_make(
        generation(store), base, lambda: context_from_store(store, base)
    )


def current_index() -> Index:
    """The label index of the current store generation (built on first use)."""
    store = get_store()
    base = get_settings().base_iri
    return get_state().index.get_or_make(generation(store), base, lambda: build_index(store, base))


def description_index(key: Hashable, desc: Description) -> Index:
    """Names, types and sources of what *desc* mentions (its key as in cached_description)."""
    store = get_store()
    base = get_settings().base_iri
    return get_state().page_indexes.get_or_make(
        generation(store),
        key,
        lambda: index_for(store, base, sorted(desc.mentioned()), [*desc.graphs(), desc.iri]),
    )


def last_modified(etag: str) -> dt.datetime:
    """When the data behind an answer last changed: the embedded store's build or write stamp
    (its generation token ends ``@<ns>``); for a remote store, when this process first made
    an answer with *etag* (the same bytes keep the same date across cache refreshes)."""
    found = re.search(r"@(\d+)$", generation(get_store()))
    if found and int(found.group(1)) > 0:
        return dt.datetime.fromtimestamp(int(found.group(1)) / 1e9, dt.UTC).replace(microsecond=0)
    seen = get_state().first_seen
    if len(seen) > 4096:
        seen.clear()
    return seen.setdefault(etag, dt.datetime.fromtimestamp(int(time.time()), dt.UTC))


def cached(key: Hashable, make: Callable[[], Rendered]) -> Rendered:
    """The rendered response for *key* in the current store generation."""
    return get_state().responses.get_or_make(
        generation(get_store()), (request.script_root, key), make
    )


def cached_description(key: Hashable, make: Callable[[], Description]) -> Description:
    """A resource's description, shared by all its representations in this generation."""
    return get_state().descriptions.get_or_make(generation(get_store()), key, make)


def choose(formats: Sequence[Format], explicit: Format | None = None) -> Format:
    """The format to answer with: *explicit* (an extension), ``?format=``, or the Accept header.

    Raise NotAcceptable (406) when none of *formats* fits.
    """
    if explicit is not None:
        return explicit
    named = request.args.get("format")
    if named is not None:
        fmt = get_formats().by_name(named)
        if fmt is None or fmt not in formats:
            offered = ", ".join(f.name for f in formats)
            raise NotAcceptable(f"that format is not available here; try one of {offered}")
        return fmt
    found = negotiation.choose(request.headers.get("Accept", ""), formats)
    if found is None:
        raise NotAcceptable(
            f"none of {', '.join(f.media_type for f in formats)} matches the Accept header"
        )
    return found


def location(path: str, fmt: Format, query: str = "") -> str:
    """Where one representation lives: ``path.<ext>``, or ``path?format=<name>`` for a profile
    variant (it shares its extension with the default) and for plain JSON (no file of its
    own)."""
    if fmt.profile or fmt is mediatypes.JSON:
        return f"{path}?format={fmt.name}" + ("&" + query[1:] if query else "")
    return f"{path}.{fmt.extension}{query}"


def _link_type(fmt: Format) -> str:
    """The ``type`` of a Link (and a ``profile`` target attribute for a variant)."""
    return f'{fmt.media_type}"; profile="{fmt.profile}' if fmt.profile else fmt.media_type


def respond(
    result: Rendered,
    *,
    path: str,
    formats: Sequence[Format],
    chosen: Format,
    negotiated: bool,
    query: str = "",
) -> Response:
    """A conditional response with Vary, Link alternates and (if negotiated) Content-Location.

    *path* is the document's path without extension (``/park/x``); each representation lives
    at ``path.<ext>``; *query* (``?in=…&page=…``) is kept on every link.
    """
    response = Response(result.body, content_type=result.content_type)
    response.vary.add("Accept")
    links = [
        f'<{location(path, f, query)}>; rel="alternate"; type="{_link_type(f)}"'
        for f in formats
        if f is not chosen
    ]
    response.headers["Link"] = ", ".join(links)
    if negotiated:
        response.headers["Content-Location"] = location(path, chosen, query)
    response.set_etag(result.etag)
    response.headers["Cache-Control"] = "public, max-age=300"
    response.make_conditional(request)  # turns a matching If-None-Match into a 304
    return response
