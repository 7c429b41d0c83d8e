"""The constructs a remote store is not trusted to evaluate as SPARQL 1.1 defines them.

Each was measured on Virtuoso 7.2 by the differential test (``tests/test_differential.py``,
which compares every answer with rdflib's evaluation of the same dataset):

* **two or more default graphs** (``FROM <a> FROM <b>``, or two ``default-graph-uri``): the
  default graph is the RDF merge, a set (§13.2.1); Virtuoso returns a triple once per graph
  stating it;
* **MIN and MAX** over stored language-tagged strings: SPARQL orders them as ORDER BY does
  (§18.5.1.7, §15.1); Virtuoso answers by its own collation (``"Hi-tech"@en`` before
  ``"Hi-Tech"@en``, its own order for CJK) or not at all (MIN over labels in several
  languages comes back unbound). Its ORDER BY and its ``<`` on simple literals are right;
* **ordering comparisons** (``<  >  <=  >=``): §17.3 makes comparing an ``xsd:gYearMonth``
  with an ``xsd:date`` a type error (the FILTER drops the row); Virtuoso compares them. The
  types of the operands are only known at evaluation, so every such comparison counts;
* **``+`` and ``*`` property paths**: Virtuoso refuses a transitive path with both ends
  unbound ("transitive start not given").

A query using any of them is evaluated by parkld's own engine on a local copy of the store's
graphs (:mod:`parkld.store.mirror`). The test is on the canonical tokens, so it errs on the
side of local evaluation: ``(?a + ?b) * 2`` counts as a path, which only costs speed.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from parkld.sparql import lexer
from parkld.sparql.analysis import MEMO_MAX_CHARS, Analysis

_COMPARISONS = frozenset({"<", ">", "<=", ">="})
#: Tokens a path modifier can follow: an IRI, a prefixed name, ``a``, a closing bracket.
_PATH_ENDS = frozenset({"iri", "pname"})


def found(query: Analysis, default_graphs: Sequence[str] = ()) -> tuple[str, ...]:
    """Which of the constructs above *query* uses (empty: the store may evaluate it)."""
    text = query.canonical
    reasons = list(_remembered(text) if len(text) <= MEMO_MAX_CHARS else _in_text(text))
    if len(set(default_graphs or query.from_graphs)) >= 2:
        reasons.insert(0, "two or more default graphs")
    return tuple(reasons)


@lru_cache(maxsize=512)
def _remembered(canonical: str) -> tuple[str, ...]:
    return _in_text(canonical)


def _in_text(canonical: str) -> tuple[str, ...]:
    toks = lexer.tokenize(canonical)
    reasons: dict[str, None] = {}
    for i, tok in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if tok.is_word("min", "max") and nxt is not None and nxt.text == "(":
            reasons[tok.value.upper()] = None
        elif tok.kind == "punct" and tok.text in _COMPARISONS:
            reasons["an ordering comparison"] = None
        elif tok.kind == "punct" and tok.text in ("+", "*") and i > 0:
            before = toks[i - 1]
            if before.kind in _PATH_ENDS or before.is_word("a") or before.text == ")":
                reasons["a transitive property path"] = None
    return tuple(reasons)
