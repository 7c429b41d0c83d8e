"""``q=.5`` in Accept is read as ``q=0.5``, as Apache reads it (issue 13)."""

from __future__ import annotations

from flask.testing import FlaskClient

from parkld import mediatypes, negotiation


def test_bare_decimal_quality_is_parsed() -> None:
    header = "text/turtle;q=.5, text/html;q=0.4"
    assert negotiation.parse(header) == (("text/turtle", 0.5, ()), ("text/html", 0.4, ()))
    offered = (mediatypes.HTML, mediatypes.TURTLE)
    assert negotiation.choose(header, offered) is mediatypes.TURTLE


def test_an_entity_page_honours_q_dot_five(client: FlaskClient) -> None:
    answer = client.get(
        "/park/sophia-antipolis", headers={"Accept": "text/turtle;q=.5, text/html;q=0.4"}
    )
    assert answer.status_code == 200
    assert answer.mimetype == "text/turtle"
    assert b"sophia-antipolis" in answer.data
