"""Interleaved A/B: parkld ÷ ``oxigraph serve-read-only`` on the cheap requests (issue 15).

``python -m bench.ab --work bench/out`` reuses the parkld store and the Oxigraph database a
``python -m bench.run`` left in *work* (``parkld-<size>/store``, ``oxigraph-<size>/db``), starts
both servers, and for each case and concurrency runs wrk against parkld and Oxigraph in turn,
``--rounds`` times, alternating who goes first; it reports medians of throughput, the ratio,
and CPU µs per request (the server's process tree's user+system time over the requests it
answered). Cases: dereference (Turtle; Oxigraph: CONSTRUCT of the park's outgoing triples),
``ASK {}``, DESCRIBE and a 2-hop join, each *repeated* (the same request all run) and
*distinct* (a different park per request, and for SPARQL a counter in a comment, so no query
text is sent twice in a run). Memory: PSS at rest and the peak while serving. The load average
is recorded before and after: on a shared machine read ratios within ~1.5× as noise.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from bench import procs

BASE = "https://w3id.org/parkld/"
PREFIXES = "PREFIX org: <http://www.w3.org/ns/org#> "
TWO_HOP = (
    PREFIXES + "SELECT DISTINCT ?other WHERE {{ ?m1 org:member <{park}> ; "
    "org:organization ?a . ?m2 org:organization ?a ; org:member ?other . "
    "FILTER (?other != <{park}>) }}"
)
OUTGOING = "CONSTRUCT {{ <{park}> ?p ?o }} WHERE {{ <{park}> ?p ?o }}"

# wrk script: each request's path from a template; {n} becomes the park number (rotating over
# PARKS, from an offset that moves on with every run) and {c} a counter unique to this run and
# thread, so no SPARQL text of a distinct case is sent twice in the whole A/B.
_LUA = r"""
local counter = 0
local tid = 0
local threads = {}
setup = function(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
init = function(args) tid = tonumber(wrk.thread:get("tid")) or 0 end
request = function()
  counter = counter + 1
  local n = (OFFSET + tid * 7919 + counter) % PARKS
  local path = string.gsub(TEMPLATE, "{n}", string.format("%06d", n))
  path = string.gsub(path, "{c}", tostring(OFFSET) .. "x" .. tostring(tid) .. "x" ..
                    tostring(counter))
  return wrk.format(nil, path)
end
done = function(summary, latency, requests)
  io.write(string.format('WRKJSON {"requests":%d,"duration_us":%d,"errors":%d}\n',
    summary.requests, summary.duration,
    summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
end
"""


@dataclass(frozen=True)
class Case:
    name: str
    accept: str
    parkld: str  # path template
    oxigraph: str


def _q(text: str, prefix: str) -> str:
    # {n}/{c} stay literal placeholders for the Lua script (not percent-encoded).
    return prefix + urllib.parse.quote(text, safe="{}")


def cases(distinct: bool) -> list[Case]:
    park = BASE + "park/bench-p{n}" if distinct else BASE + "park/bench-p000000"
    tag = "\n#{c}" if distinct else ""
    out = [
        Case(
            "deref_ttl",
            "text/turtle",
            park.removeprefix(BASE[:-1]),
            _q(OUTGOING.format(park=park), "/query?query="),
        ),
        Case(
            "ask",
            "application/sparql-results+json",
            _q("ASK {}" + tag, "/sparql?query="),
            _q("ASK {}" + tag, "/query?query="),
        ),
        Case(
            "describe",
            "text/turtle",
            _q(f"DESCRIBE <{park}>" + tag, "/sparql?query="),
            _q(f"DESCRIBE <{park}>" + tag, "/query?query="),
        ),
        Case(
            "two_hop",
            "application/sparql-results+json",
            _q(TWO_HOP.format(park=park) + tag, "/sparql?query="),
            _q(TWO_HOP.format(park=park) + tag, "/query?query="),
        ),
    ]
    return out


_RUNS = [0]


def wrk(
    port: int, template: str, accept: str, c: int, seconds: int, parks: int, script: Path
) -> tuple[int, int, float]:
    """(requests, errors, seconds) of one wrk run."""
    _RUNS[0] += 1
    lua = (
        script.read_text()
        .replace("TEMPLATE", json.dumps(template))
        .replace("PARKS", str(parks))
        .replace("OFFSET", str(_RUNS[0] * 100_003))
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(lua)
        path = fh.name
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t",
                str(min(2, c)),
                "-c",
                str(c),
                "-d",
                f"{seconds}s",
                "--timeout",
                "10s",
                "-s",
                path,
                "-H",
                f"Accept: {accept}",
                f"http://127.0.0.1:{port}/",
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 40,
            check=False,
        )
    finally:
        os.unlink(path)
    for line in out.stdout.splitlines():
        if line.startswith("WRKJSON "):
            data = json.loads(line[8:])
            return data["requests"], data["errors"], data["duration_us"] / 1e6
    raise RuntimeError(f"wrk gave no summary: {out.stdout[-300:]} {out.stderr[-300:]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", type=Path, default=Path(__file__).parent / "out")
    ap.add_argument("--size", default="100k")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=1)
    ap.add_argument("--concurrency", default="1,8,32")
    ap.add_argument("--server", default="granian", help="parkld's --server")
    ap.add_argument("--output", type=Path, default=None, help="JSON results file")
    ap.add_argument("--modes", default="repeated,distinct")
    args = ap.parse_args(argv)
    levels = [int(c) for c in args.concurrency.split(",")]
    store = args.work / f"parkld-{args.size}" / "store"
    db = args.work / f"oxigraph-{args.size}" / "db"
    manifest = json.loads(next(args.work.glob(f"data-{args.size}-*/manifest.json")).read_text())
    parks = int(manifest.get("parks", 500))
    exe = Path(sys.executable).parent
    script = args.work / "ab.lua"
    script.write_text(_LUA)
    ports = {"parkld": procs.free_port(), "oxigraph": procs.free_port()}
    servers = {
        "parkld": procs.start(
            [
                str(exe / "parkld"),
                "serve",
                "--no-build",
                "--host",
                "127.0.0.1",
                "--port",
                str(ports["parkld"]),
                "--server",
                args.server,
            ],
            env={"PARKLD_STORE_DIR": str(store), "PARKLD_LOG_LEVEL": "WARNING"},
            log=args.work / "ab-parkld.log",
        ),
        "oxigraph": procs.start(
            [
                str(exe / "oxigraph"),
                "serve-read-only",
                "--location",
                str(db),
                "--bind",
                f"127.0.0.1:{ports['oxigraph']}",
                "--union-default-graph",
            ],
            log=args.work / "ab-oxigraph.log",
        ),
    }
    results: dict[str, object] = {
        "load_before": os.getloadavg(),
        "server": args.server,
        "size": args.size,
        "parks": parks,
    }
    try:
        t0 = time.perf_counter()
        procs.wait_ready(servers["parkld"], ports["parkld"], "/sparql?query=ASK%7B%7D", t0=t0)
        procs.wait_ready(servers["oxigraph"], ports["oxigraph"], "/query?query=ASK%7B%7D", t0=t0)
        time.sleep(1)
        results["rest_mib"] = {s: procs.pss_kib(p.pid) / 1024 for s, p in servers.items()}
        samplers = {s: procs.MemorySampler(p.pid).__enter__() for s, p in servers.items()}
        rows = []
        modes = args.modes.split(",")
        for distinct in [m == "distinct" for m in ("repeated", "distinct") if m in modes]:
            for case in cases(distinct):
                for c in levels:
                    runs: dict[str, list[tuple[float, float]]] = {"parkld": [], "oxigraph": []}
                    for r in range(args.rounds):
                        order = ("parkld", "oxigraph") if r % 2 == 0 else ("oxigraph", "parkld")
                        for system in order:
                            template = case.parkld if system == "parkld" else case.oxigraph
                            cpu0 = procs.cpu_seconds(servers[system].pid)
                            n, errors, secs = wrk(
                                ports[system], template, case.accept, c, args.seconds, parks, script
                            )
                            cpu = procs.cpu_seconds(servers[system].pid) - cpu0
                            ok = max(n - errors, 0)
                            runs[system].append(
                                (ok / secs if secs else 0.0, cpu / ok * 1e6 if ok else float("nan"))
                            )
                    med = {
                        s: (statistics.median(x for x, _ in v), statistics.median(y for _, y in v))
                        for s, v in runs.items()
                    }
                    ratio = med["parkld"][0] / med["oxigraph"][0] if med["oxigraph"][0] else 0
                    row = {
                        "case": case.name,
                        "mode": "distinct" if distinct else "repeated",
                        "c": c,
                        "parkld_rps": med["parkld"][0],
                        "oxigraph_rps": med["oxigraph"][0],
                        "ratio": ratio,
                        "parkld_cpu_us": med["parkld"][1],
                        "oxigraph_cpu_us": med["oxigraph"][1],
                    }
                    rows.append(row)
                    print(
                        f"{row['case']:10} {row['mode']:9} c={c:<3} "
                        f"parkld {row['parkld_rps']:8.0f}"
                        f" oxigraph {row['oxigraph_rps']:8.0f}  {ratio:5.2f}x  cpu µs "
                        f"{row['parkld_cpu_us']:7.0f} / {row['oxigraph_cpu_us']:7.0f}",
                        flush=True,
                    )
        for s in samplers.values():
            s.__exit__()
        results["peak_mib"] = {s: m.peak_kib / 1024 for s, m in samplers.items()}
        results["rows"] = rows
    finally:
        for p in servers.values():
            procs.stop(p)
    results["load_after"] = os.getloadavg()
    print(json.dumps({k: v for k, v in results.items() if k != "rows"}))
    out = args.output or args.work / f"ab-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
