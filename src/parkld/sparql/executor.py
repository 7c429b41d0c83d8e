"""Running user queries against the embedded store.

Placeholder: runs in-process, no time limit. Replaced by the killable worker-process pool.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from parkld import mediatypes
from parkld.errors import NotAcceptable, QuerySyntaxError
from parkld.store.base import QueryRequest, QueryResponse


class InProcessExecutor:
    """Evaluate in the calling process (tests and CLI only: it cannot stop a runaway query)."""

    def __init__(self, store_dir: Path) -> None:
        self.store = ox.Store.read_only(str((store_dir / "current").resolve()))

    def run(self, request: QueryRequest) -> QueryResponse:
        try:
            result = self.store.query(request.query, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc
        if isinstance(result, ox.QueryTriples):
            if not request.graph_formats:
                raise NotAcceptable("no acceptable RDF format for this query's result")
            fmt = request.graph_formats[0]
            assert isinstance(fmt.oxigraph, ox.RdfFormat)
            triples = list(result)
            body = ox.serialize(triples, format=fmt.oxigraph) or b""
            return QueryResponse(body, fmt, "construct", len(triples))
        if not request.result_formats:
            raise NotAcceptable("no acceptable results format for this query")
        fmt = request.result_formats[0]
        assert isinstance(fmt.oxigraph, ox.QueryResultsFormat)
        form = "ask" if isinstance(result, ox.QueryBoolean) else "select"
        body = result.serialize(format=fmt.oxigraph) or b""
        return QueryResponse(body, fmt, form, 0)

    def close(self) -> None:
        pass


__all__ = ["InProcessExecutor", "mediatypes"]
