"""Reading claim tables (``data/claims/*.csv``, format in ``data/README.md``) into rows.

Only the file's shape is checked here (encoding, quoting, the header); what the values mean is
checked by :mod:`parkld.claims.check`. A file that cannot be read as a table is a
:class:`~parkld.errors.DataError` (exit 2), naming the file and line.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from parkld.errors import DataError

COLUMNS: tuple[str, ...] = (
    "kind",
    "id",
    "label",
    "lang",
    "parties",
    "type",
    "date",
    "place",
    "country",
    "lat",
    "long",
    "role",
    "signatories",
    "source_slug",
    "source_url",
    "source_title",
    "source_publisher",
    "source_date",
    "source_lang",
    "retrieved",
    "quote",
    "note",
)

KINDS = ("park", "organisation", "name", "alliance", "agreement", "membership")


@dataclass(frozen=True)
class Row:
    """One claim: its cells by column name, and where it was written (file, line)."""

    file: str
    line: int  # 1-based line of the row's first physical line (the header is line 1)
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def split(self, column: str) -> list[str]:
        """The ``;``-separated values of a cell, stripped, empty ones dropped."""
        return [v.strip() for v in self[column].split(";") if v.strip()]


def display_path(path: Path) -> str:
    """The path as a curator typed it: relative to the working directory when below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_table(path: Path) -> list[Row]:
    """The rows of one claim table; DataError when it is not a readable table."""
    name = display_path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise DataError(f"cannot read: {exc.strerror}", name) from exc
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise DataError("not valid UTF-8", name, line) from exc
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise DataError(f"not a CSV table: {exc}", name, 1) from exc
    if header is None:
        raise DataError("empty file: a claim table needs the header row", name, 1)
    header = [h.strip() for h in header]
    missing = [c for c in COLUMNS if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing column(s) " + ", ".join(missing))
        if unknown:
            parts.append("unknown column(s) " + ", ".join(repr(u) for u in unknown))
        raise DataError("; ".join(parts) + f" (the header must be: {','.join(COLUMNS)})", name, 1)
    if tuple(header) != COLUMNS:
        raise DataError(f"columns out of order (the header must be: {','.join(COLUMNS)})", name, 1)
    rows: list[Row] = []
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise DataError(f"not a CSV table: {exc}", name, line) from exc
        if cells and any(c.strip() for c in cells):
            if len(cells) != len(COLUMNS):
                raise DataError(
                    f"{len(cells)} cells where the header has {len(COLUMNS)} "
                    "(a comma inside a value must be quoted)",
                    name,
                    line,
                )
            rows.append(
                Row(name, line, {c: v.strip() for c, v in zip(COLUMNS, cells, strict=True)})
            )
        line = reader.line_num + 1
    return rows
