"""Per-client rate limiting shared by every web worker process.

Counts live in a small SQLite file beside the store (fixed one-minute windows), so the limit
holds across gunicorn's worker processes instead of being multiplied by their number. The
limiter is off (and touches no file) when the limit is 0, the default.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from parkld.errors import TooManyRequests

WINDOW = 60  # seconds


class RateLimiter:
    """At most ``per_minute`` requests per client key and minute."""

    def __init__(self, path: Path, per_minute: int) -> None:
        self.path = path
        self.per_minute = per_minute
        self._local = threading.local()
        # Every thread's connection, so close() can close them all (from any thread: each is
        # still used by its own thread only, hence check_same_thread=False).
        self._opened: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(
                self.path, timeout=5, isolation_level=None, check_same_thread=False
            )
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS hits (client TEXT, window INTEGER, n INTEGER,"
                " PRIMARY KEY (client, window))"
            )
            self._local.db = db
            with self._lock:
                self._opened.append(db)
        return db

    def close(self) -> None:
        """Close every thread's connection (a thread that hits again opens a new one)."""
        with self._lock:
            opened, self._opened = self._opened, []
        for db in opened:
            db.close()
        self._local = threading.local()

    def hit(self, client: str, now: float | None = None) -> None:
        """Count one request of *client*; raise TooManyRequests (with Retry-After) over limit."""
        if self.per_minute <= 0:
            return
        now = time.time() if now is None else now
        window = int(now // WINDOW)
        db = self._db()
        row = db.execute(
            "INSERT INTO hits VALUES (?, ?, 1) ON CONFLICT (client, window) "
            "DO UPDATE SET n = n + 1 RETURNING n",
            (client, window),
        ).fetchone()
        if window % 10 == 0 and row[0] == 1:  # now and then, forget old windows
            db.execute("DELETE FROM hits WHERE window < ?", (window - 1,))
        if row[0] > self.per_minute:
            retry_after = max(1, int((window + 1) * WINDOW - now + 0.999))
            raise TooManyRequests(
                f"more than {self.per_minute} requests per minute from {client} "
                "(PARKLD_RATE_LIMIT_PER_MINUTE); retry later",
                retry_after,
            )
