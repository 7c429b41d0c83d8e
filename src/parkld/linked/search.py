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


def search(index: Index, text: str, *, limit: int = MAX_RESULTS) -> list[Hit]:
    """Resources whose names contain every word of *text* (accents and case ignored).

    Exact name matches rank first, then names starting with the query, then the rest; ties
    go to the shorter name.
    """
    wanted = normalise(text[:MAX_QUERY_CHARS])
    if not wanted:
        return []
    words = wanted.split()
    best: dict[str, tuple[tuple[int, int, str], Name]] = {}
    for norm, iri, name in index.search_entries:
        if not all(w in norm for w in words):
            continue
        rank = 0 if norm == wanted else 1 if norm.startswith(wanted) else 2
        key = (rank, len(norm), name.text)
        if iri not in best or key < best[iri][0]:
            best[iri] = (key, name)
    ordered = sorted(best.items(), key=lambda item: (item[1][0], item[0]))
    return [Hit(iri, name, index.label(iri), tuple(sorted(index.types.get(iri, ()))))
            for iri, (_, name) in ordered[:limit]]
