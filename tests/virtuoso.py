"""A real Virtuoso on loopback for the tests: the launcher is ``bench/virtuoso.py`` (one for
tests and benchmarks); this adds the rule for a missing server.

Each test server gets a fresh database directory, free HTTP and ISQL ports on 127.0.0.1 and
the small :data:`bench.virtuoso.TESTS` size. Updates go through Virtuoso's authenticated
endpoint ``/sparql-auth`` as :data:`USER` (role ``SPARQL_UPDATE``); the anonymous ``/sparql``
stays read-only, so the tests exercise the split parkld is configured with in production.

Outside CI, without Virtuoso installed, the tests that need it skip saying how to enable them;
in CI (``CI=true``) a missing Virtuoso fails them.
"""

from __future__ import annotations

import os

import pytest
from bench.virtuoso import PASSWORD as PASSWORD
from bench.virtuoso import USER as USER
from bench.virtuoso import VirtuosoServer as VirtuosoServer
from bench.virtuoso import available

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
HOW_TO_ENABLE = (
    "Virtuoso not found: install virtuoso-opensource "
    "(apt-get install virtuoso-opensource) to run the Virtuoso tests"
)


def require() -> None:
    """Skip (outside CI) or fail (in CI) when Virtuoso is missing."""
    if available():
        return
    if IN_CI:
        pytest.fail(HOW_TO_ENABLE + " (CI must run them: .ci/run installs it)")
    pytest.skip(HOW_TO_ENABLE)
