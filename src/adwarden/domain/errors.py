"""One exception tree for AdWarden.

Expected failures (bad input, a policy that does not validate, a permission that is missing, an agency
that is down) are subclasses of :class:`AdWardenError`; anything else is a bug. The CLI maps these to exit
codes and the API to RFC 9457 problem responses, so every layer raises the same types.
"""

from __future__ import annotations

from collections.abc import Sequence


class AdWardenError(Exception):
    """Base of every expected failure. ``exit_code`` is what the CLI exits with."""

    exit_code: int = 1
    http_status: int = 400
    title: str = "AdWarden error"


class InputError(AdWardenError):
    """A record (a post, a line of a file, a form field) is malformed.

    The message always names the record and the field, so an operator can fix the source data:

    >>> str(InputError("title must be a string", record="line 7", field="title"))
    'line 7: title: title must be a string'
    """

    http_status = 422
    title = "Invalid input"

    def __init__(self, message: str, *, record: str | None = None, field: str | None = None) -> None:
        self.message = message
        self.record = record
        self.field = field
        parts = [p for p in (record, field) if p]
        super().__init__(": ".join([*parts, message]))


class PolicyError(AdWardenError):
    """A policy, lexicon or bank file is invalid. Carries every problem at once as ``FILE:LINE: message``."""

    title = "Invalid policy"

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class NotFound(AdWardenError):
    """The thing asked for does not exist."""

    http_status = 404
    title = "Not found"


class Conflict(AdWardenError):
    """The request conflicts with the current state (e.g. finishing a report twice)."""

    http_status = 409
    title = "Conflict"


class Unauthenticated(AdWardenError):
    """The caller did not say who they are (no credential, or one nobody issued). Distinct from
    :class:`PermissionDenied` so HTTP clients get 401 and a challenge, and know to send a key."""

    exit_code = 3
    http_status = 401
    title = "Unauthenticated"


class PermissionDenied(AdWardenError):
    """The actor lacks the declared permission for this action."""

    exit_code = 3
    http_status = 403
    title = "Permission denied"


class ExternalServiceError(AdWardenError):
    """An outside service (NCMEC, a webhook receiver) failed or refused. ``code`` is the service's own code."""

    exit_code = 4
    http_status = 502
    title = "External service error"

    def __init__(self, message: str, *, code: int | None = None, description: str | None = None) -> None:
        self.code = code
        self.description = description
        super().__init__(message)


class StorageError(AdWardenError):
    """The database or blob store could not do what was asked."""

    exit_code = 5
    http_status = 503
    title = "Storage error"


class ConfigError(AdWardenError):
    """Settings are invalid or unsafe (e.g. a default secret outside development)."""

    exit_code = 2
    title = "Configuration error"


class DetectorSkipped(AdWardenError):
    """A detector could not run on this input (expected: undecodable image, missing extra). Not a bug."""
