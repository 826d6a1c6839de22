"""Contract of the legal desk's stores on both backends: what goes in comes back as plain records, orders
and boundaries hold (synthetic data: 555-01xx numbers, example.com)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from adwarden.domain.holds import Hold
from adwarden.runtime import Runtime
from adwarden.storage.sql import holds_store, legal_requests_store
from adwarden.storage.sql.legal_requests_store import (
    DocumentInfo,
    ProductionRecord,
    RequestRecord,
    TargetRecord,
    VerificationRecord,
)

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def runtime(backend_runtime: Runtime) -> Runtime:
    return backend_runtime


def _request(request_id: str, **kw: object) -> RequestRecord:
    fields: dict[str, object] = dict(
        id=request_id, type="subpoena", status="received", agency="Example County Sheriff",
        authority="Grand jury subpoena GJ-7", received_at=T0, due_at=T0 + timedelta(days=14),
        targets=(TargetRecord("phone", "+12065550147", None, 2), TargetRecord("handle", "sunny", "ig", 0)),
        date_start=date(2026, 1, 1), date_end=None, officer="Det. Example", contact_email="det@example.com",
        contact_phone="+12065550100", case_number="24-0042", nondisclosure=True,
        nondisclosure_until=date(2026, 6, 30), notes="served by mail", flags=("unmatched_targets",), hold_id=None,
        renewals=0, created_by="lee.liaison", created_at=T0, updated_at=T0)
    fields.update(kw)
    return RequestRecord(**fields)  # type: ignore[arg-type]


def test_request_round_trips_with_targets_in_order(runtime: Runtime) -> None:
    rec = _request("lr-1")
    with runtime.db.transaction() as conn:
        legal_requests_store.insert_request(conn, rec)
    with runtime.db.read() as conn:
        assert legal_requests_store.find_request(conn, "lr-1") == rec
        assert legal_requests_store.find_request(conn, "lr-missing") is None


def test_request_updates(runtime: Runtime) -> None:
    with runtime.db.transaction() as conn:
        legal_requests_store.insert_request(conn, _request("lr-1"))
        later = T0 + timedelta(hours=1)
        legal_requests_store.set_status(conn, "lr-1", "in_review", at=later)
        legal_requests_store.set_hold(conn, "lr-1", "h-1")
        legal_requests_store.set_renewal(conn, "lr-1", due_at=T0 + timedelta(days=180), renewals=1, at=later)
    with runtime.db.read() as conn:
        got = legal_requests_store.find_request(conn, "lr-1")
    assert got is not None
    assert (got.status, got.hold_id, got.renewals, got.due_at, got.updated_at) == (
        "in_review", "h-1", 1, T0 + timedelta(days=180), T0 + timedelta(hours=1))


def test_list_requests_soonest_due_first_and_filters(runtime: Runtime) -> None:
    with runtime.db.transaction() as conn:
        legal_requests_store.insert_request(conn, _request("lr-late", due_at=T0 + timedelta(days=30)))
        legal_requests_store.insert_request(conn, _request("lr-none", due_at=None, type="preservation"))
        legal_requests_store.insert_request(conn, _request("lr-soon", due_at=T0 + timedelta(days=1), status="closed"))
    with runtime.db.read() as conn:
        assert [r.id for r in legal_requests_store.list_requests(conn)] == ["lr-soon", "lr-late", "lr-none"]
        assert [r.id for r in legal_requests_store.list_requests(conn, statuses=["received"])] == ["lr-late", "lr-none"]
        assert [r.id for r in legal_requests_store.list_requests(conn, request_type="preservation")] == ["lr-none"]
        assert [r.id for r in legal_requests_store.list_requests(conn, limit=1)] == ["lr-soon"]


def test_nondisclosure_runs_through_its_last_day(runtime: Runtime) -> None:
    today = date(2026, 4, 1)
    with runtime.db.transaction() as conn:
        legal_requests_store.insert_request(conn, _request("lr-ends-today", nondisclosure_until=today))
        legal_requests_store.insert_request(conn, _request("lr-ended", nondisclosure_until=today - timedelta(days=1)))
        legal_requests_store.insert_request(conn, _request("lr-indefinite", nondisclosure_until=None))
        legal_requests_store.insert_request(conn, _request("lr-none", nondisclosure=False, nondisclosure_until=None))
    with runtime.db.read() as conn:
        assert sorted(legal_requests_store.nondisclosure_request_ids(conn, today)) == ["lr-ends-today", "lr-indefinite"]


def test_checks_documents_and_productions(runtime: Runtime) -> None:
    steps = [VerificationRecord("lr-1", "callback", "lee.liaison", T0 + timedelta(minutes=5), "called", True),
             VerificationRecord("lr-1", "official_domain", "lee.liaison", T0, "example.gov", False)]
    doc = DocumentInfo("ld-1", "subpoena.pdf", "ab" * 32, 3, "lee.liaison", T0)
    productions = [ProductionRecord(f"pr-{i}", "lr-1", T0 + timedelta(days=i), "lee.liaison", "Det. Example",
                                    "GJ-7", None, "cd" * 32, "ef" * 32, "fp", {"posts": i, "post_ids": ["p-1"]})
                   for i in (2, 1)]
    with runtime.db.transaction() as conn:
        legal_requests_store.insert_request(conn, _request("lr-1"))
        for step in steps:
            legal_requests_store.insert_verification(conn, step)
        legal_requests_store.insert_document(conn, doc, request_id="lr-1", content=b"pdf", content_type=None)
        for prod in productions:
            legal_requests_store.insert_production(conn, prod)
    with runtime.db.read() as conn:
        assert legal_requests_store.list_verifications(conn, "lr-1") == steps[::-1]  # in the order verified
        assert legal_requests_store.list_documents(conn, "lr-1") == [doc]
        assert legal_requests_store.list_productions(conn, "lr-1") == productions[::-1]  # oldest first
        assert legal_requests_store.find_production(conn, "pr-2") == productions[0]
        assert legal_requests_store.find_production(conn, "pr-9") is None


def _hold(hold_id: str, **kw: object) -> Hold:
    fields: dict[str, object] = dict(id=hold_id, source="manual", reason="r", targets=("post:p-1",),
                                     created_by="lee.liaison", created_at=T0, expires_at=None)
    fields.update(kw)
    return Hold(**fields)  # type: ignore[arg-type]


def test_held_ids_count_only_holds_active_at_the_moment(runtime: Runtime) -> None:
    items = {"post": {"p-1"}, "identifier": {"7"}}
    with runtime.db.transaction() as conn:
        holds_store.insert_hold(conn, _hold("h-open"), {"post": {"p-open"}})
        holds_store.insert_hold(conn, _hold("h-expiring", expires_at=T0 + timedelta(days=1)), items)
        holds_store.insert_hold(conn, _hold("h-released"), {"post": {"p-released"}})
        holds_store.mark_released(conn, "h-released", released_at=T0, released_by="lee.liaison", reason="done")
    posts = ["p-1", "p-open", "p-released", "p-unknown"]
    with runtime.db.read() as conn:
        assert holds_store.held_ids(conn, "post", posts, now=T0) == {"p-1", "p-open"}
        assert holds_store.held_ids(conn, "post", posts, now=T0 + timedelta(days=1)) == {"p-open"}  # expiry is exclusive
        assert holds_store.held_ids(conn, "identifier", ["7", "8"], now=T0) == {"7"}
        assert [h.id for h in holds_store.list_holds(conn, active_at=T0 + timedelta(days=2))] == ["h-open"]
        assert {h.id for h in holds_store.list_holds(conn)} == {"h-open", "h-expiring", "h-released"}
        expiring = holds_store.find_hold(conn, "h-expiring")
        assert expiring is not None and expiring.item_counts["post"] == 1 and expiring.item_counts["identifier"] == 1
        assert expiring.item_counts["decision"] == 0
        assert holds_store.find_hold(conn, "h-missing") is None


def test_set_expiry_moves_the_hold(runtime: Runtime) -> None:
    with runtime.db.transaction() as conn:
        holds_store.insert_hold(conn, _hold("h-1", expires_at=T0 + timedelta(days=1)), {"post": {"p-1"}})
        holds_store.set_expiry(conn, "h-1", T0 + timedelta(days=90))
    with runtime.db.read() as conn:
        assert holds_store.held_ids(conn, "post", ["p-1"], now=T0 + timedelta(days=30)) == {"p-1"}
