"""The app's state: its settings, its store and its kinds, reached through small getters.

They live apart from :func:`parkld.web.create_app` so that blueprints and middleware import
them without importing the app factory (which imports them): no cycle.
"""

from __future__ import annotations

from flask import current_app

from parkld.config import Settings
from parkld.kinds import KINDS, Kinds
from parkld.store import Store, open_store

#: Key of the app's state in ``app.extensions``.
EXTENSION = "parkld"


def get_settings() -> Settings:
    """The settings of the running app."""
    settings: Settings = current_app.extensions[EXTENSION]["settings"]
    return settings


def get_store() -> Store:
    """The app's store, opened on first use in each process (after gunicorn forks)."""
    ext = current_app.extensions[EXTENSION]
    store: Store | None = ext.get("store")
    if store is None:
        store = open_store(ext["settings"])
        ext["store"] = store
    return store


def get_kinds() -> Kinds:
    """The registry of kinds the app serves (the shipped one unless ``create_app`` got one)."""
    kinds: Kinds = current_app.extensions[EXTENSION].get("kinds", KINDS)
    return kinds
