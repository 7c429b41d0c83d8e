"""Micro-benchmark of the embedded store's user queries through the QueryRunner protocol.

``python -m bench.store_answers [--store DIR] [--runs N]`` builds (or reuses) the shipped graph in
*DIR* and times, through one query worker, a small SELECT, a 10,000-row SELECT and a 5,000-triple
CONSTRUCT answered as bytes (``run_serialised``: the worker writes them with
:func:`parkld.sparql.answers.serialise`), then the 10,000-row SELECT answered as terms and
serialised in this process (``run`` + ``serialise``), the path the remote store's answers take.
The second number is why the embedded worker serialises: the terms cost more to send back than
the bytes. Medians and minimums in ms; on a shared machine, read differences under ~1.5x as noise.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from parkld import config, mediatypes
from parkld.build import ensure_built
from parkld.sparql.answers import Formats, QueryRequest, serialise
from parkld.store.embedded import EmbeddedStore

QUERIES = {
    "small select": (
        "SELECT ?p ?l WHERE { ?p a <https://w3id.org/parkld/ontology#Park> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?l } LIMIT 20"
    ),
    "10k-row select": "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10000",
    "5k construct": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5000",
}
FORMATS = Formats((mediatypes.SPARQL_JSON,), (mediatypes.TURTLE,))


def timed(work: Callable[[], object], runs: int) -> tuple[float, float]:
    work()  # warm: the worker's snapshot is open, the plan cache hot
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, default=Path("bench/out/store-answers"))
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    settings = config.from_env({}, store_dir=args.store)
    ensure_built(settings)
    print(f"load average {os.getloadavg()[0]:.2f}")
    with EmbeddedStore(settings.store_dir, query_workers=1) as store:
        for name, text in QUERIES.items():
            request = QueryRequest(text)

            def answer(r: QueryRequest = request) -> object:
                return store.run_serialised(r, FORMATS)

            median, best = timed(answer, args.runs)
            print(f"{name:16s} bytes from the worker   median {median:7.2f} ms  min {best:7.2f} ms")
        request = QueryRequest(QUERIES["10k-row select"])
        median, best = timed(lambda: serialise(store.run(request), FORMATS), args.runs)
        print(
            f"{'10k-row select':16s} terms, serialised here"
            f" median {median:7.2f} ms  min {best:7.2f} ms"
        )


if __name__ == "__main__":
    main()
