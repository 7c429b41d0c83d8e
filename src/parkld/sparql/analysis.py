"""Looking at SPARQL text before it runs: form, prefixes, dataset clauses, SERVICE and LOAD.

The engine (Oxigraph) would happily call any ``SERVICE`` IRI, so the allow-list must be
enforced *before* evaluation. We do it with a small tokenizer rather than a full parser: it
only has to tell code from strings, comments and IRIs, which SPARQL's lexical grammar makes
unambiguous. It errs on the side of refusing:

* ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes are decoded everywhere first (SPARQL allows them in
  more places than Oxigraph does, so decoding can only reveal *more* keywords, never hide one);
* every bare word ``SERVICE`` counts as the keyword, whatever surrounds it;
* a ``SERVICE`` whose target is a variable, an unknown prefix or anything unexpected is
  refused, as is any ``LOAD`` in an update.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin

from parkld.errors import Forbidden

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

# One alternative per token kind; order matters (long strings before short ones).
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''
              |\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'
              |"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\U000EFFFF]+)
  | (?P<pname>(?:[A-Za-z\u00C0-\U000EFFFF][\w.\-\u00B7\u00C0-\U000EFFFF]*)?:
               (?:[\w:%\-\u00B7\u00C0-\U000EFFFF]|\\[_~.\-!$&'()*+,;=/?\#@%]
                 |\.(?=[\w:%\-\u00C0-\U000EFFFF]))*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

QUERY_FORMS = ("select", "ask", "construct", "describe")
UPDATE_KEYWORDS = ("insert", "delete", "load", "clear", "create", "drop", "copy", "move",
                   "add", "with")


@dataclass(frozen=True)
class Token:
    """One lexical token: its kind (see ``_TOKEN``) and text."""

    kind: str
    text: str


@dataclass(frozen=True)
class Analysis:
    """What the checks need to know about one query or update."""

    form: str | None  # "select" | "ask" | "construct" | "describe" | "update" | None
    prefixes: dict[str, str] = field(default_factory=dict)
    base: str | None = None
    services: tuple[str, ...] = ()  # resolved SERVICE IRIs
    unresolved_service: str | None = None  # text of a SERVICE target we could not resolve
    has_dataset_clause: bool = False  # FROM / FROM NAMED present
    has_load: bool = False


def decode_escapes(text: str) -> str:
    """Apply SPARQL's codepoint escapes (``\\u0041`` → ``A``) to the whole text."""

    def one(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group(0)

    return _ESCAPE.sub(one, text)


def tokens(text: str) -> list[Token]:
    """The significant tokens of *text* (whitespace and comments dropped)."""
    found = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("ws", "comment"):
            found.append(Token(kind, match.group()))
    return found


def _expand(token: Token, prefixes: dict[str, str], base: str | None) -> str | None:
    if token.kind == "iri":
        iri = token.text[1:-1]
        return urljoin(base, iri) if base and not re.match(r"[A-Za-z][\w+.\-]*:", iri) else iri
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        namespace = prefixes.get(prefix)
        if namespace is None:
            return None
        return namespace + re.sub(r"\\(.)", r"\1", local)
    return None


#: Longest text whose analysis is remembered: 512 entries of at most this stay small, where
#: remembering any text would let a client pin hundreds of megabytes of distinct bodies.
MEMO_MAX_CHARS = 4096


def analyse(text: str, base_iri: str | None = None) -> Analysis:
    """Tokenize *text* and report its form, prologue, SERVICE targets and dataset clauses.

    Memoised for short texts: the endpoint asks twice per request (form, then the checks), and
    clients repeat the same queries. The result is shared; callers must not change its
    ``prefixes``.
    """
    if len(text) <= MEMO_MAX_CHARS:
        return _analyse_memo(text, base_iri)
    return _analyse(text, base_iri)


@lru_cache(maxsize=512)
def _analyse_memo(text: str, base_iri: str | None) -> Analysis:
    return _analyse(text, base_iri)


def _analyse(text: str, base_iri: str | None) -> Analysis:
    toks = tokens(decode_escapes(text))
    prefixes: dict[str, str] = {}
    base = base_iri
    form: str | None = None
    services: list[str] = []
    unresolved: str | None = None
    has_from = has_load = False
    for i, tok in enumerate(toks):
        if tok.kind != "word":
            continue
        word = tok.text.lower()
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if word == "prefix" and nxt is not None and nxt.kind == "pname" \
                and i + 2 < len(toks) and toks[i + 2].kind == "iri":
            iri = _expand(toks[i + 2], prefixes, base)
            if iri is not None:
                prefixes[nxt.text.rstrip(":")] = iri
        elif word == "base" and nxt is not None and nxt.kind == "iri":
            base = _expand(nxt, prefixes, base)
        elif form is None and word in QUERY_FORMS:
            form = word
        elif form is None and word in UPDATE_KEYWORDS:
            form = "update"
        if word == "from":
            has_from = True
        elif word == "load":
            has_load = True
        elif word == "service":
            j = i + 1
            if j < len(toks) and toks[j].kind == "word" and toks[j].text.lower() == "silent":
                j += 1
            target = toks[j] if j < len(toks) else Token("other", "")
            iri = _expand(target, prefixes, base)
            if iri is None:
                unresolved = unresolved or target.text or "(nothing)"
            else:
                services.append(iri)
    return Analysis(form, prefixes, base, tuple(services), unresolved, has_from, has_load)


def check_services(analysis: Analysis, allowlist: Iterable[str]) -> None:
    """Refuse (403) any SERVICE call outside *allowlist*; nothing has touched the network yet."""
    allowed = set(allowlist)
    if analysis.unresolved_service is not None:
        raise Forbidden(
            f"SERVICE {analysis.unresolved_service} is refused: a federated query must name "
            "an allow-listed endpoint IRI (PARKLD_SERVICE_ALLOWLIST), not a variable"
        )
    for iri in analysis.services:
        if iri not in allowed:
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
