"""Time the crash, parse-cost and memory queries of tests/test_sparql_limits_live.py on a live
``parkld serve`` (default server), one at a time, plus a few parse/plan-cost ones from issue 12.

    PYTHONPATH=src python bench/hostile_timings.py

Prints status and seconds per query; figures are recorded in docs/security.md.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.live import start_server, stop_server
from tests.sparql_support import parks_store
from tests.test_sparql_limits_live import HOSTILE, post

EXTRA = {
    "150 OPTIONALs": "SELECT * { ?s ?p ?o "
    + " ".join(f"OPTIONAL {{ ?s <http://ex/p{i}> ?o{i} }}" for i in range(150))
    + " }",
    "400-pattern BGP": "SELECT * { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(400)) + " }",
    "100,000 variables": "SELECT " + " ".join(f"?v{i}" for i in range(100_000)) + " {}",
}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(
            parks_store(Path(tmp), filler=3000),
            build=False,
            env={"PARKLD_QUERY_TIMEOUT": "10", "PARKLD_QUERY_MEMORY_MB": "1024"},
        )
        try:
            post(server, "ASK {}")
            cases = {name: text for name, (text, _, _) in HOSTILE.items()} | EXTRA
            for name, text in cases.items():
                started = time.monotonic()
                status, body = post(server, text)
                print(
                    f"{name:24} {status} {time.monotonic() - started:6.2f} s  {body.strip()[:90]}"
                )
        finally:
            stop_server(server)


if __name__ == "__main__":
    main()
