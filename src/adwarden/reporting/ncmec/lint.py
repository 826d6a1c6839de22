"""What is missing from a report, and what makes it hard for police to act on.

Two different questions, answered before any network call:

* :func:`missing_requirements` — what NCMEC *requires* (or rejects in practice) that the case lacks. A
  non-empty list blocks submission. It returns the whole list at once, including every XSD problem of the
  built XML, so a reviewer fixes everything in one pass.
* :func:`lint_report_xml` / :func:`lint_case` — quality warnings. The Stanford Internet Observatory (2024)
  found many tips "non-actionable" because they lack an offender e-mail, IP or location, ignore known
  victim information, or duplicate an earlier tip. Warnings do not block; they are shown to the reviewer.

Example::

    problems = missing_requirements(case)
    if problems:
        raise InputError("; ".join(problems), record=case.case_id)
    for w in lint_case(case, prior_fingerprints=fingerprints_already_filed):
        print(w.code, w.message)
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from adwarden.reporting.ncmec.build import build_report_xml
from adwarden.reporting.ncmec.model import ReportCase
from adwarden.reporting.ncmec.validate import (
    BUNDLED_XSD,
    XMLSyntaxProblem,
    parse_with_lines,
    validate_report_xml,
)

_CALLING_CODE = re.compile(r"\+[0-9]{1,3}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _datetimes(case: ReportCase) -> Iterator[tuple[str, datetime | None]]:
    yield "incident_datetime", case.incident_datetime
    for i, who in enumerate(case.reported_people):
        for j, ev in enumerate(who.ip_capture_events):
            yield f"reported_people[{i}].ip_capture_events[{j}].date_time", ev.date_time
        for j, dev in enumerate(who.device_ids):
            yield f"reported_people[{i}].device_ids[{j}].date_time", dev.date_time
        for name, info in (
            ("account_temporarily_disabled", who.account_temporarily_disabled),
            ("account_permanently_disabled", who.account_permanently_disabled),
        ):
            if info is not None:
                yield f"reported_people[{i}].{name}.disabled_date", info.disabled_date
                yield f"reported_people[{i}].{name}.user_notified_date", info.user_notified_date
                yield f"reported_people[{i}].{name}.reenabled_date", info.reenabled_date
        if who.estimated_location is not None:
            yield f"reported_people[{i}].estimated_location.timestamp", who.estimated_location.timestamp
    for i, media in enumerate(case.media):
        yield f"media[{i}].uploaded_to_esp_timestamp", media.uploaded_to_esp_timestamp
        if media.ip_capture_event is not None:
            yield f"media[{i}].ip_capture_event.date_time", media.ip_capture_event.date_time


def missing_requirements(case: ReportCase, *, xsd: Path = BUNDLED_XSD) -> list[str]:
    """Every reason ``case`` cannot be filed yet, as human-readable strings (empty when it can).

    Checks what the XSD cannot express (reporter e-mail, at least one incident detail, an escalation
    reason, timezone-aware times, media with a source) and then validates the built XML against the XSD.
    """
    missing: list[str] = []
    if not case.case_id.strip():
        missing.append("case_id: a case id is required")
    reporter = case.reporter
    if not (reporter.first_name or reporter.last_name):
        missing.append("reporter: the reporting person's name is required (ADWARDEN_REPORTER_FIRST_NAME/LAST_NAME)")
    if not reporter.email:
        missing.append(
            "reporter.email: NCMEC rejects reports without the reporting person's e-mail as incomplete "
            "(ADWARDEN_REPORTER_EMAIL)"
        )
    elif not _EMAIL.fullmatch(reporter.email):
        missing.append(f"reporter.email: {reporter.email!r} is not an e-mail address")
    if not case.web_page_urls:
        missing.append("web_page_urls: at least one URL of the reported content is required (internetDetails)")
    for i, url in enumerate(case.web_page_urls):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            missing.append(f"web_page_urls[{i}]: {url!r} is not an absolute http(s) URL")
    if case.escalate and not (case.escalation_reason or "").strip():
        missing.append("escalation_reason: an escalated report must say why a child may be in imminent danger")
    for where, value in _datetimes(case):
        if value is not None and value.tzinfo is None:
            missing.append(f"{where}: datetime must be timezone-aware (got naive {value.isoformat()})")
    for i, who in enumerate(case.reported_people):
        for j, email in enumerate(who.emails):
            if not _EMAIL.fullmatch(email.address):
                missing.append(f"reported_people[{i}].emails[{j}]: {email.address!r} is not an e-mail address")
        for j, phone in enumerate(who.phones):
            if phone.country_calling_code and not _CALLING_CODE.fullmatch(phone.country_calling_code):
                missing.append(
                    f"reported_people[{i}].phones[{j}].country_calling_code: "
                    f"{phone.country_calling_code!r} must look like '+1'"
                )
        for j, ev in enumerate(who.ip_capture_events):
            if ev.port is not None and not 0 <= ev.port <= 65535:
                missing.append(f"reported_people[{i}].ip_capture_events[{j}].port: {ev.port} is not a port")
    for i, victim in enumerate(case.victims):
        if victim.person().is_empty():
            missing.append(
                f"victims[{i}]: a victim needs at least a name, an age, a date of birth, a phone or an e-mail"
            )
        if victim.age is not None and not 0 <= victim.age <= 120:
            missing.append(f"victims[{i}].age: {victim.age} is not an age")
    keys: set[str] = set()
    for i, media in enumerate(case.media):
        if not media.file_name.strip():
            missing.append(f"media[{i}].file_name: a file name is required")
        if not media.source.strip():
            missing.append(f"media[{i}].source: where to read the file from is required")
        if media.key in keys:
            missing.append(f"media[{i}].key: {media.key!r} is used twice")
        keys.add(media.key)
    if case.law_enforcement is not None and not case.law_enforcement.agency_name.strip():
        missing.append("law_enforcement.agency_name: required when law enforcement is named")
    missing.extend(f"XSD: {p}" for p in validate_report_xml(build_report_xml(case), xsd=xsd))
    return missing


@dataclass(frozen=True)
class LintWarning:
    """A reason a report may be non-actionable. ``code`` is stable (for tests, suppression, metrics)."""

    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def _texts(root: ET.Element, path: str) -> list[str]:
    return [(e.text or "").strip() for e in root.iterfind(path) if (e.text or "").strip()]


def report_fingerprint(xml: bytes) -> str:
    """A content hash that is equal for two reports about the same content and the same accounts.

    It covers the incident type, the reported URLs and the reported users' identifiers (ids, screen names,
    e-mails, phones) — not the free text, times or reporter, which change between otherwise identical
    drafts. Two drafts with the same fingerprint would make NCMEC analysts read the same tip twice.
    """
    root = parse_with_lines(xml).root
    parts = ["type=" + "|".join(_texts(root, "incidentSummary/incidentType"))]
    parts += sorted("url=" + u for u in _texts(root, "internetDetails/webPageIncident/url"))
    ids: list[str] = []
    for who in root.iterfind("personOrUserReported"):
        ids += ["esp=" + v for v in _texts(who, "espIdentifier")]
        ids += ["screen=" + v.lower() for v in _texts(who, "screenName")]
        ids += ["email=" + v.lower() for v in _texts(who, "personOrUserReportedPerson/email")]
        ids += ["phone=" + re.sub(r"\D", "", v) for v in _texts(who, "personOrUserReportedPerson/phone")]
    parts += sorted(set(ids))
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def lint_report_xml(
    xml: bytes,
    *,
    prior_fingerprints: Collection[str] = (),
    victim_hints: Collection[str] = (),
    media_has_ip: bool = False,
) -> list[LintWarning]:
    """Quality warnings for a ``<report>`` document.

    ``victim_hints`` are facts from the case that point at a victim (the XML alone cannot know them);
    ``media_has_ip`` says an upload IP travels with a file's ``fileDetails`` instead of the report.
    """
    try:
        root = parse_with_lines(xml).root
    except XMLSyntaxProblem as exc:
        return [LintWarning("malformed", str(exc))]
    warnings: list[LintWarning] = []
    people = list(root.iterfind("personOrUserReported"))
    if not _texts(root, "internetDetails/webPageIncident/url"):
        warnings.append(LintWarning("no-url", "no URL of the reported content; analysts cannot find it"))
    if not people:
        warnings.append(LintWarning("no-reported-user", "no reported person or account"))
    if not any(_texts(p, "personOrUserReportedPerson/email") for p in people):
        warnings.append(
            LintWarning("no-email", "no e-mail address for the reported user; NCMEC may treat the tip as incomplete")
        )
    if not media_has_ip and not any(_texts(p, "ipCaptureEvent/ipAddress") for p in people):
        warnings.append(
            LintWarning("no-ip", "no IP address; without one the tip cannot be routed to a jurisdiction")
        )
    has_location = any(
        p.find("estimatedLocation") is not None or p.find("personOrUserReportedPerson/address") is not None
        for p in people
    )
    if not has_location:
        warnings.append(
            LintWarning("no-location", "no estimated location or address for the reported user")
        )
    if victim_hints and root.find("victim") is None:
        warnings.append(
            LintWarning(
                "victim-info-missing",
                "the case has information about a possible victim but the report has no <victim>: "
                + "; ".join(victim_hints),
            )
        )
    fingerprint = report_fingerprint(xml)
    if fingerprint in prior_fingerprints:
        warnings.append(
            LintWarning("duplicate", f"same content and accounts as an earlier report (fingerprint {fingerprint[:12]})")
        )
    return warnings


def lint_case(case: ReportCase, *, prior_fingerprints: Collection[str] = ()) -> list[LintWarning]:
    """:func:`lint_report_xml` for the report built from ``case``, with the case's victim hints."""
    return lint_report_xml(
        build_report_xml(case),
        prior_fingerprints=prior_fingerprints,
        victim_hints=case.victim_hints,
        media_has_ip=any(m.ip_capture_event is not None for m in case.media),
    )
