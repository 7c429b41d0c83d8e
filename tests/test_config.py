"""Settings from PARKLD_* variables: types, lists, booleans, and refusals with the name."""

from __future__ import annotations

from pathlib import Path

import pytest

from parkld import config
from parkld.errors import ConfigError


def test_defaults_without_environment() -> None:
    settings = config.from_env({})
    assert settings.base_iri == "https://w3id.org/parkld/"
    assert (settings.host, settings.port) == ("127.0.0.1", 8080)
    assert settings.query_timeout == 10.0
    assert settings.service_allowlist == ("https://query.wikidata.org/sparql",)
    assert settings.update_enabled is False


def test_environment_values_are_typed() -> None:
    settings = config.from_env(
        {
            "PARKLD_PORT": "9001",
            "PARKLD_QUERY_TIMEOUT": "2.5",
            "PARKLD_STORE_DIR": "/tmp/x",
            "PARKLD_SERVICE_ALLOWLIST": "http://a/sparql, http://b/sparql",
            "PARKLD_UPDATE_ENABLED": "yes",
            "PARKLD_UPDATE_TOKEN": "s3cret",
        }
    )
    assert settings.port == 9001
    assert settings.query_timeout == 2.5
    assert settings.store_dir == Path("/tmp/x")
    assert settings.service_allowlist == ("http://a/sparql", "http://b/sparql")
    assert settings.update_enabled is True


def test_service_allowlist_follows_the_wikidata_endpoint() -> None:
    local = "http://127.0.0.1:7878/query"
    assert config.from_env({"PARKLD_WIKIDATA_ENDPOINT": local}).service_allowlist == (local,)
    explicit = config.from_env(
        {"PARKLD_WIKIDATA_ENDPOINT": local, "PARKLD_SERVICE_ALLOWLIST": "http://x/sparql"}
    )
    assert explicit.service_allowlist == ("http://x/sparql",)


def test_overrides_win_and_none_means_not_given() -> None:
    settings = config.from_env({"PARKLD_PORT": "9001"}, port=None, host="0.0.0.0")
    assert settings.port == 9001
    assert settings.host == "0.0.0.0"


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"PARKLD_PORT": "eighty"}, "PARKLD_PORT"),
        ({"PARKLD_UPDATE_ENABLED": "maybe"}, "PARKLD_UPDATE_ENABLED"),
        ({"PARKLD_UPDATE_ENABLED": "1"}, "PARKLD_UPDATE_TOKEN"),
        ({"PARKLD_BASE_IRI": "https://example.org/x"}, "PARKLD_BASE_IRI"),
        ({"PARKLD_STORE": "remote"}, "PARKLD_STORE_QUERY_URL"),
        ({"PARKLD_QUERY_TIMEOUT": "0"}, "PARKLD_QUERY_TIMEOUT"),
    ],
)
def test_bad_values_name_the_setting(env: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigError) as info:
        config.from_env(env)
    assert needle in info.value.message


def test_settings_survive_the_trip_through_the_environment() -> None:
    """Server workers started as new processes (granian) rebuild the same settings."""
    settings = config.from_env(
        {},
        port=9100,
        update_enabled=True,
        update_token="t",
        service_allowlist=("http://a/sparql", "http://b/sparql"),
        data_paths=(Path("/tmp/a.ttl"),),
        server="granian",
    )
    assert config.from_env(config.to_env(settings)) == settings


def test_unknown_server_is_refused() -> None:
    with pytest.raises(ConfigError, match="PARKLD_SERVER"):
        config.from_env({"PARKLD_SERVER": "apache"})
