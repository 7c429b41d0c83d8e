"""How long ``ASK {}`` takes while 200 slow clients hold connections, per HTTP server.

    PYTHONPATH=src python bench/slowloris.py [--slow 200] [--servers gunicorn,granian]

Starts ``parkld serve`` on a small fixture store for each server, opens *slow* connections
that each send half a request line and then nothing, and times five ``ASK {}`` requests
(median reported; "timeout" when none came back within 10 s). Numbers in docs/security.md.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.live import start_server, stop_server
from tests.sparql_support import parks_store


def measure(server_name: str, slow: int) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(
            parks_store(Path(tmp)), build=False, env={"PARKLD_SERVER": server_name}
        )
        held: list[socket.socket] = []
        try:
            url = server.sparql_url + "?query=ASK%20%7B%7D"
            urllib.request.urlopen(url, timeout=30).read()  # warm: query pools started
            for _ in range(slow):
                s = socket.create_connection((server.host, server.port), timeout=30)
                s.sendall(b"GET /sparql?query=ASK HTTP/1.1\r\nHost: x\r\n")
                held.append(s)
            time.sleep(1.0)
            times = []
            for _ in range(5):
                started = time.monotonic()
                try:
                    urllib.request.urlopen(url, timeout=10).read()
                    times.append(time.monotonic() - started)
                except OSError:
                    pass
            if not times:
                return "timeout (no answer within 10 s)"
            median, worst = statistics.median(times) * 1000, max(times) * 1000
            return f"median {median:.1f} ms, max {worst:.1f} ms"
        finally:
            for s in held:
                s.close()
            stop_server(server)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slow", type=int, default=200)
    parser.add_argument("--servers", default="gunicorn,granian")
    args = parser.parse_args()
    for name in args.servers.split(","):
        print(f"{name}: {args.slow} slow connections held -> ASK {{}}: {measure(name, args.slow)}")


if __name__ == "__main__":
    main()
