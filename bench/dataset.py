"""One size's data, ready for every system.

parkld reads the generated Turtle files (``PARKLD_DATA_PATHS``) after its own ontology, shapes
and data. The peers get exactly the same quads: parkld's own file discovery and parsing write
them into one N-Quads file, so every system answers over the same dataset.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from bench.generate import Manifest, data_dir, generate
from parkld import graphs


@dataclass(frozen=True)
class Dataset:
    label: str  # "10k", "100k"…
    gen_dir: Path  # the generated Turtle files (parkld's PARKLD_DATA_PATHS)
    nquads: Path  # everything parkld loads, as N-Quads, for the peers
    manifest: Manifest
    quads: int  # total, project data included


def prepare(label: str, triples: int, work: Path, seed: int) -> Dataset:
    """Generate (or reuse, when the same seed and size exist) and export the N-Quads."""
    out = work / f"data-{label}-seed{seed}"
    manifest: Manifest | None = None
    if (out / "manifest.json").exists() and data_dir(out).is_dir():
        manifest = Manifest.read(out)
        if manifest.seed != seed or manifest.target_triples != triples:
            manifest = None
    if manifest is None:
        manifest = generate(out, triples, seed)
    gen_dir = data_dir(out)
    peers = work / f"peers-{label}-seed{seed}"
    peers.mkdir(parents=True, exist_ok=True)
    nquads = peers / "all.nq"
    files = graphs.load_all(graphs.discover([gen_dir]))
    quads = list(graphs.iter_quads(files))
    tmp = nquads.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        ox.serialize(quads, fh, format=ox.RdfFormat.N_QUADS)
    tmp.replace(nquads)
    return Dataset(label, gen_dir, nquads, manifest, len(quads))
