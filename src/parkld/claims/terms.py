"""IRIs, slugs, dates and literals for compiled claims: small pure helpers."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata

import pyoxigraph as ox

from parkld.namespaces import PLD, XSD
from parkld.project_files import DEFAULT_BASE

VOCAB = DEFAULT_BASE + "vocab/"

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
DECIMAL = re.compile(r"^-?\d{1,3}(?:\.\d+)?$")

#: Path prefixes a ``parties`` cell may use, and what each names.
PATH_PREFIXES = ("park", "organisation", "alliance")


def pld(name: str) -> ox.NamedNode:
    return ox.NamedNode(PLD + name)


def ns(base: str, name: str) -> ox.NamedNode:
    return ox.NamedNode(base + name)


def entity(path: str) -> ox.NamedNode:
    """The IRI of ``park/<slug>``-style *path* (under the default base; rebased later)."""
    return ox.NamedNode(DEFAULT_BASE + path)


def concept(scheme: str, slug: str) -> ox.NamedNode:
    return ox.NamedNode(f"{VOCAB}{scheme}/{slug}")


def slugify(text: str) -> str:
    """A slug from a name: ASCII-folded, lower case, runs of other characters as one hyphen."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower().replace("'", "")).strip("-")


def stable_slug(text: str, prefix: str = "x") -> str:
    """:func:`slugify`, or (for a name with no Latin letters) a digest of the name."""
    return slugify(text) or f"{prefix}-{hashlib.sha256(text.encode()).hexdigest()[:10]}"


def digest(*parts: str) -> str:
    """Ten hex digits identifying *parts*: stable across runs and machines."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:10]


def text(value: str, lang: str) -> ox.Literal:
    return ox.Literal(value, language=lang)


def typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def parse_date(value: str) -> tuple[str, dt.date] | None:
    """(precision, earliest day) of ``YYYY``/``YYYY-MM``/``YYYY-MM-DD``; None if malformed.

    Precision is the XSD datatype it is written in: ``gYear``, ``gYearMonth`` or ``date``.
    """
    m = DATE.match(value)
    if m is None:
        return None
    year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    try:
        first = dt.date(year, month, day)
    except ValueError:
        return None
    precision = "date" if m[3] else "gYearMonth" if m[2] else "gYear"
    return precision, first


def in_future(value: str, today: dt.date) -> bool:
    """Whether the whole period *value* names lies after *today* (a year counts from Jan 1)."""
    parsed = parse_date(value)
    return parsed is not None and parsed[1] > today


def date_literals(
    value: str, day: str, month: str, year: str
) -> list[tuple[ox.NamedNode, ox.Literal]]:
    """Properties for *value* by its precision: a day, or a month (plus its year), or a year."""
    parsed = parse_date(value)
    if parsed is None:
        return []
    precision = parsed[0]
    if precision == "date":
        return [(pld(day) if ":" not in day else ox.NamedNode(day), typed(value, "date"))]
    if precision == "gYearMonth":
        return [(pld(month), typed(value, "gYearMonth")), (pld(year), typed(value[:4], "gYear"))]
    return [(pld(year), typed(value, "gYear"))]
