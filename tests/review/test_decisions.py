"""Decisions that act: label + action, enforcement, supersede, reopen, claims respected; on both backends."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from adwarden.domain import Actor, Conflict, InputError, NotFound, PermissionDenied
from adwarden.review.claims import claim_case
from adwarden.review.decisions import decisions_for_case, record_decision, reopen_case
from adwarden.review.enforcement import post_enforcement_of
from adwarden.runtime import Runtime
from adwarden.storage.sql.queries import get_case
from adwarden.storage.sql.tables import audit_events
from adwarden.storage.sql.tables_review import action_events
from tests.factories import risky_post

PLATFORM = Actor("shop", frozenset({"platform"}))
MOD = Actor("mia", frozenset({"moderator"}))
MOD2 = Actor("noor", frozenset({"moderator"}))


def _case(rt: Runtime, ext: str = "r-1") -> str:
    out = rt.ingest([risky_post(ext)], actor=PLATFORM)[0]
    assert out.case_id is not None
    return out.case_id


def _names(rt: Runtime, subject: str) -> list[str]:
    with rt.db.read() as conn:
        return [r.name for r in conn.execute(select(audit_events.c.name).where(
            audit_events.c.subject_id == subject).order_by(audit_events.c.seq))]


def test_violating_decision_removes_post_emits_action_and_is_audited(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    case_id = _case(rt)
    woke: list[int] = []
    d = record_decision(rt.db, case_id, "violating-trafficking", None, "shared phone", actor=MOD,
                        policy=rt.screener.policy, notify=lambda: woke.append(1))
    assert d.action == "remove" and d.violating and len(d.action_events) == 1 and woke == [1]
    with rt.db.read() as conn:
        case = get_case(conn, case_id)
        enf = post_enforcement_of(conn, d.post_id)
        ev = conn.execute(select(action_events)).one()
    assert case.status.value == "closed"
    assert enf is not None and enf["state"] == "removed" and enf["decision_id"] == d.id
    body = json.loads(ev.payload)
    assert body["id"] == d.action_events[0] and body["data"]["action"] == "remove"
    assert body["data"]["post"]["external_id"] == "r-1" and body["data"]["previous_state"] is None
    assert _names(rt, case_id)[-2:] == ["decision-recorded", "case-closed"]
    assert "enforcement-changed" in _names(rt, d.post_id)
    with pytest.raises(Conflict, match="reopen"):
        record_decision(rt.db, case_id, "not-violating", actor=MOD, policy=rt.screener.policy)


def test_reopen_and_second_decision_supersedes_first(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    policy = rt.screener.policy
    case_id = _case(rt)
    first = record_decision(rt.db, case_id, "violating-spam", actor=MOD, policy=policy)
    reopen_case(rt.db, case_id, "poster sent proof it is a real shop", actor=MOD2, policy=policy)
    second = record_decision(rt.db, case_id, "not-violating", actor=MOD2, policy=policy)
    history = decisions_for_case(rt.db, case_id)
    assert [h.id for h in history] == [first.id, second.id]
    assert history[0].superseded_by == second.id and history[1].superseded_by is None
    with rt.db.read() as conn:
        enf = post_enforcement_of(conn, first.post_id)
    assert enf is not None and enf["state"] == "allowed" and enf["decision_id"] == second.id
    assert "case-reopened" in _names(rt, case_id) and "decision-superseded" in _names(rt, first.id)


def test_escalate_keeps_case_open_in_child_safety(runtime: Runtime) -> None:
    case_id = _case(runtime)
    d = record_decision(runtime.db, case_id, None, "escalate-child-safety", actor=MOD, policy=runtime.screener.policy)
    assert d.action_events == ()
    with runtime.db.read() as conn:
        case = get_case(conn, case_id)
    assert case.status.value == "open" and case.queue == "child-safety" and case.priority == 100
    with pytest.raises(NotFound):  # now invisible to a general moderator
        record_decision(runtime.db, case_id, "not-violating", actor=MOD, policy=runtime.screener.policy)


def test_bad_input_is_refused_and_nothing_changes(runtime: Runtime) -> None:
    rt = runtime
    policy = rt.screener.policy
    case_id = _case(rt)
    before = _names(rt, case_id)
    with pytest.raises(PermissionDenied):
        record_decision(rt.db, case_id, "not-violating", actor=PLATFORM, policy=policy)
    with pytest.raises(InputError, match="not in policy"):
        record_decision(rt.db, case_id, "maybe", actor=MOD, policy=policy)
    with pytest.raises(InputError, match="violating"):
        record_decision(rt.db, case_id, "violating-scam", "allow", actor=MOD, policy=policy)
    with pytest.raises(InputError, match="unknown action"):
        record_decision(rt.db, case_id, "violating-scam", "delete-forever", actor=MOD, policy=policy)
    claim_case(rt.db, case_id, actor=MOD2, policy=policy)
    with pytest.raises(Conflict, match="claimed by noor"):
        record_decision(rt.db, case_id, "violating-scam", actor=MOD, policy=policy)
    assert _names(rt, case_id) == [*before, "case-claimed"]
    with rt.db.read() as conn:
        assert conn.execute(select(action_events)).first() is None


def test_report_ncmec_needs_report_permission_and_drafts_the_report(runtime: Runtime) -> None:
    from adwarden.review.followups import after_decision

    rt = runtime
    policy = rt.screener.policy
    case_id = _case(rt)
    with pytest.raises(PermissionDenied, match="report:draft"):
        record_decision(rt.db, case_id, "violating-child-sexual-exploitation", "report-ncmec", actor=MOD,
                        policy=policy)
    cs = Actor("cy", frozenset({"child-safety"}))
    d = record_decision(rt.db, case_id, "violating-child-sexual-exploitation", "report-ncmec", actor=cs,
                        policy=policy)
    with rt.db.read() as conn:
        assert (post_enforcement_of(conn, d.post_id) or {})["state"] == "removed"
    report_id = after_decision(rt.db, rt.settings, d, actor=cs)
    assert report_id is not None and "report-drafted" in _names(rt, case_id)
