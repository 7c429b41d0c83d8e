"""Validate-then-swap builds: invalid data never reaches the store; unchanged inputs reuse it."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from parkld import graphs
from parkld.build import ensure_built
from parkld.errors import DataError, ValidationFailed
from parkld.store.embedded import EmbeddedStore
from tests.conftest import make_settings

PARK_WITHOUT_NAME = """
@prefix pld: <https://w3id.org/parkld/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
<https://w3id.org/parkld/park/nameless> a pld:Park .
"""

SOURCED_EXTRA = """
@prefix pld: <https://w3id.org/parkld/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/parkld/graph/extra> a pld:SourceGraph ;
    prov:wasDerivedFrom <https://w3id.org/parkld/source/extra> .
<https://w3id.org/parkld/source/extra> a pld:SourceDocument ;
    rdfs:label "A test source"@en ; dct:title "A test source"@en ;
    schema:url <http://example.org/test-source> ;
    dct:publisher <https://w3id.org/parkld/organisation/urenio-watch> .
<https://w3id.org/parkld/park/sophia-antipolis> rdfs:comment "extra fact"@en .
"""

ASK_NAMELESS = "ASK { <https://w3id.org/parkld/park/nameless> ?p ?o }"
ASK_SOPHIA = "ASK { <https://w3id.org/parkld/park/sophia-antipolis> ?p ?o }"


def test_first_build_loads_and_second_reuses(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "store")
    first = ensure_built(settings)
    assert not first.reused and first.violations == 0
    second = ensure_built(settings)
    assert second.reused and second.fingerprint == first.fingerprint
    assert second.path == first.path
    store = EmbeddedStore(settings.store_dir)
    assert store.ask(ASK_SOPHIA)
    assert "https://w3id.org/parkld/ontology" in store.graph_names()


def test_invalid_data_never_reaches_the_store(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "store")
    good = ensure_built(settings)
    bad_file = tmp_path / "extra" / "nameless.ttl"
    bad_file.parent.mkdir()
    bad_file.write_text(PARK_WITHOUT_NAME)
    with pytest.raises(ValidationFailed, match="nothing was loaded"):
        ensure_built(settings.replace(data_paths=(bad_file,)))
    store = EmbeddedStore(settings.store_dir)
    assert store.path == good.path  # still the previous build
    assert not store.ask(ASK_NAMELESS)
    assert store.ask(ASK_SOPHIA)


def test_data_file_without_a_source_is_refused(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "store")
    unsourced = tmp_path / "unsourced.ttl"
    unsourced.write_text(
        "<https://w3id.org/parkld/park/sophia-antipolis> "
        '<http://www.w3.org/2000/01/rdf-schema#comment> "says who?"@en .\n'
    )
    with pytest.raises(ValidationFailed):
        ensure_built(settings.replace(data_paths=(unsourced,)))


def test_unparsable_data_keeps_the_previous_store(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "store")
    good = ensure_built(settings)
    bad_file = tmp_path / "broken.ttl"
    bad_file.write_text("<http://a> <http://b> .\n")
    with pytest.raises(DataError, match=r"broken\.ttl:1"):
        ensure_built(settings.replace(data_paths=(bad_file,)))
    assert EmbeddedStore(settings.store_dir).path == good.path


def test_new_build_becomes_visible_to_an_open_reader(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "store")
    ensure_built(settings)
    reader = EmbeddedStore(settings.store_dir)
    before = reader.triple_count()
    extra = tmp_path / "extra.ttl"
    extra.write_text(SOURCED_EXTRA)
    ensure_built(settings.replace(data_paths=(extra,)))
    assert reader.triple_count() == before + len(
        list(ox.parse(SOURCED_EXTRA.encode(), format=ox.RdfFormat.TURTLE))
    )
    assert "https://w3id.org/parkld/graph/extra" in reader.graph_names()


def test_unchanged_files_are_not_rehashed_and_an_edit_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text(SOURCED_EXTRA)
    settings = make_settings(tmp_path / "store").replace(data_paths=(extra,))
    first = ensure_built(settings)
    hashed: list[str] = []
    real = graphs.content_digest

    def counting_digest(path: Path) -> bytes:
        hashed.append(path.name)
        return real(path)

    monkeypatch.setattr(graphs, "content_digest", counting_digest)
    again = ensure_built(settings)
    assert again.reused and again.fingerprint == first.fingerprint
    assert hashed == []  # size and mtime as recorded: nothing re-read
    # Same size, new content and mtime: hashed again, so a new build.
    extra.write_text(SOURCED_EXTRA.replace("extra fact", "other fact"))
    edited = ensure_built(settings)
    assert hashed == ["extra.ttl"]
    assert not edited.reused and edited.fingerprint != first.fingerprint
    assert EmbeddedStore(settings.store_dir).ask('ASK { ?s ?p "other fact"@en }')
