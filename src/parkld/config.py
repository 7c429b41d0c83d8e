"""Settings: one frozen dataclass, filled from defaults, ``PARKLD_*`` variables and CLI options.

Every field ``name`` can be set with the environment variable ``PARKLD_<NAME>`` (upper case).
Lists are comma-separated; booleans accept 1/0, true/false, yes/no, on/off.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints

from parkld import __version__
from parkld.errors import ConfigError

WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"


def _default_store_dir() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "parkld" / "store"


@dataclass(frozen=True)
class Settings:
    """All run-time settings of parkld (see README, *Settings*)."""

    #: Canonical base of every parkld IRI; the shipped data is written against the default.
    base_iri: str = "https://w3id.org/parkld/"
    #: Absolute URL the site is served at, for absolute links (sitemap, the endpoint's own
    #: IRI); empty means the base IRI. Never taken from the request's Host header.
    public_url: str = ""
    #: ``embedded`` (Oxigraph on disk) or ``remote`` (any SPARQL 1.1 endpoint).
    store: str = "embedded"
    #: Where the embedded store keeps its built databases.
    store_dir: Path = field(default_factory=_default_store_dir)
    #: Remote store: SPARQL query endpoint, update endpoint and credentials.
    store_query_url: str = ""
    store_update_url: str = ""
    #: Optional SPARQL 1.1 Graph Store Protocol endpoint that staging graphs are loaded
    #: through (Virtuoso: ``/sparql-graph-crud-auth``); empty: loaded with INSERT DATA.
    store_graph_url: str = ""
    store_user: str = ""
    store_password: str = ""
    #: Seconds before a remote store request is abandoned.
    store_timeout: float = 30.0
    #: Remote store: most statements copied locally to evaluate the queries the store gets
    #: wrong (parkld.store.deviations); 0 sends them to the store as they are.
    store_mirror_max_triples: int = 2_000_000
    #: Extra RDF source directories/files loaded after the project's own data.
    data_paths: tuple[Path, ...] = ()
    #: HTTP server: ``granian`` (default: Rust, event-driven, so slow clients hold no worker
    #: thread; see docs/security.md) or ``gunicorn`` (gthread workers).
    server: str = "granian"
    host: str = "127.0.0.1"
    port: int = 8080
    #: Web worker processes (docs/sparql.md: 1 takes 45 % less memory at peak, 2 answers
    #: twice the new requests on two cores).
    workers: int = 2
    threads: int = 8
    #: Longest a SPARQL query may run, in seconds, before it is stopped.
    query_timeout: float = 10.0
    #: Most result rows (or triples) a query returns; more is reported, never silently cut.
    max_rows: int = 10_000
    #: Largest accepted request body, in bytes.
    max_body_bytes: int = 1_048_576
    #: Processes that evaluate user SPARQL queries (per web worker).
    query_workers: int = 2
    #: Address-space limit of each query worker process, in MiB (0 = none): a query that
    #: needs more is stopped (504) and its worker replaced.
    query_memory_mb: int = 1024
    #: Endpoints that SPARQL SERVICE may call; everything else is refused before any I/O.
    #: Unless set, it is the configured Wikidata endpoint alone.
    service_allowlist: tuple[str, ...] = (WIKIDATA_SPARQL,)
    #: SPARQL Update over HTTP: off unless enabled *and* a token is set.
    update_enabled: bool = False
    update_token: str = ""
    #: Requests per minute per client address; 0 turns rate limiting off.
    rate_limit_per_minute: int = 0
    #: Origins allowed by CORS (``*`` for any).
    cors_origins: str = "*"
    #: Wikidata linking.
    wikidata_endpoint: str = WIKIDATA_SPARQL
    wikidata_user_agent: str = (
        f"parkld/{__version__} (https://w3id.org/parkld/; parkld@users.noreply.invalid)"
    )
    wikidata_timeout: float = 30.0
    wikidata_cache_dir: Path = field(
        default_factory=lambda: _default_store_dir().parent / "wikidata-cache"
    )
    #: Directory holding YASGUI's built ``yasgui.min.js`` and ``yasgui.min.css`` (an npm
    #: install's ``node_modules/@triply/yasgui/build``). Set, the query page loads them from
    #: this site and runs YASGUI; unset or incomplete, it stays the plain form.
    yasgui_dir: str = ""
    #: One access-log line per request on standard output (costs throughput).
    access_log: bool = False
    #: Logging level for the server and CLI.
    log_level: str = "INFO"

    def replace(self, **changes: Any) -> Settings:
        """A copy with *changes* applied (``None`` values are ignored)."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _coerce(name: str, raw: str, kind: Any) -> Any:
    text = raw.strip()
    try:
        if kind is bool:
            low = text.lower()
            if low in _TRUE:
                return True
            if low in _FALSE:
                return False
            raise ValueError(f"expected a boolean, got {raw!r}")
        if kind is int:
            return int(text)
        if kind is float:
            return float(text)
        if kind is Path:
            return Path(text).expanduser()
        if kind == tuple[str, ...]:
            return tuple(part.strip() for part in text.split(",") if part.strip())
        if kind == tuple[Path, ...]:
            return tuple(Path(p.strip()).expanduser() for p in text.split(",") if p.strip())
        return text
    except ValueError as exc:
        raise ConfigError(f"PARKLD_{name.upper()}: {exc}") from exc


