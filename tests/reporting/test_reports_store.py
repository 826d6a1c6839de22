"""Contract of the CyberTipline report store on both backends: a report row comes back as stored, its
updates touch only what they name, and exchanges keep their order (synthetic, non-explicit data)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adwarden.runtime import Runtime
from adwarden.storage.sql import reports_store
from adwarden.storage.sql.reports_store import ExchangeRecord

from .storefix import store_case

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def runtime(backend_runtime: Runtime) -> Runtime:
    return backend_runtime


def _draft(runtime: Runtime, report_id: str, case_id: str, *, fingerprint: str, at: datetime = T0) -> None:
    with runtime.db.transaction() as conn:
        reports_store.insert_report(
            conn, report_id=report_id, case_id=case_id, status="draft", environment="test",
            incident_type="Child Sex Trafficking", escalated=True, report_xml="<report>é</report>".encode(),
            case_json="{}", fingerprint=fingerprint, warnings={"missing": [], "lint": []}, state_json='{"step": "draft"}',
            created_by="cara.childsafety", created_at=at)


def test_report_round_trip_and_updates(runtime: Runtime) -> None:
    case_id = store_case(runtime).case_id
    _draft(runtime, "r-1", case_id, fingerprint="f1")
    with runtime.db.read() as conn:
        rec = reports_store.find_report(conn, "r-1")
        assert reports_store.find_report(conn, "r-missing") is None
    assert rec is not None
    assert (rec.case_id, rec.status, rec.escalated, rec.report_xml) == (case_id, "draft", True, "<report>é</report>".encode())
    assert (rec.approved_by, rec.submitted_at, rec.finished_at, rec.hold_id, rec.ncmec_report_id) == (None,) * 5
    later = T0 + timedelta(hours=1)
    with runtime.db.transaction() as conn:
        reports_store.set_approved(conn, "r-1", by="sol.second", at=later)
        reports_store.set_submitter(conn, "r-1", environment="production", by="cara.childsafety", since=T0, at=later)
        reports_store.set_last_error(conn, "r-1", "code 4100", at=later)
        reports_store.save_state(conn, "r-1", status="submitted", state_json='{"step": "submitted"}',
                                 ncmec_report_id=4242, at=later)
    with runtime.db.read() as conn:
        mid = reports_store.find_report(conn, "r-1")
    assert mid is not None
    assert (mid.approved_by, mid.approved_at, mid.environment, mid.submitted_by, mid.submitted_at) == (
        "sol.second", later, "production", "cara.childsafety", T0)
    assert (mid.status, mid.ncmec_report_id, mid.last_error) == ("submitted", 4242, "code 4100")
    with runtime.db.transaction() as conn:
        reports_store.set_filed(conn, "r-1", status="finished", state_json='{"step": "finished"}',
                                ncmec_report_id=4242, hold_id="h-1", at=later)
    with runtime.db.read() as conn:
        filed = reports_store.find_report(conn, "r-1")
    assert filed is not None
    assert (filed.status, filed.finished_at, filed.hold_id, filed.last_error) == ("finished", later, "h-1", None)


def test_listing_order_filters_and_fingerprints(runtime: Runtime) -> None:
    case_id = store_case(runtime).case_id
    _draft(runtime, "r-old", case_id, fingerprint="f-old")
    _draft(runtime, "r-new", case_id, fingerprint="f-new", at=T0 + timedelta(days=1))
    with runtime.db.transaction() as conn:
        reports_store.set_retracted(conn, "r-old", status="retracted", state_json='{"step": "retracted"}', at=T0)
    with runtime.db.read() as conn:
        assert [r.id for r in reports_store.list_reports(conn)] == ["r-new", "r-old"]  # newest first
        assert [r.id for r in reports_store.list_reports(conn, statuses=["retracted"])] == ["r-old"]
        assert [r.id for r in reports_store.list_reports(conn, case_id="c-other")] == []
        assert [r.id for r in reports_store.list_reports(conn, limit=1)] == ["r-new"]
        assert reports_store.fingerprints_in_status(conn, "draft") == {"f-new"}
        assert reports_store.fingerprints_in_status(conn, "draft", exclude="r-new") == set()
        old = reports_store.find_report(conn, "r-old")
    assert old is not None and old.retracted_at == T0


def test_exchanges_keep_their_order(runtime: Runtime) -> None:
    case_id = store_case(runtime).case_id
    _draft(runtime, "r-1", case_id, fingerprint="f1")
    sent = [ExchangeRecord("submit", 1, None, "", "timed out", T0),
            ExchangeRecord("submit", 2, 200, "<reportResponse/>", None, T0 + timedelta(seconds=1))]
    with runtime.db.transaction() as conn:
        for ex in sent:
            reports_store.insert_exchange(conn, "r-1", ex)
    with runtime.db.read() as conn:
        assert reports_store.list_exchanges(conn, "r-1") == sent
        assert reports_store.list_exchanges(conn, "r-other") == []
