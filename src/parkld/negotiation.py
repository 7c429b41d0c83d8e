"""The one negotiation function: which of the offered formats an Accept header prefers.

Every route negotiates here (linked data, the SPARQL endpoint, pages, error bodies), over
formats of the one media-type table (:mod:`parkld.mediatypes`), and the response memo keys on
:func:`variant_key`, computed from the same parse, so a memo key never disagrees with what a
route chose. No Flask here: the routes pass the header's text.

The rules (RFC 9110 §12.5.1, as werkzeug's ``best_match`` applies them):

- The header is read leniently, as Apache does: ``q=.5`` reads as ``q=0.5`` (a strict parser
  drops such an entry, so a client's first choice was ignored). Media-type parameters other
  than ``q`` (``profile``, ``charset``) do not stop a match.
- A format's quality is that of the header's most specific entry matching any of its media
  types (its own or an alias): ``text/turtle;q=0.5, */*`` gives Turtle 0.5, not 1 (not even
  through its alias ``application/x-turtle``, which only ``*/*`` matches).
- Higher quality first; at equal quality the more specific entry; then the server's order.
  Quality 0 means "not acceptable".
- No header (or nothing parseable) accepts every offered format, in the server's order.
- Once a JSON-LD type is chosen, a ``profile`` parameter on it picks a profile variant among
  the offered formats (expanded/flattened/compacted).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from parkld import mediatypes
from parkld.mediatypes import Format
from parkld.namespaces import JSONLD

__all__ = ["Entry", "choose", "names_html", "parse", "ranked", "variant_key"]

#: One Accept entry: bare media type (lower case, no parameters), quality, profile IRIs.
Entry = tuple[str, float, tuple[str, ...]]

_BARE_Q = re.compile(r"(;\s*q\s*=\s*)\.(\d)")
_QVALUE = re.compile(r"\d+(\.\d+)?")
#: Every media type of the shipped table (the memo key covers exactly these, or an app's own).
_KNOWN = mediatypes.TABLE.media_types
_HTML_TYPES = (mediatypes.HTML.media_type, *mediatypes.HTML.aliases)


@lru_cache(maxsize=512)
def parse(header: str) -> tuple[Entry, ...]:
    """The header's entries (unparseable ones left out); memoised, as clients send few
    distinct headers and parsing one costs more than the rest of a cached answer."""
    entries: list[Entry] = []
    for item in _BARE_Q.sub(r"\g<1>0.\2", header).split(","):
        value, *params = item.split(";")
        bare = value.strip().lower()
        kind, slash, sub = bare.partition("/")
        if not slash or not kind or not sub or (kind == "*" and sub != "*"):
            continue
        q: float | None = 1.0
        profiles: tuple[str, ...] = ()
        for param in params:
            name, _, raw = param.partition("=")
            name = name.strip().lower()
            if name == "q":
                # A number from 0 to 1; an entry with any other q is ignored (as werkzeug).
                text = raw.strip()
                q = float(text) if _QVALUE.fullmatch(text) and float(text) <= 1 else None
            elif name == "profile":
                profiles = tuple(raw.strip().strip('"').split())
        if q is not None:
            entries.append((bare, q, profiles))
    return tuple(entries)


def _match(entries: tuple[Entry, ...], media_type: str) -> tuple[float, tuple[bool, bool]] | None:
    """(quality, specificity) of the most specific entry matching *media_type* (the highest
    quality among equally specific ones), or None when none matches."""
    kind, _, sub = media_type.partition("/")
    best: tuple[tuple[bool, bool], float] | None = None
    for value, q, _ in entries:
        vkind, _, vsub = value.partition("/")
        if value == "*/*" or (vkind == kind and vsub in ("*", sub)):
            found = ((vkind != "*", vsub != "*"), q)
            if best is None or found > best:
                best = found
    return None if best is None else (best[1], best[0])


def _score(entries: tuple[Entry, ...], fmt: Format) -> tuple[float, tuple[bool, bool]] | None:
    # The most specific match over the format's types: an alias reached only through */*
    # does not lift "text/turtle;q=0.5" back to 1.
    matches = [m for mt in (fmt.media_type, *fmt.aliases) if (m := _match(entries, mt))]
    return max(matches, key=lambda m: (m[1], m[0])) if matches else None


def ranked(header: str, offered: Sequence[Format]) -> tuple[Format, ...]:
    """The offered formats the header accepts, best first (profile variants left out: they
    are picked by :func:`choose` once their media type is)."""
    return _ranked(header, tuple(offered))


@lru_cache(maxsize=512)
def _ranked(header: str, offered: tuple[Format, ...]) -> tuple[Format, ...]:
    plain = [f for f in offered if not f.profile]
    entries = parse(header)
    if not entries:
        return tuple(plain)
    scored = [
        (score[0], score[1], -i, f)
        for i, f in enumerate(plain)
        if (score := _score(entries, f)) is not None and score[0] > 0
    ]
    scored.sort(key=lambda s: (s[0], s[1], s[2]), reverse=True)
    return tuple(f for *_, f in scored)


def choose(header: str, offered: Sequence[Format]) -> Format | None:
    """The format to answer with (None: nothing offered is acceptable), a profile variant
    when the header asks for one of the chosen media type."""
    return _choose(header, tuple(offered))


@lru_cache(maxsize=512)
def _choose(header: str, offered: tuple[Format, ...]) -> Format | None:
    entries = parse(header)
    if not entries:
        return offered[0] if offered else None  # no Accept header: same as */*
    best = _ranked(header, offered)
    if not best:
        return None
    chosen = best[0]
    variants = {f.profile: f for f in mediatypes.variants(chosen, offered)}
    if variants:
        for value, q, profiles in sorted(entries, key=lambda e: -e[1]):
            if q > 0 and value == chosen.media_type:
                for profile in profiles:
                    if profile in variants:
                        return variants[profile]
                    if profile == JSONLD + "compacted":
                        return chosen
    return chosen


def names_html(header: str) -> bool:
    """Whether the header names HTML itself (not only through ``*/*`` or ``text/*``): how
    the SPARQL endpoint tells a browser from a client that accepts anything."""
    return any(value in _HTML_TYPES for value, _, _ in parse(header))


@lru_cache(maxsize=256)
def variant_key(header: str, media_types: tuple[str, ...] = _KNOWN) -> tuple[object, ...]:
    """Everything :func:`choose`, :func:`ranked` and :func:`names_html` read from *header*,
    for any formats of a table (*media_types*: all of the table's, aliases included): each
    media type's (quality, specificity), whether HTML is named, and the profiles asked for
    (with their qualities). Two headers with one key get one answer from every route, so the
    response memo keys on it."""
    entries = parse(header)
    if not entries:
        return ("none",)
    qualities = tuple(_match(entries, mt) for mt in media_types)
    profiles = tuple((v, q, p) for v, q, p in entries if p)  # in order: ties keep it
    return (qualities, names_html(header), profiles)
