"""Database failures as domain errors, so nothing above storage catches a SQLAlchemy exception.

Why: the API and the CLI map :class:`~adwarden.domain.AdWardenError` to problem responses and exit codes; a
driver exception that reached them would tie them to the database library. :class:`Database` translates what
escapes a transaction or a read; :func:`domain_error` is the same mapping for an edge that meets a driver
exception some other way (it answers ``None`` for anything that is not one).
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from adwarden.domain import AdWardenError, Conflict, InputError, StorageError

log = logging.getLogger(__name__)


class UnstorableValue(InputError):
    """A value the database cannot hold (NUL in text on PostgreSQL, a number out of range). Validation should
    have refused it first, so it is logged; the caller still gets an input error, not a crash."""


class ConstraintViolation(Conflict):
    """A write broke a uniqueness or reference constraint outside a transaction that could be retried."""


def domain_error(exc: BaseException) -> AdWardenError | None:
    """The domain error for a database driver exception, or ``None`` when ``exc`` is not one we map."""
    if isinstance(exc, DataError):
        log.warning("value refused by the database: %s", exc.orig)
        return UnstorableValue("a value cannot be stored (NUL character or out of range)", field="(request)")
    if isinstance(exc, IntegrityError):
        log.warning("constraint violated: %s", exc.orig)
        return ConstraintViolation("the request conflicts with the current state (a concurrent change?)")
    if isinstance(exc, OperationalError):
        return StorageError(f"database error: {exc.orig}")
    return None
