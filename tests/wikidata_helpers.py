"""Shared pieces of the Wikidata tests: Wikidata-shaped fixture, gold set, fault server."""

from __future__ import annotations

import csv
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
WD_FIXTURES = Path(__file__).parent / "fixtures" / "wikidata"
SNAPSHOT = ROOT / "sources" / "wikidata-parks" / "parks_wikidata_subset.ttl"
#: What the loopback "Wikidata" serves: the real snapshot plus test-only triples.
WIKIDATA_FILES = [SNAPSHOT, WD_FIXTURES / "classes.ttl", WD_FIXTURES / "extras.ttl"]
GOLD = WD_FIXTURES / "linking-gold.csv"


@dataclass(frozen=True)
class GoldPark:
    slug: str
    name: str
    lang: str
    lat: str
    lon: str
    country_qid: str
    expected_qid: str
    note: str

    @property
    def iri(self) -> str:
        return f"https://w3id.org/parkld/park/gold-{self.slug}"


def gold() -> list[GoldPark]:
    with GOLD.open(encoding="utf-8") as handle:
        return [GoldPark(**row) for row in csv.DictReader(handle)]


def gold_turtle(parks: list[GoldPark]) -> str:
    """The gold parks as a curator's parkld Turtle (countries linked, parks not)."""
    out = [
        "@prefix pld: <https://w3id.org/parkld/ontology#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        "@prefix wgs84: <http://www.w3.org/2003/01/geo/wgs84_pos#> .",
        "@prefix wd: <http://www.wikidata.org/entity/> .",
    ]
    countries = set()
    for p in parks:
        parts = [f"<{p.iri}> a pld:Park ; rdfs:label {ox.Literal(p.name, language=p.lang)}"]
        if p.lat:
            parts.append(f'wgs84:lat "{p.lat}"^^xsd:decimal ; wgs84:long "{p.lon}"^^xsd:decimal')
        if p.country_qid:
            parts.append(f"pld:country <https://w3id.org/parkld/place/gold-{p.country_qid}>")
            countries.add(p.country_qid)
        out.append(" ; ".join(parts) + " .")
    for c in sorted(countries):
        out.append(
            f"<https://w3id.org/parkld/place/gold-{c}> a pld:Country ; "
            f'rdfs:label "{c}"@en ; pld:wikidata wd:{c} .'
        )
    return "\n".join(out) + "\n"


EMPTY_RESULTS = b'{"head": {"vars": ["item"]}, "results": {"bindings": []}}'


@dataclass
class FaultServer:
    """A real HTTP server on loopback that answers from a script of (status, headers, body)."""

    port: int
    requests: list[dict[str, str]]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"


@contextmanager
def fault_server(
    script: list[tuple[int, dict[str, str], bytes]], *, delay: float = 0.0
) -> Iterator[FaultServer]:
    """Serve the scripted answers in order (the last one repeats); *delay* before each."""
    requests: list[dict[str, str]] = []
    answers = list(script)

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            requests.append(dict(self.headers.items()))
            status, headers, body = answers.pop(0) if len(answers) > 1 else answers[0]
            if delay:
                time.sleep(delay)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/sparql-results+json")
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)

        do_GET = _answer  # noqa: N815 - http.server naming
        do_POST = _answer  # noqa: N815 - http.server naming

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield FaultServer(server.server_address[1], requests)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
