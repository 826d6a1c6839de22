"""Build CyberTipline XML from a :class:`~adwarden.reporting.ncmec.model.ReportCase`.

NCMEC validates every submission against its XSD and answers ``4100 validation failed`` when elements are
out of sequence order (ROOST Coop PR #477 learned this the hard way). So each builder below writes the
children of one XSD type in the schema's own order, and nothing else decides order. Optional values that
are ``None`` or empty are left out rather than written empty, because empty strings can still fail enums
(``state``, ``country``) and add noise for the analyst reading the tip.

These functions are pure: same input, same bytes. Golden files in ``tests/reporting/golden`` pin them.

Example::

    xml = build_report_xml(case)            # b"<?xml version='1.0' encoding='UTF-8'?>\\n<report>..."
    details = build_file_details_xml(case.media[0], report_id=4321, file_id="f-1")
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import UTC, date, datetime

from adwarden.documents.xmltext import replacement_note, xml_safe
from adwarden.reporting.ncmec.model import (
    AccountDisabled,
    Address,
    DeviceId,
    Email,
    EstimatedLocation,
    FileAnnotation,
    IpCaptureEvent,
    LawEnforcement,
    MediaFile,
    Person,
    Phone,
    ReportAnnotations,
    ReportCase,
    ReportedPerson,
    Reporter,
    Victim,
)

# Used when a reviewer ticked "escalate" without a reason: the escalation must not be lost on the wire
# (``missing_requirements`` still asks for a real reason before sending).
DEFAULT_ESCALATION_REASON = "Reviewer escalated: a child may be in imminent danger."


def format_datetime(value: datetime) -> str:
    """``xs:dateTime`` in UTC with a ``Z`` suffix; naive datetimes are written without a zone."""
    if value.tzinfo is None:
        return value.replace(microsecond=0).isoformat()
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _text(parent: ET.Element, tag: str, value: str | int | None) -> ET.Element | None:
    if value is None or value == "":
        return None
    child = ET.SubElement(parent, tag)
    child.text = str(value)
    return child


def _flag(parent: ET.Element, tag: str, value: bool | None) -> None:
    if value is not None:
        ET.SubElement(parent, tag).text = _bool(value)


def _when(parent: ET.Element, tag: str, value: datetime | None) -> None:
    if value is not None:
        ET.SubElement(parent, tag).text = format_datetime(value)


def _attrs(elem: ET.Element, **values: str | bool | datetime | None) -> None:
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, bool):
            elem.set(name, _bool(value))
        elif isinstance(value, datetime):
            elem.set(name, format_datetime(value))
        else:
            elem.set(name, value)


def _phone(parent: ET.Element, phone: Phone) -> None:
    elem = ET.SubElement(parent, "phone")
    _attrs(
        elem,
        type=phone.type.value if phone.type else None,
        verified=phone.verified,
        countryCallingCode=phone.country_calling_code,
        extension=phone.extension,
    )
    elem.text = phone.number


def _email(parent: ET.Element, email: Email, tag: str = "email") -> None:
    elem = ET.SubElement(parent, tag)
    _attrs(elem, type=email.type.value if email.type else None, verified=email.verified)
    elem.text = email.address


def _address(parent: ET.Element, address: Address, tag: str = "address") -> None:
    elem = ET.SubElement(parent, tag)
    _attrs(elem, type=address.type.value if address.type else None)
    _text(elem, "address", address.street)
    _text(elem, "city", address.city)
    _text(elem, "zipCode", address.zip_code)
    _text(elem, "state", address.state)
    _text(elem, "nonUsaState", address.non_usa_state)
    _text(elem, "country", address.country)


def _person(parent: ET.Element, tag: str, person: Person) -> None:
    elem = ET.SubElement(parent, tag)
    _text(elem, "firstName", person.first_name)
    _text(elem, "lastName", person.last_name)
    for phone in person.phones:
        _phone(elem, phone)
    for email in person.emails:
        _email(elem, email)
    for address in person.addresses:
        _address(elem, address)
    _text(elem, "age", person.age)
    if person.date_of_birth is not None:
        _text(elem, "dateOfBirth", _date(person.date_of_birth))


def _date(value: date) -> str:
    return value.isoformat()


def _ip_event(parent: ET.Element, event: IpCaptureEvent) -> None:
    elem = ET.SubElement(parent, "ipCaptureEvent")
    _text(elem, "ipAddress", event.ip_address)
    _text(elem, "eventName", event.event_name.value if event.event_name else None)
    _when(elem, "dateTime", event.date_time)
    _flag(elem, "possibleProxy", event.possible_proxy)
    _text(elem, "port", event.port)


def _device(parent: ET.Element, device: DeviceId) -> None:
    elem = ET.SubElement(parent, "deviceId")
    _text(elem, "idType", device.id_type)
    _text(elem, "idValue", device.id_value)
    _text(elem, "eventName", device.event_name.value if device.event_name else None)
    _when(elem, "dateTime", device.date_time)


def _disabled(parent: ET.Element, tag: str, info: AccountDisabled, *, temporary: bool) -> None:
    elem = ET.SubElement(parent, tag)
    _attrs(
        elem,
        disabledDate=info.disabled_date,
        userNotified=info.user_notified,
        userNotifiedDate=info.user_notified_date,
        reenabledDate=info.reenabled_date if temporary else None,
    )
    elem.text = "true"


def _location(parent: ET.Element, location: EstimatedLocation) -> None:
    elem = ET.SubElement(parent, "estimatedLocation")
    _attrs(elem, verified=location.verified, timestamp=location.timestamp)
    _text(elem, "city", location.city)
    _text(elem, "region", location.region)
    _text(elem, "countryCode", location.country_code)


def _many(parent: ET.Element, tag: str, values: Iterable[str | int]) -> None:
    for value in values:
        _text(parent, tag, value)


def _incident_summary(root: ET.Element, case: ReportCase) -> None:
    summary = ET.SubElement(root, "incidentSummary")
    _text(summary, "incidentType", case.incident_type.value)
    _text(summary, "platform", case.platform)
    if case.escalate:
        _text(summary, "escalateToHighPriority", case.escalation_reason or DEFAULT_ESCALATION_REASON)
    if not case.annotations.is_empty():
        _annotations(summary, case.annotations)
    _text(summary, "incidentDateTime", format_datetime(case.incident_datetime))
    _text(summary, "incidentDateTimeDescription", case.incident_datetime_description)


def _annotations(parent: ET.Element, notes: ReportAnnotations) -> None:
    elem = ET.SubElement(parent, "reportAnnotations")
    # Each annotation is fixed to "true" in the XSD: present means yes, absent means no.
    for tag, on in (
        ("sextortion", notes.sextortion),
        ("csamSolicitation", notes.csam_solicitation),
        ("minorToMinorInteraction", notes.minor_to_minor_interaction),
        ("spam", notes.spam),
        ("sadisticOnlineExploitation", notes.sadistic_online_exploitation),
    ):
        if on:
            ET.SubElement(elem, tag).text = "true"


def _internet_details(root: ET.Element, case: ReportCase) -> None:
    if not case.web_page_urls and not case.web_page_additional_info:
        return
    details = ET.SubElement(root, "internetDetails")
    incident = ET.SubElement(details, "webPageIncident")
    _attrs(incident, thirdPartyHostedContent=case.third_party_hosted_content)
    _many(incident, "url", case.web_page_urls)
    _text(incident, "additionalInfo", case.web_page_additional_info)


def _law_enforcement(root: ET.Element, le: LawEnforcement) -> None:
    elem = ET.SubElement(root, "lawEnforcement")
    _text(elem, "agencyName", le.agency_name)
    _text(elem, "caseNumber", le.case_number)
    _flag(elem, "reportedToLe", le.reported_to_le)


def _reporter(root: ET.Element, reporter: Reporter) -> None:
    elem = ET.SubElement(root, "reporter")
    _person(
        elem,
        "reportingPerson",
        Person(
            first_name=reporter.first_name,
            last_name=reporter.last_name,
            phones=(Phone(reporter.phone),) if reporter.phone else (),
            emails=(Email(reporter.email),) if reporter.email else (),
        ),
    )
    if reporter.contact is not None:
        # A contact person is a person without addresses or age: the same children, in the same order.
        _person(elem, "contactPerson", reporter.contact.person())
    template = "\n".join(t for t in (reporter.company_name, reporter.company_template) if t)
    _text(elem, "companyTemplate", template or None)
    _text(elem, "termsOfService", reporter.terms_of_service)
    _text(elem, "legalURL", reporter.legal_url)


def _reported_person(root: ET.Element, who: ReportedPerson) -> None:
    elem = ET.SubElement(root, "personOrUserReported")
    person = who.person()
    if not person.is_empty():
        _person(elem, "personOrUserReportedPerson", person)
    _text(elem, "espIdentifier", who.esp_identifier)
    _text(elem, "espService", who.esp_service)
    _text(elem, "screenName", who.screen_name)
    _many(elem, "displayName", who.display_names)
    _many(elem, "profileUrl", who.profile_urls)
    _text(elem, "profileBio", who.profile_bio)
    for event in who.ip_capture_events:
        _ip_event(elem, event)
    for device in who.device_ids:
        _device(elem, device)
    _many(elem, "priorCTReports", who.prior_ct_reports)
    _text(elem, "groupIdentifier", who.group_identifier)
    if who.account_temporarily_disabled is not None:
        _disabled(elem, "accountTemporarilyDisabled", who.account_temporarily_disabled, temporary=True)
    if who.account_permanently_disabled is not None:
        _disabled(elem, "accountPermanentlyDisabled", who.account_permanently_disabled, temporary=False)
    if who.estimated_location is not None:
        _location(elem, who.estimated_location)
    _text(elem, "additionalInfo", who.additional_info)


def _victim(root: ET.Element, victim: Victim) -> None:
    elem = ET.SubElement(root, "victim")
    _person(elem, "victimPerson", victim.person())
    _text(elem, "espIdentifier", victim.esp_identifier)
    _text(elem, "screenName", victim.screen_name)
    _many(elem, "displayName", victim.display_names)
    _many(elem, "profileUrl", victim.profile_urls)
    _text(elem, "schoolName", victim.school_name)
    if victim.estimated_location is not None:
        _location(elem, victim.estimated_location)
    _text(elem, "additionalInfo", victim.additional_info)


def _make_xml_safe(root: ET.Element) -> None:
    """Replace every character XML 1.0 cannot carry, in every text and attribute, and say so in the document.

    Done once over the finished tree rather than field by field, so no field a future builder adds can
    forget it: an ad with U+FFFF in its text must not be able to make its own report invalid.
    """
    replaced = 0
    for elem in root.iter():
        if elem.text:
            elem.text, n = xml_safe(elem.text)
            replaced += n
        for name, value in elem.attrib.items():
            elem.attrib[name], n = xml_safe(value)
            replaced += n
    if not replaced:
        return
    note = replacement_note(replaced)
    # ``additionalInfo`` is the last child of both <report> (single) and <fileDetails> (repeated).
    last = root.find("additionalInfo") if root.tag == "report" else None
    if last is None:
        ET.SubElement(root, "additionalInfo").text = note
    else:
        last.text = f"{last.text}\n\n{note}" if last.text else note


def _serialize(root: ET.Element) -> bytes:
    _make_xml_safe(root)
    ET.indent(root, space="  ")
    data: bytes = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    return data + b"\n"


def build_report_xml(case: ReportCase) -> bytes:
    """The CyberTipline ``<report>`` for ``case``, in XSD sequence order, UTF-8 encoded.

    Text-only cases (no media) are ordinary reports: media travel separately through ``/upload`` and
    ``/fileinfo``, so nothing in ``<report>`` depends on them.
    """
    root = ET.Element("report")
    _incident_summary(root, case)
    _internet_details(root, case)
    if case.law_enforcement is not None:
        _law_enforcement(root, case.law_enforcement)
    _reporter(root, case.reporter)
    for who in case.reported_people:
        _reported_person(root, who)
    for victim in case.victims:
        _victim(root, victim)
    _text(root, "additionalInfo", case.additional_info)
    return _serialize(root)


def build_file_details_xml(media: MediaFile, *, report_id: int, file_id: str) -> bytes:
    """The ``<fileDetails>`` sent to ``/fileinfo`` after ``media`` was uploaded as ``file_id``."""
    root = ET.Element("fileDetails")
    _text(root, "reportId", report_id)
    _text(root, "fileId", file_id)
    _text(root, "fileName", media.file_name)
    _text(root, "originalFileName", media.original_file_name)
    _when(root, "uploadedToEspTimestamp", media.uploaded_to_esp_timestamp)
    _text(root, "locationOfFile", media.location_of_file)
    _flag(root, "fileViewedByEsp", media.file_viewed_by_esp)
    _flag(root, "exifViewedByEsp", media.exif_viewed_by_esp)
    _flag(root, "publiclyAvailable", media.publicly_available)
    _text(root, "fileRelevance", media.file_relevance.value if media.file_relevance else None)
    if media.annotations:
        notes = ET.SubElement(root, "fileAnnotations")
        for annotation in FileAnnotation:  # schema order, whatever order the set iterates in
            if annotation in media.annotations:
                ET.SubElement(notes, annotation.value).text = "true"
    _text(
        root,
        "industryClassification",
        media.industry_classification.value if media.industry_classification else None,
    )
    for file_hash in media.original_file_hashes:
        elem = ET.SubElement(root, "originalFileHash")
        elem.set("hashType", file_hash.hash_type)
        elem.text = file_hash.value
    if media.ip_capture_event is not None:
        _ip_event(root, media.ip_capture_event)
    _many(root, "additionalInfo", media.additional_info)
    return _serialize(root)
