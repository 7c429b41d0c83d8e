"""Scoring a Wikidata candidate against a parkld park: names, class, country, distance.

Wrong links are worse than missing ones, so the score is built to be *conservative*:

* names are compared after folding accents, case, punctuation and the generic words of park
  names across languages ("Parc Científic" ≈ "Science Park"); the words that *identify* a
  park (Zhangjiang, Kulim, Begbroke…) must match, generic words alone never do;
* a candidate in another country than the park's is vetoed; one more than
  :data:`VETO_KM` away is vetoed;
* a candidate that is not a science/technology park (class or subclass) is scaled down, so it
  can only reach the review list;
* without coordinates to corroborate the name, the score is capped below a perfect one.

The link step then accepts only the best candidate above the threshold *and* clearly ahead of
the runner-up (:data:`MARGIN`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher

#: Beyond this distance a candidate cannot be the same park.
VETO_KM = 100.0
#: The best candidate must beat the second by this much to be accepted.
MARGIN = 0.1

# Generic words of park names in the languages curators write, folded to one token each.
_SYNONYMS = {
    "park": "park",
    "parc": "park",
    "parque": "park",
    "parco": "park",
    "parken": "park",
    "technopark": "technopark",
    "technopole": "technopark",
    "tecnopolo": "technopark",
    "science": "science",
    "scientific": "science",
    "scientifique": "science",
    "cientific": "science",
    "cientifico": "science",
    "scientifico": "science",
    "wissenschaftspark": "science park",
    "sciencepark": "science park",
    "technology": "tech",
    "technologies": "tech",
    "technological": "tech",
    "technologique": "tech",
    "tecnologico": "tech",
    "tecnologic": "tech",
    "tecnologica": "tech",
    "technologie": "tech",
    "technologiepark": "tech park",
    "tech": "tech",
    "hitech": "hitech",
    "hightech": "hitech",
    "innovation": "innovation",
    "innovacio": "innovation",
    "innovacion": "innovation",
    "innovazione": "innovation",
    "innovations": "innovation",
    "industrial": "industrial",
    "industry": "industrial",
    "industries": "industrial",
    "development": "development",
    "zone": "zone",
    "zona": "zone",
    "district": "zone",
    "city": "city",
    "ciudad": "city",
    "cite": "city",
    "citta": "city",
    "campus": "campus",
    "centre": "center",
    "center": "center",
    "centro": "center",
    "university": "university",
    "universidad": "university",
    "universitat": "university",
    "universite": "university",
    "universita": "university",
    "universitet": "university",
    "national": "national",
    "nacional": "national",
    "research": "research",
    "investigacion": "research",
    "recherche": "research",
    "recerca": "research",
}
GENERIC = (set(" ".join(_SYNONYMS.values()).split()) - {"university"}) | {
    "based",
    "new",
    "area",
    "high",
}
_STOP = {
    "de",
    "del",
    "la",
    "le",
    "les",
    "of",
    "the",
    "di",
    "du",
    "des",
    "d",
    "l",
    "y",
    "i",
    "e",
    "et",
    "and",
    "und",
    "at",
    "in",
    "en",
    "el",
    "for",
}


def fold(text: str) -> str:
    """Lowercase ASCII-ish text: accents dropped, punctuation to spaces, hi-tech → hitech."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"\b(hi|high)[\s\-]*tech(nology)?\b", "hitech", text)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", " ", stripped).strip()


def tokens(text: str) -> list[str]:
    """Folded words with synonyms unified and stop words removed."""
    out: list[str] = []
    for word in fold(text).split():
        if word in _STOP:
            continue
        out += _SYNONYMS.get(word, word).split()
    return out


def _initials(text: str) -> str:
    return "".join(w[0] for w in fold(text).split() if w not in _STOP)


def _fuzzy_in(word: str, others: list[str]) -> bool:
    # Typos in identifying words ("Zhangjang") still match; short words must match exactly.
    return any(
        word == o
        or (min(len(word), len(o)) >= 5 and SequenceMatcher(None, word, o).ratio() >= 0.85)
        for o in others
    )


