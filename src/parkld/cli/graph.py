"""Commands on the graph itself: ``validate``, ``build``, ``stats``, ``query``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

import click

from parkld import graphs, mediatypes
from parkld.build import ensure_built
from parkld.cli import output
from parkld.config import Settings
from parkld.store import Formats, QueryRequest, open_store


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "turtle", "json"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "--with-project",
    is_flag=True,
    help="Validate PATHS together with the project's data (a PATH replaces the "
    "project file of the same name).",
)
@click.pass_obj
def validate_cmd(settings: Settings, paths: tuple[Path, ...], fmt: str, with_project: bool) -> None:
    """Validate ontology + shapes + data against the shapes (default: the project's own).

    PATHS (files or folders) replace the project's data; folders named ``ontology`` or
    ``shapes`` replace those. Exit 0 when the data conforms, 1 on violations, 2 when a file
    cannot be read.
    """
    files = graphs.load_all(select_sources(settings, paths, with_project), settings.base_iri)
    from parkld.validate import validate  # heavy (pySHACL): only this command needs it

    report = validate(files)
    out = {"text": report.as_text, "turtle": report.as_turtle, "json": report.as_json}[fmt]()
    click.echo(out, nl=False)
    sys.exit(0 if report.conforms else 1)


def select_sources(
    settings: Settings, paths: tuple[Path, ...], with_project: bool
) -> list[graphs.SourceFile]:
    """The project's files, with PATHS taking the place of the parts they provide."""
    project = graphs.discover(base=settings.base_iri)
    if not paths:
        return project
    given = graphs.discover(paths, base=settings.base_iri, with_project=False)
    given_roles = {s.role for s in given}
    if "data" in given_roles:
        # The project's claim tables refer to parks of the project's Turtle data: given data
        # replaces both (given tables alone keep the Turtle data they refer to).
        given_roles.add("claims")
    given_graphs = {s.graph for s in given}
    kept = [
        s
        for s in project
        if s.role not in given_roles
        or (s.role in ("data", "claims") and with_project and s.graph not in given_graphs)
    ]
    return kept + given


@click.command("build")
@click.option("--force", is_flag=True, help="Rebuild even if the inputs did not change.")
@click.pass_obj
def build_cmd(settings: Settings, force: bool) -> None:
    """Validate and load the graph into the embedded store (skipped when inputs are unchanged)."""
    result = ensure_built(settings, force=force, progress=output.progress)
    verb = "reused" if result.reused else "built"
    output.info(f"{verb} store {result.fingerprint} at {result.path} in {result.seconds:.2f} s")


@click.command("stats")
@click.pass_obj
def stats_cmd(settings: Settings) -> None:
    """Build if needed, then print the graph's statistics."""
    ensure_built(settings)
    with open_store(settings) as store:
        click.echo(f"triples: {store.triple_count()} (distinct; the default graph)")
        click.echo(f"quads: {store.quad_count()} (statements in the named graphs)")
        names = store.graph_names()
        click.echo(f"named graphs: {len(names)}")
        for name in names:
            click.echo(f"  {name}")
        rows = store.select(
            "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } "
            "GROUP BY ?class ORDER BY DESC(?n) ?class"
        )
        click.echo("instances per class:")
        for row in rows.rows:
            click.echo(f"  {row['n'].value:>6}  {row['class'].value}")


@click.command("query")
@click.argument("query_file", type=click.File("r"))
@click.option(
    "--format",
    "fmt",
    default="csv",
    show_default=True,
    help="Result format: csv, tsv, json, xml, turtle, ntriples, jsonld…",
)
@click.pass_obj
def query_cmd(settings: Settings, query_file: TextIO, fmt: str) -> None:
    """Run a SPARQL query (a file, or - for standard input) against the built store."""
    chosen = mediatypes.by_name(fmt)
    if chosen is None:
        raise click.BadParameter(f"unknown format {fmt!r}", param_hint="--format")
    ensure_built(settings)
    formats = Formats(
        (chosen,) if chosen.kind is mediatypes.Kind.RESULTS else (mediatypes.SPARQL_CSV,),
        (chosen,)
        if chosen.kind in (mediatypes.Kind.GRAPH, mediatypes.Kind.DATASET)
        else (mediatypes.TURTLE,),
    )
    with open_store(settings) as store:
        response = store.run_serialised(
            QueryRequest(
                query_file.read(),
                timeout=settings.query_timeout,
                max_rows=settings.max_rows,
                service_allowlist=settings.service_allowlist,
            ),
            formats,
        )
    sys.stdout.buffer.write(response.body)
    if response.truncated:
        click.echo(f"parkld: result cut at {settings.max_rows} rows (PARKLD_MAX_ROWS)", err=True)


def register(group: click.Group) -> None:
    for command in (validate_cmd, build_cmd, stats_cmd, query_cmd):
        group.add_command(command)
