"""Representative synthetic cases for the CyberTipline builder (golden files in ./golden).

All data is made up: example.com domains, the fictional 555-01xx phone range, documentation IP ranges
(RFC 5737), invented names. Nothing here comes from ../shared/data.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from adwarden.reporting.ncmec.model import (
    AccountDisabled,
    Email,
    EmailType,
    EstimatedLocation,
    FileAnnotation,
    FileHash,
    FileRelevance,
    IncidentType,
    IpCaptureEvent,
    IpEventName,
    MediaFile,
    Phone,
    PhoneType,
    ReportCase,
    ReportedPerson,
    Reporter,
    Victim,
)

REPORTER = Reporter(
    first_name="Dana",
    last_name="Reyes",
    email="child-safety@example.com",
    phone="+1 206 555 0100",
    company_name="Example Classifieds Inc.",
    company_template="Legal process: legal@example.com. Data is preserved for one year after a report.",
    terms_of_service="https://classifieds.example.com/terms",
    legal_url="https://classifieds.example.com/legal",
)

T0 = datetime(2026, 3, 1, 14, 5, tzinfo=UTC)


def text_only_trafficking() -> ReportCase:
    return ReportCase(
        case_id="case-text-1",
        incident_datetime=T0,
        reporter=REPORTER,
        platform="Example Classifieds",
        web_page_urls=("https://classifieds.example.com/ads/1001",),
        reported_people=(
            ReportedPerson(
                esp_identifier="acct-7001",
                esp_service="Example Classifieds adult services section",
                screen_name="sunny_new_in_town",
                display_names=("Sunny",),
                profile_urls=("https://classifieds.example.com/u/acct-7001",),
                emails=(Email("sunny.bookings@example.com", type=EmailType.HOME),),
                phones=(Phone("2065550147", type=PhoneType.MOBILE, country_calling_code="+1"),),
                ip_capture_events=(
                    IpCaptureEvent("198.51.100.23", IpEventName.UPLOAD, datetime(2026, 3, 1, 13, 58, tzinfo=UTC), port=51522),
                ),
                estimated_location=EstimatedLocation(city="Seattle", region="WA", country_code="US"),
            ),
        ),
        additional_info=(
            "Ad text matched trafficking indicators: third-party control ('my girls'), new-in-town "
            "movement, price per half hour. Reviewer decision: report."
        ),
    )


def ad_with_images(tmp: Path | None = None) -> ReportCase:
    base = text_only_trafficking()
    media = tuple(
        MediaFile(
            key=f"img-{i}",
            file_name=f"ad1002-{i}.png",
            source=str((tmp or Path("/nonexistent")) / f"ad1002-{i}.png"),
            original_file_name=f"IMG_00{i}.png",
            uploaded_to_esp_timestamp=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
            location_of_file=f"https://img.classifieds.example.com/1002/{i}.png",
            file_viewed_by_esp=True,
            exif_viewed_by_esp=False,
            publicly_available=True,
            file_relevance=FileRelevance.REPORTED,
            annotations=frozenset({FileAnnotation.POSSIBLE_SELF_PRODUCTION}) if i == 1 else frozenset(),
            original_file_hashes=(FileHash("MD5", f"{i:032x}"),),
            ip_capture_event=IpCaptureEvent("198.51.100.23", IpEventName.UPLOAD, datetime(2026, 3, 2, 9, 0, tzinfo=UTC)),
        )
        for i in (1, 2)
    )
    return ReportCase(
        case_id="case-images-2",
        incident_datetime=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        reporter=REPORTER,
        web_page_urls=("https://classifieds.example.com/ads/1002",),
        reported_people=base.reported_people,
        additional_info="Ad with two photos; reviewer viewed both (blurred first).",
        media=media,
    )


def network_of_ads() -> ReportCase:
    people = tuple(
        ReportedPerson(
            esp_identifier=f"acct-80{i}",
            screen_name=f"poster_{i}",
            phones=(Phone("2065550123", type=PhoneType.MOBILE, country_calling_code="+1"),),
            emails=(Email(f"poster{i}@example.com"),),
            ip_capture_events=(IpCaptureEvent("203.0.113.9", IpEventName.LOGIN, datetime(2026, 2, 20 + i, tzinfo=UTC)),),
            prior_ct_reports=(123456,) if i == 1 else (),
            group_identifier="adwarden-network-n-42 (3 accounts sharing phone +1 206 555 0123)",
            account_permanently_disabled=AccountDisabled(
                disabled_date=datetime(2026, 3, 3, tzinfo=UTC), user_notified=False
            ),
            estimated_location=EstimatedLocation(city=city, region=region, country_code="US"),
        )
        for i, (city, region) in enumerate((("Seattle", "WA"), ("Portland", "OR"), ("Boise", "ID")), start=1)
    )
    return ReportCase(
        case_id="case-network-3",
        incident_datetime=datetime(2026, 2, 21, tzinfo=UTC),
        incident_datetime_description="First ad of the network; the last was posted 2026-03-02.",
        reporter=REPORTER,
        web_page_urls=tuple(f"https://classifieds.example.com/ads/{n}" for n in (2001, 2002, 2003, 2004)),
        reported_people=people,
        additional_info="Network n-42: 4 ads, 3 accounts, one shared phone, near-duplicate template, moving WA -> OR -> ID.",
    )


def possible_minor_escalated() -> ReportCase:
    base = text_only_trafficking()
    return ReportCase(
        case_id="case-minor-4",
        incident_datetime=T0,
        reporter=REPORTER,
        incident_type=IncidentType.CHILD_SEX_TRAFFICKING,
        escalate=True,
        escalation_reason="Ad states the advertised person is 16 and available tonight.",
        web_page_urls=("https://classifieds.example.com/ads/3001",),
        reported_people=base.reported_people,
        victims=(
            Victim(
                first_name="Kiki",
                age=16,
                additional_info="Age as stated in the ad text ('just turned 16'); first name from the ad.",
                estimated_location=EstimatedLocation(city="Tacoma", region="WA", country_code="US"),
            ),
        ),
        victim_hints=("stated age 16",),
        additional_info="Possible minor; reviewer escalated.",
    )


GOLDEN_CASES = {
    "text_only_trafficking": text_only_trafficking,
    "ad_with_images": ad_with_images,
    "network_of_ads": network_of_ads,
    "possible_minor_escalated": possible_minor_escalated,
}
