"""``?asOf=YYYY-MM-DD`` on resource pages, their RDF and the landing page, on the shipped graph.

The dates come from the sources: the Sophia Antipolis–Chengdu sister-park agreement was signed
on 2 July 2016 (Invest in Côte d'Azur); the confederation was proposed at the summit held
during the fair of 10–12 May 2017 (URENIO), so it counts from 12 May.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, URIRef

BASE = "https://w3id.org/parkld/"
HTML = {"Accept": "text/html"}
SOPHIA = "/park/sophia-antipolis"
SISTER = "/agreement/sophia-antipolis-chengdu-sister-parks-2016"
CONFEDERATION = "/alliance/first-class-hi-tech-parks-confederation"


class _Parts(HTMLParser):
    """Links (href) and the text of each ``<section id=…>`` of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.sections: dict[str, str] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.hrefs.append(str(found["href"]))
        if tag == "section" and found.get("id"):
            self._open.append(str(found["id"]))
            self.sections.setdefault(str(found["id"]), "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for name in self._open:
            self.sections[name] += data


def page(client: FlaskClient, url: str, **params: str) -> tuple[str, _Parts]:
    response = client.get(url, query_string=params, headers=HTML)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    body = response.get_data(as_text=True)
    parts = _Parts()
    parts.feed(body)
    return body, parts


def text(body: str) -> str:
    """The page's words, one space apart, with no space left before punctuation."""
    words = " ".join(re.sub(r"<[^>]+>", " ", body).split())
    return re.sub(r" ([.,:;)])", r"\1", words)


def test_park_page_before_the_signing_does_not_list_the_sister_park_agreement(
    client: FlaskClient,
) -> None:
    body, parts = page(client, SOPHIA, asOf="2016-07-01")
    assert not any(h.startswith(SISTER) for h in parts.hrefs)
    # Older agreements (Sophia Antipolis and Y-Parc, 1999) held already; this one not yet.
    assert "Sister Parks agreement" not in parts.sections.get("agreements", "")
    assert "Y-Parc" in parts.sections["agreements"]
    assert "Showing what held on 2016-07-01" in text(body)


def test_park_page_on_the_signing_day_lists_it(client: FlaskClient) -> None:
    _, parts = page(client, SOPHIA, asOf="2016-07-02")
    assert f"{SISTER}?asOf=2016-07-02" in parts.hrefs
    assert "Sister Parks agreement between Sophia Antipolis" in parts.sections["agreements"]
    # The confederation was proposed in May 2017: not a membership yet (older ones, such as
    # the French technopole network of 1985, are).
    assert "Confederation of first-class" not in parts.sections.get("memberships", "")
    assert not any(h.startswith(CONFEDERATION) for h in parts.hrefs)


def test_park_page_after_the_summit_lists_the_confederation_membership(
    client: FlaskClient,
) -> None:
    _, parts = page(client, SOPHIA, asOf="2017-05-12")
    assert "Confederation of first-class hi-tech parks" in parts.sections["memberships"]
    # The partnership built by Chengdu is dated only by its source (issued 2017-07-04).
    assert "Global partnership" not in parts.sections["memberships"]
    _, later = page(client, SOPHIA, asOf="2017-07-04")
    assert "Global partnership" in later.sections["memberships"]


def test_park_page_without_as_of_shows_everything(client: FlaskClient) -> None:
    body, parts = page(client, SOPHIA)
    assert SISTER in parts.hrefs
    assert "Global partnership" in parts.sections["memberships"]
    assert "Showing what held on" not in body


def test_alliance_status_before_and_after_the_proposal(client: FlaskClient) -> None:
    before, parts = page(client, CONFEDERATION, asOf="2017-04-30")
    assert "Status as of 2017-04-30: no status known yet." in text(before)
    assert "status" not in parts.sections  # no status record reached yet
    assert "members" not in parts.sections
    after, parts = page(client, CONFEDERATION, asOf="2017-06-01")
    assert "Status as of 2017-06-01: proposed (since 2017-05-12)." in text(after)
    assert "proposed" in parts.sections["status"]
    # On 1 June the proposers and the parks that agreed to collaborate at the May summit are
    # members (the collaborators' memberships are dated by the summit, as the article says).
    members = parts.sections["members"]
    assert "Sophia Antipolis" in members and "Chengdu" in members
    assert "Zhangjiang" in members and "Unnamed technology park from Qatar" in members


def test_agreement_page_before_its_signing_says_so_and_is_not_404(client: FlaskClient) -> None:
    body, _ = page(client, SISTER, asOf="2016-07-01")
    assert "Not yet signed as of 2016-07-01" in text(body)
    assert "Sister Parks agreement between Sophia Antipolis" in text(body)  # still described
    signed, _ = page(client, SISTER, asOf="2016-07-02")
    assert "Not yet signed" not in signed


def test_undated_event_is_said_to_have_no_date(client: FlaskClient) -> None:
    body, _ = page(client, "/event/franco-chinese-forum-future-leaders-2016", asOf="2016-07-02")
    assert "No date is known for this event" in text(body)


@pytest.mark.parametrize("url", [SOPHIA, SISTER, CONFEDERATION, SOPHIA + ".ttl", "/"])
@pytest.mark.parametrize("bad", ["2016-13-40", "2016-02-30", "yesterday", "2016-7-2"])
def test_a_bad_as_of_is_400_naming_it(client: FlaskClient, url: str, bad: str) -> None:
    response = client.get(url, query_string={"asOf": bad}, headers=HTML)
    assert response.status_code == 400
    assert "asOf" in response.get_data(as_text=True)


def test_links_keep_as_of(client: FlaskClient) -> None:
    _, parts = page(client, SOPHIA, asOf="2017-07-04")
    local = [h for h in parts.hrefs if h.startswith("/") and not h.startswith("/static/")]
    entities = [
        h
        for h in local
        if h.split("/")[1]
        in (
            "park",
            "alliance",
            "agreement",
            "membership",
            "place",
            "person",
            "source",
            "event",
            "status",
            "organisation",
        )
    ]
    assert len(entities) > 10
    # Every entity link keeps the day, except the "all dates" links back to this page.
    assert [h for h in entities if "asOf=2017-07-04" not in h] == [SOPHIA, SOPHIA]
    # The data links and the way back to the landing page keep it too; "all dates" drops it.
    assert f"{SOPHIA}.ttl?asOf=2017-07-04" in parts.hrefs
    assert "/?asOf=2017-07-04" in parts.hrefs
    assert SOPHIA in parts.hrefs


def test_the_page_has_a_date_control_that_works_without_script(client: FlaskClient) -> None:
    body, _ = page(client, "/membership/confederation-sophia-antipolis", asOf="2017-05-01")
    form = re.search(r"<form class=\"viz-asof\"[^>]*>.*?</form>", body, re.S)
    assert form is not None
    assert 'method="get"' in form.group(0) and "data-reload" in form.group(0)
    assert 'name="asOf" value="2017-05-01"' in form.group(0)
    assert 'type="submit"' in form.group(0)
    assert "Not yet in force as of 2017-05-01" in text(body)


def test_cache_is_keyed_by_as_of(client: FlaskClient) -> None:
    first = client.get(SOPHIA, query_string={"asOf": "2016-07-01"}, headers=HTML)
    second = client.get(SOPHIA, query_string={"asOf": "2016-07-02"}, headers=HTML)
    again = client.get(SOPHIA, query_string={"asOf": "2016-07-01"}, headers=HTML)
    assert first.data != second.data
    assert first.data == again.data and first.headers["ETag"] == again.headers["ETag"]
    assert first.headers["ETag"] != second.headers["ETag"]
    assert SISTER.encode() not in first.data and SISTER.encode() in second.data


def test_rdf_as_of_leaves_out_the_same_links(client: FlaskClient) -> None:
    agreement = URIRef(BASE + SISTER.lstrip("/"))
    sophia = URIRef(BASE + SOPHIA.lstrip("/"))
    graphs = {}
    for day in ("2016-07-01", "2016-07-02"):
        response = client.get(SOPHIA + ".ttl", query_string={"asOf": day})
        assert response.status_code == 200
        graphs[day] = Graph().parse(data=response.get_data(as_text=True), format="turtle")
        assert f".trig?asOf={day}>" in response.headers["Link"]
    party = URIRef(BASE + "ontology#party")
    assert (agreement, party, sophia) not in graphs["2016-07-01"]
    assert (agreement, party, sophia) in graphs["2016-07-02"]
    # The park's own statements are whole on both days.
    label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    assert set(graphs["2016-07-01"].objects(sophia, label)) == set(
        graphs["2016-07-02"].objects(sophia, label)
    )


def test_landing_page_lists_as_of_a_day(client: FlaskClient) -> None:
    _, before = page(client, "/", asOf="2016-07-01")
    assert "Confederation of first-class" not in before.sections["alliances"]
    assert "UKSPA" in before.sections["alliances"]  # founded 1984
    assert "Sophia Antipolis" in before.sections["parks"]
    assert f"{SOPHIA}?asOf=2016-07-01" in before.hrefs
    _, after = page(client, "/", asOf="2017-06-01")
    assert "Confederation of first-class hi-tech parks — proposed" in " ".join(
        after.sections["alliances"].split()
    )
    assert "Global partnership" not in after.sections["alliances"]
    _, every = page(client, "/")
    assert "Global partnership" in every.sections["alliances"]
