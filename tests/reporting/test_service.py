"""The reporting service against a real SQLite database and the stand-in NCMEC server over HTTP."""

from __future__ import annotations

import hashlib
import io
import logging
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from adwarden.audit.verify import verify_chain
from adwarden.domain import Conflict, ExternalServiceError, InputError, PermissionDenied
from adwarden.reporting.ncmec.build import build_report_xml
from adwarden.reporting.ncmec.flow import Step
from adwarden.reporting.ncmec.lint import missing_requirements
from adwarden.reporting.ncmec.model import IpEventName
from adwarden.reporting.ncmec.standin import StandinServer
from adwarden.reporting.ncmec.validate import validate_report_xml
from adwarden.reporting.service import (
    build_case_report,
    client_from_settings,
    do_approve_report,
    do_build_ic3_package,
    do_draft_report,
    do_resume_reports,
    do_retract_report,
    do_submit_report,
    get_report,
    list_exchanges,
)
from adwarden.runtime import Runtime
from adwarden.storage.sql.tables import audit_events
from adwarden.storage.sql.tables_legal import hold_items, holds

from .storefix import CHILD_SAFETY, MODERATOR, SECOND, configured, store_case

pytestmark = pytest.mark.timeout(60)


def _events(rt: Runtime) -> list[str]:
    with rt.db.read() as conn:
        return list(conn.execute(select(audit_events.c.name).order_by(audit_events.c.seq)).scalars())


def test_build_case_report_from_storage(runtime: Runtime) -> None:
    stored = store_case(runtime)
    case = build_case_report(runtime.db, stored.case_id, settings=configured(runtime.settings))
    assert case.case_id == stored.case_id
    assert case.web_page_urls == (
        "https://classifieds.example.com/ads/ad-1001",
        "https://classifieds.example.com/ads/ad-1002",
    )
    # Two accounts linked by the shared phone: one network, one groupIdentifier.
    assert {p.esp_identifier for p in case.reported_people} == {"u-71", "u-72"}
    groups = {p.group_identifier for p in case.reported_people}
    assert len(groups) == 1 and "phone +12065550147" in (groups.pop() or "")
    main = next(p for p in case.reported_people if p.esp_identifier == "u-71")
    assert [e.address for e in main.emails] == ["u-71@example.com"]
    assert [(p.country_calling_code, p.number) for p in main.phones] == [("+1", "2065550147")]
    assert main.ip_capture_events[0].ip_address == "198.51.100.23"
    assert main.ip_capture_events[0].event_name is IpEventName.UPLOAD
    assert main.device_ids[0].id_value == "dev-abc"
    assert main.estimated_location is not None and main.estimated_location.city == "Seattle"
    # The stated age becomes a victim block (never silently dropped).
    [victim] = case.victims
    assert victim.age == 16 and "16 yo" in (victim.additional_info or "")
    assert case.additional_info is not None and "Just arrived this week" in case.additional_info
    assert validate_report_xml(build_report_xml(case)) == []
    assert missing_requirements(case) == []


def test_draft_is_permission_checked_and_audited(runtime: Runtime) -> None:
    stored = store_case(runtime)
    settings = configured(runtime.settings)
    with pytest.raises(PermissionDenied):
        do_draft_report(runtime.db, stored.case_id, actor=MODERATOR, settings=settings)
    report = do_draft_report(runtime.db, stored.case_id, actor=CHILD_SAFETY, settings=settings,
                             escalation_reason="Ad states the person is 16.")
    assert report.status == "draft" and report.environment == "test" and report.escalated
    assert report.warnings["missing"] == []
    assert b"<escalateToHighPriority>Ad states the person is 16.</escalateToHighPriority>" in report.report_xml
    assert _events(runtime)[-1] == "report-drafted"


def test_incomplete_draft_is_stored_but_never_sent(runtime: Runtime, standin: StandinServer) -> None:
    stored = store_case(runtime)
    settings = configured(runtime.settings, standin, reporter_email=None, reporter_first_name=None,
                          reporter_last_name=None)
    report = do_draft_report(runtime.db, stored.case_id, actor=CHILD_SAFETY, settings=settings)
    assert len(report.warnings["missing"]) == 2
    with client_from_settings(settings) as client, pytest.raises(InputError) as err:
        do_submit_report(runtime.db, client, report.id, actor=CHILD_SAFETY, settings=settings)
    assert "reporter.email" in str(err.value) and "reporter:" in str(err.value)
    assert standin.state.calls == []


