"""The app's own SPARQL, kept as ``.rq`` files beside this module, one folder per caller.

``linked/`` (resource descriptions, VoID, dumps, the label index), ``viz/`` (the pictures'
facts, bound as of a day), ``reconcile/`` (the reconciliation service) and ``wikidata/``
(import, linking, diffs and QuickStatements: some asked of Wikidata, some of the project's
files).
The example queries researchers read are elsewhere (the project's ``queries/examples/``);
:func:`examples` reads them, for the landing page and the query page alike.

Each file starts with comment lines saying what it does and which variables the caller binds;
values always travel as bindings (a VALUES block written from RDF terms by the one VALUES
writer, ``store/querytext.py``), never as text a user typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

FOLDERS = ("linked", "viz", "reconcile", "wikidata")
_NAME = re.compile(r"([a-z]+)/([a-z0-9_]+)")


@cache
def load(name: str) -> str:
    """The text of ``<folder>/<query>.rq``, named ``"<folder>/<query>"`` (e.g. ``"linked/out"``)."""
    match = _NAME.fullmatch(name)
    if match is None or match.group(1) not in FOLDERS:
        raise ValueError(f"not an internal query name (folder/name, folder in {FOLDERS}): {name!r}")
    folder, stem = match.groups()
    return (resources.files(__package__) / folder / f"{stem}.rq").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Example:
    """One example query: its file's stem, its title (the first ``#`` comment line), its text."""

    name: str
    title: str
    text: str


def examples(directory: Path) -> list[Example]:
    """The ``.rq`` files of *directory* (none when it is missing), in file-name order."""
    found = []
    for path in sorted(directory.glob("*.rq")) if directory.is_dir() else []:
        text = path.read_text(encoding="utf-8")
        title = next(
            (
                line.lstrip("#").strip()
                for line in text.splitlines()
                if line.startswith("#") and line.lstrip("#").strip()
            ),
            path.stem,
        )
        found.append(Example(path.stem, title, text))
    return found
