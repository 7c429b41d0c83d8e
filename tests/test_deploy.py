"""The deployment examples in deploy/, tried as far as this machine allows.

* ``deploy/nginx/parkld.conf`` runs in Debian's nginx in front of the live server: negotiation,
  compression, ranges, Host-based links and SPARQL POST pass through unchanged.
* ``deploy/systemd/parkld.service`` passes ``systemd-analyze verify`` (with ExecStart pointed at
  this machine's parkld), warnings included.
* The Dockerfile and compose file cannot run here (no docker); their commands are checked
  against the CLI: every ``parkld`` invocation they contain parses.
* LICENSE files and CITATION.cff agree with the package and the data.
"""

from __future__ import annotations

import gzip
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
import yaml  # type: ignore[import-untyped]

from tests.conftest import IN_CI
from tests.live import LiveServer, free_port

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PARKLD = Path(sys.executable).parent / "parkld"


def need(tool: str, package: str) -> str:
    path = shutil.which(tool) or (
        f"/usr/sbin/{tool}" if Path(f"/usr/sbin/{tool}").exists() else None
    )
    if path is None:
        message = f"{tool} is not installed (apt-get install {package})"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def nginx(live_server: LiveServer, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Debian's nginx with deploy/nginx/parkld.conf, proxying to the live server."""
    binary = need("nginx", "nginx-light")
    port = free_port()
    site = (DEPLOY / "nginx" / "parkld.conf").read_text()
    site = site.replace("server 127.0.0.1:8080;", f"server 127.0.0.1:{live_server.port};")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    tmp_path.chmod(0o755)
    for d in ("body", "proxy"):
        (tmp_path / d).mkdir()
        (tmp_path / d).chmod(0o777)
    (tmp_path / "parkld.conf").write_text(site)
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"""
daemon off;
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    include {tmp_path}/parkld.conf;
}}
""")
    checked = subprocess.run(
        [binary, "-t", "-p", str(tmp_path), "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    proc = subprocess.Popen(
        [binary, "-p", str(tmp_path), "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=2):
                    break
            except OSError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
        yield port
    finally:
        proc.send_signal(signal.SIGQUIT)  # graceful stop
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()


def request(
    port: int, method: str, path: str, headers: dict[str, str], body: bytes | None = None
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def test_nginx_passes_negotiation_compression_and_ranges(
    nginx: int, live_server: LiveServer
) -> None:
    status, headers, body = request(
        nginx,
        "GET",
        "/park/sophia-antipolis",
        {"Accept": "text/turtle", "Accept-Encoding": "identity"},
    )
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    assert "accept" in headers["vary"].lower()
    assert headers["content-location"] == "/park/sophia-antipolis.ttl"
    assert b"sophia-antipolis" in body
    status, zipped_headers, zipped = request(
        nginx, "GET", "/park/sophia-antipolis", {"Accept": "text/turtle", "Accept-Encoding": "gzip"}
    )
    assert zipped_headers["content-encoding"] == "gzip"
    assert gzip.decompress(zipped) == body
    status, _, part = request(
        nginx, "GET", "/dumps/parkld.trig", {"Range": "bytes=0-99", "Accept-Encoding": "identity"}
    )
    assert status == 206 and len(part) == 100
    # Absolute links come from the settings (PARKLD_PUBLIC_URL, else the base IRI), never
    # from the Host a client sends through the proxy (docs/security.md).
    _, _, sitemap = request(nginx, "GET", "/sitemap.xml", {"Host": "parks.example"})
    assert b"<loc>https://w3id.org/parkld/park/sophia-antipolis</loc>" in sitemap
    assert b"parks.example" not in sitemap
    form = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}).encode()
    status, headers, answer = request(
        nginx,
        "POST",
        "/sparql",
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json",
        },
        form,
    )
    assert status == 200 and b'"boolean":true' in answer.replace(b" ", b"")


def test_systemd_unit_verifies(tmp_path: Path) -> None:
    analyze = need("systemd-analyze", "systemd")
    unit = (DEPLOY / "systemd" / "parkld.service").read_text()
    assert "/opt/parkld/.venv/bin/parkld" in unit
    local = tmp_path / "parkld.service"
    local.write_text(unit.replace("/opt/parkld/.venv/bin/parkld", str(PARKLD)))
    done = subprocess.run(
        [analyze, "verify", str(local)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "SYSTEMD_LOG_LEVEL": "warning"},
    )
    assert done.returncode == 0, done.stderr
    problems = [line for line in done.stderr.splitlines() if "parkld.service" in line]
    assert problems == []
    # The command it runs parses as a parkld command line.
    exec_start = re.search(r"^ExecStart=(\S+) (.+)$", unit, re.M)
    assert exec_start is not None
    check_cli(exec_start.group(2).split())


def check_cli(args: list[str]) -> None:
    """The parkld arguments parse (``--help`` appended: nothing runs)."""
    done = subprocess.run(
        [str(PARKLD), *args, "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, (args, done.stderr)


def test_container_commands_are_parkld_command_lines() -> None:
    docker = (DEPLOY / "docker" / "Dockerfile").read_text()
    runs = re.findall(r"^RUN (parkld .+)$", docker, re.M)
    cmd = re.search(r"^CMD \[(.+)\]$", docker, re.M)
    assert runs and cmd
    for line in runs:
        check_cli(line.split()[1:])
    check_cli([a.strip(' "') for a in cmd.group(1).split(",")][1:])
    compose = yaml.safe_load((DEPLOY / "docker" / "compose.yaml").read_text())
    assert set(compose["services"]) == {"virtuoso", "publish", "parkld"}
    parkld = compose["services"]["parkld"]
    assert parkld["environment"]["PARKLD_STORE"] == "remote"
    check_cli(parkld["command"][1:])
    publish = compose["services"]["publish"]["command"][-1]
    found = re.search(r"(parkld [^;]+);", publish)
    assert found
    check_cli(found.group(1).split()[1:])
    # Every file the image copies exists (a copy from a build stage is not from the tree).
    for src in re.findall(r"^COPY (?!--from=)(\S+)", docker, re.M):
        assert (ROOT / src).exists(), src
    # YASGUI's files land where PARKLD_YASGUI_DIR says.
    staged = re.search(r"^COPY --from=yasgui \S+ (\S+)$", docker, re.M)
    assert staged and f"PARKLD_YASGUI_DIR={staged.group(1)}" in docker


def test_licences_and_citation_agree_with_the_package() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    assert project["license"] == "MIT"
    data = (ROOT / "LICENSE-DATA.md").read_text()
    assert "https://creativecommons.org/licenses/by/4.0/" in data
    onto = (ROOT / "ontology" / "parkld.ttl").read_text()
    assert "dct:license <https://creativecommons.org/licenses/by/4.0/>" in onto
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0"
    import parkld

    assert project["dynamic"] == ["version"]  # written once, in the package
    assert cff["version"] == parkld.__version__
    assert cff["license"] == project["license"]
    assert cff["references"][0]["license"] == "CC-BY-4.0"
    assert all("name" in a or "family-names" in a for a in cff["authors"])
