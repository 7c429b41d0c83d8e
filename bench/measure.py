"""Measuring one running system: the query mix at concurrency 1, 8 and 32.

Each query is first sent once and its answer checked (status, rows or triples), so a figure in
the table is never the speed of an error page; the row counts are compared across systems in
the results. Latency percentiles come from the concurrency-1 run.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from typing import Any

import pyoxigraph as ox

from bench import loadgen, procs
from bench.queries import TURTLE, Query, query_path
from bench.systems import Running

CONCURRENCY = (1, 8, 32)
#: Fewer successful answers than this at concurrency 1 and the higher levels are not run.
MIN_ANSWERS = 3


@dataclass
class Probe:
    status: int | None
    rows: int | None  # SELECT rows or RDF triples; None when not countable
    bytes: int
    seconds: float
    error: str = ""


@dataclass
class QueryFigures:
    probe: Probe
    runs: dict[int, loadgen.LoadResult] = field(default_factory=dict)
    slow: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "probe": asdict(self.probe),
            "slow": self.slow,
            "runs": {str(c): asdict(r) for c, r in self.runs.items()},
        }


def duration(seconds: float, c: int, first: loadgen.LoadResult | None) -> float:
    """How long to run at concurrency *c*: long enough for every connection to finish a few.

    Engines share the cores among in-flight queries, so at concurrency 32 a 100 ms query
    takes ~1.6 s on 2 cores: a 2 s run would count almost nothing (requests still in flight
    at the end are not counted). Runs are stretched to ~4 rounds, at most 4x *seconds*.
    """
    if first is None or c == 1:
        return seconds
    rounds = 4 * c * (first.p50_ms / 1000) / (os.cpu_count() or 1)
    return min(max(seconds, rounds), 4 * seconds)


def path_for(system: str, run: Running, q: Query) -> str | None:
    """The request path of *q* on *system*; None when the system has no equivalent."""
    if system == "parkld" and q.parkld_path:
        return q.parkld_path
    if q.sparql is None:
        return None
    return query_path(run.endpoint, q.sparql)


def count(body: bytes, accept: str) -> int | None:
    try:
        if accept == TURTLE:
            return sum(1 for _ in ox.parse(body, format=ox.RdfFormat.TURTLE))
        if "sparql-results+json" in accept:
            return len(json.loads(body)["results"]["bindings"])
    except (SyntaxError, ValueError, KeyError, TypeError):
        return None
    return None


def probe(run: Running, path: str, q: Query) -> Probe:
    try:
        a = procs.request(run.port, path, headers={"Accept": q.accept}, timeout=120)
    except OSError as exc:
        return Probe(None, None, 0, 0.0, f"{type(exc).__name__}: {exc}")
    err = "" if a.status == 200 else a.body[:160].decode(errors="replace").strip()
    rows = count(a.body, q.accept) if a.status == 200 else None
    return Probe(a.status, rows, len(a.body), a.seconds, err)


def measure(
    system: str,
    run: Running,
    mix: list[Query],
    seconds: float,
    concurrency: tuple[int, ...] = CONCURRENCY,
) -> dict[str, QueryFigures | None]:
    """Every query of *mix* that *system* can answer, at every concurrency."""
    out: dict[str, QueryFigures | None] = {}
    for q in mix:
        path = path_for(system, run, q)
        if path is None:
            out[q.name] = None
            continue
        figures = QueryFigures(probe(run, path, q))
        out[q.name] = figures
        if figures.probe.status != 200:
            continue  # an error page's speed means nothing; the table shows the status
        for c in concurrency:
            first = figures.runs.get(concurrency[0])
            if first is not None and first.requests - first.errors < MIN_ANSWERS:
                # Too slow to measure at higher concurrency within the run: its queue would
                # still be draining into the next query's run. The table says "slow".
                figures.slow = True
                break
            figures.runs[c] = loadgen.run(
                run.port,
                path,
                headers={"Accept": q.accept},
                concurrency=c,
                seconds=duration(seconds, c, first),
            )
            procs.wait_idle(run.proc.pid, limit=15)
    return out
