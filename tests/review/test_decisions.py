"""Reviewer decisions: permission-checked, audited, close or escalate the case, on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from adwarden.domain import Actor, Conflict, InputError, PermissionDenied
from adwarden.review.decisions import decisions_for_case, record_decision
from adwarden.runtime import Runtime
from adwarden.storage.sql.queries import get_case
from adwarden.storage.sql.tables import audit_events
from tests.factories import risky_post

PLATFORM = Actor("shop", frozenset({"platform"}))
MOD = Actor("mia", frozenset({"moderator"}))


def _case(rt: Runtime) -> str:
    out = rt.ingest([risky_post()], actor=PLATFORM)[0]
    assert out.case_id is not None
    return out.case_id


def test_decision_closes_case_and_is_audited(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    case_id = _case(rt)
    record_decision(rt.db, case_id, "violating-trafficking", "shared phone with known network", actor=MOD)
    with rt.db.read() as conn:
        case = get_case(conn, case_id)
        names = [r.name for r in conn.execute(select(audit_events.c.name).where(
            audit_events.c.subject_id == case_id).order_by(audit_events.c.seq))]
    assert case.status.value == "closed" and case.close_reason == "decision: violating-trafficking"
    assert names[-2:] == ["decision-recorded", "case-closed"]
    assert [d.outcome for d in decisions_for_case(rt.db, case_id)] == ["violating-trafficking"]
    with pytest.raises(Conflict):
        record_decision(rt.db, case_id, "not-violating", actor=MOD)


def test_escalate_keeps_case_open_in_child_safety(runtime: Runtime) -> None:
    case_id = _case(runtime)
    record_decision(runtime.db, case_id, "escalate", actor=MOD)
    with runtime.db.read() as conn:
        case = get_case(conn, case_id)
    assert case.status.value == "open" and case.queue == "child-safety" and case.priority == 100


def test_platform_cannot_decide_and_bad_outcome_is_named(runtime: Runtime) -> None:
    case_id = _case(runtime)
    with pytest.raises(PermissionDenied):
        record_decision(runtime.db, case_id, "not-violating", actor=PLATFORM)
    with pytest.raises(InputError, match="unknown outcome"):
        record_decision(runtime.db, case_id, "maybe", actor=MOD)