def name_similarity(a: str, b: str) -> float:
    """0..1: how well two park names match (see the module docstring)."""
    fa, fb = fold(a), fold(b)
    if not fa or not fb:
        return 0.0
    if fa == fb:
        return 1.0
    if fa.replace(" ", "") == fb.replace(" ", ""):
        return 0.98  # "Innovations-Campus" / "InnovationsCampus"
    # Abbreviations: "PCB" for "Parc Científic de Barcelona".
    for short, long_ in ((fa, b), (fb, a)):
        if " " not in short and 2 <= len(short) <= 6 and short == _initials(long_):
            return 0.9
    ta, tb = tokens(a), tokens(b)
    char = SequenceMatcher(None, " ".join(ta), " ".join(tb)).ratio()
    da = [t for t in ta if t not in GENERIC]
    db = [t for t in tb if t not in GENERIC]
    if not da or not db:
        # Only generic words on one side ("Science Park"): identity cannot rest on them.
        return min(char, 0.5)
    hits_a = sum(_fuzzy_in(t, db) for t in da)
    hits_b = sum(_fuzzy_in(t, da) for t in db)
    if hits_a == 0 or hits_b == 0:
        return min(char, 0.4)
    # Identifying words must match both ways: "Barcelona Science Park" is not "Barcelona
    # Biomedical Research Park" although every word of the first is found in the second.
    coverage = max(hits_a / len(da), hits_b / len(db))
    precision = min(hits_a / len(da), hits_b / len(db))
    generic_a = {t for t in ta if t in GENERIC}
    generic_b = {t for t in tb if t in GENERIC}
    if generic_a and generic_b:
        # "park" is shared by nearly every name: the kind words besides it must agree.
        kind_a, kind_b = generic_a - {"park"}, generic_b - {"park"}
        if kind_a and kind_b and not kind_a & kind_b:
            # "Cambridge Innovation Park" vs "Cambridge Science Park": same place, other thing.
            return min(char, 0.6)
        generic = len(generic_a & generic_b) / len(generic_a | generic_b)
    else:
        generic = 0.7  # one name is bare ("Ideon"): neither for nor against
    return round(0.35 * coverage + 0.35 * precision + 0.15 * generic + 0.15 * char, 4)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h)))


def geo_similarity(km: float) -> float:
    """1 within 3 km, falling to 0.5 at 15 km, 0.2 at 50 km, 0 at :data:`VETO_KM`."""
    if km <= 3:
        return 1.0
    if km <= 15:
        return 1.0 - 0.5 * (km - 3) / 12
    if km <= 50:
        return 0.5 - 0.3 * (km - 15) / 35
    return max(0.0, 0.2 * (VETO_KM - km) / (VETO_KM - 50))


@dataclass
class Candidate:
    """A Wikidata item that might be the park."""

    qid: str
    names: set[tuple[str, str]] = field(default_factory=set)  # (text, language)
    coords: list[tuple[float, float]] = field(default_factory=list)
    countries: set[str] = field(default_factory=set)
    is_park: bool = False

    @property
    def label(self) -> str:
        ordered = sorted(self.names, key=lambda n: (n[1] != "en", n[1], n[0]))
        return ordered[0][0] if ordered else self.qid


@dataclass(frozen=True)
class Score:
    """A scored candidate, with the parts that explain it."""

    qid: str
    label: str
    score: float
    name: float
    matched_name: str
    km: float | None
    country: str  # "same" | "different" | "unknown"
    is_park: bool
    veto: str | None = None

    @property
    def method(self) -> str:
        """How the score was reached, for the links file."""
        parts = [f"name {self.name:.2f} ({self.matched_name!r})"]
        parts.append(f"distance {self.km:.1f} km" if self.km is not None else "no coordinates")
        parts.append(f"country {self.country}")
        parts.append("park class" if self.is_park else "NOT a park class")
        if self.veto:
            parts.append(f"vetoed: {self.veto}")
        return "; ".join(parts)


def score(
    park_names: set[tuple[str, str]],
    park_coord: tuple[float, float] | None,
    park_country: str | None,
    cand: Candidate,
) -> Score:
    """Score *cand* for a park with *park_names*, coordinates and country QID."""
    best, matched = 0.0, ""
    for text, _lang in park_names:
        for other, _olang in cand.names:
            s = name_similarity(text, other)
            if s > best:
                best, matched = s, other
    km = None
    if park_coord is not None and cand.coords:
        km = min(distance_km(*park_coord, *c) for c in cand.coords)
    if park_country is None or not cand.countries:
        country = "unknown"
    else:
        country = "same" if park_country in cand.countries else "different"
    veto = None
    if country == "different":
        veto = "in another country"
    elif km is not None and km > VETO_KM:
        veto = f"more than {VETO_KM:.0f} km away"
    if km is not None:
        # Multiplicative: nearness corroborates a name, it never makes up for a poor one.
        total = best * (0.75 + 0.25 * geo_similarity(km))
    else:
        # Only the name speaks: never a perfect score, a little help from a shared country.
        total = 0.85 * best + (0.05 if country == "same" else 0.0)
    if not cand.is_park:
        total *= 0.7
    if veto:
        total = min(total, 0.3)
    return Score(
        cand.qid,
        cand.label,
        round(total, 4),
        round(best, 4),
        matched,
        km,
        country,
        cand.is_park,
        veto,
    )
