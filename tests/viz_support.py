"""Helpers shared by the picture tests: the small fixture graph and its store."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from tests.live import write_store

FIXTURE = Path(__file__).parent / "fixtures" / "viz" / "graph.trig"
BASE = "https://w3id.org/parkld/"
SISTER_FIXTURE = BASE + "agreement/alpha-beta-sister-parks"
SISTER_SHIPPED = BASE + "agreement/sophia-antipolis-chengdu-sister-parks-2016"


def fixture_store_dir(store_dir: Path) -> Path:
    """A store directory holding the fixture graph, laid out like a build."""
    return write_store(store_dir, ox.parse(path=str(FIXTURE), format=ox.RdfFormat.TRIG))
