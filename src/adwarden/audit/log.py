"""Writing audit events: one per state change, in the same transaction as the change.

:func:`append_event` is the only way to write. Inside :meth:`Database.transaction` events are buffered by an
:class:`AuditWriter` that reads the chain head once (locking it) and writes all rows just before commit: a batch
of a thousand posts costs one head read, one multi-row insert and one head update instead of thousands.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from adwarden.audit.chain import GENESIS_HASH, canonical_json, event_hash
from adwarden.storage.sql.database import AUDIT_WRITER_KEY
from adwarden.storage.sql.tables import audit_events, audit_head

#: Declared audit events (name -> help). ``docs/audit.md`` is tested against this list; add yours here.
AUDIT_EVENTS: dict[str, str] = {
    "post-accepted": "A new post was stored (its first version).",
    "post-version-added": "An existing post changed: a new version was stored, the old ones kept.",
    "post-reverted": "A post's content went back to an earlier version's: the current version moved back.",
    "post-assessed": "A post version was screened and a verdict stored.",
    "case-opened": "A case was opened for a post at or above the review threshold.",
    "case-updated": "An open case's risk, queue or priority changed after re-assessment.",
    "case-closed": "A case was closed.",
    "decision-recorded": "A reviewer recorded a decision on a case.",
}


def declare_event(name: str, help_text: str) -> None:
    """Declare an audit event name (areas call this at import time); refuses re-declaring with other help."""
    if name in AUDIT_EVENTS and AUDIT_EVENTS[name] != help_text:
        raise ValueError(f"audit event {name!r} is already declared with different help text")
    AUDIT_EVENTS[name] = help_text


class AuditWriter:
    """Buffers the events of one transaction and appends them to the chain on :meth:`flush`."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._rows: list[dict[str, Any]] = []
        self._head: tuple[int, str] | None = None

    def _load_head(self) -> tuple[int, str]:
        row = self.conn.execute(
            select(audit_head.c.last_seq, audit_head.c.last_hash).where(audit_head.c.id == 1).with_for_update()
        ).first()
        if row is None:
            self.conn.execute(insert(audit_head).values(id=1, last_seq=0, last_hash=GENESIS_HASH))
            return 0, GENESIS_HASH
        return int(row.last_seq), str(row.last_hash)

    def append(
        self, *, name: str, actor: str, subject_type: str, subject_id: str, payload: dict[str, Any] | None = None
    ) -> None:
        if name not in AUDIT_EVENTS:
            raise KeyError(f"undeclared audit event {name!r}; declare it with adwarden.audit.log.declare_event")
        if self._head is None:
            self._head = self._load_head()
        seq, prev = self._head
        seq += 1
        created = datetime.now(UTC).isoformat(timespec="microseconds")
        payload_json = canonical_json(payload or {})
        digest = event_hash(
            prev_hash=prev,
            seq=seq,
            name=name,
            actor=actor,
            subject_type=subject_type,
            subject_id=str(subject_id),
            payload_json=payload_json,
            created_at=created,
        )
        self._rows.append(
            {
                "seq": seq,
                "name": name,
                "actor": actor,
                "subject_type": subject_type,
                "subject_id": str(subject_id),
                "payload": payload_json,
                "created_at": created,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        self._head = (seq, digest)

    def flush(self) -> None:
        if not self._rows:
            return
        assert self._head is not None
        self.conn.execute(insert(audit_events), self._rows)
        self.conn.execute(
            update(audit_head).where(audit_head.c.id == 1).values(last_seq=self._head[0], last_hash=self._head[1])
        )
        self._rows = []


def append_event(
    conn: Connection,
    *,
    name: str,
    actor: str,
    subject_type: str,
    subject_id: str,
    payload: dict[str, Any] | None = None,
) -> None:
    """Append one audit event in ``conn``'s current transaction.

    Call it from every service function that changes state, before the transaction commits. Outside
    :meth:`Database.transaction` (no buffered writer) the event is written at once.
    """
    writer = conn.info.get(AUDIT_WRITER_KEY)
    if writer is None:
        one = AuditWriter(conn)
        one.append(name=name, actor=actor, subject_type=subject_type, subject_id=subject_id, payload=payload)
        one.flush()
        return
    writer.append(name=name, actor=actor, subject_type=subject_type, subject_id=subject_id, payload=payload)