def from_env(
    environ: Mapping[str, str] | None = None, *, deferred: tuple[str, ...] = (), **overrides: Any
) -> Settings:
    """Settings from ``PARKLD_*`` variables, then *overrides* (``None`` means "not given").

    A bad value of a *deferred* setting is left at its default instead of raising: a command
    option read later reads (and reports) that variable itself, or overrides it.
    """
    env = os.environ if environ is None else environ
    hints = get_type_hints(Settings)
    values: dict[str, Any] = {}
    for f in fields(Settings):
        key = f"PARKLD_{f.name.upper()}"
        # An option given on the command line wins, so a bad variable it overrides is never
        # read (PARKLD_PORT=abc parkld serve --port 18098 works).
        if key in env and overrides.get(f.name) is None:
            try:
                values[f.name] = _coerce(f.name, env[key], hints[f.name])
            except ConfigError:
                if f.name not in deferred:
                    raise
    settings = Settings(**values).replace(**overrides)
    if "service_allowlist" not in values and overrides.get("service_allowlist") is None:
        # Federation follows the Wikidata endpoint the project is configured to use.
        settings = settings.replace(service_allowlist=(settings.wikidata_endpoint,))
    check(settings)
    return settings


def to_env(settings: Settings) -> dict[str, str]:
    """The settings as ``PARKLD_*`` variables (what a server's worker processes start from)."""
    env: dict[str, str] = {}
    for f in fields(Settings):
        value = getattr(settings, f.name)
        if isinstance(value, bool):
            text = "1" if value else "0"
        elif isinstance(value, tuple):
            text = ",".join(str(v) for v in value)
        else:
            text = str(value)
        env[f"PARKLD_{f.name.upper()}"] = text
    return env


def check(settings: Settings) -> None:
    """Reject inconsistent settings early, with the setting's name in the message."""
    if not settings.base_iri.endswith(("/", "#")):
        raise ConfigError("PARKLD_BASE_IRI must end with '/' or '#'")
    if settings.public_url and not (
        settings.public_url.startswith(("http://", "https://"))
        and settings.public_url.endswith("/")
    ):
        raise ConfigError("PARKLD_PUBLIC_URL must be an http(s) URL ending with '/'")
    if settings.store not in {"embedded", "remote"}:
        raise ConfigError("PARKLD_STORE must be 'embedded' or 'remote'")
    if settings.store == "remote" and not settings.store_query_url:
        raise ConfigError("PARKLD_STORE=remote needs PARKLD_STORE_QUERY_URL")
    if settings.server not in {"gunicorn", "granian"}:
        raise ConfigError("PARKLD_SERVER must be 'gunicorn' or 'granian'")
    if settings.query_timeout <= 0:
        raise ConfigError("PARKLD_QUERY_TIMEOUT must be positive")
    if settings.max_rows < 1:
        raise ConfigError("PARKLD_MAX_ROWS must be at least 1")
    if settings.update_enabled and not settings.update_token:
        raise ConfigError("PARKLD_UPDATE_ENABLED needs PARKLD_UPDATE_TOKEN (a shared secret)")
