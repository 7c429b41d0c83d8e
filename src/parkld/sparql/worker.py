"""The query worker process: receive a Job, evaluate it on a read-only snapshot, send an Outcome.

A worker holds the store open read-only through a :class:`~parkld.snapshot.Snapshot`,
which reopens it when the build or the generation changes, so workers always query the current
data. The parent kills a worker (SIGKILL) whose query runs past the time limit: the engine has
no cancel button, and ending the process is the only way to really stop its work.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import resource
import signal
from multiprocessing.connection import Connection
from pathlib import Path

from parkld.errors import ParkldError
from parkld.snapshot import Snapshot
from parkld.sparql.evaluate import Job, Outcome, check_syntax, evaluate

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies, so no query outlives the server."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _address_space() -> int:
    """This process's current virtual size in bytes (0 when unknown)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def limit_memory(memory_mb: int) -> None:
    """Cap this process's address space (RLIMIT_AS) at what it holds now plus *memory_mb*:
    an allocation beyond fails, so a runaway query ends this worker (or raises MemoryError)
    instead of swapping the machine.

    Relative to the current size because that is mostly reservations, not memory: the open
    store's threads (8 MiB stacks), allocator arenas, mapped libraries — hundreds of MiB of
    address space that an absolute cap would have to guess (a worker that cannot start a
    thread aborts). Called once the store is open, so the cap measures query work.
    """
    if memory_mb <= 0:
        return
    with contextlib.suppress(ValueError, OSError):
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        wanted = _address_space() + memory_mb * 1024 * 1024
        if hard != resource.RLIM_INFINITY:
            wanted = min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


def isolate_network() -> bool:
    """Move this process into a new, empty network namespace (no interface is up, not even
    loopback), so nothing it runs can open a connection. Defence in depth for servers whose
    SERVICE allow-list is empty. Needs a single-threaded process and unprivileged user
    namespaces; returns False (and changes nothing) where the platform refuses."""
    uid, gid = os.getuid(), os.getgid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) != 0:
            return False
        # Map our own ids into the new user namespace, so file access stays what it was.
        Path("/proc/self/setgroups").write_text("deny")
        Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
        Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")
    except (OSError, AttributeError):
        return False
    return True


def serve(conn: Connection, store_dir: str, memory_mb: int = 0, network: bool = True) -> None:
    """Answer jobs until the parent closes the pipe."""
    _die_with_parent()
    if not network and not isolate_network():
        log.warning("query worker keeps network access: no network namespace available")
    # The web server's SIGTERM/SIGINT handling belongs to the parent; a worker just stops
    # when its pipe closes or it is killed. A worker forked from a gunicorn worker inherits
    # its handlers, which must not run here: back to the defaults.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in (
        "SIGTERM",
        "SIGHUP",
        "SIGQUIT",
        "SIGUSR1",
        "SIGUSR2",
        "SIGWINCH",
        "SIGCHLD",
        "SIGTTIN",
        "SIGTTOU",
        "SIGABRT",
    ):
        signal.signal(getattr(signal, name), signal.SIG_DFL)
    with contextlib.suppress(ValueError):
        signal.set_wakeup_fd(-1)  # the parent's wake-up pipe is not ours to write to
    store: Snapshot | None = None
    # Open the store before the first job, so a fresh worker answers at once (its first
    # query does not pay for opening the database); failures are reported per job below.
    with contextlib.suppress(ParkldError, OSError):
        store = Snapshot(Path(store_dir))
        store.reader()
    limit_memory(memory_mb)
    # Tell the parent we are ready: its time limit starts with the job, not with our boot.
    try:
        conn.send("ready")
    except (BrokenPipeError, OSError):
        return
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if not isinstance(job, Job):
            continue
        try:
            if job.syntax_only:
                outcome = check_syntax(job)
            else:
                if store is None:
                    store = Snapshot(Path(store_dir))
                outcome = evaluate(store.reader(), job)
        except ParkldError as exc:
            outcome = Outcome(error=type(exc).__name__, message=exc.message)
        except MemoryError:
            outcome = Outcome(error="MemoryError", message="out of memory")
        except Exception as exc:  # a bug: report it to the parent, which logs it as a 500
            log.exception("query worker failed")
            outcome = Outcome(error="InternalError", message=f"{type(exc).__name__}: {exc}")
        try:
            conn.send(outcome)
        except (BrokenPipeError, OSError):
            return
