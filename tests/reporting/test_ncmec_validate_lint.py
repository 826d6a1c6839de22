from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from adwarden.reporting.ncmec.build import build_report_xml
from adwarden.reporting.ncmec.lint import lint_case, lint_report_xml, missing_requirements, report_fingerprint
from adwarden.reporting.ncmec.model import (
    Email,
    EstimatedLocation,
    IpCaptureEvent,
    ReportedPerson,
    Reporter,
    Victim,
)
from adwarden.reporting.ncmec.validate import validate_file_details_xml, validate_report_xml

from .ncmec_cases import (
    REPORTER,
    ad_with_images,
    network_of_ads,
    possible_minor_escalated,
    text_only_trafficking,
)

OUT_OF_ORDER = b"""<?xml version="1.0" encoding="UTF-8"?>
<report>
  <reporter>
    <reportingPerson><email>a@example.com</email></reportingPerson>
  </reporter>
  <incidentSummary>
    <incidentType>Child Sex Trafficking</incidentType>
    <incidentDateTime>yesterday</incidentDateTime>
  </incidentSummary>
</report>
"""


def test_validation_reports_every_error_with_path_and_line() -> None:
    problems = validate_report_xml(OUT_OF_ORDER)
    assert len(problems) >= 2
    by_path = {p.path: p for p in problems}
    assert by_path["/report/incidentSummary/incidentDateTime"].line == 8
    order = by_path["/report"]
    assert order.line == 3  # the <reporter> that came too early
    assert "reporter" in order.message and "incidentSummary" in order.message
    assert str(order).startswith("line 3: /report: ")


def test_bad_enum_value_is_named() -> None:
    xml = build_report_xml(text_only_trafficking()).replace(b"Child Sex Trafficking", b"Human Trafficking")
    [problem] = validate_report_xml(xml)
    assert problem.path == "/report/incidentSummary/incidentType"
    assert problem.line == 4


def test_malformed_xml_and_wrong_root_and_dtd() -> None:
    [p] = validate_report_xml(b"<report>\n<incidentSummary></report>")
    assert p.line == 2 and "malformed" in p.message
    [p] = validate_report_xml(b"<fileDetails/>")
    assert "expected <report>" in p.message
    bomb = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><report>&a;</report>'
    [p] = validate_report_xml(bomb)
    assert "DTD" in p.message
    assert validate_file_details_xml(b"<fileDetails><fileId>x</fileId></fileDetails>")[0].path == "/fileDetails"


def test_missing_requirements_lists_everything_at_once() -> None:
    case = replace(
        text_only_trafficking(),
        case_id=" ",
        reporter=Reporter(company_name="Example Classifieds Inc."),
        web_page_urls=("classifieds.example.com/ads/1",),
        escalate=True,
        escalation_reason="",
        incident_datetime=datetime(2026, 3, 1, 14, 5),
        victims=(Victim(additional_info="someone"),),
        reported_people=(
            ReportedPerson(
                emails=(Email("not-an-email"),),
                ip_capture_events=(IpCaptureEvent("198.51.100.1", port=70000),),
                estimated_location=EstimatedLocation(country_code="Narnia"),
            ),
        ),
    )
    missing = missing_requirements(case)
    text = "\n".join(missing)
    for expected in (
        "case_id:",
        "reporter: the reporting person's name",
        "reporter.email: NCMEC rejects",
        "web_page_urls[0]:",
        "escalation_reason:",
        "incident_datetime: datetime must be timezone-aware",
        "victims[0]: a victim needs",
        "reported_people[0].emails[0]:",
        "reported_people[0].ip_capture_events[0].port",
        "XSD: ",  # port 70000 is not an xs:int? it is; but the naive datetime etc. are checked above
    ):
        assert expected in text, expected
    assert len(missing) >= 10


def test_missing_requirements_empty_for_complete_cases() -> None:
    for case in (text_only_trafficking(), network_of_ads(), possible_minor_escalated(), ad_with_images()):
        assert missing_requirements(case) == []


def test_missing_url_is_required() -> None:
    missing = missing_requirements(replace(text_only_trafficking(), web_page_urls=()))
    assert any(m.startswith("web_page_urls:") for m in missing)


def test_missing_requirements_includes_schema_problems() -> None:
    case = replace(
        text_only_trafficking(),
        reported_people=(ReportedPerson(esp_identifier="x", estimated_location=None, phones=()),),
        reporter=replace(REPORTER, email="child-safety@example.com"),
    )
    assert missing_requirements(case) == []
    bad_country = replace(
        text_only_trafficking(),
        reported_people=(
            replace(
                text_only_trafficking().reported_people[0],
                estimated_location=replace(
                    text_only_trafficking().reported_people[0].estimated_location or _never(), country_code="USA"
                ),
            ),
        ),
    )
    [problem] = missing_requirements(bad_country)
    assert problem.startswith("XSD: line ") and "countryCode" in problem


def _never() -> object:
    raise AssertionError("fixture has a location")


def test_lint_a_good_report_has_no_warnings() -> None:
    assert lint_case(text_only_trafficking()) == []


def test_lint_warns_about_non_actionable_reports() -> None:
    bare = replace(
        text_only_trafficking(),
        web_page_urls=(),
        reported_people=(ReportedPerson(esp_identifier="acct-1"),),
        victim_hints=("stated age 15",),
    )
    codes = {w.code for w in lint_case(bare)}
    assert codes == {"no-url", "no-email", "no-ip", "no-location", "victim-info-missing"}
    nobody = replace(bare, reported_people=())
    assert "no-reported-user" in {w.code for w in lint_case(nobody)}


def test_lint_upload_ip_counts_as_an_ip() -> None:
    case = replace(
        ad_with_images(),
        reported_people=(replace(ad_with_images().reported_people[0], ip_capture_events=()),),
    )
    assert "no-ip" not in {w.code for w in lint_case(case)}
    assert "no-ip" in {w.code for w in lint_report_xml(build_report_xml(case))}


def test_lint_victim_present_means_no_victim_warning() -> None:
    assert "victim-info-missing" not in {w.code for w in lint_case(possible_minor_escalated())}


def test_duplicate_detected_by_content_fingerprint() -> None:
    first = build_report_xml(text_only_trafficking())
    # Same ads and accounts, different wording and time: still the same tip.
    again = build_report_xml(
        replace(text_only_trafficking(), additional_info="re-drafted", incident_datetime=datetime.fromisoformat("2026-03-05T00:00:00+00:00"))
    )
    assert report_fingerprint(first) == report_fingerprint(again)
    warnings = lint_report_xml(again, prior_fingerprints={report_fingerprint(first)})
    assert [w.code for w in warnings] == ["duplicate"]
    other = build_report_xml(network_of_ads())
    assert report_fingerprint(other) != report_fingerprint(first)


def test_lint_malformed_xml() -> None:
    assert [w.code for w in lint_report_xml(b"<report>")] == ["malformed"]
