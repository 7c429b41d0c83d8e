"""The one exception hierarchy of parkld.

Every error a user can cause or meet is a :class:`ParkldError` carrying an HTTP status (for the
web layer) and a CLI exit code (for the command line). The web layer has one handler per type;
nothing else turns exceptions into responses, so a bug stays a 500 instead of posing as a 400.
"""

from __future__ import annotations


class ParkldError(Exception):
    """Base class: a failure with a message meant for the user."""

    status: int = 500
    exit_code: int = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(ParkldError):
    """The request is malformed (missing or conflicting parameters)."""

    status = 400


class QuerySyntaxError(BadRequest):
    """A SPARQL query or update did not parse; the message is the parser's."""


class Forbidden(ParkldError):
    """The request is well formed but not allowed (updates off, SERVICE not allow-listed)."""

    status = 403


class NotFound(ParkldError):
    """No such resource."""

    status = 404


class NotAcceptable(ParkldError):
    """No representation matches the Accept header."""

    status = 406


class PayloadTooLarge(ParkldError):
    """The request body exceeds the configured limit."""

    status = 413


class URITooLong(ParkldError):
    """The request target is longer than the server reads (a long query must be POSTed)."""

    status = 414


class UnsupportedMediaType(ParkldError):
    """The request body has a content type the endpoint does not take."""

    status = 415


class TooManyRequests(ParkldError):
    """The client exceeded its rate limit."""

    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class StoreUnavailable(ParkldError):
    """The store cannot be reached or is not built; never reported as 404."""

    status = 503


class QueryTimeout(ParkldError):
    """A query ran past its time limit and was stopped."""

    status = 504


class QueryAborted(ParkldError):
    """A query was stopped by a resource limit other than time (memory, stack): its worker
    process was replaced. 504 like a timeout: the answer did not come, the server is fine."""

    status = 504


class DataError(ParkldError):
    """Input RDF could not be read: names the file, line and column."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        where = ""
        if path is not None:
            where = path
            if line is not None:
                where += f":{line}"
                if column is not None:
                    where += f":{column}"
            where += ": "
        super().__init__(where + message)
        self.path = path
        self.line = line
        self.column = column


class ValidationFailed(ParkldError):
    """Data violates the SHACL shapes; nothing was loaded."""

    status = 422
    exit_code = 1


class ConfigError(ParkldError):
    """A setting has an invalid value."""

    exit_code = 2


class UpstreamError(ParkldError):
    """A remote service (Wikidata, a remote store) answered with an error or garbage."""

    status = 502