def test_submit_files_the_report_and_places_a_one_year_hold(runtime: Runtime, standin: StandinServer) -> None:
    stored = store_case(runtime)
    settings = configured(runtime.settings, standin)
    report = do_draft_report(runtime.db, stored.case_id, actor=CHILD_SAFETY, settings=settings)
    with client_from_settings(settings) as client:
        filed = do_submit_report(runtime.db, client, report.id, actor=CHILD_SAFETY, settings=settings)
        assert filed.status == "finished" and filed.ncmec_report_id is not None
        [received] = standin.state.reports.values()
        assert received.xml == report.report_xml and received.status == "finished"
        with pytest.raises(Conflict, match="never sent twice"):
            do_submit_report(runtime.db, client, report.id, actor=CHILD_SAFETY, settings=settings)
    assert standin.state.calls == ["submit", "finish"]
    with runtime.db.read() as conn:
        exchanges = list_exchanges(conn, report.id)
        assert [e["endpoint"] for e in exchanges] == ["submit", "finish"]
        assert f"<reportId>{filed.ncmec_report_id}</reportId>" in exchanges[0]["body"]
        hold = conn.execute(select(holds).where(holds.c.id == filed.hold_id)).one()
        assert hold.source == f"cybertip:{filed.ncmec_report_id}"
        assert hold.expires_at - datetime.now(UTC) > timedelta(days=364)
        held = set(conn.execute(select(hold_items.c.item_id).where(hold_items.c.hold_id == hold.id,
                                                                   hold_items.c.item_type == "post")).scalars())
        assert {stored.post_id, stored.linked_post_id} <= held
        assert verify_chain(conn).ok
    names = _events(runtime)
    assert names[-3:] == ["report-submission-started", "hold-placed", "report-filed"]


def test_second_approval_when_required(runtime: Runtime, standin: StandinServer) -> None:
    stored = store_case(runtime)
    settings = configured(runtime.settings, standin, report_requires_second_approval=True)
    report = do_draft_report(runtime.db, stored.case_id, actor=CHILD_SAFETY, settings=settings)
    with client_from_settings(settings) as client:
        with pytest.raises(PermissionDenied, match="second reviewer"):
            do_submit_report(runtime.db, client, report.id, actor=CHILD_SAFETY, settings=settings)
        with pytest.raises(PermissionDenied, match="a second person"):
            do_approve_report(runtime.db, report.id, actor=CHILD_SAFETY)
        with pytest.raises(PermissionDenied):
            do_approve_report(runtime.db, report.id, actor=MODERATOR)
        assert do_approve_report(runtime.db, report.id, actor=SECOND).approved_by == SECOND.name
        assert do_submit_report(runtime.db, client, report.id, actor=CHILD_SAFETY, settings=settings).status == "finished"
    assert standin.state.calls == ["submit", "finish"]


def test_ncmec_error_is_stored_and_the_draft_kept(runtime: Runtime, standin: StandinServer) -> None:
    stored = store_case(runtime)
    settings = configured(runtime.settings, standin)
    report = do_draft_report(runtime.db, stored.case_id, actor=CHILD_SAFETY, settings=settings)
    standin.state.fail_next("code4100", endpoint="submit")
    with client_from_settings(settings) as client:
        with pytest.raises(ExternalServiceError) as err:
            do_submit_report(runtime.db, client, report.id, actor=CHILD_SAFETY, settings=settings)
        assert err.value.code == 4100
        with runtime.db.read() as conn:
            kept = get_report(conn, report.id)
            assert kept.status == "draft" and "4100" in (kept.last_error or "")
            assert "<responseCode>4100</responseCode>" in list_exchanges(conn, report.id)[0]["body"]
        assert _events(runtime)[-1] == "report-submission-failed"
        assert do_submit_report(runtime.db, client, report.id, actor=CHILD_SAFETY, settings=settings).status == "finished"


