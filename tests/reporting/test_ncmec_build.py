"""Golden-file tests for the CyberTipline XML builder.

Regenerate the golden files after an intended change with ``ADWARDEN_WRITE_GOLDEN=1 pytest tests/reporting``
and review the diff.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from adwarden.reporting.ncmec.build import (
    DEFAULT_ESCALATION_REASON,
    build_file_details_xml,
    build_report_xml,
    format_datetime,
)
from adwarden.reporting.ncmec.model import (
    Address,
    ContactPerson,
    Email,
    EmailType,
    IncidentType,
    Person,
    Phone,
    PhoneType,
    ReportAnnotations,
    ReportCase,
    ReportedPerson,
    Victim,
)
from adwarden.reporting.ncmec.validate import load_schema, validate_file_details_xml, validate_report_xml

from .ncmec_cases import (
    GOLDEN_CASES,
    REPORTER,
    ad_with_images,
    possible_minor_escalated,
    text_only_trafficking,
)

GOLDEN = Path(__file__).parent / "golden"
WRITE = os.environ.get("ADWARDEN_WRITE_GOLDEN") == "1"


def _check_golden(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if WRITE:
        path.write_bytes(data)
    assert path.exists(), f"{path} missing; run with ADWARDEN_WRITE_GOLDEN=1 to create it"
    assert data.decode("utf-8") == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_report_matches_golden_and_validates(name: str) -> None:
    xml = build_report_xml(GOLDEN_CASES[name]())
    assert validate_report_xml(xml) == []
    _check_golden(f"{name}.xml", xml)


def test_file_details_match_golden_and_validate() -> None:
    case = ad_with_images()
    for i, media in enumerate(case.media, start=1):
        xml = build_file_details_xml(media, report_id=100001, file_id=f"file-{i}")
        assert validate_file_details_xml(xml) == []
        _check_golden(f"ad_with_images.fileDetails.{i}.xml", xml)


def _schema_child_order(parent: str) -> list[str]:
    """The element names of the XSD sequence of ``parent`` (a global element), in schema order."""
    elem = load_schema().elements[parent]
    return [child.local_name for child in elem.type.content.iter_elements()]


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_top_level_elements_follow_the_xsd_sequence(name: str) -> None:
    root = ET.fromstring(build_report_xml(GOLDEN_CASES[name]()))
    order = _schema_child_order("report")
    positions = [order.index(child.tag) for child in root]
    assert positions == sorted(positions)


def test_text_only_case_is_a_complete_report() -> None:
    root = ET.fromstring(build_report_xml(text_only_trafficking()))
    assert root.findtext("incidentSummary/incidentType") == "Child Sex Trafficking"
    assert root.findtext("internetDetails/webPageIncident/url") == "https://classifieds.example.com/ads/1001"
    person = root.find("personOrUserReported")
    assert person is not None
    assert person.findtext("personOrUserReportedPerson/email") == "sunny.bookings@example.com"
    assert person.findtext("ipCaptureEvent/eventName") == "Upload"
    assert person.findtext("ipCaptureEvent/port") == "51522"
    assert root.findtext("reporter/reportingPerson/email") == "child-safety@example.com"
    assert root.findtext("reporter/companyTemplate", "").startswith("Example Classifieds Inc.\n")


def test_escalation_reason_goes_in_escalate_to_high_priority() -> None:
    root = ET.fromstring(build_report_xml(possible_minor_escalated()))
    assert root.findtext("incidentSummary/escalateToHighPriority", "").startswith("Ad states")
    assert root.findtext("victim/victimPerson/age") == "16"
    # Unescalated reports carry no escalateToHighPriority at all: its presence is what escalates.
    assert ET.fromstring(build_report_xml(text_only_trafficking())).find("incidentSummary/escalateToHighPriority") is None


def test_escalation_without_reason_is_not_lost() -> None:
    case = replace(text_only_trafficking(), escalate=True, escalation_reason=None)
    root = ET.fromstring(build_report_xml(case))
    assert root.findtext("incidentSummary/escalateToHighPriority") == DEFAULT_ESCALATION_REASON


@pytest.mark.parametrize("incident_type", list(IncidentType))
def test_every_incident_type_validates(incident_type: IncidentType) -> None:
    xml = build_report_xml(replace(text_only_trafficking(), incident_type=incident_type))
    assert validate_report_xml(xml) == []
    assert ET.fromstring(xml).findtext("incidentSummary/incidentType") == incident_type.value


def test_annotations_are_presence_flags() -> None:
    case = replace(text_only_trafficking(), annotations=ReportAnnotations(spam=False, csam_solicitation=True))
    xml = build_report_xml(case)
    assert validate_report_xml(xml) == []
    notes = ET.fromstring(xml).find("incidentSummary/reportAnnotations")
    assert notes is not None and [c.tag for c in notes] == ["csamSolicitation"]


def test_datetimes_are_written_in_utc() -> None:
    pacific = timezone(timedelta(hours=-8))
    assert format_datetime(datetime(2026, 3, 1, 6, 5, 7, 999, tzinfo=pacific)) == "2026-03-01T14:05:07Z"
    assert format_datetime(datetime(2026, 3, 1, 6, 5)) == "2026-03-01T06:05:00"


def test_minimal_case_validates_and_is_deterministic() -> None:
    case = ReportCase(case_id="c", incident_datetime=datetime(2026, 1, 1, tzinfo=UTC), reporter=REPORTER)
    first, second = build_report_xml(case), build_report_xml(case)
    assert first == second
    assert validate_report_xml(first) == []


def test_markup_in_free_text_is_escaped() -> None:
    case = replace(text_only_trafficking(), additional_info="<script>&</script>")
    xml = build_report_xml(case)
    assert b"&lt;script&gt;&amp;&lt;/script&gt;" in xml
    assert ET.fromstring(xml).findtext("additionalInfo") == "<script>&</script>"


def test_contact_person_is_written_as_the_xsd_contact_person_and_validates() -> None:
    contact = ContactPerson(first_name="Robin", last_name="Ames", phones=(Phone("2065550143", PhoneType.WORK),),
                            emails=(Email("robin.ames@example.com", EmailType.WORK),))
    case = replace(text_only_trafficking(), reporter=replace(REPORTER, contact=contact))
    xml = build_report_xml(case)
    assert validate_report_xml(xml) == []
    elem = ET.fromstring(xml).find("reporter/contactPerson")
    assert elem is not None
    assert [(child.tag, child.text) for child in elem] == [
        ("firstName", "Robin"), ("lastName", "Ames"), ("phone", "2065550143"), ("email", "robin.ames@example.com")]
    phone = elem.find("phone")
    assert phone is not None and phone.get("type") == "Work"


def test_person_part_of_each_record_carries_every_person_field_it_has() -> None:
    phone, email = Phone("2065550111"), Email("pat@example.com")
    address = Address(city="Seattle", state="WA", country="US")
    who = ReportedPerson(first_name="Pat", last_name="Lee", phones=(phone,), emails=(email,), addresses=(address,),
                         screen_name="pat_l")
    assert who.person() == Person(first_name="Pat", last_name="Lee", phones=(phone,), emails=(email,),
                                  addresses=(address,))
    victim = Victim(first_name="Kim", age=16, date_of_birth=date(2010, 5, 1), phones=(phone,), school_name="X High")
    assert victim.person() == Person(first_name="Kim", age=16, date_of_birth=date(2010, 5, 1), phones=(phone,))
    assert ContactPerson(last_name="Ames", emails=(email,)).person() == Person(last_name="Ames", emails=(email,))
