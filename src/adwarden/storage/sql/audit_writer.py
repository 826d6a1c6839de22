"""The SQL side of the audit chain: buffering one transaction's events and appending them to the chain.

Why here and not in ``adwarden.audit``: writing rows is storage's job; the audit package (the service that
names events, verifies and anchors the chain) depends on storage, never the reverse. The chain arithmetic is
in :mod:`adwarden.domain.audit`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from adwarden.domain.audit import GENESIS_HASH, event_hash
from adwarden.domain.json_text import canonical_json
from adwarden.storage.sql.bulk import insert_rows
from adwarden.storage.sql.tables import audit_events, audit_head

#: Where :meth:`~adwarden.storage.sql.database.Database.transaction` keeps the transaction's writer.
AUDIT_WRITER_KEY = "adwarden_audit_writer"


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
        insert_rows(self.conn, audit_events, self._rows)
        self.conn.execute(
            update(audit_head).where(audit_head.c.id == 1).values(last_seq=self._head[0], last_hash=self._head[1])
        )
        self._rows = []


def append_to_chain(
    conn: Connection, *, name: str, actor: str, subject_type: str, subject_id: str,
    payload: dict[str, Any] | None = None,
) -> None:
    """Append one event in ``conn``'s transaction: buffered by the transaction's writer, or written at once
    when ``conn`` is not a :meth:`~adwarden.storage.sql.database.Database.transaction`."""
    writer = conn.info.get(AUDIT_WRITER_KEY)
    if writer is None:
        one = AuditWriter(conn)
        one.append(name=name, actor=actor, subject_type=subject_type, subject_id=subject_id, payload=payload)
        one.flush()
        return
    writer.append(name=name, actor=actor, subject_type=subject_type, subject_id=subject_id, payload=payload)
