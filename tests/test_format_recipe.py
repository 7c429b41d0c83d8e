"""The recipe "a new format" (docs/architecture.md), followed once with a fixture.

One row, here Notation3 (``text/n3``, a real syntax that Oxigraph writes and rdflib reads),
added with ``TABLE.extended`` instead of an edit of the shipped table, and an app that serves
it (``create_app(formats=...)``). Everything the recipe promises then follows from the row:
negotiation, the extension URL, ``?format=``, the ``Link`` alternates and the page's download
links, compression, and a response memo that tells the new type's requests apart from the
rest. The shipped app does not know the format.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient
from rdflib.compare import isomorphic
from werkzeug.test import Client

from parkld.config import Settings
from parkld.mediatypes import TABLE, Format, Kind
from parkld.store.embedded import EmbeddedStore
from parkld.web import create_app
from parkld.web.fastpath import memoised

#: The recipe's one row.
N3 = Format("n3", "text/n3", Kind.GRAPH, "n3", (), "n3", ox.RdfFormat.N3)
WITH_N3 = TABLE.extended(N3, resource=True)
PARK = "/park/sophia-antipolis"
BASE = "https://w3id.org/parkld/"


@pytest.fixture(scope="module")
def n3_app(shipped_settings: Settings, shipped_store: EmbeddedStore) -> Iterator[Flask]:
    app = create_app(shipped_settings, store=shipped_store, formats=WITH_N3)
    yield app
    app.extensions["parkld"].close()


@pytest.fixture(scope="module")
def n3_client(n3_app: Flask) -> FlaskClient:
    return n3_app.test_client()


def test_the_table_gets_one_row_and_the_shipped_one_is_unchanged() -> None:
    assert WITH_N3.by_name("n3") is N3
    assert WITH_N3.by_media_type("text/n3; charset=utf-8") is N3
    assert WITH_N3.resources[-1] is N3 and N3 in WITH_N3.negotiable
    assert "text/n3" in WITH_N3.media_types
    assert TABLE.by_name("n3") is None and N3 not in TABLE.negotiable
    with pytest.raises(ValueError, match="has a format named"):
        WITH_N3.extended(N3, resource=True)


# rdflib's N3 parser sets a deprecated attribute of its own Dataset (rdflib 7.x).
@pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")
def test_negotiation_answers_the_new_format_with_the_same_statements(
    n3_client: FlaskClient,
) -> None:
    response = n3_client.get(PARK, headers={"Accept": "text/n3"})
    assert response.status_code == 200
    assert response.content_type == "text/n3; charset=utf-8"
    assert response.headers["Content-Location"] == PARK + ".n3"
    assert "Accept" in response.headers["Vary"]
    got = rdflib.Graph().parse(data=response.data, format="n3")
    # The same statements as the N-Triples representation, but for the document's own IRI.
    nt = n3_client.get(PARK + ".nt").data.decode().replace(f"{PARK}.nt>", f"{PARK}.n3>")
    want = rdflib.Graph().parse(data=nt, format="nt")
    assert len(got) > 10
    assert isomorphic(got, want)
    sophia = rdflib.URIRef(BASE + "park/sophia-antipolis")
    assert (sophia, rdflib.RDF.type, rdflib.URIRef(BASE + "ontology#Park")) in got


def test_the_extension_url_and_format_parameter_name_it(n3_client: FlaskClient) -> None:
    negotiated = n3_client.get(PARK, headers={"Accept": "text/n3"})
    by_extension = n3_client.get(PARK + ".n3")
    assert by_extension.status_code == 200
    assert by_extension.content_type == "text/n3; charset=utf-8"
    assert "Content-Location" not in by_extension.headers
    assert by_extension.data == negotiated.data
    by_parameter = n3_client.get(PARK, query_string={"format": "n3"})
    assert by_parameter.data == negotiated.data


def test_links_and_the_page_offer_it(n3_client: FlaskClient) -> None:
    turtle = n3_client.get(PARK, headers={"Accept": "text/turtle"})
    assert f'<{PARK}.n3>; rel="alternate"; type="text/n3"' in turtle.headers["Link"]
    page = n3_client.get(PARK, headers={"Accept": "text/html"}).get_data(as_text=True)
    assert f'<link rel="alternate" type="text/n3" href="{PARK}.n3">' in page
    assert re.search(rf'<a href="{PARK}\.n3" type="text/n3">n3</a>', page)


def test_it_is_compressed_like_the_other_text_formats(n3_client: FlaskClient) -> None:
    plain = n3_client.get(PARK + ".n3", headers={"Accept-Encoding": "identity"})
    packed = n3_client.get(PARK + ".n3", headers={"Accept-Encoding": "gzip"})
    assert packed.headers.get("Content-Encoding") == "gzip"
    assert gzip.decompress(packed.data) == plain.data


def test_the_memo_tells_its_requests_apart(n3_app: Flask) -> None:
    # A memo keyed on the shipped table alone would file "text/n3" with any type it does not
    # know, and replay one's answer for the other.
    client = Client(memoised(n3_app, max_bytes=4 * 1024 * 1024))
    first = client.get(PARK, headers={"Accept": "text/n3"})
    assert first.status_code == 200 and first.headers["Content-Type"].startswith("text/n3")
    unknown = client.get(PARK, headers={"Accept": "application/x-unknown"})
    assert unknown.status_code == 406
    again = client.get(PARK, headers={"Accept": "text/n3"})
    assert again.get_data() == first.get_data()


def test_the_shipped_app_does_not_know_it(client: FlaskClient) -> None:
    refused = client.get(PARK, headers={"Accept": "text/n3"})
    assert refused.status_code == 406
    assert "matches the Accept header" in refused.get_data(as_text=True)
    assert client.get(PARK + ".n3").status_code == 404
    assert "n3" not in client.get(PARK, headers={"Accept": "text/turtle"}).headers["Link"]
