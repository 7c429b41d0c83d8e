"""``parkld wikidata …``: import the park registry, link parks, diff facts, export statements.

Every command talks to Wikidata through one :class:`WikidataClient` (``--endpoint`` overrides
``PARKLD_WIKIDATA_ENDPOINT``). Output files are written whole or not at all. Exit codes: 0 ok,
1 problems found (``diff`` found disagreements), 2 error.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from parkld import project_files
from parkld.config import Settings
from parkld.errors import DataError
from parkld.wikidata import diff as diff_mod
from parkld.wikidata import importer, linking, project, quickstatements, records
from parkld.wikidata.client import WikidataClient
from parkld.wikidata.files import write_atomic


def default_snapshot() -> Path:
    """The committed snapshot (``sources/wikidata-parks/parks_wikidata_subset.ttl``)."""
    return project_files.root() / "sources" / "wikidata-parks" / "parks_wikidata_subset.ttl"


def default_registry() -> Path:
    """Where ``import`` writes by default: the project's ``data/wikidata-parks.ttl``."""
    return project_files.data_dir() / f"{importer.SLUG}.ttl"


_endpoint = click.option(
    "--endpoint",
    metavar="URL",
    help="SPARQL endpoint (default: PARKLD_WIKIDATA_ENDPOINT, the WDQS).",
)
_no_cache = click.option(
    "--no-cache", is_flag=True, help="Neither read nor write the on-disk response cache."
)
_refresh = click.option(
    "--refresh", is_flag=True, help="Query again even if the cache has an answer (and update it)."
)
_retries = click.option(
    "--retries",
    type=click.IntRange(0, 10),
    default=4,
    show_default=True,
    help="Retries after HTTP 429/5xx or a timeout (with backoff).",
)
_inputs = click.option(
    "--input",
    "inputs",
    multiple=True,
    metavar="FILE",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Turtle file(s) with the parks (repeatable; default: the project's data/).",
)


def _client(
    settings: Settings, endpoint: str | None, no_cache: bool, refresh: bool, retries: int
) -> WikidataClient:
    client = WikidataClient.from_settings(
        settings,
        endpoint=endpoint,
        use_cache=not no_cache,
        refresh=refresh,
        show_progress=sys.stderr.isatty(),
    )
    client.retries = retries
    return client


def _load_inputs(inputs: tuple[Path, ...]) -> project.Project:
    files = list(inputs) if inputs else project.project_data_files()
    return project.load(project.with_ontology(files))


@click.group("wikidata")
def wikidata() -> None:
    """Link parkld to Wikidata: import, link, diff, export (never writes to Wikidata)."""


@wikidata.command("import")
@click.option(
    "--snapshot",
    type=click.Path(path_type=Path, exists=True),
    help="Wikidata-shaped .ttl, or SPARQL JSON (.json/.srj) answer to the parks query "
    "(default: the committed snapshot in sources/wikidata-parks/).",
)
@click.option("--live", is_flag=True, help="Run the parks query against the endpoint instead.")
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Turtle file to write (default: data/wikidata-parks.ttl).",
)
@_endpoint
@_no_cache
@_refresh
@_retries
@click.pass_obj
def import_cmd(
    settings: Settings,
    snapshot: Path | None,
    live: bool,
    output: Path | None,
    endpoint: str | None,
    no_cache: bool,
    refresh: bool,
    retries: int,
) -> None:
    """Turn Wikidata park records into parkld Turtle, merging parks parkld already links."""
    if live and snapshot:
        raise click.UsageError("give --snapshot or --live, not both")
    output = output or default_registry()
    if live:
        client = _client(settings, endpoint, no_cache, refresh, retries)
        snap = records.from_rows(client.select(records.PARKS_QUERY))
        source = importer.SourceInfo(
            title="Wikidata Query Service: science and technology parks with coordinates",
            label=f"Wikidata park registry ({client.endpoint})",
            url=client.endpoint,
            description="Answer of parkld's parks query (P31/P279* Q1976594 or Q1281153, "
            "with P625).",
            retrieved=date.today().isoformat(),
        )
    else:
        snap = records.read(snapshot or default_snapshot())
        source = importer.SourceInfo.snapshot()
    # The registry is this command's own product wherever it is written: read as "existing
    # parkld data" it would make every park a merge (and drop their coordinates, which only
    # new parks get), so neither it nor the output file is read.
    proj = project.load(project.project_data_files(exclude=[output, default_registry()]))
    result = importer.render(snap, proj, source, base=project_files.DEFAULT_BASE)
    write_atomic(output, result.turtle)
    click.echo(
        f"wrote {output}: {result.parks} parks ({len(result.merged)} merged into "
        f"existing parkld parks: {', '.join(result.merged) or 'none'}); "
        f"{len(result.skipped)} item(s) without a label left out"
    )


