"""The app's own SPARQL, kept as ``.rq`` files beside this module.

Each file starts with comment lines saying what it does and which variables the caller binds;
values always travel as bindings (Oxigraph substitutions / a VALUES clause), never as text.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def load(name: str) -> str:
    """The text of ``<name>.rq``."""
    return (resources.files(__package__) / f"{name}.rq").read_text(encoding="utf-8")
