"""Run the JavaScript clients in ``tests/js`` (jsonld.js, Comunica) with Node.

``.ci/run`` installs them with ``npm ci`` from ``tests/js/package-lock.json``. Without Node or
the installed packages the tests skip locally, saying how to install them, and fail in CI.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI

JS = Path(__file__).parent / "js"
MISSING = "JavaScript clients not installed: run `npm ci` in tests/js (needs Node 20 and npm)"


def require_js_clients() -> str:
    """The node executable; skip (locally) or fail (in CI) when the clients are missing."""
    node = shutil.which("node")
    if (
        node is None
        or not (JS / "node_modules" / "jsonld").is_dir()
        or not (JS / "node_modules" / "@comunica" / "query-sparql").is_dir()
    ):
        if IN_CI:
            pytest.fail(MISSING)
        pytest.skip(MISSING)
    return node


def run_js(script: str, *args: str, timeout: float = 120) -> Any:
    """Run ``tests/js/<script>`` with *args*; its stdout parsed as JSON."""
    node = require_js_clients()
    done = subprocess.run(
        [node, script, *args], cwd=JS, capture_output=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return json.loads(done.stdout)
