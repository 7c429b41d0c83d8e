"""Label search across languages and scripts, over the in-memory label index.

Why an index scan rather than a SPARQL FILTER: the labels are already in memory for page
rendering, and a scan of the normalised names (accent- and case-folded, see
:func:`parkld.linked.index.normalise`) answers in well under a millisecond on the shipped
graph and a few milliseconds at 20k labels, with no query text built from user input at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from parkld.linked.index import Index, Name, normalise

MAX_RESULTS = 50
MAX_QUERY_CHARS = 200


@dataclass(frozen=True)
class Hit:
    """One resource found: its IRI, the name that matched, and the name to show."""

    iri: str
    matched: Name
    label: str
    types: tuple[str, ...]


@dataclass(frozen=True)
class Results:
    """One page of hits and the number of resources found in all."""

    hits: list[Hit]
    total: int
    offset: int


def _matches(word: str, norm: str, tokens: list[str]) -> bool:
    """A query word matches a name when it starts one of the name's words; a word of three
    or more letters, or one in a script written without spaces (CJK), may also match inside
    a word. So "an" does not find "participant", but "antipolis" and 成都 still match."""
    if any(t.startswith(word) for t in tokens):
        return True
    return (len(word) >= 3 or not word.isascii()) and word in norm


def search(index: Index, text: str, *, limit: int = MAX_RESULTS, offset: int = 0) -> Results:
    """Resources whose names match every word of *text* (accents and case ignored).

    Exact name matches rank first, then names starting with the query, then the rest; ties
    go to the shorter name. *offset* and *limit* select one page; ``total`` counts all.
    """
    wanted = normalise(text[:MAX_QUERY_CHARS])
    if not wanted:
        return Results([], 0, offset)
    words = wanted.split()
    best: dict[str, tuple[tuple[int, int, str], Name]] = {}
    for norm, iri, name in index.search_entries:
        tokens = norm.split()
        if not all(_matches(w, norm, tokens) for w in words):
            continue
        rank = 0 if norm == wanted else 1 if norm.startswith(wanted) else 2
        key = (rank, len(norm), name.text)
        if iri not in best or key < best[iri][0]:
            best[iri] = (key, name)
    ordered = sorted(best.items(), key=lambda item: (item[1][0], item[0]))
    page = ordered[offset : offset + limit]
    return Results(
        [
            Hit(iri, name, index.label(iri), tuple(sorted(index.types.get(iri, ()))))
            for iri, (_, name) in page
        ],
        len(ordered),
        offset,
    )
