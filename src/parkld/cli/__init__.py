"""The ``parkld`` command line: one group, one module per command family.

Exit codes follow pySHACL's contract everywhere: 0 success/conforms, 1 violations (or a check
that found problems), 2 error (unreadable input, bad settings, unreachable service).
"""

from __future__ import annotations

import importlib
import logging
import sys
from pathlib import Path

import click

from parkld import __version__, config
from parkld.errors import ParkldError

# Command modules, each exposing ``register(group)``. Kept as names so a missing optional
# dependency of one family cannot break the others.
COMMAND_MODULES = (
    "parkld.cli.graph",
    "parkld.cli.serve",
    "parkld.cli.site",
    "parkld.cli.publish",
    "parkld.cli.wikidata",
)


class ParkldGroup(click.Group):
    """A group that turns ParkldError into a message and its exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ParkldError as exc:
            click.echo(f"parkld: error: {exc.message}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=ParkldGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="parkld")
@click.option("--base-iri", envvar="PARKLD_BASE_IRI", help="Canonical base of parkld IRIs.")
@click.option("--store-dir", envvar="PARKLD_STORE_DIR", type=click.Path(path_type=Path),
              help="Where the embedded store keeps its databases.")
@click.option("--log-level", envvar="PARKLD_LOG_LEVEL", default=None,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False))
@click.pass_context
def main(ctx: click.Context, base_iri: str | None, store_dir: Path | None,
         log_level: str | None) -> None:
    """parkld: the linked-data knowledge graph of technology parks."""
    try:
        settings = config.from_env(base_iri=base_iri, store_dir=store_dir,
                                   log_level=log_level.upper() if log_level else None)
    except ParkldError as exc:
        raise click.UsageError(exc.message) from exc
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = settings


for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(main)
