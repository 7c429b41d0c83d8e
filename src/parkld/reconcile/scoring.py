"""How well a name matches what a spreadsheet cell says.

Both sides are folded exactly as the site's label search folds them
(:func:`parkld.linked.index.normalise`: accents dropped, case folded, punctuation to spaces;
every script kept), then compared: equal names score 1; otherwise the best of the character
similarity (difflib's ratio, which forgives a typo and works on CJK and kana, where there
are no spaces) and the share of words in common, so "Chengdu Hi-Tech Zone" still finds the
"Chengdu Hi-Tech Industrial Development Zone".
"""

from __future__ import annotations

import math
from difflib import SequenceMatcher

#: Candidates scoring below this (0–1) are not worth showing.
MIN_SCORE = 0.45


def similarity(query: str, name: str) -> float:
    """A score in [0, 1] for two folded names."""
    if not query or not name:
        return 0.0
    if query == name:
        return 1.0
    matcher = SequenceMatcher(None, query, name, autojunk=False)
    if matcher.real_quick_ratio() < MIN_SCORE and not set(query.split()) & set(name.split()):
        return 0.0  # cheap bound: cannot reach the threshold
    ratio = matcher.ratio()
    q_words, n_words = set(query.split()), set(name.split())
    shared = len(q_words & n_words)
    words = shared / len(q_words | n_words) if shared else 0.0
    # Every word of the query in the name: a shortened name, ranked below an exact one.
    contained = 0.9 * (len(query) / len(name)) ** 0.25 if q_words <= n_words else 0.0
    return min(0.99, max(ratio, 0.95 * words, contained))


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, long) points in degrees (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))
