"""The web application: ``create_app`` assembles settings, the store and the blueprints."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask

from parkld import config
from parkld.config import Settings
from parkld.store import Store
from parkld.web.state import EXTENSION, get_settings, get_store

__all__ = ["EXTENSION", "create_app", "get_settings", "get_store"]

log = logging.getLogger(__name__)

# Blueprint modules, each exposing ``bp`` (a flask.Blueprint).
BLUEPRINTS = (
    "parkld.web.errors",
    "parkld.web.urilimit",
    "parkld.web.safety",
    "parkld.web.site",
    "parkld.web.resources",
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
) -> Flask:
    """Build the app. Tests pass their own *settings* and *store*; production reads PARKLD_*."""
    settings = settings or config.from_env()
    if overrides:
        settings = settings.replace(**overrides)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions[EXTENSION] = {"settings": settings, "store": store}
    for name in BLUEPRINTS:
        module = importlib.import_module(name)
        app.register_blueprint(module.bp)
    from parkld.web import http

    http.install(app)  # CORS, ETags and compression on every route
    from parkld.web.bodylimit import ChunkedBodyLimit

    app.wsgi_app = ChunkedBodyLimit(app.wsgi_app, settings.max_body_bytes)  # type: ignore[method-assign]
    return app
