"""``publish`` writes through the GraphWriter protocol, so the embedded store takes it too:
stage then swap per changed graph, content hashes kept with the version they describe,
unchanged graphs skipped, pruned graphs dropped, the merge re-derived."""

from __future__ import annotations

from pathlib import Path

import pytest

from parkld.build import ensure_built
from parkld.config import Settings
from parkld.publish import plan, publish
from parkld.store.embedded import EmbeddedStore
from tests.conftest import make_settings
from tests.test_build import SOURCED_EXTRA

EXTRA = "https://w3id.org/parkld/graph/extra"
SECOND = "https://w3id.org/parkld/graph/second"
SOPHIA = "https://w3id.org/parkld/park/sophia-antipolis"
#: The first publish swaps every graph of the project in, one version each (~0.2 s apiece).
pytestmark = pytest.mark.slow


def source(directory: Path, slug: str, fact: str) -> Path:
    path = directory / f"{slug}.ttl"
    path.write_text(
        SOURCED_EXTRA.replace("/extra", f"/{slug}").replace('"extra fact"@en', f'"{fact}"@en')
    )
    return path


def comments(store: EmbeddedStore) -> list[str]:
    rows = store.select(
        f"SELECT ?c WHERE {{ <{SOPHIA}> <http://www.w3.org/2000/01/rdf-schema#comment> ?c }}"
    )
    return sorted(rows.values("c"))


def test_publish_into_the_embedded_store(tmp_path: Path) -> None:
    extra = source(tmp_path, "extra", "first fact")
    second = source(tmp_path, "second", "second fact")
    settings: Settings = make_settings(tmp_path / "store").replace(data_paths=(extra, second))
    ensure_built(settings.replace(data_paths=(extra,)))
    with EmbeddedStore(settings.store_dir, query_workers=1) as store:
        assert store.content_hashes() == {} and store.merged_hash() is None
        plans = plan(settings)
        first = publish(store, plans)
        assert sorted(first.published) == sorted(p.graph for p in plans)
        assert store.content_hashes() == {p.graph: p.content_hash for p in plans}
        assert store.merged_hash() is not None
        assert sorted(store.graph_names()) == sorted(p.graph for p in plans)
        assert comments(store) == ["first fact", "second fact"]

        again = publish(store, plan(settings))
        assert again.published == [] and sorted(again.unchanged) == sorted(first.published)

        # An edited source: only its graph is written again, and the merge follows.
        extra.write_text(extra.read_text().replace("first fact", "edited fact"))
        edited = publish(store, plan(settings))
        assert edited.published == [EXTRA]
        assert comments(store) == ["edited fact", "second fact"]
        # A swap of nothing staged is an error, not a dropped graph.
        with pytest.raises(ValueError, match="nothing staged"):
            store.swap(EXTRA, "staged:elsewhere", None)
        assert comments(store) == ["edited fact", "second fact"]

        # A source gone: --prune drops its graph (and its hash); the merge follows.
        pruned = publish(store, plan(settings.replace(data_paths=(extra,))), prune=True)
        assert pruned.removed == [SECOND] and pruned.published == []
        assert SECOND not in store.graph_names() and SECOND not in store.content_hashes()
        assert comments(store) == ["edited fact"]

    # The hashes are part of the version: a new reader of the store sees the same ones.
    with EmbeddedStore(settings.store_dir, query_workers=1) as reopened:
        assert EXTRA in reopened.content_hashes()
        assert publish(reopened, plan(settings.replace(data_paths=(extra,)))).published == []
