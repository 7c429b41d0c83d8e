"""Vendoring the world map: Natural Earth 110m TopoJSON → SVG path data (run once, by hand).

The map must work offline, so its country outlines ship with parkld as a small JSON file of SVG
path strings already projected (equirectangular: ``x = lon + 180``, ``y = 90 - lat``, one
decimal, i.e. about 10 km, finer than 1:110m needs). Doing the TopoJSON decoding here, at
vendor time, keeps the browser code to "insert these paths".

Usage::

    cd /tmp && npm pack world-atlas && tar xzf world-atlas-*.tgz
    python -m parkld.viz.world /tmp/package/countries-110m.json \
        src/parkld/web/static/viz/world-110m.json
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path
from typing import Any

#: Antarctica (ISO 3166 numeric 010) is left out: no parks, and it would fill a third of the map.
SKIP_IDS = frozenset({"010"})


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """The topology's arcs as absolute (lon, lat) points (TopoJSON delta + quantisation)."""
    transform = topology.get("transform")
    arcs: list[list[tuple[float, float]]] = []
    for arc in topology["arcs"]:
        points: list[tuple[float, float]] = []
        x = y = 0.0
        for position in arc:
            if transform:
                # Quantised arcs store deltas from the previous point, in grid units.
                x += position[0]
                y += position[1]
                sx, sy = transform["scale"]
                tx, ty = transform["translate"]
                points.append((x * sx + tx, y * sy + ty))
            else:
                points.append((float(position[0]), float(position[1])))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """One closed ring from arc indexes (a negative index ``~i`` means arc *i* reversed)."""
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        # Consecutive arcs share their joining point; keep it once.
        points.extend(arc if not points else arc[1:])
    return points


def unwrap(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A ring crossing the antimeridian (Russia's Chukotka, Fiji), moved wholly east of it.

    Drawn as is, such a ring would jump across the whole map and fill a band of it; moved
    east, its few points past 180° fall outside the view box and are clipped.
    """
    crosses = any(abs(a[0] - b[0]) > 180 for a, b in itertools.pairwise(points))
    return [(lon + 360 if lon < 0 else lon, lat) for lon, lat in points] if crosses else points


def path_data(rings: list[list[tuple[float, float]]]) -> str:
    """SVG path data for rings in equirectangular projection, one decimal place."""
    parts: list[str] = []
    for ring_points in rings:
        points = unwrap(ring_points)
        coords: list[str] = []
        last = ""
        for lon, lat in points:
            xy = f"{lon + 180:.1f} {90 - lat:.1f}"
            if xy != last:  # rounding merges neighbours: drop the repeats
                coords.append(xy)
                last = xy
        if len(coords) >= 3:
            parts.append("M" + "L".join(coords) + "Z")
    return "".join(parts)


def convert(topology: dict[str, Any]) -> dict[str, Any]:
    """The vendored map: ``{"viewBox", "countries": [{"id", "name", "d"}]}``."""
    arcs = decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("id") in SKIP_IDS or geometry["type"] not in {"Polygon", "MultiPolygon"}:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = [ring(r, arcs) for polygon in polygons for r in polygon]
        countries.append(
            {
                "id": geometry.get("id", ""),
                "name": geometry.get("properties", {}).get("name", ""),
                "d": path_data(rings),
            }
        )
    return {
        "source": "Natural Earth 1:110m Admin 0 countries (public domain), via the world-atlas "
        "npm package 2.0.2 (ISC licence, Mike Bostock); Antarctica omitted",
        "projection": "equirectangular: x = longitude + 180, y = 90 - latitude",
        "viewBox": [0, 0, 360, 150],
        "countries": countries,
    }


def main(argv: list[str]) -> int:
    """Convert ``argv[1]`` (TopoJSON) into ``argv[2]`` (the vendored JSON)."""
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    topology = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    Path(argv[2]).write_text(
        json.dumps(convert(topology), separators=(",", ":")) + "\n", encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
