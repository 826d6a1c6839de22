"""Storing community flags (``flags``) and reporters' decided-flag tallies (``reporter_reputation``).

Why a module of its own: the flag service decides what a flag weighs and what it does to a case, and the
reputation rules score a reporter; this module keeps the rows. Flags are never deleted: deciding a post only
sets their ``outcome``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from adwarden.storage.sql.tables_review import flags, reporter_reputation


@dataclass(frozen=True)
class StoredFlag:
    """A flag as stored: who reported what, how much it weighed when it arrived, and how it was decided."""

    id: str
    post_id: str
    site: str
    reporter: str
    reason: str
    text: str
    trust: str
    weight: float
    case_id: str | None
    outcome: str | None
    actor: str
    created_at: datetime


@dataclass(frozen=True)
class ReporterRecord:
    """One reporter's decided flags on one site."""

    site: str
    reporter: str
    upheld: int
    rejected: int


def _flag(r: Any) -> StoredFlag:
    return StoredFlag(r.id, r.post_id, r.site, r.reporter, r.reason, r.text, r.trust, r.weight, r.case_id,
                      r.outcome, r.actor, r.created_at)


def insert_flag(conn: Connection, f: StoredFlag) -> None:
    conn.execute(insert(flags).values(
        id=f.id, post_id=f.post_id, site=f.site, reporter=f.reporter, reason=f.reason, text=f.text, trust=f.trust,
        weight=f.weight, case_id=f.case_id, outcome=f.outcome, actor=f.actor, created_at=f.created_at))


def pending_flag_weight(conn: Connection, post_id: str) -> float:
    """What the post's undecided flags weigh together."""
    total = conn.execute(select(func.coalesce(func.sum(flags.c.weight), 0.0)).where(
        flags.c.post_id == post_id, flags.c.outcome.is_(None))).scalar_one()
    return float(total)


def flags_with_outcome(conn: Connection, post_ids: Sequence[str], outcome: str | None) -> list[StoredFlag]:
    """The posts' flags with ``outcome`` (None: undecided)."""
    q = select(flags).where(flags.c.post_id.in_(list(post_ids)))
    q = q.where(flags.c.outcome.is_(None) if outcome is None else flags.c.outcome == outcome)
    return [_flag(r) for r in conn.execute(q).all()]


def set_flag_outcome(conn: Connection, flag_ids: Sequence[str], outcome: str) -> None:
    if flag_ids:
        conn.execute(update(flags).where(flags.c.id.in_(list(flag_ids))).values(outcome=outcome))


def flags_of_post(conn: Connection, post_id: str) -> list[StoredFlag]:
    """Every flag on the post, oldest first."""
    rows = conn.execute(select(flags).where(flags.c.post_id == post_id).order_by(flags.c.created_at)).all()
    return [_flag(r) for r in rows]


def reporter_counts(conn: Connection, site: str, reporter: str) -> tuple[int, int]:
    """The reporter's (upheld, rejected) flags on the site; (0, 0) for a reporter never decided."""
    row = conn.execute(select(reporter_reputation.c.upheld, reporter_reputation.c.rejected).where(
        reporter_reputation.c.site == site, reporter_reputation.c.reporter == reporter)).first()
    return (0, 0) if row is None else (int(row.upheld), int(row.rejected))


def write_reporter_counts(conn: Connection, site: str, reporter: str, *, upheld: int, rejected: int,
                          now: datetime) -> None:
    values = {"upheld": upheld, "rejected": rejected, "updated_at": now}
    changed = conn.execute(update(reporter_reputation).where(
        reporter_reputation.c.site == site, reporter_reputation.c.reporter == reporter).values(**values))
    if changed.rowcount == 0:
        conn.execute(insert(reporter_reputation).values(site=site, reporter=reporter, **values))


def all_reporters(conn: Connection) -> list[ReporterRecord]:
    return [ReporterRecord(r.site, r.reporter, int(r.upheld), int(r.rejected))
            for r in conn.execute(select(reporter_reputation)).all()]
