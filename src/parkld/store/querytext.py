"""Reading SPARQL text without evaluating it, and writing bindings into it.

The remote store sends query *text* to another server, so it must know a few things about a
query before it leaves: its form (to ask for the right result format), whether it names its
own dataset (``FROM``), where its top-level ``WHERE`` group starts (to put bindings there as a
``VALUES`` block built from serialised terms), and which remote services it would make the
store call. The tokens come from parkld's one SPARQL tokenizer (:mod:`parkld.sparql.lexer`); the
syntax itself is checked by Oxigraph's parser, so the remote store reports the same syntax
errors as the embedded one. The embedded store writes the bindings of its trusted reads the
same way (:func:`parkld.store.embedded.bound`), so both backends evaluate one text.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from parkld.errors import BadRequest, Forbidden, QuerySyntaxError
from parkld.sparql import lexer
from parkld.sparql.lexer import Token
from parkld.store.terms import Bindings

FORMS = ("select", "construct", "describe", "ask")
#: Virtuoso executes SQL built-ins named by these IRI schemes; no user query may call them.
FORBIDDEN_SCHEMES = ("bif:", "sql:")


def tokens(text: str) -> Iterator[Token]:
    """The significant tokens of SPARQL text, by parkld's one tokenizer
    (:mod:`parkld.sparql.lexer`); BadRequest for text that does not tokenize."""
    return iter(lexer.tokenize(text))


@dataclass(frozen=True)
class Shape:
    """What the remote store needs to know about a query."""

    form: str  # select | construct | describe | ask
    form_at: int  # offset of the form keyword
    has_dataset: bool  # FROM / FROM NAMED present
    group_at: int | None  # offset just after the top-level WHERE group's "{"


#: Texts up to this long have their shape remembered: parkld's own queries (a few dozen
#: ``.rq`` files, bound on every page) are tokenised once, and the memo stays small.
SHAPE_MEMO_CHARS = 8192


def shape(query: str) -> Shape:
    """The form, dataset clause and top-level group of a (syntactically valid) query."""
    return _remembered_shape(query) if len(query) <= SHAPE_MEMO_CHARS else _shape(query)


@lru_cache(maxsize=256)
def _remembered_shape(query: str) -> Shape:
    return _shape(query)


def _shape(query: str) -> Shape:
    toks = list(tokens(query))
    form_index = next((i for i, t in enumerate(toks) if t.is_word(*FORMS)), None)
    if form_index is None:
        raise QuerySyntaxError("not a SPARQL query: expected SELECT, CONSTRUCT, DESCRIBE or ASK")
    form_tok = toks[form_index]
    form = form_tok.text.lower()
    has_dataset = any(t.is_word("from") for t in toks[form_index:])
    i = form_index + 1
    if form == "construct" and i < len(toks) and toks[i].text == "{":
        i = _skip_group(toks, i)  # the template is not the WHERE group
    group_at = next((t.start + 1 for t in toks[i:] if t.text == "{"), None)
    return Shape(form, form_tok.start, has_dataset, group_at)


def _skip_group(toks: Sequence[Token], i: int) -> int:
    depth = 0
    for j in range(i, len(toks)):
        if toks[j].text == "{":
            depth += 1
        elif toks[j].text == "}":
            depth -= 1
            if depth == 0:
                return j + 1
    return len(toks)


def syntax_probe(query: str) -> tuple[str, Shape]:
    """The text to parse to check *query*'s syntax without evaluating anything, and its shape.

    SELECT, CONSTRUCT and DESCRIBE results are lazy in pyoxigraph, so preparing them on an
    empty store evaluates nothing. ASK is evaluated at once, so an ASK that calls a SERVICE
    is checked as the equivalent SELECT: a syntax check must never call a SERVICE. Any other
    ASK is parsed as written (same error positions as the embedded store).
    """
    found = shape(query)
    if found.form == "ask" and any(t.is_word("service") for t in tokens(query)):
        at = found.form_at
        return query[:at] + "SELECT (1 AS ?parkldAskProbe)" + query[at + 3 :], found
    return query, found


def check_syntax(query: str, parser: ox.Store, base_iri: str | None = None) -> Shape:
    """Parse parkld's own (trusted) query text with Oxigraph, in this process.

    User text is parsed in a query worker instead
    (:meth:`parkld.sparql.executor.WorkerPool.check_syntax`).
    """
    text, found = syntax_probe(query)
    try:
        parser.query(text, base_iri=base_iri)
    except SyntaxError as exc:
        # The embedded store's wording (parkld.sparql.evaluate), so both read the same.
        raise QuerySyntaxError(f"malformed query: {exc}") from exc
    return found


def check_builtins(text: str) -> None:
    """Refuse Virtuoso's SQL built-ins (``bif:``, ``sql:`` IRIs), which reach past the graph.

    The SERVICE allow-list and the LOAD refusal are :mod:`parkld.sparql.analysis`'s, shared
    with the embedded store; this adds what only a Virtuoso behind parkld would honour.
    """
    for t in tokens(text):
        value = t.value if t.kind == "iri" else t.text if t.kind == "pname" else ""
        if value.lower().startswith(FORBIDDEN_SCHEMES):
            raise Forbidden(f"{t.text}: the store's built-in SQL functions cannot be called")


def term_text(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    """A term in SPARQL syntax. Oxigraph writes N-Triples, whose escapes SPARQL shares."""
    if isinstance(term, ox.BlankNode):
        raise BadRequest("a blank node cannot be bound in a query to a remote store")
    return str(term)


def with_base(query: str, base_iri: str | None) -> str:
    """The query with a ``BASE`` declaration first, so relative IRIs resolve against *base_iri*.

    The embedded store resolves them against the endpoint URL (Oxigraph's ``base_iri``); sent
    as written, a remote store would resolve them against its own URL or not at all (Virtuoso
    returns ``<s>`` as is, which no RDF parser accepts). A ``BASE`` of the query's own comes
    later in the prologue and is resolved against this one, as Oxigraph does.
    """
    if not base_iri:
        return query
    return f"BASE {term_text(ox.NamedNode(base_iri))}\n{query}"


def with_bindings(query: str, bindings: Bindings | None, found: Shape) -> str:
    """The query with *bindings* as a ``VALUES`` block opening its top-level WHERE group.

    Values are written from RDF terms, never copied from user text. Opening the group keeps
    the binding next to the patterns (as pyoxigraph's substitution does), so the store can
    use it to look up the few matching triples.
    """
    if not bindings:
        return query
    names = list(bindings)
    block = (
        f" VALUES ({' '.join('?' + n for n in names)}) "
        f"{{ ({' '.join(term_text(bindings[n]) for n in names)}) }} "
    )
    return _open_group(query, block, found)


def with_values(query: str, name: str, terms: Sequence[ox.NamedNode | ox.Literal]) -> str:
    """The query with ``?name`` bound to each of *terms* (a one-column ``VALUES`` block).

    Like :func:`with_bindings`, the block opens the top-level WHERE group and is written from
    RDF terms, so a query for "the labels of these forty resources" looks up forty subjects
    instead of scanning every label.
    """
    block = f" VALUES ?{name} {{ {' '.join(term_text(t) for t in terms)} }} "
    return _open_group(query, block, shape(query))


def _open_group(query: str, block: str, found: Shape) -> str:
    if found.group_at is None:  # e.g. DESCRIBE ?x with no WHERE clause
        return f"{query}\nWHERE {{{block}}}"
    return query[: found.group_at] + block + query[found.group_at :]
