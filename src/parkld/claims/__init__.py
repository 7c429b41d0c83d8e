"""Claim tables: cooperation facts curated as CSV rows (``data/claims/*.csv``), compiled by the
build into one named graph per source document, with the supporting passage of every row.

The format is documented in ``data/README.md``; :mod:`.table` reads the files,
:mod:`.context` indexes what the Turtle data already holds, :mod:`.compile` checks every row
(naming file and line) and writes the RDF.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from parkld.claims.compile import ClaimTableInvalid, Compiled, Problem, compile_rows
from parkld.claims.context import Known, known_from
from parkld.claims.table import COLUMNS, Row, display_path, read_table
from parkld.project_files import DEFAULT_BASE

__all__ = [
    "COLUMNS",
    "ClaimTableInvalid",
    "Compiled",
    "Known",
    "Problem",
    "Row",
    "compile_tables",
    "known_from",
    "read_table",
]


def compile_tables(
    paths: Sequence[Path], known: Known, *, today: dt.date | None = None, base: str = DEFAULT_BASE
) -> Compiled:
    """Read every table in *paths* (in name order) and compile all their rows together: rows
    of one source URL go into one graph wherever they are written."""
    rows: list[Row] = []
    for path in sorted(paths, key=lambda p: (p.name, str(p))):
        rows += read_table(path)
    return compile_rows(rows, known, today, base)


def display(path: Path) -> str:
    return display_path(path)
