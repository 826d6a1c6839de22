"""Reporter reputation, earned from how reviewers decided on what each reporter flagged.

Pure scoring: ``score = (upheld + 1) / (upheld + rejected + 2)`` (a Beta(1, 1) prior, so one lucky flag does
not make anyone trusted). After at least :data:`MIN_DECIDED` decided flags, a score of at least
:data:`TRUSTED_AT` makes a reporter ``trusted`` and one at most :data:`BAD_FAITH_AT` makes them ``bad-faith``.
A trusted reporter's flag weighs double; a bad-faith reporter's flag weighs nothing (it is stored and shown,
never deleted, but it neither opens a case nor raises one's priority).

>>> trust_of(5, 0), trust_of(0, 4), trust_of(1, 1)
('trusted', 'bad-faith', 'neutral')
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from adwarden.storage.sql.database import Connection
from adwarden.storage.sql.flags_store import reporter_counts, write_reporter_counts

Trust = Literal["trusted", "neutral", "bad-faith"]
MIN_DECIDED = 3
TRUSTED_AT = 0.8
BAD_FAITH_AT = 0.25
WEIGHT: dict[Trust, float] = {"trusted": 2.0, "neutral": 1.0, "bad-faith": 0.0}


def score(upheld: int, rejected: int) -> float:
    return (upheld + 1) / (upheld + rejected + 2)


def trust_of(upheld: int, rejected: int) -> Trust:
    if upheld + rejected < MIN_DECIDED:
        return "neutral"
    s = score(upheld, rejected)
    if s >= TRUSTED_AT:
        return "trusted"
    if s <= BAD_FAITH_AT:
        return "bad-faith"
    return "neutral"


def counts(conn: Connection, site: str, reporter: str) -> tuple[int, int]:
    """The reporter's (upheld, rejected) decided flags on the site."""
    return reporter_counts(conn, site, reporter)


def reputation_json(upheld: int, rejected: int) -> dict[str, object]:
    return {"upheld": upheld, "rejected": rejected, "score": round(score(upheld, rejected), 4),
            "trust": trust_of(upheld, rejected)}


def add_outcome(conn: Connection, site: str, reporter: str, *, upheld: int, rejected: int, now: datetime) -> None:
    """Add (or, with negative numbers, take back) decided flags to a reporter's record."""
    u, r = counts(conn, site, reporter)
    write_reporter_counts(conn, site, reporter, upheld=max(0, u + upheld), rejected=max(0, r + rejected), now=now)
