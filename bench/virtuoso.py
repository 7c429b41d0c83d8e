"""The one Virtuoso launcher (Debian ``virtuoso-opensource``), for the tests and the benchmarks.

Every server runs on loopback only (HTTP and ISQL ports on 127.0.0.1, no Unix socket, no DAV),
in a database directory of its own, sized by a :class:`Size`: :data:`TESTS` is small (the CI
machine has 2 cores shared with other jobs), :data:`BENCH` holds a million triples in memory.

* :class:`VirtuosoServer` starts, restarts, stops and kills one server and creates the user
  that may update through the authenticated endpoint ``/sparql-auth`` (HTTP Digest, role
  ``SPARQL_UPDATE``); the anonymous ``/sparql`` stays read-only, as in a real deployment. The
  tests use it (``tests/virtuoso.py`` adds the skip-or-fail rule).
* The benchmarks start ``argv(write_ini(...))`` under their own process sampler
  (``bench/procs.py``) and bulk-load with ``ld_dir`` + ``rdf_loader_run()`` through ``isql-vt``
  (:func:`bulk_load`): the loader Virtuoso documents for more than a few thousand triples.
  N-Quads keep parkld's named graphs; a query without FROM sees every graph, which is what
  parkld's union default graph means.

No pytest here: a missing Virtuoso is for the caller to report (:func:`available`).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

VIRTUOSO = (
    os.environ.get("PARKLD_TEST_VIRTUOSO") or shutil.which("virtuoso-t") or "/usr/bin/virtuoso-t"
)
ISQL = shutil.which("isql-vt") or "/usr/bin/isql-vt"
#: The user :class:`VirtuosoServer` creates for updates through ``/sparql-auth``.
USER = "parkld"
PASSWORD = "parkld-test-secret"
STARTUP_SECONDS = 90.0


@dataclass(frozen=True)
class Size:
    """How much of the machine one server may take."""

    connections: int  # SQL and HTTP clients; HTTP threads
    buffers: int  # 8 KiB pages
    dirty_buffers: int
    async_threads: int
    query_mem: str
    checkpoint_seconds: int  # 0: only on request (the bench checkpoints after its load)
    #: parkld caps rows itself and must see every row up to its cap: keep Virtuoso's higher.
    result_rows: int


TESTS = Size(8, 10000, 6000, 4, "256M", 60, 1000000)
#: About 700 MB of buffers: enough for 1M triples in memory, small for a shared machine.
BENCH = Size(40, 85000, 60000, 10, "512M", 0, 100000)

INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = {s.connections}
CheckpointInterval = {s.checkpoint_seconds}
CaseMode = 2
DirsAllowed = {dirs}
NumberOfBuffers = {s.buffers}
MaxDirtyBuffers = {s.dirty_buffers}
ThreadsPerQuery = 2
AsyncQueueMaxThreads = {s.async_threads}
MaxQueryMem = {s.query_mem}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}
MaxClientConnections = {s.connections}
ServerThreads = {s.connections}
EnabledDavVSP = 0
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = {s.result_rows}
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 400
"""


def available() -> bool:
    """True when the Virtuoso server and its ISQL client are installed."""
    return Path(VIRTUOSO).is_file() and Path(ISQL).is_file()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def write_ini(
    directory: Path, *, sql_port: int, http_port: int, size: Size, data_dir: Path | None = None
) -> Path:
    """``virtuoso.ini`` for a database in *directory*; *data_dir* is where bulk loads read."""
    directory.mkdir(parents=True, exist_ok=True)
    dirs = f"{directory}, {data_dir}" if data_dir is not None else str(directory)
    ini = directory / "virtuoso.ini"
    ini.write_text(
        INI.format(d=directory, dirs=dirs, sql_port=sql_port, http_port=http_port, s=size)
    )
    return ini


def argv(ini: Path) -> list[str]:
    """The command that runs the server of *ini* in the foreground (its cwd: the database)."""
    return [VIRTUOSO, "+foreground", "+configfile", str(ini)]


