"""The audit chain detects an altered, inserted or removed event, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, insert, select, update

from adwarden.audit.log import append_event
from adwarden.audit.verify import verify_chain
from adwarden.runtime import Runtime
from adwarden.storage.sql.tables import audit_events


def _write(rt: Runtime, n: int) -> None:
    with rt.db.transaction() as conn:
        for i in range(n):
            append_event(conn, name="post-accepted", actor="tester", subject_type="post", subject_id=f"p{i}",
                         payload={"i": i, "note": "é"})


def test_intact_chain_verifies(backend_runtime: Runtime) -> None:
    _write(backend_runtime, 5)
    _write(backend_runtime, 3)
    with backend_runtime.db.read() as conn:
        report = verify_chain(conn, batch=2)
    assert report.ok and report.events == 8


def test_undeclared_event_is_refused(backend_runtime: Runtime) -> None:
    with pytest.raises(KeyError, match="undeclared"), backend_runtime.db.transaction() as conn:
        append_event(conn, name="no-such-event", actor="x", subject_type="post", subject_id="p")


def test_altered_event_is_named(backend_runtime: Runtime) -> None:
    _write(backend_runtime, 5)
    with backend_runtime.db.transaction() as conn:
        conn.execute(update(audit_events).where(audit_events.c.seq == 3).values(actor="someone-else"))
    with backend_runtime.db.read() as conn:
        report = verify_chain(conn)
    assert not report.ok and report.broken_seq == 3 and "altered" in (report.problem or "")


def test_removed_event_is_named(backend_runtime: Runtime) -> None:
    _write(backend_runtime, 5)
    with backend_runtime.db.transaction() as conn:
        conn.execute(delete(audit_events).where(audit_events.c.seq == 2))
    with backend_runtime.db.read() as conn:
        report = verify_chain(conn)
    assert not report.ok and report.broken_seq == 2


def test_removed_tail_is_detected(backend_runtime: Runtime) -> None:
    _write(backend_runtime, 5)
    with backend_runtime.db.transaction() as conn:
        conn.execute(delete(audit_events).where(audit_events.c.seq == 5))
    with backend_runtime.db.read() as conn:
        report = verify_chain(conn)
    assert not report.ok and report.broken_seq == 5


def test_inserted_event_is_named(backend_runtime: Runtime) -> None:
    _write(backend_runtime, 4)
    with backend_runtime.db.transaction() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(audit_events).order_by(audit_events.c.seq))]
        conn.execute(delete(audit_events).where(audit_events.c.seq >= 3))
        forged = dict(rows[1], seq=3, subject_id="forged")
        conn.execute(insert(audit_events), [forged] + [dict(r, seq=r["seq"] + 1) for r in rows[2:]])
    with backend_runtime.db.read() as conn:
        report = verify_chain(conn)
    assert not report.ok and report.broken_seq == 3


def test_missing_head_with_events_is_broken(backend_runtime: Runtime) -> None:
    from adwarden.storage.sql.tables import audit_head

    _write(backend_runtime, 3)
    with backend_runtime.db.transaction() as conn:
        conn.execute(delete(audit_head))
    with backend_runtime.db.read() as conn:
        report = verify_chain(conn)
    assert not report.ok and "head" in (report.problem or "")


def test_events_after_the_head_read_are_not_a_false_alarm(backend_runtime: Runtime) -> None:
    """Verification reads the head first; events appended later are outside what it checks."""
    from adwarden.storage.sql.tables import audit_head

    _write(backend_runtime, 3)
    with backend_runtime.db.read() as conn:
        head_seq = conn.execute(select(audit_head.c.last_seq)).scalar_one()
    _write(backend_runtime, 2)
    with backend_runtime.db.read() as conn:
        report = verify_chain(conn)
    assert report.ok and report.events == head_seq + 2
