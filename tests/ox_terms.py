"""Narrowing helpers for pyoxigraph terms and query results in tests.

pyoxigraph types a triple's object as possibly a quoted ``Triple`` and a query result as a
union of solutions, boolean and triples; the tests know which one they expect, and these
helpers say so (failing loudly, not silently, when the expectation is wrong).
"""

from __future__ import annotations

import pyoxigraph as ox


def value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph) -> str:
    """The lexical value of a term that is not a quoted triple nor the default graph."""
    assert not isinstance(term, ox.Triple | ox.DefaultGraph), term
    return term.value


def literal(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> ox.Literal:
    """The term, which must be a literal."""
    assert isinstance(term, ox.Literal), term
    return term


def solutions(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> ox.QuerySolutions:
    """The result of a SELECT query."""
    assert isinstance(result, ox.QuerySolutions), type(result)
    return result


def triples(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> ox.QueryTriples:
    """The result of a CONSTRUCT or DESCRIBE query."""
    assert isinstance(result, ox.QueryTriples), type(result)
    return result
