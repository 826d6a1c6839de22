"""Service layer: flags, scoping, network summary, audit in the same transaction, refusals."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import insert, select, update

from adwarden.domain import Conflict, InputError, PermissionDenied
from adwarden.legal.deadlines import DeadlinePolicy
from adwarden.legal.model import DisclosureBlocked, RequestStatus
from adwarden.legal.package import verify_package
from adwarden.legal.service import (
    do_attach_document,
    do_intake_request,
    do_produce,
    do_transition,
    do_verify_emergency,
    get_request,
    request_details,
    transparency_report,
)
from adwarden.runtime import Runtime
from adwarden.storage.sql import tables_legal
from adwarden.storage.sql.tables import audit_events, cases, decisions, post_versions
from adwarden.storage.sql.tables import metadata as shared_metadata

from .storefix import ADMIN, LIAISON, MODERATOR, ad, store

POLICY = DeadlinePolicy()


@pytest.fixture
def runtime(backend_runtime: Runtime) -> Runtime:
    """Every test here runs on SQLite and, when ADWARDEN_TEST_POSTGRES_URL is set, on PostgreSQL."""
    return backend_runtime
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


def _intake(rt: Runtime, targets: list[str], rtype: str = "subpoena", **kw: object):  # type: ignore[no-untyped-def]
    with rt.db.transaction() as conn:
        return do_intake_request(conn, request_type=rtype, agency="Example PD", authority="Subpoena 7",
                                 targets=targets, actor=LIAISON, policy=POLICY, **kw)  # type: ignore[arg-type]


def _to_producing(rt: Runtime, rid: str) -> None:
    with rt.db.transaction() as conn:
        do_transition(conn, request_id=rid, to="in_review", actor=LIAISON)
        do_transition(conn, request_id=rid, to=RequestStatus.PRODUCING, actor=LIAISON)


def test_migration_matches_tables(runtime: Runtime) -> None:
    with runtime.db.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), shared_metadata)
    mine = {t.name for t in tables_legal.metadata.sorted_tables if t.name in {
        "legal_requests", "legal_targets", "legal_documents", "holds", "hold_items", "productions",
        "emergency_verifications"}}
    assert len(mine) == 7
    ours = [d for d in diffs if any(name in repr(d) for name in mine)]
    assert ours == []


def test_partial_match_is_flagged_and_counts_recorded(runtime: Runtime) -> None:
    store(runtime, ad("a1"))
    req = _intake(runtime, ["phone:+12065550147", "email:nobody@example.org"])
    assert req.flags == ("unmatched_targets",)
    with runtime.db.read() as conn:
        details = request_details(conn, req.id)
        names = list(conn.execute(select(audit_events.c.name).where(audit_events.c.subject_id == req.id)).scalars())
    assert details["target_matches"] == [{"target": "phone:+12065550147", "matched_posts": 1},
                                         {"target": "email:nobody@example.org", "matched_posts": 0}]
    assert names == ["legal-request-received"]


def test_intake_validation(runtime: Runtime) -> None:
    with pytest.raises(InputError, match="agency is required"):
        with runtime.db.transaction() as conn:
            do_intake_request(conn, request_type="subpoena", agency=" ", authority="x", targets=["post:1"],
                              actor=LIAISON, policy=POLICY)
    with pytest.raises(PermissionDenied):
        _intake_as_moderator(runtime)
    with pytest.raises(InputError, match="future"):
        _intake(runtime, ["post:1"], received_at=datetime.now(UTC) + timedelta(days=2))


def _intake_as_moderator(rt: Runtime) -> None:
    with rt.db.transaction() as conn:
        do_intake_request(conn, request_type="subpoena", agency="A", authority="x", targets=["post:1"],
                          actor=MODERATOR, policy=POLICY)


def test_failed_transaction_leaves_no_request(runtime: Runtime) -> None:
    with pytest.raises(RuntimeError), runtime.db.transaction() as conn:
        do_intake_request(conn, request_type="subpoena", agency="A", authority="x", targets=["post:1"],
                          actor=LIAISON, policy=POLICY)
        raise RuntimeError("boom")
    with runtime.db.read() as conn:
        assert conn.execute(select(tables_legal.legal_requests.c.id)).first() is None
        assert conn.execute(select(audit_events.c.name).where(
            audit_events.c.name == "legal-request-received")).first() is None


def test_package_is_scoped_to_dates_and_summarises_network(runtime: Runtime, tmp_path: Path) -> None:
    a1, b1, c1 = store(runtime, ad("a1", account="u-1"), ad("b1", account="u-2"),
                       ad("c1", phone="206-555-0199", account="u-3"))
    store(runtime, ad("a1", account="u-1", body="Edited: call 206-555-0147 now."))
    # version 1 of a1 "posted" in January, version 2 in March
    with runtime.db.transaction() as conn:
        conn.execute(update(post_versions).where(post_versions.c.post_id == a1, post_versions.c.version == 1)
                     .values(posted_at=datetime(2026, 1, 10, tzinfo=UTC)))
        conn.execute(update(post_versions).where(post_versions.c.post_id == a1, post_versions.c.version == 2)
                     .values(posted_at=datetime(2026, 3, 10, tzinfo=UTC)))
    req = _intake(runtime, ["account:u-1", "dates:2026-03-01..2026-03-31"])
    _to_producing(runtime, req.id)
    out = tmp_path / "p.zip"
    with runtime.db.transaction() as conn:
        prod = do_produce(conn, request_id=req.id, out_path=out, recipient=None, signing_key=KEY, actor=LIAISON)
    assert prod.recipient == "Example PD"
    assert verify_package(out).intact
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        network = json.loads(zf.read("network.json"))
        audit_lines = zf.read("audit.jsonl").decode().splitlines()
        accounts = json.loads(zf.read("accounts.json"))
    post_files = sorted(n for n in names if n.startswith("posts/"))
    assert post_files == ["posts/example-classifieds_a1/v0002.json"]
    linked = {p["post_id"] for p in network["linked_posts"]}
    assert linked == {b1} and c1 not in linked  # b1 shares the phone; c1 does not
    assert [a["id"] for a in accounts] == ["example-classifieds:u-1"]
    events = [json.loads(line)["name"] for line in audit_lines]
    assert "legal-request-received" in events and "post-accepted" in events
    with runtime.db.read() as conn:
        assert get_request(conn, req.id).status is RequestStatus.PRODUCED
        names = list(conn.execute(select(audit_events.c.name).where(audit_events.c.subject_id == req.id)
                                  .order_by(audit_events.c.seq)).scalars())
    assert names == ["legal-request-received", "legal-request-transitioned", "legal-request-transitioned",
                     "legal-production-sent", "legal-request-transitioned"]


def test_produce_refusals(runtime: Runtime, tmp_path: Path) -> None:
    store(runtime, ad("a1"))
    pres = _intake(runtime, ["phone:+12065550147"], rtype="preservation")
    assert pres.hold_id
    with runtime.db.transaction() as conn:
        do_transition(conn, request_id=pres.id, to="in_review", actor=LIAISON)
    with pytest.raises(DisclosureBlocked), runtime.db.transaction() as conn:
        do_transition(conn, request_id=pres.id, to="producing", actor=LIAISON)
    sub = _intake(runtime, ["phone:+12065550147"])
    _to_producing(runtime, sub.id)
    with pytest.raises(PermissionDenied), runtime.db.transaction() as conn:
        do_produce(conn, request_id=sub.id, out_path=tmp_path / "x.zip", recipient=None, signing_key=KEY,
                   actor=MODERATOR)
    assert not (tmp_path / "x.zip").exists()
    with pytest.raises(Conflict, match="not an emergency"), runtime.db.transaction() as conn:
        do_verify_emergency(conn, request_id=sub.id, check="domain", detail="x", actor=LIAISON)


def test_emergency_domain_outside_list_is_marked(runtime: Runtime) -> None:
    req = _intake(runtime, ["post:x"], rtype="emergency", contact_email="cop@gmail.example.com")
    with runtime.db.transaction() as conn:
        ev = do_verify_emergency(conn, request_id=req.id, check="official_domain", detail="foreign agency, confirmed",
                                 actor=LIAISON)
    assert ev.steps[0].detail.startswith("[domain not on the official list: gmail.example.com]")


def test_attach_document_sanitizes_name(runtime: Runtime) -> None:
    req = _intake(runtime, ["post:x"])
    with runtime.db.transaction() as conn:
        do_attach_document(conn, request_id=req.id, filename="../../subpoena\x00.pdf", content=b"%PDF-1.4 test",
                           actor=LIAISON)
        docs = request_details(conn, req.id)["documents"]
    assert docs[0]["filename"] == "subpoena_.pdf" and len(docs[0]["sha256"]) == 64


def test_transparency_from_storage(runtime: Runtime, tmp_path: Path) -> None:
    a1, b1 = store(runtime, ad("a1", category="escort"), ad("b1", category="massage", phone="206-555-0199"))
    now = datetime.now(UTC)
    with runtime.db.transaction() as conn:
        conn.execute(insert(cases), [
            {"id": "c-1", "post_id": a1, "status": "closed", "queue": "q", "priority": 1, "risk": 50.0,
             "opened_at": now, "updated_at": now},
            {"id": "c-2", "post_id": b1, "status": "closed", "queue": "q", "priority": 1, "risk": 50.0,
             "opened_at": now, "updated_at": now}])
        conn.execute(insert(decisions), [
            {"case_id": "c-1", "outcome": "remove", "actor": "r", "note": "", "created_at": now},
            {"case_id": "c-2", "outcome": "dismiss", "actor": "r", "note": "", "created_at": now}])
    sub = _intake(runtime, ["phone:+12065550147", "account:u-1"])
    _intake(runtime, ["post:none"], rtype="preservation")
    _to_producing(runtime, sub.id)
    with runtime.db.transaction() as conn:
        do_produce(conn, request_id=sub.id, out_path=tmp_path / "p.zip", recipient=None, signing_key=KEY,
                   actor=ADMIN)
    with runtime.db.read() as conn:
        report = transparency_report(conn, now.date(), now.date()).to_json()
        before = transparency_report(conn, date(2020, 1, 1), date(2020, 12, 31)).to_json()
    by = {r["type"]: r for r in report["requests_by_type"]}
    assert by["subpoena"] == {**by["subpoena"], "requests": 1, "accounts_specified": 2,
                              "percent_with_data_produced": 100.0}
    assert report["preservation_requests"] == 1
    actioned = report["posts_actioned_by_category"]
    assert actioned.get("escort") == 1 and "massage" not in actioned
    assert before["requests_total"] == 0


def test_transparency_counts_production_cybertips_only(runtime: Runtime) -> None:
    import adwarden.reporting.service  # noqa: F401 - declares the reporting audit events
    from adwarden.audit.events import AUDIT_EVENTS
    from adwarden.audit.log import append_event

    assert "report-filed" in AUDIT_EVENTS
    with runtime.db.transaction() as conn:
        for env in ("production", "production", "test"):
            append_event(conn, name="report-filed", actor="t", subject_type="case", subject_id="c-1",
                         payload={"environment": env, "ncmec_report_id": 1})
    today = datetime.now(UTC).date()
    with runtime.db.read() as conn:
        assert transparency_report(conn, today, today).cybertip_reports == 2
        assert transparency_report(conn, today - timedelta(days=9), today - timedelta(days=1)).cybertip_reports == 0


def test_nondisclosure_blocks_user_notice_while_it_runs(runtime: Runtime) -> None:
    from adwarden.legal.model import NonDisclosure
    from adwarden.legal.service import notice_blocked_by

    a1, b1 = store(runtime, ad("a1", account="u-1"), ad("b1", phone="206-555-0199", account="u-2"))
    today = datetime.now(UTC).date()
    req = _intake(runtime, ["phone:+12065550147"], nondisclosure=NonDisclosure(today + timedelta(days=30)))
    with runtime.db.read() as conn:
        assert notice_blocked_by(conn, post_id=a1) == [req.id]
        assert notice_blocked_by(conn, account_id="example-classifieds:u-1") == [req.id]
        assert notice_blocked_by(conn, post_id=b1) == []
        assert notice_blocked_by(conn, post_id=a1, today=today + timedelta(days=31)) == []


def test_package_of_a_rolled_back_production_is_removed(runtime: Runtime, tmp_path: Path) -> None:
    """A package exists on disk only while its production is logged: when the transaction that logged it
    rolls back afterwards, the file goes too, and the request is still producing."""
    store(runtime, ad("a1"))
    req = _intake(runtime, ["phone:+12065550147"])
    _to_producing(runtime, req.id)
    out = tmp_path / "rolled-back.zip"
    with pytest.raises(RuntimeError), runtime.db.transaction() as conn:
        do_produce(conn, request_id=req.id, out_path=out, recipient=None, signing_key=KEY, actor=LIAISON)
        assert out.is_file()
        raise RuntimeError("the caller failed after do_produce")
    assert not out.exists()
    with runtime.db.read() as conn:
        assert get_request(conn, req.id).status is RequestStatus.PRODUCING
        assert request_details(conn, req.id)["productions"] == []


def test_transparency_counts_enforcement_not_every_review_decision(runtime: Runtime) -> None:
    """A reviewer's "not-violating" (allow) or an escalation is a decision but not an action taken against a post;
    only decisions whose action enforces something are "posts actioned"."""
    from adwarden.review.cases import open_case
    from adwarden.review.decisions import record_decision

    removed, allowed, escalated = store(runtime, ad("r1", category="escort"), ad("r2", category="massage"),
                                        ad("r3", category="dating"))
    now = datetime.now(UTC)
    with runtime.db.transaction() as conn:
        case_ids = [open_case(conn, post_id=pid, queue="general", priority=1, risk=50.0, actor="test",
                              trigger="test", now=now) for pid in (removed, allowed, escalated)]
    policy = runtime.screener.policy
    record_decision(runtime.db, case_ids[0], "violating-trafficking", actor=MODERATOR, policy=policy)
    record_decision(runtime.db, case_ids[1], "not-violating", actor=MODERATOR, policy=policy)
    record_decision(runtime.db, case_ids[2], None, "escalate-child-safety", actor=MODERATOR, policy=policy)
    with runtime.db.read() as conn:
        report = transparency_report(conn, now.date(), now.date()).to_json()
    assert report["posts_actioned_by_category"] == {"escort": 1}
    assert report["posts_actioned_total"] == 1
