"""``parkld export-site DIR`` (a static mirror) and ``parkld dump DIR`` (dataset dumps)."""

from __future__ import annotations

from pathlib import Path

import click

from parkld.build import ensure_built
from parkld.cli import output
from parkld.config import Settings
from parkld.store import open_store


@click.command("export-site")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--site-url",
    default=None,
    help="Where the mirror will be served, for the sitemap [the base IRI].",
)
@click.pass_obj
def export_site_cmd(settings: Settings, directory: Path, site_url: str | None) -> None:
    """Write every resource as .html/.ttl/.jsonld/.nt/.rdf/.trig/.nq, the VoID, dumps and
    sitemap into DIRECTORY, ready for a static web server (see deploy/apache)."""
    from parkld.web.mirror import export_site

    if settings.store == "embedded":
        ensure_built(settings, progress=output.progress)
    with open_store(settings) as store:
        result = export_site(
            settings, store, directory, site_url=site_url, progress=output.progress
        )
    output.info(f"wrote {result.files} files for {result.resources} resources to {directory}")


@click.command("dump")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.pass_obj
def dump_cmd(settings: Settings, directory: Path) -> None:
    """Write the whole dataset as TriG, gzipped N-Quads and JSON-LD, plus the JSON-LD context."""
    from parkld.linked import dumps, jsonld
    from parkld.linked.void import DUMPS

    if settings.store == "embedded":
        ensure_built(settings, progress=output.progress)
    directory.mkdir(parents=True, exist_ok=True)
    with open_store(settings) as store:
        output.progress("reading every statement")
        quads = dumps.all_quads(store)
        context = jsonld.context_from_store(store, settings.base_iri)
        for dump in DUMPS:
            output.progress(f"writing {dump.name} ({len(quads)} statements)")
            (directory / dump.name).write_bytes(
                dumps.render_dump(quads, dump, settings.base_iri, context)
            )
            output.info(f"{directory / dump.name}")
        (directory / "context.jsonld").write_bytes(
            dumps.context_bytes(store, settings.base_iri, context)
        )
        output.info(f"{directory / 'context.jsonld'}")
    output.info(f"{len(quads)} statements")


def register(group: click.Group) -> None:
    for command in (export_site_cmd, dump_cmd):
        group.add_command(command)
