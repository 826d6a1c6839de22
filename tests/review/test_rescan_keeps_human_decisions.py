"""A re-assessment never silently undoes a reviewer: a bank import's rescan keeps a human-closed case closed and
writes case-new-evidence into its history; new child-safety evidence reopens it there, saying why."""

from __future__ import annotations

import json

from sqlalchemy import select

from adwarden.domain import Actor
from adwarden.retro.banks import import_bank
from adwarden.retro.rescan import run_rescan
from adwarden.review.decisions import record_decision
from adwarden.review.enforcement import post_enforcement_of
from adwarden.runtime import Runtime
from adwarden.storage.sql.queries import get_case, open_case_for_post
from adwarden.storage.sql.tables import audit_events
from tests.factories import risky_post

ADMIN = Actor("analyst", frozenset({"admin"}))
MOD = Actor("mia", frozenset({"moderator"}))
KEY = b"development-only-bank-key-change-me"


def _decided_case(rt: Runtime) -> tuple[str, str]:
    out = rt.ingest([risky_post("bank-1")], actor=ADMIN)[0]
    assert out.case_id is not None
    record_decision(rt.db, out.case_id, "not-violating", note="a real massage studio", actor=MOD,
                    policy=rt.screener.policy)
    return out.post_id, out.case_id


def _import_and_rescan(rt: Runtime, label: str) -> None:
    res = import_bank(rt.db, f"bank-{label}", f"kind,value,label\nphone,206-555-0147,{label}\n".encode(),
                      key=KEY, actor=ADMIN, source="t.csv", labels=(label,))
    assert res.rescan_job is not None and res.affected_posts == 1
    rt.refresh_screener()
    run_rescan(rt, res.rescan_job, actor=ADMIN)


def _case_events(rt: Runtime, case_id: str) -> list[tuple[str, dict[str, object]]]:
    with rt.db.read() as conn:
        rows = conn.execute(select(audit_events.c.name, audit_events.c.payload).where(
            audit_events.c.subject_id == case_id).order_by(audit_events.c.seq)).all()
    return [(r.name, json.loads(r.payload)) for r in rows]


def test_bank_rescan_keeps_the_decided_case_closed_and_records_new_evidence(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    post_id, case_id = _decided_case(rt)
    _import_and_rescan(rt, "trafficking")
    with rt.db.read() as conn:
        assert open_case_for_post(conn, post_id) is None
        assert get_case(conn, case_id).status.value == "closed"
        enf = post_enforcement_of(conn, post_id)
    assert enf is not None and enf["state"] == "allowed"  # the reviewer's decision stands
    events = _case_events(rt, case_id)
    name, payload = events[-1]
    assert name == "case-new-evidence" and payload["trigger"] == "rescan" and "bank-hit" in payload["rules_fired"]


def test_new_child_safety_evidence_reopens_the_case_there_with_a_reason(runtime: Runtime) -> None:
    rt = runtime
    post_id, case_id = _decided_case(rt)
    _import_and_rescan(rt, "csam")
    with rt.db.read() as conn:
        case = get_case(conn, case_id)
    assert case.status.value == "open" and case.queue == "child-safety"
    name, payload = _case_events(rt, case_id)[-1]
    assert name == "case-reopened" and "child-safety" in str(payload["reason"])
