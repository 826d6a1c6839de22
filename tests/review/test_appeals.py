"""Appeals: another reviewer upholds or overturns; overturn restores the post and account and tells the
platform; the decider cannot decide their own appeal; on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from adwarden.domain import Actor, Conflict, NotFound
from adwarden.review.appeals import decide_appeal, submit_appeal
from adwarden.review.decisions import record_decision
from adwarden.review.enforcement import account_state_of, post_enforcement_of
from adwarden.runtime import Runtime
from adwarden.storage.sql.queries import get_case
from adwarden.storage.sql.tables_review import action_events
from tests.factories import post, risky_post

PLATFORM = Actor("shop", frozenset({"platform"}))
MIA = Actor("mia", frozenset({"moderator"}))
NOOR = Actor("noor", frozenset({"moderator"}))
SITE = "example-classifieds"


def _banned(rt: Runtime) -> tuple[str, str]:
    p = risky_post("ap-1")
    out = rt.ingest([p], actor=PLATFORM)[0]
    assert out.case_id
    record_decision(rt.db, out.case_id, "violating-scam", "ban-account", actor=MIA, policy=rt.screener.policy)
    return out.post_id, out.case_id


def test_overturn_restores_post_and_account_and_sends_the_reversal(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    post_id, _ = _banned(rt)
    appeal = submit_appeal(rt.db, site=SITE, external_id="ap-1", text="not a scam", appellant="u-9", actor=PLATFORM)
    with pytest.raises(Conflict, match="different reviewer"):
        decide_appeal(rt.db, appeal.case_id, "overturn", actor=MIA, policy=rt.screener.policy)
    d = decide_appeal(rt.db, appeal.case_id, "overturn", "receipts check out", actor=NOOR, policy=rt.screener.policy)
    assert d.appeal_outcome == "overturned" and len(d.action_events) == 2
    with rt.db.read() as conn:
        enf = post_enforcement_of(conn, post_id)
        account = conn.execute(select(action_events.c.payload).where(action_events.c.type == "account.enforcement")
                               ).scalars().all()
        assert account_state_of(conn, "example-classifieds:u-9") == "active"
        assert get_case(conn, appeal.case_id).status.value == "closed"
    assert enf is not None and enf["state"] == "allowed" and enf["decision_id"] == d.id
    assert [json.loads(a)["data"]["action"] for a in account] == ["ban", "reinstate"]


def test_uphold_keeps_enforcement_and_bad_appeals_are_refused(runtime: Runtime) -> None:
    rt = runtime
    post_id, _ = _banned(rt)
    appeal = submit_appeal(rt.db, site=SITE, external_id="ap-1", text="", appellant="u-9", actor=PLATFORM)
    with pytest.raises(Conflict, match="open case"):
        submit_appeal(rt.db, site=SITE, external_id="ap-1", text="", appellant="u-9", actor=PLATFORM)
    d = decide_appeal(rt.db, appeal.case_id, "uphold", actor=NOOR, policy=rt.screener.policy)
    assert d.appeal_outcome == "upheld" and d.action_events == ()
    with rt.db.read() as conn:
        assert (post_enforcement_of(conn, post_id) or {})["state"] == "removed"
    with pytest.raises(NotFound):
        submit_appeal(rt.db, site=SITE, external_id="nope", text="", appellant="x", actor=PLATFORM)
    rt.ingest([post("fine-1")], actor=PLATFORM)
    with pytest.raises(Conflict, match="no standing removal"):
        submit_appeal(rt.db, site=SITE, external_id="fine-1", text="", appellant="x", actor=PLATFORM)
