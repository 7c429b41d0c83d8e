"""The reliability run: parkld under a mixed, partly hostile workload at concurrency 32.

* 24 connections of normal traffic from wrk: the query mix (GET and form POST), Turtle and
  HTML dereferences, rotating; wrk counts answers by status class and gives the p50/p99 of
  these normal requests while everything below runs.
* 8 Python threads of abuse, each request classified and checked: runaway queries (a
  five-way cross join, at most two at a time), malformed SPARQL, hostile headers (huge or
  nonsense Accept, bad content types, garbage request lines), oversized bodies, unknown IRIs.

Reported: every 5xx (must be 0, except a runaway's 504/503 "stopped" answer, which is the
timeout being honoured and is counted apart), how long runaways took against the configured
limit, memory (PSS of the server tree) at start, peak and end, and whether workers restarted.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import random
import socket
import subprocess
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench import loadgen, procs, queries, systems
from bench.dataset import Dataset

QUERY_TIMEOUT = 5.0  # parkld's PARKLD_QUERY_TIMEOUT for this run: short, so runaways recur
NORMAL_CONNECTIONS = 24
ABUSE_THREADS = 8
RUNAWAY_THREADS = 2
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?s ?h . ?i ?t ?j }"

_LUA = r"""
local reqs = {REQUESTS}
local counter = 0
local threads = {}
setup = function(thread) table.insert(threads, thread) end
init = function(args) s2 = 0 s3 = 0 s4 = 0 s5 = 0 counter = math.random(#reqs) end
request = function()
  counter = counter % #reqs + 1
  local r = reqs[counter]
  return wrk.format(r[1], r[2], r[3], r[4])
end
response = function(status, headers, body)
  if status < 300 then s2 = s2 + 1 elseif status < 400 then s3 = s3 + 1
  elseif status < 500 then s4 = s4 + 1 else s5 = s5 + 1 end
end
done = function(summary, latency, requests)
  local t2, t3, t4, t5 = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    t2 = t2 + t:get("s2"); t3 = t3 + t:get("s3"); t4 = t4 + t:get("s4"); t5 = t5 + t:get("s5")
  end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"s2xx":%d,"s3xx":%d,"s4xx":%d,"s5xx":%d,' ..
    '"socket_errors":%d,"timeouts":%d,"p50_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, t2, t3, t4, t5, e.connect + e.read + e.write,
    e.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def _lua_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def normal_requests(ds: Dataset) -> list[tuple[str, str, dict[str, str], str | None]]:
    """(method, path, headers, body) of the normal traffic."""
    out: list[tuple[str, str, dict[str, str], str | None]] = []
    for q in queries.mix(ds.manifest):
        if q.parkld_path:
            out.append(("GET", q.parkld_path, {"Accept": q.accept}, None))
        elif q.sparql:
            out.append(("GET", queries.query_path("/sparql", q.sparql), {"Accept": q.accept}, None))
            out.append(
                (
                    "POST",
                    "/sparql",
                    {"Accept": q.accept, "Content-Type": "application/x-www-form-urlencoded"},
                    urlencode({"query": q.sparql}),
                )
            )
    return out


def _lua_requests(reqs: list[tuple[str, str, dict[str, str], str | None]]) -> str:
    items = []
    for method, path, headers, body in reqs:
        hs = ", ".join(f"[{_lua_str(k)}] = {_lua_str(v)}" for k, v in headers.items())
        items.append(
            f"{{{_lua_str(method)}, {_lua_str(path)}, {{{hs}}}, "
            f"{_lua_str(body) if body is not None else 'nil'}}}"
        )
    return "{" + ",\n".join(items) + "}"


def _run_wrk(port: int, ds: Dataset, seconds: float) -> dict[str, Any]:
    script = _LUA.replace("{REQUESTS}", _lua_requests(normal_requests(ds)))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(script)
        path = fh.name
    try:
        argv = [
            "wrk",
            "-t",
            "2",
            "-c",
            str(NORMAL_CONNECTIONS),
            "-d",
            f"{round(seconds)}s",
            "--timeout",
            f"{QUERY_TIMEOUT * 4:g}s",
            "-s",
            path,
            f"http://127.0.0.1:{port}",
        ]
        out = subprocess.run(
            argv, capture_output=True, text=True, timeout=seconds + 120, check=False
        )
    finally:
        Path(path).unlink(missing_ok=True)
    for line in out.stdout.splitlines():
        if line.startswith("WRKJSON "):
            result: dict[str, Any] = json.loads(line[8:])
            return result
    return {"error": f"wrk gave no summary: {out.stdout[-300:]} {out.stderr[-300:]}"}


def _run_python(port: int, ds: Dataset, stop_at: float) -> dict[str, Any]:
    """The normal traffic without wrk: threads cycling the same requests (a weaker generator)."""
    reqs = normal_requests(ds)
    statuses: Counter[str] = Counter()
    took: list[float] = []
    lock = threading.Lock()
    t0 = time.monotonic()

    def client(i: int) -> None:
        n = i
        while time.monotonic() < stop_at:
            method, path, headers, body = reqs[n % len(reqs)]
            n += 1
            status, seconds = _send(
                port,
                method,
                path,
                headers,
                body.encode() if body is not None else None,
                timeout=QUERY_TIMEOUT * 4,
            )
            with lock:
                statuses[str(status)] += 1
                took.append(seconds)

    threads = [
        threading.Thread(target=client, args=(i,), daemon=True) for i in range(NORMAL_CONNECTIONS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(QUERY_TIMEOUT * 4 + 10)
    took.sort()

    def count(lo: int, hi: int) -> int:
        return sum(n for k, n in statuses.items() if k.isdigit() and lo <= int(k) < hi)

    return {
        "requests": len(took),
        "duration_us": int((time.monotonic() - t0) * 1e6),
        "s2xx": count(200, 300),
        "s3xx": count(300, 400),
        "s4xx": count(400, 500),
        "s5xx": count(500, 600),
        "socket_errors": sum(
            n for k, n in statuses.items() if not k.isdigit() and k != "client-timeout"
        ),
        "timeouts": statuses["client-timeout"],
        "p50_us": int(loadgen.percentile(took, 50) * 1e6),
        "p99_us": int(loadgen.percentile(took, 99) * 1e6),
        "max_us": int((took[-1] if took else 0) * 1e6),
        "tool": "python",
    }


def _abuse_request(
    kind: str, ds: Dataset, rng: random.Random
) -> tuple[str, str, dict[str, str], bytes | None]:
    park = f"/park/{ds.manifest.sample_park}"
    if kind == "runaway":
        return (
            "GET",
            queries.query_path("/sparql", RUNAWAY),
            {"Accept": "application/sparql-results+json"},
            None,
        )
    if kind == "malformed":
        bad = rng.choice(
            [
                "SELEC * WHERE { ?s ?p ?o }",
                "SELECT * WHERE { ?s ?p ",
                "ASK { <not an iri> ?p ?o }",
                "SELECT ?x WHERE { FILTER(1 +) }",
                "\x00\x01 binary",
                "",
            ]
        )
        return "GET", queries.query_path("/sparql", bad), {"Accept": "*/*"}, None
    if kind == "hostile_header":
        choice = rng.randrange(5)
        if choice == 0:
            return "GET", park, {"Accept": "text/turtle;q=0.5, " * 400 + "x/y"}, None
        if choice == 1:
            return "GET", park, {"Accept": "application/x-nonsense, image/*;q=abc"}, None
        if choice == 2:
            return "POST", "/sparql", {"Content-Type": "application/x-nonsense"}, b"ASK {}"
        if choice == 3:
            return (
                "GET",
                park + "?format=%ZZ%00",
                {"Accept": "text/html", "X-Forwarded-For": "1.1.1.1, ::x, <>"},
                None,
            )
        return (
            "GET",
            queries.query_path("/sparql", "ASK {}"),
            {
                "Accept": 'application/sparql-results+json;charset="\u00e9"',
                "Accept-Language": "x" * 8000,
            },
            None,
        )
    if kind == "oversized":
        body = b"query=" + b"A" * (3 * 1024 * 1024)
        return "POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded"}, body
    # unknown IRIs
    return (
        "GET",
        rng.choice(
            [
                f"/park/bench-nope-{rng.randrange(10**6)}",
                "/organisation/zz",
                "/nope/xyz",
                "/park/../../etc/passwd",
                "/park/%2e%2e%2fsecret",
                "/graph/does-not-exist",
            ]
        ),
        {"Accept": "text/turtle"},
        None,
    )


def _send(
    port: int, method: str, path: str, headers: dict[str, str], body: bytes | None, timeout: float
) -> tuple[int | str, float]:
    """Status (or the client-side failure's name) and seconds."""
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        resp.read()
        return resp.status, time.perf_counter() - t0
    except TimeoutError:
        return "client-timeout", time.perf_counter() - t0
    except (ConnectionError, http.client.HTTPException, OSError) as exc:
        return type(exc).__name__, time.perf_counter() - t0
    finally:
        conn.close()


def _garbage(port: int) -> tuple[int | str, float]:
    """A request line no HTTP server should accept; the answer must still not be a 5xx."""
    t0 = time.perf_counter()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(b"GARBAGE \x00\xff /park HTTP/9.9\r\nHost: \r\n\r\n")
            line = s.recv(64).split(b" ")
            status: int | str = int(line[1]) if len(line) > 1 and line[1].isdigit() else "closed"
    except OSError as exc:
        status = type(exc).__name__
    return status, time.perf_counter() - t0


def run(work: Path, ds: Dataset, seconds: float, say: Any) -> dict[str, Any]:
    """The reliability run against parkld serving *ds*; a dict for the report."""
    system = systems.Parkld(work, ds)
    system.check()
    say("  reliability: building the store (reused when built)")
    system.build(force=False)
    system.extra_env = {"PARKLD_QUERY_TIMEOUT": f"{QUERY_TIMEOUT:g}"}
    running = system.start()
    out: dict[str, Any] = {
        "seconds": seconds,
        "size": ds.label,
        "query_timeout": QUERY_TIMEOUT,
        "normal_connections": NORMAL_CONNECTIONS,
        "abuse_threads": ABUSE_THREADS,
        "cold_status": running.cold_status,
    }
    try:
        # gunicorn's web workers are the master's children (query workers are grandchildren,
        # killed by design when a query runs too long): a web worker replaced means a crash
        # or gunicorn's own timeout.
        workers_before = procs.children(running.proc.pid)
        out["start_mib"] = running.sampler.sample() / 1024
        running.sampler.peak_kib = 0
        stop_at = time.monotonic() + seconds
        records: list[tuple[str, int | str, float]] = []
        lock = threading.Lock()
        kinds = ["malformed", "hostile_header", "oversized", "unknown_iri", "garbage"]

        def abuser(i: int) -> None:
            rng = random.Random(i)
            while time.monotonic() < stop_at:
                kind = "runaway" if i < RUNAWAY_THREADS else rng.choice(kinds)
                if kind == "garbage":
                    status, took = _garbage(running.port)
                else:
                    method, path, headers, body = _abuse_request(kind, ds, rng)
                    status, took = _send(
                        running.port, method, path, headers, body, timeout=QUERY_TIMEOUT * 6
                    )
                with lock:
                    records.append((kind, status, took))
                if kind != "runaway":
                    time.sleep(0.02)  # abuse is a share of the traffic, not a flood

        threads = [
            threading.Thread(target=abuser, args=(i,), daemon=True) for i in range(ABUSE_THREADS)
        ]
        for t in threads:
            t.start()
        if loadgen.have_wrk():
            out["normal"] = _run_wrk(running.port, ds, seconds)
        else:
            out["normal"] = _run_python(running.port, ds, stop_at)
        for t in threads:
            t.join(QUERY_TIMEOUT * 6 + 10)
        out["abuse"] = _summarise(records)
        out["peak_mib"] = running.sampler.peak_kib / 1024
        procs.wait_idle(running.proc.pid, limit=min(QUERY_TIMEOUT * 3, seconds))
        out["end_mib"] = running.sampler.sample() / 1024
        out["workers_replaced"] = len(set(workers_before) - set(procs.children(running.proc.pid)))
        with contextlib.suppress(OSError):
            after = procs.request(
                running.port,
                queries.query_path("/sparql", "ASK {}"),
                headers={"Accept": "application/sparql-results+json"},
            )
            out["healthy_after"] = after.status
        out["alive_after"] = running.proc.poll() is None
    finally:
        system.stop(running)
    return out


def _summarise(records: list[tuple[str, int | str, float]]) -> dict[str, Any]:
    by_kind: dict[str, dict[str, Any]] = {}
    for kind in sorted({k for k, _, _ in records}):
        mine = [(s, t) for k, s, t in records if k == kind]
        took = sorted(t for _, t in mine)
        by_kind[kind] = {
            "count": len(mine),
            "statuses": dict(Counter(str(s) for s, _ in mine).most_common()),
            "p50_s": loadgen.percentile(took, 50),
            "max_s": took[-1] if took else 0.0,
        }
    return by_kind


def unexpected_5xx(res: dict[str, Any]) -> int:
    """5xx answers that are not a runaway query being stopped."""
    n = int(res.get("normal", {}).get("s5xx", 0))
    for kind, d in res.get("abuse", {}).items():
        for status, count in d["statuses"].items():
            if (
                status.isdigit()
                and int(status) >= 500
                and not (kind == "runaway" and int(status) in (503, 504))
            ):
                n += count
    return n


def render(res: dict[str, Any]) -> list[str]:
    """Markdown for the report."""
    normal = res.get("normal", {})
    run_ = res.get("abuse", {}).get("runaway", {})
    limit = res["query_timeout"]
    out = [
        "## Reliability run",
        "",
        f"{res['seconds']:g} s against parkld on the {res['size']} graph, concurrency "
        f"{res['normal_connections'] + res['abuse_threads']} ({res['normal_connections']} "
        f"{res.get('normal', {}).get('tool', 'wrk')} connections of normal traffic + "
        f"{res['abuse_threads']} abuse threads, "
        f"{RUNAWAY_THREADS} of them sending runaway queries back to back), "
        f"PARKLD_QUERY_TIMEOUT={limit:g} s.",
    ]
    if res["seconds"] < 600:
        out.append(
            f"**Shortened run** ({res['seconds']:g} s); the issue's 10-minute run: "
            f"`python -m bench.run --no-bench --sizes {res['size']} --reliability 600`."
        )
    out.append("")
    if res.get("cold_status") != 200:
        out += [
            f"**parkld's /sparql did not answer 200 at start (HTTP {res.get('cold_status')})"
            "**: the figures below are of its error answers.",
            "",
        ]
    out += [
        "| figure | value |",
        "|---|---|",
        f"| **unexpected 5xx** (must be 0) | **{unexpected_5xx(res)}** |",
    ]
    if "error" in normal:
        out.append(f"| normal traffic | {normal['error']} |")
    else:
        out += [
            f"| normal requests answered | {normal['requests']:,} "
            f"({normal['requests'] / max(1e-9, normal['duration_us'] / 1e6):,.0f}/s): "
            f"2xx {normal['s2xx']:,}, 3xx {normal['s3xx']}, 4xx {normal['s4xx']}, "
            f"5xx {normal['s5xx']}; socket errors {normal['socket_errors']}, "
            f"timeouts {normal['timeouts']} |",
            f"| p50 / p99 / max of normal requests while runaways run | "
            f"{normal['p50_us'] / 1000:.1f} / {normal['p99_us'] / 1000:.1f} / "
            f"{normal['max_us'] / 1000:.0f} ms |",
        ]
    if run_:
        out.append(
            f"| runaway queries | {run_['count']} sent; answers {run_['statuses']}; "
            f"p50 {run_['p50_s']:.1f} s, max {run_['max_s']:.1f} s (limit {limit:g} s) |"
        )
    out += [
        f"| memory (PSS) start / peak / end | {res.get('start_mib', 0):.0f} / "
        f"{res.get('peak_mib', 0):.0f} / {res.get('end_mib', 0):.0f} MiB |",
        f"| web worker processes replaced during the run | {res.get('workers_replaced')} |",
        f"| alive and answering ASK after the run | {res.get('alive_after')} / "
        f"HTTP {res.get('healthy_after')} |",
        "",
        "| abuse kind | sent | answers (status: count) | p50 s | max s |",
        "|---|---:|---|---:|---:|",
    ]
    for kind, d in res.get("abuse", {}).items():
        statuses = ", ".join(f"{k}: {v}" for k, v in d["statuses"].items())
        out.append(f"| {kind} | {d['count']} | {statuses} | {d['p50_s']:.3f} | {d['max_s']:.2f} |")
    out.append("")
    return out
