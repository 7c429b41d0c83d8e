"""The one negotiation function, and the response memo's Accept key agreeing with it."""

from __future__ import annotations

import itertools
import urllib.parse

from flask import Flask
from werkzeug.test import Client

from parkld import mediatypes, negotiation
from parkld.web.fastpath import accept_variant, memoised

TRICKY = [
    "",
    "*/*",
    "garbage",
    "text/turtle",
    "text/turtle;q=1.0",
    "text/turtle;q=.5, text/html;q=0.4",
    "text/turtle;q=0.5, text/html;q=0.4",
    "text/turtle;q=0.5, */*",
    "text/*",
    "text/*;q=0.9, application/ld+json;q=0.9",
    "application/ld+json, text/turtle",  # a tie: the server's order decides
    "text/turtle, application/ld+json",
    'application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"',
    'application/ld+json;profile="http://www.w3.org/ns/json-ld#flattened";q=0.9, text/turtle;q=0.8',
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "application/sparql-results+json, application/json;q=0.5",
    "application/json",
    "text/plain",
    "text/html;q=0, */*",
    "text/turtle;q=2",  # an invalid q: the entry is ignored
    "image/png",
]
OFFERS = [
    mediatypes.GRAPH_FORMATS,
    mediatypes.RESULT_FORMATS,
    mediatypes.TABLE.negotiable,
    (mediatypes.TEXT, mediatypes.HTML),
    (mediatypes.HTML, mediatypes.JSON),
    (mediatypes.HTML, *mediatypes.RESULT_FORMATS, *mediatypes.GRAPH_FORMATS),
]


def test_q_dot_five_wildcards_ties_and_profiles() -> None:
    assert negotiation.choose("text/turtle;q=.5, text/html;q=0.4", mediatypes.TABLE.negotiable) is (
        mediatypes.TURTLE
    )
    # The most specific entry gives a type its quality: Turtle 0.5, JSON-LD 1 (through */*).
    assert negotiation.ranked("text/turtle;q=0.5, */*", mediatypes.GRAPH_FORMATS)[-1] is (
        mediatypes.TURTLE
    )
    assert negotiation.choose("application/ld+json, text/turtle", mediatypes.GRAPH_FORMATS) is (
        mediatypes.TURTLE  # a tie: ours first
    )
    assert negotiation.choose(TRICKY[12], mediatypes.TABLE.negotiable) is mediatypes.JSONLD_EXPANDED
    assert negotiation.choose("", mediatypes.RESULT_FORMATS) is mediatypes.SPARQL_JSON
    assert negotiation.choose("image/png", mediatypes.GRAPH_FORMATS) is None
    assert negotiation.choose("text/html;q=0, */*", (mediatypes.HTML, mediatypes.JSON)) is (
        mediatypes.JSON
    )
    assert negotiation.parse("text/turtle;q=2") == ()
    assert negotiation.names_html(TRICKY[14]) and not negotiation.names_html("*/*")


def test_one_key_means_one_choice_for_every_offer() -> None:
    """Headers the memo files under one key get the same answer from every route's offer."""
    for a, b in itertools.combinations(TRICKY, 2):
        if accept_variant(a) != accept_variant(b):
            continue
        assert negotiation.names_html(a) == negotiation.names_html(b), (a, b)
        for offered in OFFERS:
            assert negotiation.choose(a, offered) == negotiation.choose(b, offered), (a, b)
            assert negotiation.ranked(a, offered) == negotiation.ranked(b, offered), (a, b)
    # The key does merge spellings (q=.5 and q=0.5; q=1.0 and none), so the check above bites.
    assert accept_variant(TRICKY[5]) == accept_variant(TRICKY[6])
    assert accept_variant(TRICKY[3]) == accept_variant(TRICKY[4])
    assert accept_variant("") == accept_variant("garbage")


def test_the_memo_replays_what_the_app_chooses(app: Flask) -> None:
    """Through the memo, after every other header has been answered, each tricky header gets
    the Content-Type (and body) the app itself gives it."""
    memo = memoised(app)
    memo.recheck = 0.0
    cached, plain = Client(memo, use_cookies=False), Client(app, use_cookies=False)
    query = urllib.parse.quote("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")
    paths = ["/park/sophia-antipolis", f"/sparql?query={query}", "/search?q=sophia"]
    for _ in range(2):  # the second round is answered from the memo
        for path, header in itertools.product(paths, TRICKY):
            got = cached.get(path, headers={"Accept": header})
            want = plain.get(path, headers={"Accept": header})
            assert (got.status_code, got.headers.get("Content-Type")) == (
                want.status_code,
                want.headers.get("Content-Type"),
            ), (path, header)
            assert got.get_data() == want.get_data(), (path, header)
    assert memo.hits > 0
