"""Cost of the stored merged default graph (issue 13): build time, store size, query time.

Run: ``PYTHONPATH=src python -m bench.default_graph [N]`` — builds the shipped graph into a
fresh store directory, then times N runs of a few default-graph queries. Compare with the
figures in bench/NOTES.md (*Default graph as a set*), taken on the code before the change.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from parkld import config
from parkld.build import ensure_built
from parkld.store.embedded import EmbeddedStore

QUERIES = {
    "per-country": "PREFIX pld: <https://w3id.org/parkld/ontology#> SELECT ?c (COUNT(?p) AS ?n)"
    " WHERE { ?p a pld:Park ; pld:country ?c } GROUP BY ?c",
    "count-all": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "sophia": "SELECT * WHERE { <https://w3id.org/parkld/park/sophia-antipolis> ?p ?o }",
}


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main(runs: int = 50) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = config.from_env({}, store_dir=Path(tmp))
        started = time.perf_counter()
        built = ensure_built(settings)
        print(
            f"build: {time.perf_counter() - started:.2f} s; store {size(built.path) / 1e6:.2f} MB"
        )
        with EmbeddedStore(Path(tmp), query_workers=1) as store:
            for name, query in QUERIES.items():
                store.select(query)
                started = time.perf_counter()
                for _ in range(runs):
                    rows = store.select(query).rows
                ms = (time.perf_counter() - started) / runs * 1000
                print(f"{name}: {ms:.2f} ms ({len(rows)} rows)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
