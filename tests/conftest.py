"""Shared fixtures: settings on a temporary store, a built store, the app, its client, the CLI.

The shipped graph is built once per test session (validation takes a few seconds); tests that
write to a store build their own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient

from parkld import config
from parkld.build import BuildResult, ensure_built
from parkld.cli import main
from parkld.config import Settings
from parkld.store.embedded import EmbeddedStore
from parkld.web import create_app, state_of
from tests.live import live_server, live_server_factory  # noqa: F401 - shared fixtures

# The backend fixtures (``backend``, ``backend_client``, ``backend_server``, ``virtuoso``…),
# registered once for every test module: tests ask for them by name, no import needed.
pytest_plugins = ["tests.backends"]

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"


def make_settings(store_dir: Path, **changes: Any) -> Settings:
    """Settings isolated from the caller's PARKLD_* environment."""
    return config.from_env({}, store_dir=store_dir, **changes)


@pytest.fixture(scope="session")
def shipped_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(tmp_path_factory.mktemp("store"))


@pytest.fixture(scope="session")
def shipped_build(shipped_settings: Settings) -> BuildResult:
    return ensure_built(shipped_settings)


@pytest.fixture(scope="session")
def shipped_store(
    shipped_settings: Settings, shipped_build: BuildResult
) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(shipped_settings.store_dir)
    yield store
    store.close()


@pytest.fixture
def app(shipped_settings: Settings, shipped_store: EmbeddedStore) -> Iterator[Flask]:
    app = create_app(shipped_settings, store=shipped_store)
    app.config["TESTING"] = True
    yield app
    state_of(app).close()  # the app's caches; the shared store is closed by its own fixture


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


class Cli(Protocol):
    """What the ``cli`` fixture gives: run ``parkld`` with arguments and optional stdin."""

    def __call__(self, *args: str, input: str | None = None) -> Result: ...


@pytest.fixture
def cli(runner: CliRunner, tmp_path: Path) -> Cli:
    """Invoke ``parkld`` with a private store directory and no inherited PARKLD_* settings."""

    def invoke(*args: str, input: str | None = None) -> Result:
        env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("PARKLD_")}
        env["PARKLD_STORE_DIR"] = str(tmp_path / "cli-store")
        return runner.invoke(main, list(args), input=input, env=env, catch_exceptions=False)

    return invoke