@wikidata.command("link")
@_endpoint
@_inputs
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="Links file to write (Turtle, for review).",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=linking.DEFAULT_THRESHOLD,
    show_default=True,
    help="Lowest score accepted as a link.",
)
@_no_cache
@_refresh
@_retries
@click.pass_obj
def link_cmd(
    settings: Settings,
    endpoint: str | None,
    inputs: tuple[Path, ...],
    output: Path,
    threshold: float,
    no_cache: bool,
    refresh: bool,
    retries: int,
) -> None:
    """Propose Wikidata links for parks without one; write a reviewable links file."""
    proj = _load_inputs(inputs)
    all_parks = proj.parks()
    todo = [p for p in all_parks if p.qid is None]
    # Items the project's data already links count too when linking other input files: an
    # input park matching one of them is reported as a likely duplicate of that park.
    linked = proj.links()
    labels = {p.iri: p.label for p in all_parks}
    if inputs:
        known = _load_inputs(())
        linked = known.links() | linked
        labels = {p.iri: p.label for p in known.parks()} | labels
    client = _client(settings, endpoint, no_cache, refresh, retries)
    cands = linking.fetch_candidates(client, todo) if todo else {}
    decisions = linking.decide(todo, cands, linked, threshold, labels)
    write_atomic(output, linking.render(decisions, endpoint=client.endpoint, threshold=threshold))
    accepted = sum(1 for d in decisions if d.accepted)
    for d in decisions:
        verdict = (
            f"-> {d.accepted.qid} ({d.accepted.score:.2f})"
            if d.accepted
            else f"not linked: {d.reason}"
        )
        click.echo(f"{d.park.label}: {verdict}")
    duplicates = sum(1 for d in decisions if d.duplicate_of)
    click.echo(
        f"wrote {output}: {accepted} accepted link(s), "
        f"{len(decisions) - accepted} park(s) left for review "
        f"({duplicates} likely duplicate(s)), "
        f"{len(all_parks) - len(todo)} already linked"
    )


@wikidata.command("diff")
@_endpoint
@_inputs
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the disagreements as RDF (Turtle) to this file.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "csv"]),
    default="text",
    show_default=True,
    help="Table format on standard output.",
)
@click.option(
    "--max-km",
    type=click.FloatRange(min=0),
    default=diff_mod.DEFAULT_MAX_KM,
    show_default=True,
    help="Coordinates further apart than this disagree.",
)
@_no_cache
@_refresh
@_retries
@click.pass_obj
def diff_cmd(
    settings: Settings,
    endpoint: str | None,
    inputs: tuple[Path, ...],
    output: Path | None,
    fmt: str,
    max_km: float,
    no_cache: bool,
    refresh: bool,
    retries: int,
) -> None:
    """Facts where parkld and Wikidata disagree, for linked parks. Exit 1 when any."""
    proj = _load_inputs(inputs)
    parks = [p for p in proj.parks() if p.qid]
    client = _client(settings, endpoint, no_cache, refresh, retries)
    found = diff_mod.compare(parks, diff_mod.fetch_facts(client, parks), max_km=max_km)
    if output is not None:
        write_atomic(output, diff_mod.to_turtle(found, endpoint=client.endpoint))
    click.echo(diff_mod.to_csv(found) if fmt == "csv" else diff_mod.to_text(found), nl=False)
    sys.exit(1 if found else 0)


@wikidata.command("export")
@_endpoint
@_inputs
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="QuickStatements (V1, tab-separated) file to write for review.",
)
@_no_cache
@_refresh
@_retries
@click.pass_obj
def export_cmd(
    settings: Settings,
    endpoint: str | None,
    inputs: tuple[Path, ...],
    output: Path,
    no_cache: bool,
    refresh: bool,
    retries: int,
) -> None:
    """QuickStatements for facts Wikidata lacks, with references. Never sent anywhere."""
    proj = _load_inputs(inputs)
    client = _client(settings, endpoint, no_cache, refresh, retries)
    plan = quickstatements.plan(proj)
    present = quickstatements.existing(client, plan.statements)
    text = quickstatements.render(plan, present)
    write_atomic(output, text)
    todo = len(plan.statements) - len(present)
    click.echo(
        f"wrote {output}: {todo} statement(s) to review, {len(present)} already in "
        f"Wikidata, {len(plan.blocked)} fact(s) blocked (a party has no Wikidata item)"
    )


def register(group: click.Group) -> None:
    """Add the ``wikidata`` command family to *group*."""
    group.add_command(wikidata)


__all__ = ["DataError", "register"]
