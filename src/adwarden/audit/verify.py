"""Verifying the audit chain: recompute every hash and check the links and the head."""

from __future__ import annotations

from dataclasses import dataclass

from adwarden.domain.audit import GENESIS_HASH, event_hash
from adwarden.storage.sql.audit_store import chain_head, events_between, first_seq
from adwarden.storage.sql.database import Connection


@dataclass(frozen=True)
class ChainReport:
    """Outcome of a verification. ``broken_seq`` is the first event that does not verify (None when intact)."""

    ok: bool
    events: int
    broken_seq: int | None = None
    problem: str | None = None


def verify_chain(conn: Connection, *, batch: int = 5000) -> ChainReport:
    """Walk the log in sequence order up to the head recorded when verification starts.

    Detects an altered event (hash mismatch), an inserted or removed one (sequence gap or ``prev_hash``
    mismatch), a removed tail (the head records more events than remain, or its hash differs from the last
    event's) and a removed head row. Events appended while it runs are beyond the head read first, so a live
    database never produces a false alarm.
    """
    head = chain_head(conn)
    last_seq = head.last_seq if head is not None else 0
    if head is None or last_seq == 0:
        first = first_seq(conn)
        if first is not None:
            return ChainReport(False, 0, int(first), "the chain head is missing but events exist")
        return ChainReport(True, 0)
    prev_hash = GENESIS_HASH
    expected_seq = 1
    count = 0
    while expected_seq <= last_seq:
        rows = events_between(conn, expected_seq, last_seq, limit=batch)
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
                payload_json=r.payload_json,
                created_at=r.created_at,
            )
            if digest != r.hash:
                return ChainReport(False, count, r.seq, f"event {r.seq} ({r.name}) was altered: hash mismatch")
            prev_hash = r.hash
            expected_seq += 1
            count += 1
    if count != last_seq:
        return ChainReport(False, count, count + 1, f"the log ends at event {count} but the head records {last_seq}")
    if prev_hash != head.last_hash:
        return ChainReport(False, count, count, f"event {count} differs from the hash the head records")
    return ChainReport(True, count)
