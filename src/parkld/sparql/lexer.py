"""The one SPARQL tokenizer of parkld, and the canonical text that is actually evaluated.

Security decisions (the SERVICE allow-list, refusing LOAD, query or update) must be taken on
exactly the text the engine evaluates. Oxigraph's parser is scannerless (PEG): it reads a
keyword glued to what follows (``SERVICE:x`` as ``SERVICE :x``, ``LIMIT1`` as ``LIMIT 1``)
and decodes ``\\u`` escapes inside strings and IRIs only. A separate tokenizer guessing at
that reading is how the allow-list was bypassed. So parkld does not guess: it tokenizes by
the grammar's terminals (longest match, as the SPARQL grammar specifies), refuses what does
not tokenize, and evaluates the **canonical text** built from its own tokens:

* every token separated by one space, so nothing is glued (a function name keeps its ``(``);
* prefixed names expanded to full ``<IRI>`` (no prefixed name is left to misread);
* strings and IRIs with their escapes decoded, re-written in one plain form;
* every bare word must be a SPARQL keyword or built-in function name (so a glued
  ``SERVICEx`` or ``LIMIT1`` is refused, not silently split by the engine).

The tokenizer also counts what the cheap bounds need (nesting depth, token count): the web
process applies them before anything is parsed by the engine. It is pure Python over regular
expressions without nested ambiguous repetition, so its cost is linear in the text length.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin

from parkld.errors import BadRequest, PayloadTooLarge

#: Deepest nesting of ``{ ( [`` (and their RDF 1.2 forms) accepted; Oxigraph's recursive
#: parser and optimiser overflow their stack at a few thousand levels.
MAX_DEPTH = 64
#: Most tokens in one query or update: bounds the parse and plan cost of one request.
MAX_TOKENS = 20_000

_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff"
    "\u200c-\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
    "\U00010000-\U000effff"
)
_U = _BASE + "_"
_CH = _U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PREFIX = f"[{_BASE}](?:[{_CH}.]*[{_CH}])?"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_LOCAL = f"(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CH}.:]|{_PLX})*(?:[{_CH}:]|{_PLX}))?"
_VARNAME = f"[{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"
_EXP = r"[eE][+-]?[0-9]+"

_TOKEN = re.compile(
    rf"""
    (?P<ws>[\x20\t\r\n]+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{{4}}|\\U[0-9A-Fa-f]{{8}})*>)
  | (?P<lstring>'''(?:'{{0,2}}(?:[^'\\]|\\.))*'''|\"\"\"(?:"{{0,2}}(?:[^"\\]|\\.))*\"\"\")
  | (?P<string>'(?:[^'\\\n\r]|\\[^\n\r])*'|"(?:[^"\\\n\r]|\\[^\n\r])*")
  | (?P<pname>(?:{_PREFIX})?:(?:{_LOCAL})?)
  | (?P<bnode>_:[{_U}0-9](?:[{_CH}.]*[{_CH}])?)
  | (?P<var>[?$]{_VARNAME})
  | (?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?)
  | (?P<number>[+-]?(?:[0-9]+\.[0-9]*{_EXP}|\.[0-9]+{_EXP}|[0-9]+{_EXP}|[0-9]*\.[0-9]+|[0-9]+))
  | (?P<word>[A-Za-z][A-Za-z0-9_]*)
  | (?P<punct><<\(|\)>>|<<|>>|\{{\||\|}}|\^\^|&&|\|\||!=|<=|>=|[{{}}()\[\];,.=<>!+\-*/^|?~])
    """,
    re.VERBOSE | re.DOTALL,
)

_OPEN = {"{", "(", "[", "<<", "<<(", "{|"}
_CLOSE = {"}", ")", "]", ">>", ")>>", "|}"}

#: Every bare word SPARQL 1.1 (and the RDF 1.2 additions Oxigraph reads) allows: keywords,
#: built-in functions, ``a``, ``true``/``false``. Lower case; the grammar ignores case.
_KEYWORD_TEXT = """
base prefix select construct describe ask order by asc desc limit offset distinct reduced from
named where graph optional union filter minus values undef service silent bind as group having
exists not in a true false load clear drop create add move copy to into insert delete data with
using default all separator lateral version
str lang langmatches datatype bound iri uri bnode rand abs ceil floor round concat strlen ucase
lcase encode_for_uri contains strstarts strends strbefore strafter year month day hours minutes
seconds timezone tz now uuid struuid md5 sha1 sha256 sha384 sha512 coalesce if strlang strdt
sameterm isiri isuri isblank isliteral isnumeric regex substr replace count sum min max avg
sample group_concat triple istriple subject predicate object langdir haslang haslangdir
strlangdir adjust
"""
KEYWORDS = frozenset(_KEYWORD_TEXT.split())

_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
#: Characters an IRIREF cannot hold once its escapes are decoded (we refuse, not re-escape).
_IRI_FORBIDDEN = re.compile(r'[<>"{}|^`\\\x00-\x20]')


@dataclass(frozen=True)
class Token:
    """One significant token: its kind, its text as written, its offset and its value.

    ``value`` is what the token means: a string's or IRI's decoded content, a prefixed name's
    full IRI (after :func:`canonical` expands it), a word in lower case, otherwise the text.
    """

    kind: str  # iri | pname | string | bnode | var | langtag | number | word | punct
    text: str
    start: int
    value: str

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.value in words


def _decode(body: str, where: int, allow_echar: bool) -> str:
    def one(match: re.Match[str]) -> str:
        esc = match.group(1)
        if esc[0] in "uU" and len(esc) > 1:
            code = int(esc[1:], 16)
            if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                raise BadRequest(f"malformed query: invalid escape \\{esc} at offset {where}")
            return chr(code)
        if allow_echar and esc in _ECHAR:
            return _ECHAR[esc]
        raise BadRequest(f"malformed query: invalid escape \\{esc} at offset {where}")

    return _ESCAPE.sub(one, body)


def _position(text: str, offset: int) -> str:
    line, column = _line_column(text, offset)
    return f"line {line}, column {column}"


def tokenize(text: str, *, max_tokens: int = MAX_TOKENS, max_depth: int = MAX_DEPTH) -> list[Token]:
    """The significant tokens of *text*; BadRequest (400) for what does not tokenize, and
    PayloadTooLarge (413) / BadRequest beyond the token and nesting bounds."""
    found: list[Token] = []
    depth = 0
    pos = 0
    end = len(text)
    match_at = _TOKEN.match
    while pos < end:
        m = match_at(text, pos)
        if m is None:
            snippet = text[pos : pos + 12].replace("\n", " ")
            raise BadRequest(f"malformed query: unexpected {snippet!r} at {_position(text, pos)}")
        kind = m.lastgroup or ""
        raw = m.group()
        pos = m.end()
        if kind in ("ws", "comment"):
            continue
        value = raw
        if kind == "iri":
            value = _decode(raw[1:-1], m.start(), allow_echar=False)
            if _IRI_FORBIDDEN.search(value):
                raise BadRequest(
                    f"malformed query: the IRI {raw} at {_position(text, m.start())}"
                    " holds a character an IRI cannot contain"
                )
        elif kind == "lstring":
            kind, value = "string", _decode(raw[3:-3], m.start(), allow_echar=True)
        elif kind == "string":
            value = _decode(raw[1:-1], m.start(), allow_echar=True)
        elif kind == "word":
            value = raw.lower()
            if value not in KEYWORDS:
                raise BadRequest(
                    f"malformed query: {raw!r} at {_position(text, m.start())} is "
                    "not a SPARQL keyword or function (write a space between "
                    "a keyword and what follows it)"
                )
        elif kind == "punct":
            if raw in _OPEN:
                depth += 1
                if depth > max_depth:
                    raise BadRequest(
                        f"the query nests brackets more than {max_depth} deep "
                        f"(at {_position(text, m.start())}); flatten it"
                    )
            elif raw in _CLOSE:
                depth -= 1
        found.append(Token(kind, raw, m.start(), value))
        if len(found) > max_tokens:
            raise PayloadTooLarge(f"the query has more than {max_tokens} tokens; split it")
    return found


def _string(value: str) -> str:
    out = []
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20 or ch == "\x7f":
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


@dataclass(frozen=True)
class Canonical:
    """A query or update as parkld evaluates it: canonical text, tokens and prologue."""

    text: str
    tokens: tuple[Token, ...]
    prefixes: Mapping[str, str]
    base: str | None
    #: Where each token starts in ``text`` (to map an engine error back: original_position).
    starts: tuple[int, ...] = ()


def is_absolute(iri: str) -> bool:
    return bool(_SCHEME.match(iri))


def canonical(text: str, base_iri: str | None = None) -> Canonical:
    """Tokenize *text*, expand its prefixed names and build the text that is evaluated.

    ``PREFIX`` and ``BASE`` declarations are kept (so the engine resolves relative IRIs as it
    would have), their prefixed names are expanded everywhere else; an undeclared prefix is
    refused here (400), as the engine would refuse it.
    """
    toks = tokenize(text)
    prefixes: dict[str, str] = {}
    base = base_iri
    out: list[str] = []
    expanded: list[Token] = []
    i = 0
    n = len(toks)
    while i < n:
        tok = toks[i]
        if (
            tok.is_word("prefix")
            and i + 2 < n
            and toks[i + 1].kind == "pname"
            and toks[i + 1].text.endswith(":")
            and toks[i + 2].kind == "iri"
        ):
            name, iri = toks[i + 1].text[:-1], toks[i + 2].value
            if not is_absolute(iri) and base:
                iri = urljoin(base, iri)
            prefixes[name] = iri
            out += [tok.text, toks[i + 1].text, f"<{toks[i + 2].value}>"]
            expanded += toks[i : i + 3]
            i += 3
            continue
        if tok.is_word("base") and i + 1 < n and toks[i + 1].kind == "iri":
            iri = toks[i + 1].value
            base = iri if is_absolute(iri) or not base else urljoin(base, iri)
            out += [tok.text, f"<{iri}>"]
            expanded += toks[i : i + 2]
            i += 2
            continue
        if tok.kind == "pname":
            prefix, _, local = tok.text.partition(":")
            namespace = prefixes.get(prefix)
            if namespace is None:
                raise BadRequest(
                    f"malformed query: the prefix {prefix + ':'!r} of {tok.text} "
                    f"at {_position(text, tok.start)} is not declared"
                )
            iri = namespace + re.sub(r"\\(.)", r"\1", local)
            if _IRI_FORBIDDEN.search(iri):
                raise BadRequest(f"malformed query: {tok.text} expands to an invalid IRI")
            tok = Token("iri", tok.text, tok.start, iri)
            out.append(f"<{iri}>")
        elif tok.kind == "iri":
            out.append(f"<{tok.value}>")
        elif tok.kind == "string":
            out.append(_string(tok.value))
        else:
            out.append(tok.text)
        expanded.append(tok)
        i += 1
    joined, starts = _join(out, expanded)
    return Canonical(joined, tuple(expanded), prefixes, base, tuple(starts))


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _join(texts: list[str], toks: list[Token]) -> tuple[str, list[int]]:
    """One space between tokens, except between a word and its ``(``: Oxigraph refuses
    ``BNODE ( )`` (it takes a spaced ``( )`` for no argument list there). Also returns where
    each token starts in the result."""
    parts: list[str] = []
    starts: list[int] = []
    at = 0
    for k, (piece, tok) in enumerate(zip(texts, toks, strict=True)):
        if k and not (tok.text == "(" and toks[k - 1].kind == "word"):
            parts.append(" ")
            at += 1
        starts.append(at)
        parts.append(piece)
        at += len(piece)
    return "".join(parts), starts


_ENGINE_POSITION = re.compile(r"error at 1:(\d+)")


def original_position(message: str, text: str, base_iri: str | None = None) -> str:
    """*message* (an engine syntax error about the canonical text of *text*, which is one
    line) with its ``error at 1:C`` turned into the line and column in *text* itself.

    Computed only when an error is reported (one more linear pass over *text*), so nothing
    per token is kept for the queries that succeed."""
    match = _ENGINE_POSITION.search(message)
    if match is None:
        return message
    try:
        canon = canonical(text, base_iri)
    except (BadRequest, PayloadTooLarge):
        return message
    column = int(match.group(1)) - 1
    offset = 0
    for at, tok in zip(canon.starts, canon.tokens, strict=True):
        if at > column:
            break
        # Within (or just after) the token: the same distance into what was written.
        offset = tok.start + min(column - at, len(tok.text))
    line, col = _line_column(text, offset)
    return message[: match.start()] + f"error at line {line}, column {col}" + message[match.end() :]
