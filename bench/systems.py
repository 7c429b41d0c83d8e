"""The systems under test: parkld and its peers, each loaded, started and stopped the same way.

Every system goes through ``load`` (build/bulk load: time and peak memory) then ``start``
(cold start: process start → first 200 on ``ASK {}``, the store already built). A system that
cannot run here (not installed, no venv) raises :class:`Skipped` with the reason, which the
results table shows instead of a number.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from bench import procs, virtuoso
from bench.dataset import Dataset

ROOT = Path(__file__).resolve().parent.parent
PEERS_VENV = Path(__file__).resolve().parent / ".venv-peers"
PEER_PACKAGES = ("rdflib-endpoint", "uvicorn", "py-spy", "pyinstrument")


class Skipped(Exception):
    """This system cannot be measured here; the message says why."""


@dataclass
class LoadStats:
    seconds: float | None = None
    peak_mib: float | None = None
    note: str = ""
    #: parkld only: the build's phases (parse, SHACL validation, store load), from its log.
    phases: dict[str, float] = field(default_factory=dict)


@dataclass
class Running:
    proc: subprocess.Popen[bytes]
    port: int
    endpoint: str  # path of the SPARQL query endpoint
    cold_start: float | None
    cold_status: int | None
    accept: float | None  # process start → port accepts TCP (the rest is first-query work)
    sampler: procs.MemorySampler


class System:
    name = "?"
    endpoint = "/sparql"

    def __init__(self, work: Path, ds: Dataset) -> None:
        self.work = work / f"{self.name}-{ds.label}"
        self.work.mkdir(parents=True, exist_ok=True)
        self.ds = ds

    def check(self) -> None:
        """Raise Skipped when the system is not available."""

    def load(self) -> LoadStats:
        raise NotImplementedError

    def argv(self, port: int) -> list[str]:
        raise NotImplementedError

    def env(self) -> dict[str, str]:
        return {}

    def ready_path(self) -> str:
        return self.endpoint + "?query=" + quote("ASK {}")

    def start(self, ready_timeout: float = 300.0) -> Running:
        port = procs.free_port()
        t0 = time.perf_counter()
        proc = procs.start(
            self.argv(port), env=self.env(), log=self.work / "server.log", cwd=self.work
        )
        sampler = procs.MemorySampler(proc.pid).__enter__()
        accept = procs.wait_accept(proc, port, t0=t0, timeout=ready_timeout)
        seconds, status = procs.wait_ready(
            proc,
            port,
            self.ready_path(),
            t0=t0,
            timeout=ready_timeout,
            headers={"Accept": "application/sparql-results+json"},
        )
        if proc.poll() is not None:
            sampler.__exit__()
            raise Skipped(f"{self.name} exited at start: {last_line(self.work / 'server.log')}")
        return Running(proc, port, self.endpoint, seconds, status, accept, sampler)

    def stop(self, run: Running) -> None:
        run.sampler.__exit__()
        procs.stop(run.proc)


class Parkld(System):
    """``parkld build`` then ``parkld serve`` (gunicorn gthread, its defaults)."""

    name = "parkld"
    #: Settings added for one run (the reliability run shortens the query timeout).
    extra_env: dict[str, str] = {}  # noqa: RUF012 - replaced, never mutated

    def env(self) -> dict[str, str]:
        return {
            "PARKLD_STORE_DIR": str(self.work / "store"),
            "PARKLD_DATA_PATHS": str(self.ds.gen_dir),
            "PARKLD_LOG_LEVEL": "WARNING",
            **self.extra_env,
        }

    def _exe(self) -> str:
        exe = Path(sys.executable).parent / "parkld"
        if not exe.exists():
            raise Skipped(f"no parkld executable beside {sys.executable}")
        return str(exe)

    def check(self) -> None:
        self._exe()

    def load(self) -> LoadStats:
        return self.build(force=True)

    def build(self, *, force: bool) -> LoadStats:
        """``parkld build`` (``--force``: measure a full build even when one exists)."""
        log = self.work / "build.log"
        log.unlink(missing_ok=True)
        code, seconds, maxrss = procs.run_measured(
            [self._exe(), "build", *(["--force"] if force else [])], env=self.env(), log=log
        )
        if code != 0:
            raise Skipped(f"parkld build failed (exit {code}): {last_line(log)}")
        return LoadStats(seconds, maxrss / 1024, "parse + SHACL + load", _phases(log, seconds))

    def argv(self, port: int) -> list[str]:
        return [self._exe(), "serve", "--host", "127.0.0.1", "--port", str(port)]


def last_line(log: Path) -> str:
    """The last non-empty line of a log, without its time stamp (for a one-line reason)."""
    lines = [ln for ln in log.read_text(errors="replace").splitlines() if ln.strip()]
    text = lines[-1] if lines else "(no output)"
    return re.sub(r"^\d+\.\d+ ", "", text)[:200]


def _phases(log: Path, total: float) -> dict[str, float]:
    """Durations of the build's phases from the time stamps on its progress lines.

    A small build validates, then loads (parse, shacl, store). A big one validates in a
    second process while it loads (``parsing … (validating beside)``, ``loading …``, then
    ``waiting for the validation``): its phases are parse, store, and the rest (the wait for
    the verdict and the per-resource reports) as ``shacl wait``.
    """
    stamps: dict[str, float] = {}
    for line in log.read_text(errors="replace").splitlines():
        m = re.match(r"^(\d+\.\d+) … (parsing|validating|loading|waiting)", line)
        if m:
            stamps.setdefault(m.group(2), float(m.group(1)))
    out: dict[str, float] = {}
    if "waiting" in stamps and "parsing" in stamps and "loading" in stamps:
        out["parse"] = stamps["loading"] - stamps["parsing"]
        out["store"] = stamps["waiting"] - stamps["loading"]
        out["shacl wait"] = total - stamps["waiting"]
        return out
    if "parsing" in stamps and "validating" in stamps:
        out["parse"] = stamps["validating"] - stamps["parsing"]
    if "validating" in stamps and "loading" in stamps:
        out["shacl"] = stamps["loading"] - stamps["validating"]
    if "loading" in stamps:
        out["store"] = total - stamps["loading"]
    return out


class Oxigraph(System):
    """``oxigraph load`` then ``oxigraph serve-read-only --union-default-graph`` (PyPI)."""

    name = "oxigraph"
    endpoint = "/query"

    def _exe(self) -> str:
        exe = Path(sys.executable).parent / "oxigraph"
        if not exe.exists():
            raise Skipped("PyPI `oxigraph` is not installed in the venv")
        return str(exe)

    def check(self) -> None:
        self._exe()

    def load(self) -> LoadStats:
        db = self.work / "db"
        virtuoso.wipe(db)
        code, seconds, maxrss = procs.run_measured(
            [self._exe(), "load", "--location", str(db), "--file", str(self.ds.nquads)],
            log=self.work / "load.log",
        )
        if code != 0:
            raise Skipped(f"oxigraph load failed ({code})")
        return LoadStats(seconds, maxrss / 1024, "oxigraph load (N-Quads)")

    def argv(self, port: int) -> list[str]:
        return [
            self._exe(),
            "serve-read-only",
            "--location",
            str(self.work / "db"),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ]


class RdflibEndpoint(System):
    """``rdflib-endpoint serve all.nq`` (PyPI; rdflib Dataset with a union default graph).

    It parses the file at every start, so its load time *is* its cold start.
    """

    name = "rdflib-endpoint"
    endpoint = "/"  # rdflib-endpoint 0.6 mounts its SPARQL router at the root

    def _exe(self) -> Path:
        return PEERS_VENV / "bin" / "rdflib-endpoint"

    def check(self) -> None:
        if not self._exe().exists():
            raise Skipped(f"no {PEERS_VENV.name} (run without --smoke, or --make-peers-venv)")

    def load(self) -> LoadStats:
        return LoadStats(None, None, "parses at start: see cold start")

    def argv(self, port: int) -> list[str]:
        return [
            str(self._exe()),
            "serve",
            str(self.ds.nquads),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ]


class Virtuoso(System):
    """Debian ``virtuoso-t`` with a bench ini; bulk load through ``isql-vt``."""

    name = "virtuoso"

    def __init__(self, work: Path, ds: Dataset) -> None:
        super().__init__(work, ds)
        self.sql_port = procs.free_port()
        self.http_port = procs.free_port()

    def check(self) -> None:
        if not virtuoso.available():
            raise Skipped("virtuoso-opensource is not installed (Debian package)")

    def _ini(self) -> Path:
        return virtuoso.write_ini(
            self.work / "db",
            sql_port=self.sql_port,
            http_port=self.http_port,
            size=virtuoso.BENCH,
            data_dir=self.ds.nquads.parent,
        )

    def load(self) -> LoadStats:
        db = self.work / "db"
        virtuoso.wipe(db)
        ini = self._ini()
        proc = procs.start(virtuoso.argv(ini), log=self.work / "load.log", cwd=db)
        try:
            with procs.MemorySampler(proc.pid) as mem:
                virtuoso.wait_sql(self.sql_port)
                t0 = time.perf_counter()
                virtuoso.bulk_load(self.sql_port, self.ds.nquads.parent, self.ds.nquads.name)
                seconds = time.perf_counter() - t0
                mem.sample()
            return LoadStats(seconds, mem.peak_kib / 1024, "ld_dir + rdf_loader_run + checkpoint")
        finally:
            procs.stop(proc, grace=30)

    def argv(self, port: int) -> list[str]:
        self.http_port = port
        return virtuoso.argv(self._ini())


ALL: tuple[type[System], ...] = (Parkld, Oxigraph, RdflibEndpoint, Virtuoso)


def ensure_peers_venv(log: Path) -> str | None:
    """Create bench/.venv-peers with rdflib-endpoint and the profilers; None or an error."""
    if (PEERS_VENV / "bin" / "rdflib-endpoint").exists():
        return None
    try:
        subprocess.run(
            [sys.executable, "-m", "venv", str(PEERS_VENV)],
            check=True,
            capture_output=True,
            timeout=300,
        )
        with log.open("ab") as fh:
            subprocess.run(
                [str(PEERS_VENV / "bin" / "pip"), "install", "-q", *PEER_PACKAGES],
                check=True,
                stdout=fh,
                stderr=subprocess.STDOUT,
                timeout=900,
                env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
            )
    except (subprocess.SubprocessError, OSError) as exc:
        return f"could not create {PEERS_VENV}: {exc}"
    return None
