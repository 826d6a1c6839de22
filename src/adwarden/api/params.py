"""Bounded request parameters shared by the routes, so no input reaches storage unchecked.

Why bounds everywhere: an unbounded ``offset=2**63`` overflows SQLite's 64-bit integers, ``limit=-1`` means
"everything" to some backends, a year-1 date overflows time arithmetic, and NUL cannot be stored in a
PostgreSQL ``text`` column. Each of those was a 500; with these types each is a 422 naming the parameter.

Example::

    def get_things(limit: Limit = 100, offset: Offset = 0, since: Date | None = None) -> ...: ...
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import Query
from pydantic import AfterValidator, Field

from adwarden.ingest.schema import check_text

#: Largest page a list route returns.
MAX_LIMIT = 1000
#: Largest offset: far beyond any real listing, far below 64-bit overflow.
MAX_OFFSET = 10_000_000
#: Dates and times outside these years are refused: before any ad was posted online, after any deadline.
MIN_YEAR, MAX_YEAR = 1970, 2200

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page, 1 to {MAX_LIMIT}.")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description=f"Items to skip, 0 to {MAX_OFFSET:,}.")]


def _text(v: str) -> str:
    checked = check_text(v)
    assert checked is not None
    return checked


def _utf8(v: str) -> str:
    try:
        v.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"is not valid UTF-8 text (lone surrogate at position {exc.start})") from None
    return v


def _in_range_date(v: date) -> date:
    if not MIN_YEAR <= v.year <= MAX_YEAR:
        raise ValueError(f"must be between {MIN_YEAR}-01-01 and {MAX_YEAR}-12-31")
    return v


def _in_range_datetime(v: datetime) -> datetime:
    _in_range_date(v.date())
    return v if v.tzinfo is not None else v.replace(tzinfo=UTC)


#: Free text from a request body: no NUL or other C0 control (tab and newlines allowed), no lone surrogate.
Text = Annotated[str, AfterValidator(_text)]
ShortText = Annotated[str, Field(max_length=2000), AfterValidator(_text)]
LongText = Annotated[str, Field(max_length=100_000), AfterValidator(_text)]
#: Text that may hold control characters (documents replace them visibly) but must be encodable UTF-8.
UnicodeText = Annotated[str, Field(max_length=2000), AfterValidator(_utf8)]
#: A calendar date between 1970 and 2200.
Date = Annotated[date, AfterValidator(_in_range_date)]
#: A timestamp between 1970 and 2200; a time without a zone is read as UTC.
DateTime = Annotated[datetime, AfterValidator(_in_range_datetime)]
