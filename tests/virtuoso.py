"""A real Virtuoso (Debian ``virtuoso-opensource``) on loopback, started and stopped by tests.

Each server gets a fresh database directory, free HTTP and ISQL ports on 127.0.0.1 and small
buffers (the CI machine has 2 cores shared with other jobs). Updates go through Virtuoso's
authenticated endpoint ``/sparql-auth`` (HTTP Digest) as a user created for the tests with the
``SPARQL_UPDATE`` role; the anonymous ``/sparql`` stays read-only, as in a real deployment.
So the tests exercise the same split parkld is configured with in production.

Outside CI, without Virtuoso installed, the tests that need it skip saying how to enable them;
in CI (``CI=true``) a missing Virtuoso fails them.
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

import pytest

VIRTUOSO = (
    os.environ.get("PARKLD_TEST_VIRTUOSO") or shutil.which("virtuoso-t") or "/usr/bin/virtuoso-t"
)
ISQL = shutil.which("isql-vt") or "/usr/bin/isql-vt"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
HOW_TO_ENABLE = (
    "Virtuoso not found: install virtuoso-opensource "
    "(apt-get install virtuoso-opensource) to run the Virtuoso tests"
)
USER = "parkld"
PASSWORD = "parkld-test-secret"
STARTUP_SECONDS = 90.0

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
ServerPort = 127.0.0.1:{isql}
DisableUnixSocket = 1
MaxClientConnections = 8
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = {d}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 4
MaxQueryMem = 256M

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
MaxClientConnections = 8
ServerThreads = 8
EnabledDavVSP = 0
Charset = UTF-8

[SPARQL]
; parkld caps rows itself and must see every row up to its cap: keep Virtuoso's cap higher.
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 400
"""


def available() -> bool:
    """True when the Virtuoso server and its ISQL client are installed."""
    return Path(VIRTUOSO).is_file() and Path(ISQL).is_file()


def require() -> None:
    """Skip (outside CI) or fail (in CI) when Virtuoso is missing."""
    if available():
        return
    if IN_CI:
        pytest.fail(HOW_TO_ENABLE + " (CI must run them: .ci/run installs it)")
    pytest.skip(HOW_TO_ENABLE)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class VirtuosoServer:
    """One Virtuoso process over one database directory (restartable on the same data)."""

    directory: Path
    http_port: int = field(default_factory=free_port)
    isql_port: int = field(default_factory=free_port)
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

    def env(self, **extra: str) -> dict[str, str]:
        """PARKLD_* variables pointing parkld at this server (for subprocesses)."""
        return {
            "PARKLD_STORE": "remote",
            "PARKLD_STORE_QUERY_URL": self.query_url,
            "PARKLD_STORE_UPDATE_URL": self.update_url,
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
            "store_user": USER,
            "store_password": PASSWORD,
        }

    def start(self) -> None:
        """Start (or restart) the server and wait until SPARQL answers."""
        self.directory.mkdir(parents=True, exist_ok=True)
        ini = self.directory / "virtuoso.ini"
        ini.write_text(INI.format(d=self.directory, http=self.http_port, isql=self.isql_port))
        log = (self.directory / "stdout.log").open("ab")
        self.process = subprocess.Popen(
            [VIRTUOSO, "+foreground", "+configfile", str(ini)],
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
        """Run SQL as dba over ISQL (the default dba password of a fresh database)."""
        done = subprocess.run(
            [ISQL, f"127.0.0.1:{self.isql_port}", "dba", "dba", f"exec={sql}"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        return done.stdout + done.stderr

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
