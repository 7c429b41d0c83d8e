"""What commands tell a person while they run: progress on stderr, summaries on stdout, both
silenced by ``parkld --quiet`` (errors and requested output, such as query results, are not)."""

from __future__ import annotations

import click

QUIET = "parkld.quiet"


def quiet() -> bool:
    """Whether ``--quiet`` was given (False outside a command, e.g. in library use)."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().meta.get(QUIET))


def progress(message: str) -> None:
    """``… message`` on stderr, unless quiet."""
    if not quiet():
        click.echo(f"… {message}", err=True)


def info(message: str) -> None:
    """A summary line on stdout, unless quiet."""
    if not quiet():
        click.echo(message)
