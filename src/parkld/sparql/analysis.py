"""Deciding about a query or update before it runs: form, dataset clauses, SERVICE and LOAD.

The decisions are taken on the tokens of the **canonical text** (:mod:`parkld.sparql.lexer`),
and the canonical text is what the engine then evaluates, so what is checked is what runs:

* a ``SERVICE`` must be followed (after an optional ``SILENT``) by an absolute IRI — a
  prefixed name counts after expansion — that is on the allow-list; a variable, a relative IRI
  or anything else is refused (403);
* allow-list entries match exactly, comparing scheme and host case-insensitively only: a
  numeric spelling of a host (``127.1``, ``0x7f000001``), userinfo (``https://allowed@evil/``),
  another port, dot segments or percent-escapes in the host never match;
* ``LOAD`` in an update is always refused (it fetches a URL);
* the form is the first keyword after the prologue.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from parkld.errors import Forbidden
from parkld.sparql import lexer

QUERY_FORMS = ("select", "ask", "construct", "describe")
UPDATE_KEYWORDS = (
    "insert",
    "delete",
    "load",
    "clear",
    "create",
    "drop",
    "copy",
    "move",
    "add",
    "with",
)


@dataclass(frozen=True)
class Analysis:
    """What the checks need to know about one query or update, and the text to evaluate."""

    form: str | None  # "select" | "ask" | "construct" | "describe" | "update" | None
    prefixes: dict[str, str] = field(default_factory=dict)
    base: str | None = None
    services: tuple[str, ...] = ()  # SERVICE IRIs, as the canonical text names them
    unresolved_service: str | None = None  # text of a SERVICE target that is no absolute IRI
    has_dataset_clause: bool = False  # FROM / FROM NAMED present
    from_graphs: tuple[str, ...] = ()  # FROM <g> IRIs, in order
    from_named_graphs: tuple[str, ...] = ()  # FROM NAMED <g> IRIs, in order
    has_load: bool = False
    canonical: str = ""  # the text the engine evaluates


#: Longest text whose analysis is remembered: 512 entries of at most this stay small, where
#: remembering any text would let a client pin hundreds of megabytes of distinct bodies.
MEMO_MAX_CHARS = 4096


def analyse(text: str, base_iri: str | None = None) -> Analysis:
    """Canonicalise *text* and report its form, prologue, SERVICE targets and dataset clauses.

    Raises BadRequest (400) for text that does not tokenize, PayloadTooLarge (413) / BadRequest
    beyond the cheap bounds. Memoised for short texts; callers must not change ``prefixes``.
    """
    if len(text) <= MEMO_MAX_CHARS:
        return _analyse_memo(text, base_iri)
    return _analyse(text, base_iri)


@lru_cache(maxsize=512)
def _analyse_memo(text: str, base_iri: str | None) -> Analysis:
    return _analyse(text, base_iri)


def _analyse(text: str, base_iri: str | None) -> Analysis:
    canon = lexer.canonical(text, base_iri)
    toks = canon.tokens
    form: str | None = None
    services: list[str] = []
    unresolved: str | None = None
    has_from = has_load = False
    from_graphs: list[str] = []
    from_named: list[str] = []
    start = _after_prologue(toks)
    if start < len(toks) and toks[start].kind == "word":
        first = toks[start].value
        form = first if first in QUERY_FORMS else "update" if first in UPDATE_KEYWORDS else None
    for i, tok in enumerate(toks):
        if tok.kind != "word":
            continue
        if tok.value == "from":
            has_from = True
            named = i + 1 < len(toks) and toks[i + 1].is_word("named")
            j = i + 2 if named else i + 1
            if j < len(toks) and toks[j].kind == "iri":
                (from_named if named else from_graphs).append(toks[j].value)
        elif tok.value == "load":
            has_load = True
        elif tok.value == "service":
            j = i + 1
            if j < len(toks) and toks[j].is_word("silent"):
                j += 1
            target = toks[j] if j < len(toks) else None
            if target is not None and target.kind == "iri" and lexer.is_absolute(target.value):
                services.append(target.value)
            else:
                unresolved = unresolved or (target.text if target else "(nothing)")
    return Analysis(
        form,
        dict(canon.prefixes),
        canon.base,
        tuple(services),
        unresolved,
        has_from,
        tuple(from_graphs),
        tuple(from_named),
        has_load,
        canon.text,
    )


def _after_prologue(toks: tuple[lexer.Token, ...]) -> int:
    """Index of the first token after the ``BASE``/``PREFIX``/``VERSION`` declarations."""
    i = 0
    while i < len(toks):
        if toks[i].is_word("base") and i + 1 < len(toks):
            i += 2
        elif toks[i].is_word("prefix") and i + 2 < len(toks):
            i += 3
        elif toks[i].is_word("version") and i + 1 < len(toks):
            i += 2
        else:
            break
    return i


def comparable(iri: str) -> str | None:
    """*iri* with scheme and host in lower case, or None when it has userinfo, a
    percent-escaped host or no authority (such an IRI matches no allow-list entry)."""
    try:
        parts = urlsplit(iri)
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc or "@" in parts.netloc or "%" in parts.netloc:
        return None
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{iri.split(parts.netloc, 1)[1]}"


def is_allowed(iri: str, allowlist: Iterable[str]) -> bool:
    """Whether the SERVICE *iri* is exactly one of *allowlist* (scheme/host case aside)."""
    mine = comparable(iri)
    if mine is None or any(seg in ("..", ".") for seg in urlsplit(iri).path.split("/")):
        return False
    return any(mine == comparable(entry) for entry in allowlist)


def check_services(analysis: Analysis, allowlist: Iterable[str]) -> None:
    """Refuse (403) any SERVICE call outside *allowlist*; nothing has touched the network yet."""
    allowed = tuple(allowlist)
    if analysis.unresolved_service is not None:
        raise Forbidden(
            f"SERVICE {analysis.unresolved_service} is refused: a federated query must name "
            "an allow-listed endpoint by its absolute IRI (PARKLD_SERVICE_ALLOWLIST), "
            "not a variable or a relative IRI"
        )
    for iri in analysis.services:
        if not is_allowed(iri, allowed):
            listed = ", ".join(sorted(allowed)) or "none"
            raise Forbidden(
                f"SERVICE <{iri}> is not allowed; allowed endpoints: {listed} "
                "(PARKLD_SERVICE_ALLOWLIST)"
            )


def check_query(text: str, allowlist: Iterable[str], base_iri: str | None = None) -> Analysis:
    """Analyse a query and refuse forbidden federation; return the analysis for later use."""
    analysis = analyse(text, base_iri)
    check_services(analysis, allowlist)
    return analysis


def check_update(text: str, allowlist: Iterable[str], base_iri: str | None = None) -> Analysis:
    """Analyse an update: LOAD is never allowed (it fetches URLs); SERVICE as for queries."""
    analysis = analyse(text, base_iri)
    if analysis.has_load:
        raise Forbidden("LOAD is not allowed on this endpoint: it would fetch remote data")
    check_services(analysis, allowlist)
    return analysis
