"""Starting, watching and always stopping the processes under test.

Every process is started in its own session (process group) and registered, so a crash of the
harness, a Ctrl-C or a failed assertion still stops it (``atexit`` + ``stop_all``). Memory is
PSS summed over the process tree: gunicorn's forked workers share pages, and RSS would count
them once per worker.
"""

from __future__ import annotations

import atexit
import contextlib
import http.client
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_RUNNING: list[subprocess.Popen[bytes]] = []


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start(
    argv: Sequence[str], *, env: Mapping[str, str] | None = None, log: Path, cwd: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start *argv* in a new session, output to *log*; it is stopped at exit at the latest."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    with log.open("ab") as fh:
        proc = subprocess.Popen(
            list(argv),
            env=full_env,
            cwd=cwd,
            stdout=fh,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    _RUNNING.append(proc)
    return proc


def stop(proc: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """SIGTERM the process group, SIGKILL it after *grace* seconds."""
    if proc.returncode is None and proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
        # Workers still in the group after their leader exited (none should be) go too; only
        # done while the group id cannot yet belong to anyone else (we reaped just now).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    if proc in _RUNNING:
        _RUNNING.remove(proc)


@atexit.register
def stop_all() -> None:
    for proc in list(_RUNNING):
        stop(proc, grace=3.0)


def run_measured(
    argv: Sequence[str], *, env: Mapping[str, str] | None = None, log: Path, timeout: float = 3600.0
) -> tuple[int, float, int]:
    """Run to completion: (exit code, seconds, peak RSS in KiB of that process).

    Each output line goes to *log* prefixed with the seconds since start, so the phases of a
    build can be timed from its progress messages without a second run.
    """
    t0 = time.perf_counter()
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.Popen(
        list(argv),
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    _RUNNING.append(proc)

    def copy() -> None:
        assert proc.stdout is not None
        with log.open("a", encoding="utf-8") as fh:
            for raw in proc.stdout:
                fh.write(f"{time.perf_counter() - t0:.3f} {raw.decode(errors='replace')}")

    copier = threading.Thread(target=copy, daemon=True)
    copier.start()
    deadline = time.monotonic() + timeout
    try:
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                proc.returncode = os.waitstatus_to_exitcode(status)
                seconds = time.perf_counter() - t0
                copier.join(5)
                return proc.returncode, seconds, int(usage.ru_maxrss)
            if time.monotonic() > deadline:
                raise TimeoutError(f"{argv[0]} did not finish in {timeout} s")
            time.sleep(0.02)
    finally:
        stop(proc, grace=1.0)
        copier.join(5)
        if proc.stdout is not None:
            proc.stdout.close()


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def children(pid: int) -> list[int]:
    """Direct children of *pid*."""
    return sorted(_children_map().get(pid, []))


def tree(pid: int) -> list[int]:
    """*pid* and all its descendants (by scanning /proc: works without CONFIG_PROC_CHILDREN)."""
    children = _children_map()
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, ()))
    return found


def pss_kib(pid: int) -> int:
    """Proportional set size of *pid* and its descendants, in KiB."""
    total = 0
    for p in tree(pid):
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
        except OSError:
            continue
    return total


class MemorySampler:
    """Samples the PSS of a process tree in a thread; keeps the peak."""

    def __init__(self, pid: int, every: float = 0.25) -> None:
        self.pid = pid
        self.every = every
        self.peak_kib = 0
        self.last_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.every)

    def sample(self) -> int:
        self.last_kib = pss_kib(self.pid)
        self.peak_kib = max(self.peak_kib, self.last_kib)
        return self.last_kib

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(2)


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str]
    seconds: float


def request(
    port: int,
    path: str,
    *,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = 30.0,
) -> Answer:
    """One HTTP request to 127.0.0.1:*port* (a fresh connection)."""
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=dict(headers or {}))
        resp = conn.getresponse()
        data = resp.read()
        return Answer(
            resp.status,
            data,
            {k.lower(): v for k, v in resp.getheaders()},
            time.perf_counter() - t0,
        )
    finally:
        conn.close()


def wait_accept(
    proc: subprocess.Popen[bytes], port: int, *, t0: float, timeout: float = 120.0
) -> float | None:
    """Seconds since *t0* until *port* accepts a TCP connection (None: exited or timed out)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return time.perf_counter() - t0
        except OSError:
            time.sleep(0.005)
    return None


def wait_ready(
    proc: subprocess.Popen[bytes],
    port: int,
    path: str,
    *,
    t0: float,
    timeout: float = 120.0,
    headers: Mapping[str, str] | None = None,
) -> tuple[float | None, int | None]:
    """Poll until *path* answers 200: (seconds since *t0*, last status).

    Returns (None, status) when the process exits or *timeout* passes first; a server that
    answers but never 200 (an endpoint not there yet) is reported with its status.
    """
    last: int | None = None
    deadline = time.monotonic() + timeout
    first_missing: float | None = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return None, last
        try:
            answer = request(port, path, headers=headers, timeout=5.0)
            last = answer.status
            if answer.status == 200:
                return time.perf_counter() - t0, 200
            if last in (404, 405):
                # The route does not exist (yet?): a few seconds of that and we stop waiting.
                first_missing = first_missing or time.monotonic()
                if time.monotonic() - first_missing > 3.0:
                    return None, last
        except (ConnectionError, OSError, http.client.HTTPException):
            pass
        time.sleep(0.01)
    return None, last


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of *pid* and its descendants."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / ticks


def wait_idle(pid: int, *, below: float = 0.05, window: float = 0.2, limit: float = 30.0) -> float:
    """Wait until the tree uses under *below* of a core over *window*; returns seconds waited.

    A load run ends with requests still queued in the server (slow engines at concurrency 32);
    the next run must not start while those are still being answered.
    """
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        before = cpu_seconds(pid)
        time.sleep(window)
        if cpu_seconds(pid) - before < below * window:
            break
    return time.monotonic() - t0
