"""Reading the audit chain: its head, its events in sequence order, and the events about a subject.

Why here and not in ``adwarden.audit``: the audit package (verification, cross-checks, checkpoints, the log
browser) sits above storage and holds no SQL; it asks these functions for events as stored, with the payload
and timestamp kept as the exact text that was hashed, so verification never depends on how a backend
round-trips JSON or datetimes. The cross-check's view of the tables the events describe (versions, case
states, decisions) is read here too. Writing the chain is :mod:`adwarden.storage.sql.audit_writer`'s.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, or_, select

from adwarden.domain import PostVersion
from adwarden.storage.sql.convert import version_from_row
from adwarden.storage.sql.tables import audit_events, audit_head, cases, decisions, post_versions, posts


@dataclass(frozen=True)
class ChainHead:
    """The last event appended to the chain: its sequence number and hash."""

    last_seq: int
    last_hash: str


@dataclass(frozen=True)
class StoredEvent:
    """An audit event as stored: ``payload_json`` and ``created_at`` are the exact text that was hashed."""

    seq: int
    name: str
    actor: str
    subject_type: str
    subject_id: str
    payload_json: str
    created_at: str
    prev_hash: str
    hash: str

    @property
    def payload(self) -> dict[str, Any]:
        return dict(json.loads(self.payload_json))


def _event(r: Any) -> StoredEvent:
    return StoredEvent(seq=int(r.seq), name=r.name, actor=r.actor, subject_type=r.subject_type,
                       subject_id=r.subject_id, payload_json=r.payload, created_at=r.created_at,
                       prev_hash=r.prev_hash, hash=r.hash)


def chain_head(conn: Connection) -> ChainHead | None:
    """The stored head, or ``None`` when the head row is missing (a fresh database, or a deleted head)."""
    row = conn.execute(select(audit_head.c.last_seq, audit_head.c.last_hash).where(audit_head.c.id == 1)).first()
    return ChainHead(int(row.last_seq), str(row.last_hash)) if row is not None else None


def first_seq(conn: Connection) -> int | None:
    """The lowest stored sequence number (``None`` when the log is empty)."""
    return conn.execute(select(audit_events.c.seq).order_by(audit_events.c.seq).limit(1)).scalar()


def events_between(conn: Connection, first: int, last: int, *, limit: int) -> list[StoredEvent]:
    """Up to ``limit`` events with ``first <= seq <= last``, in sequence order."""
    rows = conn.execute(select(audit_events).where(audit_events.c.seq >= first, audit_events.c.seq <= last)
                        .order_by(audit_events.c.seq).limit(limit))
    return [_event(r) for r in rows]


def event_hashes(conn: Connection, seqs: Iterable[int]) -> dict[int, str]:
    """``{seq: hash}`` of those of ``seqs`` that are still stored."""
    wanted = sorted(set(seqs))
    out: dict[int, str] = {}
    for i in range(0, len(wanted), 500):
        out.update({int(r.seq): str(r.hash) for r in conn.execute(
            select(audit_events.c.seq, audit_events.c.hash).where(audit_events.c.seq.in_(wanted[i:i + 500])))})
    return out


def events_named(conn: Connection, names: Sequence[str]) -> list[StoredEvent]:
    """Every event with one of ``names``, in sequence order."""
    rows = conn.execute(select(audit_events).where(audit_events.c.name.in_(list(names)))
                        .order_by(audit_events.c.seq))
    return [_event(r) for r in rows]


def events_about(conn: Connection, subjects: Sequence[tuple[str, str]], *, limit: int) -> list[StoredEvent]:
    """The newest ``limit`` events about any of ``subjects`` (``(subject type, subject id)`` pairs), newest
    first."""
    match = or_(*[(audit_events.c.subject_type == t) & (audit_events.c.subject_id == i) for t, i in subjects])
    rows = conn.execute(select(audit_events).where(match).order_by(audit_events.c.seq.desc()).limit(limit))
    return [_event(r) for r in rows]


def recent_events(conn: Connection, *, limit: int, name: str = "", actor: str = "", subject_id: str = "",
                  before: int | None = None) -> list[StoredEvent]:
    """The newest ``limit`` events, filtered by whichever of name, actor, subject id and ``seq < before`` are
    given (the audit log browser)."""
    q = select(audit_events).order_by(audit_events.c.seq.desc()).limit(limit)
    if name:
        q = q.where(audit_events.c.name == name)
    if actor:
        q = q.where(audit_events.c.actor == actor)
    if subject_id:
        q = q.where(audit_events.c.subject_id == subject_id)
    if before is not None:
        q = q.where(audit_events.c.seq < before)
    return [_event(r) for r in conn.execute(q)]


# -- what the events describe (the cross-check) -----------------------------------------------------------------

def all_post_versions(conn: Connection) -> Iterator[PostVersion]:
    """Every stored post version, by post and version, as stored (``content_hash`` is the column's value)."""
    rows = conn.execute(select(post_versions, posts.c.site, posts.c.external_id)
                        .join(posts, posts.c.id == post_versions.c.post_id)
                        .order_by(post_versions.c.post_id, post_versions.c.version))
    for r in rows:
        yield version_from_row(r, site=r.site, external_id=r.external_id)


def case_states(conn: Connection) -> list[tuple[str, str, str]]:
    """``(case id, status, queue)`` of every case."""
    return [(r.id, r.status, r.queue) for r in conn.execute(select(cases.c.id, cases.c.status, cases.c.queue))]


def decision_keys(conn: Connection) -> list[tuple[str, str, str]]:
    """``(case id, outcome, actor)`` of every decision row."""
    return [(r.case_id, r.outcome, r.actor)
            for r in conn.execute(select(decisions.c.case_id, decisions.c.outcome, decisions.c.actor))]
