"""The remote backend: any SPARQL 1.1 endpoint (Virtuoso, Fuseki, GraphDB…).

Not implemented yet (tracked by the remote-store issue): selecting it fails loudly.
"""

from __future__ import annotations

from parkld.config import Settings
from parkld.errors import ConfigError


class RemoteStore:
    """Placeholder that refuses to start, so a misconfiguration is never silent."""

    def __init__(self, settings: Settings) -> None:
        raise ConfigError(
            f"PARKLD_STORE=remote ({settings.store_query_url}) is not supported by this version"
        )
