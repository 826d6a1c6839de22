"""Claims are leases: claim-next by priority then age, renew, release, expiry and reassignment, all audited;
two reviewers never hold one case; on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from adwarden.domain import Actor, Conflict, NotFound, PermissionDenied
from adwarden.review import claims
from adwarden.review.listing import CaseFilter, list_case_rows
from adwarden.runtime import Runtime
from adwarden.storage.sql.tables import audit_events, cases
from tests.factories import risky_post

PLATFORM = Actor("shop", frozenset({"platform"}))
MIA = Actor("mia", frozenset({"moderator"}))
NOOR = Actor("noor", frozenset({"moderator"}))
LEE = Actor("lee", frozenset({"review-lead"}))


def _cases(rt: Runtime, n: int) -> list[str]:
    outs = rt.ingest([risky_post(f"c-{i}") for i in range(n)], actor=PLATFORM)
    ids = [o.case_id for o in outs]
    assert all(ids)
    return [i for i in ids if i]


def _set(rt: Runtime, case_id: str, **values: object) -> None:
    with rt.db.transaction() as conn:
        conn.execute(update(cases).where(cases.c.id == case_id).values(**values))


def _names(rt: Runtime, case_id: str) -> list[str]:
    with rt.db.read() as conn:
        return list(conn.execute(select(audit_events.c.name).where(audit_events.c.subject_id == case_id)
                                 .order_by(audit_events.c.seq)).scalars())


def test_claim_next_takes_highest_priority_then_oldest(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    policy = rt.screener.policy
    a, b, c = _cases(rt, 3)
    queue = "general"
    now = datetime.now(UTC)
    _set(rt, a, priority=50, queue=queue, opened_at=now - timedelta(hours=1))
    _set(rt, b, priority=70, queue=queue, opened_at=now)
    _set(rt, c, priority=50, queue=queue, opened_at=now - timedelta(hours=2))
    order = [claims.claim_next(rt.db, queue, actor=MIA, policy=policy) for _ in range(3)]
    assert [x.case_id for x in order if x] == [b, c, a]
    assert claims.claim_next(rt.db, queue, actor=NOOR, policy=policy) is None
    assert _names(rt, b)[-1] == "case-claimed"


def test_lease_renew_release_expiry_and_reassignment_are_audited(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    policy = rt.screener.policy
    (case_id,) = _cases(rt, 1)
    t0 = datetime.now(UTC)
    claims.claim_case(rt.db, case_id, actor=MIA, policy=policy, now=t0)
    with pytest.raises(Conflict, match="claimed by mia"):
        claims.claim_case(rt.db, case_id, actor=NOOR, policy=policy, now=t0 + timedelta(minutes=5))
    renewed = claims.renew(rt.db, case_id, actor=MIA, policy=policy, now=t0 + timedelta(minutes=9))
    assert renewed.expires_at == t0 + timedelta(minutes=19)
    with pytest.raises(Conflict):
        claims.release(rt.db, case_id, actor=NOOR, policy=policy, now=t0 + timedelta(minutes=10))
    # After expiry anyone may take it; the takeover records the expiry first.
    taken = claims.claim_case(rt.db, case_id, actor=NOOR, policy=policy, now=t0 + timedelta(minutes=30))
    assert taken.assignee == "noor"
    with pytest.raises(PermissionDenied):
        claims.reassign(rt.db, case_id, "mia", actor=NOOR, policy=policy)
    claims.reassign(rt.db, case_id, "mia", actor=LEE, policy=policy)
    with pytest.raises(Conflict, match="claimed by mia"):
        claims.release(rt.db, case_id, actor=NOOR, policy=policy)
    claims.release(rt.db, case_id, actor=LEE, policy=policy)  # a lead may release anyone's claim
    names = _names(rt, case_id)
    tail = names[names.index("case-claimed"):]
    assert tail == ["case-claimed", "case-lease-renewed", "case-lease-expired", "case-claimed", "case-reassigned",
                    "case-released"]


def test_concurrent_claim_next_never_hands_one_case_to_two_reviewers(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    policy = rt.screener.policy
    ids = _cases(rt, 6)
    queue = policy.default_queue
    for i in ids:
        _set(rt, i, queue=queue)
    got: list[str] = []
    lock = threading.Lock()

    def work(name: str) -> None:
        actor = Actor(name, frozenset({"moderator"}))
        while True:
            c = claims.claim_next(rt.db, queue, actor=actor, policy=policy)
            if c is None:
                return
            with lock:
                got.append(c.case_id)

    threads = [threading.Thread(target=work, args=(f"r{i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got) == sorted(ids)  # each case exactly once


def test_restricted_queue_is_invisible_without_permission(runtime: Runtime) -> None:
    rt = runtime
    policy = rt.screener.policy
    (case_id,) = _cases(rt, 1)
    _set(rt, case_id, queue="child-safety")
    with pytest.raises(NotFound):
        claims.claim_next(rt.db, "child-safety", actor=MIA, policy=policy)
    with pytest.raises(NotFound):
        claims.claim_case(rt.db, case_id, actor=MIA, policy=policy)
    cs = Actor("cy", frozenset({"child-safety"}))
    assert claims.claim_next(rt.db, "child-safety", actor=cs, policy=policy) is not None


def test_lists_put_overdue_first_and_filter_by_sla_and_assignee(runtime: Runtime) -> None:
    rt = runtime
    policy = rt.screener.policy
    fresh, old = _cases(rt, 2)
    now = datetime.now(UTC)
    _set(rt, fresh, queue="general", priority=90, opened_at=now)
    _set(rt, old, queue="general", priority=10, opened_at=now - timedelta(hours=30))  # general SLA: 24 h
    with rt.db.read() as conn:
        rows = list_case_rows(conn, policy, actor=MIA, f=CaseFilter())
        overdue = list_case_rows(conn, policy, actor=MIA, f=CaseFilter(sla="overdue"))
        ok = list_case_rows(conn, policy, actor=MIA, f=CaseFilter(sla="ok"))
    assert [r["id"] for r in rows][:2] == [old, fresh]
    assert [r["id"] for r in overdue] == [old] and rows[0]["sla_state"] == "overdue"
    assert [r["id"] for r in ok] == [fresh]
    assert rows[0]["sla_due_at"] == rows[0]["opened_at"] + timedelta(hours=24)
    claims.claim_case(rt.db, fresh, actor=MIA, policy=policy)
    with rt.db.read() as conn:
        mine = list_case_rows(conn, policy, actor=MIA, f=CaseFilter(assignee="mia"))
        unclaimed = list_case_rows(conn, policy, actor=MIA, f=CaseFilter(assignee="none"))
    assert [r["id"] for r in mine] == [fresh] and [r["id"] for r in unclaimed] == [old]
