"""The app's own SPARQL, kept as ``.rq`` files beside this module, one folder per caller.

``linked/`` (resource descriptions, VoID, dumps, the label index), ``viz/`` (the pictures'
facts, bound as of a day), ``reconcile/`` (the reconciliation service) and ``wikidata/``
(import, linking, diffs and QuickStatements: some asked of Wikidata, some of the project's
files).
The example queries researchers read are elsewhere (the project's ``queries/examples/``).

Each file starts with comment lines saying what it does and which variables the caller binds;
values always travel as bindings (Oxigraph substitutions / a VALUES clause), never as text.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

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