def wait_sql(port: int, timeout: float = 60.0) -> None:
    """Wait until the SQL port accepts connections (the HTTP one opens at the same time)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"Virtuoso did not open port {port} in {timeout} s")


def isql(port: int, *statements: str, timeout: float = 3600.0, check: bool = True) -> str:
    """Run SQL statements through isql-vt as dba (the default password of a fresh database).

    With *check*, an error in the output raises; without, the output (errors too) is returned.
    """
    script = "".join(s.rstrip().rstrip(";") + ";\n" for s in statements)
    out = subprocess.run(
        [ISQL, f"127.0.0.1:{port}", "dba", "dba"],
        input=script,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    failed = out.returncode != 0 or "*** Error" in out.stdout or "*** Error" in out.stderr
    if check and failed:
        raise RuntimeError(f"isql failed: {out.stdout[-800:]} {out.stderr[-800:]}")
    return out.stdout + out.stderr


def bulk_load(port: int, data_dir: Path, pattern: str) -> None:
    """Load every file matching *pattern* in *data_dir*, then checkpoint (durable, like a build)."""
    isql(
        port,
        f"ld_dir('{data_dir}', '{pattern}', 'urn:parkld:bench:default')",
        "rdf_loader_run()",
        "checkpoint",
    )
    errors = isql(port, "SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL")
    if "0 Rows" not in errors:
        raise RuntimeError(f"Virtuoso bulk load reported errors: {errors[-800:]}")


def wipe(directory: Path) -> None:
    shutil.rmtree(directory, ignore_errors=True)


@dataclass
class VirtuosoServer:
    """One Virtuoso process over one database directory (restartable on the same data)."""

    directory: Path
    http_port: int = field(default_factory=free_port)
    isql_port: int = field(default_factory=free_port)
    size: Size = TESTS
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def query_url(self) -> str:
        """Anonymous, read-only SPARQL endpoint."""
        return f"{self.base_url}/sparql"

    @property
    def update_url(self) -> str:
        """Authenticated endpoint (Digest) that takes updates from SPARQL_UPDATE users."""
        return f"{self.base_url}/sparql-auth"

    @property
    def graph_url(self) -> str:
        """Authenticated SPARQL 1.1 Graph Store Protocol endpoint: staging graphs load here
        (Virtuoso's INSERT DATA can change a calendar literal's datatype; see RemoteStore)."""
        return f"{self.base_url}/sparql-graph-crud-auth"

    def env(self, **extra: str) -> dict[str, str]:
        """PARKLD_* variables pointing parkld at this server (for subprocesses)."""
        return {
            "PARKLD_STORE": "remote",
            "PARKLD_STORE_QUERY_URL": self.query_url,
            "PARKLD_STORE_UPDATE_URL": self.update_url,
            "PARKLD_STORE_GRAPH_URL": self.graph_url,
            "PARKLD_STORE_USER": USER,
            "PARKLD_STORE_PASSWORD": PASSWORD,
            **extra,
        }

    def settings_changes(self) -> dict[str, object]:
        """The same, as keyword arguments for ``config.from_env({}, **changes)``."""
        return {
            "store": "remote",
            "store_query_url": self.query_url,
            "store_update_url": self.update_url,
            "store_graph_url": self.graph_url,
            "store_user": USER,
            "store_password": PASSWORD,
        }

    def start(self) -> None:
        """Start (or restart) the server and wait until SPARQL answers."""
        ini = write_ini(
            self.directory, sql_port=self.isql_port, http_port=self.http_port, size=self.size
        )
        log = (self.directory / "stdout.log").open("ab")
        self.process = subprocess.Popen(
            argv(ini),
            cwd=self.directory,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C in pytest does not hit it half-way
        )
        log.close()
        self._wait_ready()
        self._create_user()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        query = urllib.parse.urlencode({"query": "ASK {}"})
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"Virtuoso exited with {self.process.returncode}:\n" + self.log_tail()
                )
            try:
                with urllib.request.urlopen(f"{self.query_url}?{query}", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError("Virtuoso did not come up in time:\n" + self.log_tail())

    def isql(self, sql: str) -> str:
        """Run SQL as dba over ISQL; the output, errors included."""
        return isql(self.isql_port, sql, timeout=60, check=False)

    def _create_user(self) -> None:
        # Idempotent: on a restart the user exists and USER_CREATE reports it; GRANT repeats.
        self.isql(f"DB.DBA.USER_CREATE('{USER}', '{PASSWORD}')")
        out = self.isql(f'GRANT SPARQL_UPDATE TO "{USER}"')
        if "Error" in out and "already" not in out:
            raise RuntimeError(f"cannot grant SPARQL_UPDATE: {out}")

    def stop(self) -> None:
        """Stop gracefully (checkpoint), killing after a grace period."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def kill(self) -> None:
        """Kill outright, as a crash would; a restart rolls the transaction log forward."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_tail(self, lines: int = 30) -> str:
        path = self.directory / "virtuoso.log"
        text = path.read_text(errors="replace") if path.exists() else "(no log)"
        return "\n".join(text.splitlines()[-lines:])
