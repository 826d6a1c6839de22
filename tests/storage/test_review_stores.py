"""Contract tests of the review loop's and platform actions' repositories (storage/sql/*_store.py), on SQLite
and PostgreSQL: the behaviours the services rely on that their own tests do not pin down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adwarden.domain import Actor, NotFound
from adwarden.domain.case_filter import CaseFilter
from adwarden.domain.review_decision import DecisionRecord
from adwarden.domain.webhook_endpoint import Endpoint
from adwarden.runtime import Runtime
from adwarden.storage.sql import (
    case_lists_store,
    cases_store,
    decisions_store,
    deliveries_store,
    flags_store,
    outbox_store,
    webhook_endpoints_store,
)
from tests.factories import post, risky_post

PLATFORM = Actor("shop", frozenset({"platform"}))
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _open_cases(rt: Runtime, *external_ids: str) -> list[str]:
    outs = rt.ingest([risky_post(e) for e in external_ids], actor=PLATFORM)
    ids = [o.case_id for o in outs]
    assert all(ids)
    return [i for i in ids if i]


def _decision(case_id: str, post_id: str, n: int, *, action: str = "remove", violating: bool = True,
              appeal_outcome: str | None = None) -> DecisionRecord:
    return DecisionRecord(f"d-{n}", case_id, post_id, "violating-trafficking" if violating else "not-violating",
                          action, violating, "case", "", "mia", T0 + timedelta(minutes=n),
                          appeal_outcome=appeal_outcome)


def test_case_with_work_row_reads_and_upserts(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    (case_id,) = _open_cases(rt, "w-1")
    with rt.db.transaction() as conn:
        assert cases_store.lock_review_case(conn, "c-missing") is None
        fresh = cases_store.lock_review_case(conn, case_id)
        assert fresh is not None and fresh.kind is None and fresh.assignee is None and fresh.status == "open"
        cases_store.set_case_work(conn, case_id, assignee="mia", lease_expires_at=T0)  # creates the row
        cases_store.set_case_work(conn, case_id, assignee="noor")  # updates it
    with rt.db.read() as conn:
        worked = cases_store.lock_review_case(conn, case_id, lock=False)
    assert worked is not None
    assert (worked.kind, worked.assignee, worked.lease_expires_at) == ("post", "noor", T0)
    assert worked.post_id == fresh.post_id and worked.queue == fresh.queue


def test_only_a_decision_makes_a_closed_case_human_decided(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    undecided_case, decided_case = _open_cases(rt, "h-1", "h-2")
    with rt.db.transaction() as conn:
        rows = [cases_store.lock_review_case(conn, c) for c in (undecided_case, decided_case)]
        post_ids = [r.post_id for r in rows if r is not None]
        for c in (undecided_case, decided_case):
            cases_store.close_case(conn, c, reason="closed", now=T0)
        decisions_store.insert_decision(conn, _decision(decided_case, post_ids[1], 1))
    with rt.db.read() as conn:
        assert cases_store.last_decided_closed_case(conn, post_ids[0]) is None
        decided = cases_store.last_decided_closed_case(conn, post_ids[1])
        assert cases_store.find_open_case(conn, post_ids[1]) is None
    assert decided is not None and decided.id == decided_case and decided.status == "closed"


def test_superseding_keeps_escalations_and_standing_ignores_appeal_outcomes(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    (case_id,) = _open_cases(rt, "s-1")
    with rt.db.transaction() as conn:
        row = cases_store.lock_review_case(conn, case_id)
        assert row is not None
        pid = row.post_id
        for d in (_decision(case_id, pid, 1), _decision(case_id, pid, 2, action="escalate", violating=False),
                  _decision(case_id, pid, 3, appeal_outcome="upheld")):
            decisions_store.insert_decision(conn, d)
        standing = decisions_store.standing_violating_decision(conn, pid)
        assert standing is not None and standing.id == "d-1"  # d-2 does not violate, d-3 is an appeal's outcome
        superseded = decisions_store.supersede_standing(conn, pid, "d-9", except_action="escalate")
        assert sorted(superseded) == ["d-1", "d-3"]
        assert decisions_store.standing_violating_decision(conn, pid) is None
        assert decisions_store.decision_actor(conn, "d-2") == "mia"
        assert decisions_store.decision_actor(conn, "d-missing") is None
        with pytest.raises(NotFound):
            decisions_store.get_decision(conn, "d-missing")
    with rt.db.read() as conn:
        history = decisions_store.decisions_of_case(conn, case_id)
    assert [(d.id, d.superseded_by) for d in history] == [("d-1", "d-9"), ("d-2", None), ("d-3", "d-9")]


def test_flag_weight_counts_undecided_flags_and_reporter_counts_upsert(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    (out,) = rt.ingest([post("f-1")], actor=PLATFORM)
    pid = out.post_id

    def flag(n: int, weight: float) -> flags_store.StoredFlag:
        return flags_store.StoredFlag(f"f-{n}", pid, "example-classifieds", f"r-{n}", "spam", "", "neutral", weight,
                                      None, None, "shop", T0 + timedelta(minutes=n))

    with rt.db.transaction() as conn:
        for n, w in ((1, 1.0), (2, 2.0), (3, 0.5)):
            flags_store.insert_flag(conn, flag(n, w))
        flags_store.set_flag_outcome(conn, ["f-2"], "upheld")
        flags_store.set_flag_outcome(conn, [], "rejected")  # nothing to do, no error
        assert flags_store.pending_flag_weight(conn, pid) == pytest.approx(1.5)
        assert flags_store.pending_flag_weight(conn, "p-missing") == 0.0
        assert [f.id for f in flags_store.flags_with_outcome(conn, [pid], "upheld")] == ["f-2"]
        assert sorted(f.id for f in flags_store.flags_with_outcome(conn, [pid], None)) == ["f-1", "f-3"]
        assert flags_store.reporter_counts(conn, "example-classifieds", "r-1") == (0, 0)
        flags_store.write_reporter_counts(conn, "example-classifieds", "r-1", upheld=1, rejected=0, now=T0)
        flags_store.write_reporter_counts(conn, "example-classifieds", "r-1", upheld=2, rejected=3, now=T0)
        assert flags_store.reporter_counts(conn, "example-classifieds", "r-1") == (2, 3)
    with rt.db.read() as conn:
        assert [f.id for f in flags_store.flags_of_post(conn, pid)] == ["f-1", "f-2", "f-3"]
        assert flags_store.all_reporters(conn) == [flags_store.ReporterRecord("example-classifieds", "r-1", 2, 3)]


def test_case_search_is_a_literal_prefix_and_hidden_queues_are_absent(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    policy = rt.screener.policy
    _open_cases(rt, "ab_1", "abc1")
    now = datetime.now(UTC)

    def ids(f: CaseFilter, hidden: frozenset[str] = frozenset()) -> list[str | None]:
        with rt.db.read() as conn:
            rows = case_lists_store.list_filtered_cases(conn, policy, f, hidden_queues=hidden, now=now, limit=10,
                                                        offset=0)
            assert case_lists_store.count_filtered_cases(conn, policy, f, hidden_queues=hidden, now=now) == len(rows)
        return sorted(r.external_id for r in rows)

    assert ids(CaseFilter(search="ab")) == ["ab_1", "abc1"]
    assert ids(CaseFilter(search="ab_")) == ["ab_1"]  # "_" is not a LIKE wildcard here
    assert ids(CaseFilter(search="%")) == []
    with rt.db.read() as conn:
        all_rows = case_lists_store.list_filtered_cases(conn, policy, CaseFilter(), hidden_queues=(), now=now,
                                                        limit=10, offset=0)
    assert ids(CaseFilter(), frozenset(r.queue for r in all_rows)) == []


def test_outbox_feed_and_requeue_respect_sites(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    with rt.db.transaction() as conn:
        for i, site in enumerate(("shop-a", "shop-b")):
            webhook_endpoints_store.insert_endpoint(
                conn, Endpoint(f"wh-{i}", site, f"https://{site}.example.com/hook", True, "", T0),
                secret="s" * 32, created_by="test")
        seqs = [outbox_store.queue_action_event(conn, event_id=f"evt-{site}", site=site,
                                                event_type="post.enforcement", post_id=None, body="{}", now=T0)
                for site in ("shop-a", "shop-b")]
    assert seqs[0] < seqs[1]
    with rt.db.transaction() as conn:
        due = deliveries_store.claim_due(conn, now=T0, lease_until=T0 + timedelta(seconds=30), limit=10)
        assert [(d.event_id, d.endpoint_id) for d in due] == [("evt-shop-a", "wh-0"), ("evt-shop-b", "wh-1")]
        assert deliveries_store.claim_due(conn, now=T0, lease_until=T0, limit=10) == []  # leased
        for d in due:
            deliveries_store.record_failure(conn, deliveries_store.Attempt(
                d.event_seq, d.endpoint_id, 10, 500, "HTTP 500", [{"status": 500}]), dead=True)
    with rt.db.read() as conn:
        assert outbox_store.feed_after(conn, 0, sites={"shop-b"}, site=None, limit=10) == [(seqs[1], "{}")]
        assert outbox_store.feed_after(conn, seqs[0], sites=None, site=None, limit=10) == [(seqs[1], "{}")]
        dead = deliveries_store.dead_deliveries(conn, sites={"shop-a"}, limit=10)
        assert [(d.event_id, d.site, d.attempts, d.last_error) for d in dead] == [("evt-shop-a", "shop-a", 10,
                                                                                  "HTTP 500")]
        assert [e.site for e in webhook_endpoints_store.endpoints_of(conn, {"shop-b"})] == ["shop-b"]
        assert outbox_store.get_action_event(conn, "evt-missing") is None
    with rt.db.transaction() as conn:
        assert deliveries_store.requeue(conn, event_ids=None, sites={"shop-a"}, now=T0) == 1
    with rt.db.read() as conn:
        states = {d.endpoint_id: (d.status, d.attempts)
                  for seq in seqs for d in deliveries_store.deliveries_of_event(conn, seq)}
    assert states == {"wh-0": ("pending", 0), "wh-1": ("dead", 10)}
