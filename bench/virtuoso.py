"""Virtuoso (Debian ``virtuoso-opensource``) on loopback, in a directory of its own.

Small buffers (the machine is shared), loopback-only ports, no DAV. Data is bulk-loaded with
``ld_dir`` + ``rdf_loader_run()`` through ``isql-vt``: the loader Virtuoso documents for
anything bigger than a few thousand triples. N-Quads keep parkld's named graphs; a query
without FROM sees every graph, which is what parkld's union default graph means.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

VIRTUOSO = "/usr/bin/virtuoso-t"
ISQL = "/usr/bin/isql-vt"
VSP_ROOT = "/var/lib/virtuoso-opensource-7/vsp"

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
MaxClientConnections = 40
CheckpointInterval = 0
CaseMode = 2
DirsAllowed = ., {data}
; about 700 MB of buffers: enough for 1M triples in memory, small for a shared machine
NumberOfBuffers = 85000
MaxDirtyBuffers = 60000
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 10
MaxQueryMem = 512M

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {vsp}
MaxClientConnections = 40
ServerThreads = 40
EnabledDavVSP = 0
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 400
DefaultGraph =
"""


def available() -> bool:
    return Path(VIRTUOSO).exists() and Path(ISQL).exists() and Path(VSP_ROOT).is_dir()


def write_ini(directory: Path, data_dir: Path, sql_port: int, http_port: int) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    ini = directory / "virtuoso.ini"
    ini.write_text(
        INI.format(d=directory, data=data_dir, sql_port=sql_port, http_port=http_port, vsp=VSP_ROOT)
    )
    return ini


def argv(ini: Path) -> list[str]:
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


def isql(port: int, *statements: str, timeout: float = 3600.0) -> str:
    """Run SQL statements through isql-vt as dba (the default password of a fresh database)."""
    script = "".join(s.rstrip().rstrip(";") + ";\n" for s in statements)
    out = subprocess.run(
        [ISQL, f"127.0.0.1:{port}", "dba", "dba"],
        input=script,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if out.returncode != 0 or "*** Error" in out.stdout or "*** Error" in out.stderr:
        raise RuntimeError(f"isql failed: {out.stdout[-800:]} {out.stderr[-800:]}")
    return out.stdout


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
