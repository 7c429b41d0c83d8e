"""Load generation: ``wrk`` when installed (C, epoll: not the bottleneck), else a Python fallback.

One run = one URL with fixed headers at a fixed concurrency for a fixed time. wrk's ``done``
hook prints its latency distribution as one JSON line, so percentiles come from wrk itself.
The fallback (threads + keep-alive http.client) exists so the smoke test proves the harness on
machines without wrk; its figures are marked as such in the results.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

_LUA = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"status_errors":%d,"socket_errors":%d,' ..
    '"timeouts":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write,
    e.timeout, latency:percentile(50), latency:percentile(99), latency.mean))
end
"""


@dataclass(frozen=True)
class LoadResult:
    """Outcome of one load run. Latencies in milliseconds."""

    requests: int
    seconds: float
    errors: int  # non-2xx/3xx answers, socket errors and timeouts
    p50_ms: float
    p99_ms: float
    tool: str

    @property
    def rps(self) -> float:
        ok = self.requests - self.errors
        return ok / self.seconds if self.seconds > 0 else 0.0


def have_wrk() -> bool:
    """wrk is on PATH (``BENCH_NO_WRK=1`` pretends it is not, to test the fallback)."""
    return shutil.which("wrk") is not None and os.environ.get("BENCH_NO_WRK") != "1"


def run(
    port: int,
    path: str,
    *,
    headers: Mapping[str, str],
    concurrency: int,
    seconds: float,
    timeout_s: float = 10.0,
) -> LoadResult:
    """Hammer http://127.0.0.1:*port*/*path* for *seconds* with *concurrency* connections."""
    if have_wrk():
        return _run_wrk(port, path, headers, concurrency, seconds, timeout_s)
    return _run_python(port, path, headers, concurrency, seconds, timeout_s)


def _run_wrk(
    port: int,
    path: str,
    headers: Mapping[str, str],
    concurrency: int,
    seconds: float,
    timeout_s: float,
) -> LoadResult:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(_LUA)
        script = fh.name
    try:
        # Two threads at most: the server under test has the other core(s) to itself.
        argv = [
            "wrk",
            "-t",
            str(min(2, concurrency)),
            "-c",
            str(concurrency),
            "-d",
            f"{max(1, round(seconds))}s",
            "--timeout",
            f"{timeout_s:g}s",
            "-s",
            script,
        ]
        for k, v in headers.items():
            argv += ["-H", f"{k}: {v}"]
        argv.append(f"http://127.0.0.1:{port}{path}")
        out = subprocess.run(
            argv, capture_output=True, text=True, timeout=seconds + timeout_s + 30, check=False
        )
    finally:
        Path(script).unlink(missing_ok=True)
    for line in out.stdout.splitlines():
        if line.startswith("WRKJSON "):
            d = json.loads(line[len("WRKJSON ") :])
            return LoadResult(
                requests=d["requests"],
                seconds=d["duration_us"] / 1e6,
                errors=d["status_errors"] + d["socket_errors"] + d["timeouts"],
                p50_ms=d["p50_us"] / 1000,
                p99_ms=d["p99_us"] / 1000,
                tool="wrk",
            )
    raise RuntimeError(f"wrk gave no summary: {out.stdout[-500:]} {out.stderr[-500:]}")


def _run_python(
    port: int,
    path: str,
    headers: Mapping[str, str],
    concurrency: int,
    seconds: float,
    timeout_s: float,
) -> LoadResult:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker() -> None:
        conn: http.client.HTTPConnection | None = None
        mine: list[float] = []
        bad = 0
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout_s)
                conn.request("GET", path, headers=dict(headers))
                resp = conn.getresponse()
                resp.read()
                if resp.status >= 400:
                    bad += 1
                if resp.getheader("connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                bad += 1
                if conn is not None:
                    conn.close()
                conn = None
            mine.append(time.perf_counter() - t0)
        if conn is not None:
            conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + timeout_s + 5)
    elapsed = time.perf_counter() - t0
    latencies.sort()
    return LoadResult(
        len(latencies),
        elapsed,
        errors[0],
        percentile(latencies, 50) * 1000,
        percentile(latencies, 99) * 1000,
        "python",
    )


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending list (0.0 when empty)."""
    if not sorted_values:
        return 0.0
    rank = max(0, min(len(sorted_values) - 1, round(pct / 100 * len(sorted_values)) - 1))
    return sorted_values[rank]