def test_interrupted_submission_is_resumed_or_retracted(runtime: Runtime, standin: StandinServer) -> None:
    stored = store_case(runtime)
    settings = configured(runtime.settings, standin)
    first = do_draft_report(runtime.db, stored.case_id, actor=CHILD_SAFETY, settings=settings)
    second = do_draft_report(runtime.db, stored.case_id, actor=CHILD_SAFETY, settings=settings)
    standin.state.fail_next("code1000", 4, endpoint="finish")  # 2 attempts each: both stop before finishing
    with client_from_settings(settings) as client:
        for report in (first, second):
            with pytest.raises(ExternalServiceError, match="gave up"):
                do_submit_report(runtime.db, client, report.id, actor=CHILD_SAFETY, settings=settings)
        with runtime.db.read() as conn:
            assert get_report(conn, first.id).state.step is Step.FILEINFO_SENT
        retracted = do_retract_report(runtime.db, client, second.id, actor=CHILD_SAFETY)
        assert retracted.status == "retracted"
        resumed = do_resume_reports(runtime.db, client, actor=CHILD_SAFETY)
    assert [r.id for r in resumed] == [first.id] and resumed[0].status == "finished"
    statuses = sorted(r.status for r in standin.state.reports.values())
    assert statuses == ["finished", "retracted"]
    assert "report-retracted" in _events(runtime)


def test_ic3_package_for_a_case(runtime: Runtime) -> None:
    stored = store_case(runtime)
    data = do_build_ic3_package(runtime.db, stored.case_id, actor=CHILD_SAFETY, settings=configured(runtime.settings))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        assert "evidence/post-ad-1001-v1.txt" in names
        assert b"Just arrived" in z.read("evidence/post-ad-1001-v1.txt")
        assert "206" in z.read("complaint.json").decode()
    assert _events(runtime)[-1] == "ic3-package-built"
    with pytest.raises(PermissionDenied):
        do_build_ic3_package(runtime.db, stored.case_id, actor=MODERATOR, settings=runtime.settings)


def test_environment_is_logged_at_start_up(runtime: Runtime, caplog: pytest.LogCaptureFixture) -> None:
    from adwarden.reporting.ncmec import environment

    prod = runtime.settings.model_copy(update={"ncmec_environment": "production"})
    environment._logged_environment.clear()
    with caplog.at_level(logging.INFO, logger="adwarden.reporting.ncmec.environment"):
        environment.log_environment(prod)
        environment.log_environment(prod)
    [record] = caplog.records  # once per process
    assert record.levelno == logging.WARNING and "report.cybertip.org" in record.getMessage()
    assert client_from_settings(runtime.settings.model_copy(update={"ncmec_username": "u", "ncmec_password": "p"})
                                ).base_url == "https://exttest.cybertip.org/ispws"


def test_media_supplied_by_hash_are_uploaded(runtime: Runtime, standin: StandinServer, tmp_path: Path) -> None:
    from dataclasses import replace as dc_replace

    import numpy as np
    from PIL import Image

    from adwarden.domain import MediaRef
    from adwarden.storage.sql.queries import open_case_for_post

    from .storefix import PLATFORM, minor_ad

    buf = io.BytesIO()
    Image.fromarray(np.random.default_rng(7).integers(0, 255, (16, 16, 3), dtype=np.uint8)).save(buf, "PNG")
    png = buf.getvalue()
    digest = hashlib.sha256(png).hexdigest()
    media_dir = tmp_path / "media"
    media_dir.mkdir()
    (media_dir / digest).write_bytes(png)
    missing_digest = hashlib.sha256(b"not supplied").hexdigest()
    ad = dc_replace(minor_ad("ad-2001"), media=(
        MediaRef(url="https://img.classifieds.example.com/2001/1.png", sha256=digest, md5=hashlib.md5(png).hexdigest()),
        MediaRef(url="https://img.classifieds.example.com/2001/2.png", sha256=missing_digest),
    ))
    [outcome] = runtime.ingest([ad], actor=PLATFORM)
    with runtime.db.read() as conn:
        case = open_case_for_post(conn, outcome.post_id)
    assert case is not None
    settings = configured(runtime.settings, standin)
    report = do_draft_report(runtime.db, case.id, actor=CHILD_SAFETY, settings=settings, media_dir=media_dir)
    [media] = report.case.media
    assert media.location_of_file == "https://img.classifieds.example.com/2001/1.png"
    assert f"sha256 {missing_digest}" in (report.case.additional_info or "")  # listed, not uploaded
    with client_from_settings(settings) as client:
        filed = do_submit_report(runtime.db, client, report.id, actor=CHILD_SAFETY, settings=settings)
    assert filed.status == "finished" and len(filed.state.finished_file_ids) == 1
    assert standin.state.calls == ["submit", "upload", "fileinfo", "finish"]
    [received] = standin.state.reports.values()
    [stored_file] = received.files.values()
    assert stored_file.content == png
    [details] = received.file_details.values()
    assert b'<originalFileHash hashType="SHA256">' + digest.encode() in details
