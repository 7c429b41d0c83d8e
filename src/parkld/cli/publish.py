"""``parkld publish --to URL``: validate, then load each named graph into a SPARQL store.

Progress goes to stderr: a bar on a terminal, one line per graph otherwise (logs, CI).
"""

from __future__ import annotations

from pathlib import Path

import click

from parkld.config import Settings, check
from parkld.errors import ConfigError
from parkld.progress import ProgressBar
from parkld.publish import plan, publish
from parkld.store.base import CHUNK_TRIPLES
from parkld.store.remote import RemoteStore


@click.command("publish")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--to",
    "to_url",
    envvar="PARKLD_STORE_UPDATE_URL",
    metavar="URL",
    help="The store's SPARQL endpoint that accepts updates "
    "(Virtuoso: http://HOST:8890/sparql-auth) [PARKLD_STORE_UPDATE_URL].",
)
@click.option(
    "--user",
    envvar="PARKLD_STORE_USER",
    default=None,
    help="User for the store [PARKLD_STORE_USER]; the password is read from "
    "PARKLD_STORE_PASSWORD only, never from the command line.",
)
@click.option("--force", is_flag=True, help="Republish graphs even when unchanged.")
@click.option(
    "--prune",
    is_flag=True,
    help="Also drop graphs parkld published earlier whose source file is gone.",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=CHUNK_TRIPLES,
    show_default=True,
    help="Triples per update request while loading a graph.",
)
@click.pass_obj
def publish_cmd(
    settings: Settings,
    paths: tuple[Path, ...],
    to_url: str | None,
    user: str | None,
    force: bool,
    prune: bool,
    chunk_size: int,
) -> None:
    """Validate ontology + shapes + data (+ PATHS), then publish them into a SPARQL store.

    One named graph per source, each replaced atomically (loaded beside, then swapped in one
    transaction); graphs whose sources did not change are skipped. On a SHACL violation
    nothing is published (exit 1).
    """
    if not to_url:
        raise ConfigError("parkld publish needs --to URL (or PARKLD_STORE_UPDATE_URL)")
    settings = settings.replace(
        store="remote",
        store_update_url=to_url,
        store_query_url=to_url,
        store_user=user,
        data_paths=tuple(settings.data_paths) + paths,
    )
    check(settings)
    click.echo("… parsing and validating", err=True)
    plans = plan(settings)
    bar = ProgressBar(unit="triples")
    store = RemoteStore(settings)
    try:
        store.ping()
        result = publish(store, plans, force=force, prune=prune, progress=bar, chunk=chunk_size)
    finally:
        bar.end()
        store.close()
    click.echo(
        f"published {len(result.published)} graph(s), {result.triples} triples; "
        f"{len(result.unchanged)} unchanged; {len(result.removed)} removed; "
        f"in {result.seconds:.2f} s"
    )


def register(group: click.Group) -> None:
    group.add_command(publish_cmd)


__all__ = ["publish_cmd", "register"]
