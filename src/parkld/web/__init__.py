"""The web application: ``create_app`` assembles settings, the store and the blueprints."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from flask import Blueprint, Flask
from jinja2 import ChoiceLoader, FileSystemLoader

from parkld import config
from parkld.config import Settings
from parkld.kinds import KINDS, Kinds
from parkld.mediatypes import TABLE, Table
from parkld.store import Store
from parkld.web.state import EXTENSION, AppState, get_settings, get_store, state_of

__all__ = [
    "EXTENSION",
    "AppState",
    "create_app",
    "get_settings",
    "get_store",
    "preload",
    "state_of",
]

log = logging.getLogger(__name__)

# Blueprint modules, each exposing ``bp`` (a flask.Blueprint).
BLUEPRINTS = (
    "parkld.web.errors",
    "parkld.web.urilimit",
    "parkld.web.safety",
    "parkld.web.site",
    "parkld.web.deref",
    "parkld.web.sparql",
    "parkld.web.viz",
    "parkld.web.reconcile",
    "parkld.web.yasgui",
)


def create_app(
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    overrides: Mapping[str, Any] | None = None,
    kinds: Kinds = KINDS,
    formats: Table = TABLE,
    blueprints: Sequence[Blueprint] = (),
) -> Flask:
    """Build the app. Tests pass their own *settings* and *store*; production reads PARKLD_*.

    *kinds*: the kinds of resource served (``KINDS.extended(...)`` adds some without editing
    the shipped registry); their partials are looked up in the package's templates, then in
    the registry's ``templates`` folders. *formats*: the media-type table the routes offer
    (``TABLE.extended(...)`` adds a format). *blueprints*: pages of one's own, registered
    after the shipped ones (a literal route such as ``/prizes`` still wins over the
    dereferencing catch-all, as werkzeug ranks static paths first); they get the same
    CORS, ETag, compression and error handling.
    """
    settings = settings or config.from_env()
    if overrides:
        settings = settings.replace(**overrides)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions[EXTENSION] = AppState(settings, kinds, formats, store)  # parkld.web.state
    if kinds.templates:
        # The package's templates first: a kind's partial extends them, never replaces them.
        own = [app.jinja_loader] if app.jinja_loader is not None else []
        app.jinja_loader = ChoiceLoader([*own, FileSystemLoader([str(p) for p in kinds.templates])])
    for name in BLUEPRINTS:
        module = importlib.import_module(name)
        app.register_blueprint(module.bp)
    for extra in blueprints:
        app.register_blueprint(extra)
    from parkld.web import http

    http.install(app)  # CORS, ETags and compression on every route
    from parkld.web.bodylimit import ChunkedBodyLimit

    app.wsgi_app = ChunkedBodyLimit(app.wsgi_app, settings.max_body_bytes)  # type: ignore[method-assign]
    return app


# What a web worker imports beyond the blueprints: the memo, and the embedded store with its
# query worker pool (opened lazily, at the first read or at start()).
PRELOAD = (
    "parkld.web.http",
    "parkld.web.bodylimit",
    "parkld.web.fastpath",
    "parkld.store.embedded",
    "parkld.sparql.executor",
    "parkld.sparql.worker",
)


def preload() -> None:
    """Import every module an app's worker needs, without making an app or opening anything.

    For a server that forks its workers after this (granian, under the default "fork" start
    method): they share these pages and start without importing Flask and the routes again.
    """
    for name in (*BLUEPRINTS, *PRELOAD):
        importlib.import_module(name)
