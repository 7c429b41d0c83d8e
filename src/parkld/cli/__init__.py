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
#: Settings that `parkld serve` options also read from their variables (see main).
SERVE_OPTIONS = (
    "host",
    "port",
    "workers",
    "threads",
    "query_timeout",
    "query_workers",
    "max_rows",
    "server",
)

COMMAND_MODULES = (
    "parkld.cli.graph",
    "parkld.cli.serve",
    "parkld.cli.site",
    "parkld.cli.publish",
    "parkld.cli.wikidata",
)

# Which module defines each command. Modules are imported only when their command runs:
# pySHACL, rdflib's SPARQL engine and requests cost about a second to import, which
# `parkld serve` (its cold start) does not need. A test checks this table against the modules.
COMMANDS = {
    "validate": "parkld.cli.graph",
    "build": "parkld.cli.graph",
    "stats": "parkld.cli.graph",
    "query": "parkld.cli.graph",
    "serve": "parkld.cli.serve",
    "export-site": "parkld.cli.site",
    "dump": "parkld.cli.site",
    "publish": "parkld.cli.publish",
    "wikidata": "parkld.cli.wikidata",
}


def load_commands(module_name: str) -> dict[str, click.Command]:
    """The commands one module registers."""
    scratch = click.Group()
    importlib.import_module(module_name).register(scratch)
    return dict(scratch.commands)


class ParkldGroup(click.Group):
    """Loads commands on demand; turns ParkldError into a message and its exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        return load_commands(module).get(cmd_name) if module else None

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ParkldError as exc:
            click.echo(f"parkld: error: {exc.message}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=ParkldGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="parkld")
@click.option("--base-iri", envvar="PARKLD_BASE_IRI", help="Canonical base of parkld IRIs.")
@click.option(
    "--store-dir",
    envvar="PARKLD_STORE_DIR",
    type=click.Path(path_type=Path),
    help="Where the embedded store keeps its databases.",
)
@click.option(
    "--log-level",
    envvar="PARKLD_LOG_LEVEL",
    default=None,
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="No progress or summary lines; errors and requested output only.",
)
@click.pass_context
def main(
    ctx: click.Context,
    base_iri: str | None,
    store_dir: Path | None,
    log_level: str | None,
    quiet: bool,
) -> None:
    """parkld: the linked-data knowledge graph of technology parks."""
    from parkld.cli.output import QUIET

    ctx.meta[QUIET] = quiet
    try:
        # The serve options read their own variables (PARKLD_PORT=abc with --port 18098 works;
        # without --port, click names the bad variable).
        settings = config.from_env(
            deferred=SERVE_OPTIONS,
            base_iri=base_iri,
            store_dir=store_dir,
            log_level=log_level.upper() if log_level else None,
        )
    except ParkldError as exc:
        raise click.UsageError(exc.message) from exc
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = settings
