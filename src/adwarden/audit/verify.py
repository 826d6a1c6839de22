"""Verifying the audit chain: recompute every hash and check the links and the head."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from adwarden.audit.chain import GENESIS_HASH, event_hash
from adwarden.storage.sql.tables import audit_events, audit_head


@dataclass(frozen=True)
class ChainReport:
    """Outcome of a verification. ``broken_seq`` is the first event that does not verify (None when intact)."""

    ok: bool
    events: int
    broken_seq: int | None = None
    problem: str | None = None


def verify_chain(conn: Connection, *, batch: int = 5000) -> ChainReport:
    """Walk the log in sequence order. Detects an altered event (hash mismatch), an inserted or removed one
    (sequence gap or ``prev_hash`` mismatch) and a removed tail (the head row says there were more)."""
    prev_hash = GENESIS_HASH
    expected_seq = 1
    count = 0
    last_seen = 0
    while True:
        rows = conn.execute(
            select(audit_events).where(audit_events.c.seq > last_seen).order_by(audit_events.c.seq).limit(batch)
        ).all()
        if not rows:
            break
        for r in rows:
            if r.seq != expected_seq:
                return ChainReport(False, count, expected_seq, f"event {expected_seq} is missing (next is {r.seq})")
            if r.prev_hash != prev_hash:
                return ChainReport(False, count, r.seq, f"event {r.seq} does not link to event {r.seq - 1}")
            digest = event_hash(
                prev_hash=r.prev_hash,
                seq=r.seq,
                name=r.name,
                actor=r.actor,
                subject_type=r.subject_type,
                subject_id=r.subject_id,
                payload_json=r.payload,
                created_at=r.created_at,
            )
            if digest != r.hash:
                return ChainReport(False, count, r.seq, f"event {r.seq} ({r.name}) was altered: hash mismatch")
            prev_hash = r.hash
            expected_seq += 1
            count += 1
            last_seen = r.seq
    head = conn.execute(select(audit_head.c.last_seq, audit_head.c.last_hash).where(audit_head.c.id == 1)).first()
    if head is not None and (head.last_seq != count or head.last_hash != prev_hash):
        return ChainReport(
            False, count, count + 1, f"the log ends at event {count} but the head records {head.last_seq}"
        )
    return ChainReport(True, count)
