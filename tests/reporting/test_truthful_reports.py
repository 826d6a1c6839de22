"""What we tell police is true: the incident time says what it is, and each person is reported once."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime

from adwarden.domain import PostInput
from adwarden.reporting.casebuild import build_case_report_conn
from adwarden.reporting.ic3 import IC3Person, complaint_from_case, merge_subjects
from adwarden.reporting.ncmec.build import build_report_xml
from adwarden.runtime import Runtime
from adwarden.storage.sql.queries import open_case_for_post

from .ncmec_cases import possible_minor_escalated
from .storefix import PLATFORM, configured, minor_ad

POSTED = datetime(2026, 2, 20, 18, 30, tzinfo=UTC)


def _report(rt: Runtime, posts: list[PostInput]) -> ET.Element:
    outcomes = rt.ingest(posts, actor=PLATFORM)
    with rt.db.read() as conn:
        case = open_case_for_post(conn, outcomes[0].post_id)
        assert case is not None
        built = build_case_report_conn(conn, case.id, settings=configured(rt.settings))
    return ET.fromstring(build_report_xml(built))


def test_incident_time_is_the_posting_time_when_known(backend_runtime: Runtime) -> None:
    root = _report(backend_runtime, [replace(minor_ad(), posted_at=POSTED)])
    assert root.findtext("incidentSummary/incidentDateTime") == "2026-02-20T18:30:00Z"
    assert "first posted" in (root.findtext("incidentSummary/incidentDateTimeDescription") or "")


def test_incident_time_says_when_it_is_only_the_receipt_time(backend_runtime: Runtime) -> None:
    root = _report(backend_runtime, [replace(minor_ad(), posted_at=None)])
    description = root.findtext("incidentSummary/incidentDateTimeDescription") or ""
    assert "did not report when it was posted" in description and "posted_at" not in description


def test_posts_without_accounts_sharing_a_phone_are_one_reported_person(backend_runtime: Runtime) -> None:
    ads = [replace(minor_ad(f"ad-20{i}"), account=None, body=f"Version {i}: 16 yo, new in town. Call 206-555-0147.",
                   posted_at=POSTED) for i in range(3)]
    root = _report(backend_runtime, ads)
    people = root.findall("personOrUserReported")
    assert len(people) == 1, ET.tostring(root).decode()[:3000]
    phones = [p.text for p in people[0].iter("phone")]
    assert phones.count("2065550147") == 1


def test_ic3_subjects_are_merged() -> None:
    case = possible_minor_escalated()
    [who] = case.reported_people
    case = replace(case, reported_people=(who, who, replace(who, esp_identifier=None, screen_name=None)))
    subjects = complaint_from_case(case).subjects
    assert len(subjects) == 1
    a = IC3Person("Subject", phones=("2065550147",), account_identifiers=("account a-1",))
    b = IC3Person("Subject", phones=("2065550147",), account_identifiers=("account a-2",))
    c = IC3Person("Subject", name="Kiki", phones=("2065550147",), emails=("k@example.com",))
    merged = merge_subjects([a, b, c, a])
    assert [s.account_identifiers for s in merged] == [("account a-1",), ("account a-2",)]
    assert merged[0].emails == ("k@example.com",) and merged[0].name == "Kiki"
