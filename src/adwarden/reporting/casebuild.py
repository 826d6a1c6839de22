"""Turn a stored case into a :class:`~adwarden.reporting.ncmec.model.ReportCase`.

What goes in, and why:

* **URLs** of every version of the post (and of the linked posts): analysts must find the content.
* **Reported user**: the platform account (id, e-mail, phone, posting IP, device id) plus the phones and
  e-mails written in the ad, which are how the advertiser is reached; handles and payment handles go in its
  ``additionalInfo``. The posting IP becomes an ``ipCaptureEvent`` named ``Upload`` with the posting time.
* **Location**: the ad's stated city (extracted), as ``estimatedLocation`` (not verified).
* **Victim**: a stated age under 18 becomes a ``<victim>`` with that age and how it was found, so
  information the case has is never left out (ROOST Coop #846).
* **Network**: other stored posts that share a phone, e-mail, handle or payment handle with the case's post;
  their URLs are reported and their accounts become further reported users with one ``groupIdentifier``.
* **additionalInfo**: the evidence summary, the reviewer's decisions and the ad text of every version,
  because for a text-only case the text *is* the content reported.
* **Media**: AdWarden keeps hashes and references, not pixels. A media item is uploaded only when its
  bytes are supplied (``media_dir/<sha256>``); otherwise its URL and hashes are listed in the text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import phonenumbers

from adwarden.config import Settings
from adwarden.domain import Account, Post
from adwarden.extract import extract_all
from adwarden.reporting.ncmec.model import (
    DeviceId,
    Email,
    EstimatedLocation,
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
from adwarden.storage.sql.casebuild_store import case_decisions, find_account
from adwarden.storage.sql.database import Connection
from adwarden.storage.sql.identifiers_store import (
    identifiers_of_post,
    linking_identifiers,
    posts_with_identifier,
)
from adwarden.storage.sql.queries import get_case, get_post, latest_assessment

#: Identifier kinds that link posts into a network.
LINK_KINDS = ("phone", "email", "handle", "payment")
MAX_LINKED_POSTS = 50
MAX_TEXT_CHARS = 20_000


def reporter_from_settings(settings: Settings) -> Reporter:
    return Reporter(
        first_name=settings.reporter_first_name,
        last_name=settings.reporter_last_name,
        email=settings.reporter_email,
        phone=settings.reporter_phone,
        company_name=settings.reporter_company,
        company_template=settings.reporter_company_template,
        terms_of_service=settings.reporter_terms_of_service,
        legal_url=settings.reporter_legal_url,
    )


def _phone(e164: str) -> Phone:
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return Phone(e164)
    return Phone(str(parsed.national_number), type=PhoneType.MOBILE, country_calling_code=f"+{parsed.country_code}")


@dataclass
class _Person:
    """Mutable accumulator for one reported account while reading storage."""

    account_id: str | None
    esp_identifier: str | None = None
    emails: list[str] | None = None
    phones: list[str] | None = None
    ips: list[tuple[str, datetime | None]] | None = None
    devices: list[str] | None = None
    handles: list[str] | None = None
    payments: list[str] | None = None
    profile_url: str | None = None
    location: EstimatedLocation | None = None

    def add(self, attr: str, value: object) -> None:
        items = getattr(self, attr) or []
        if value not in items:
            items.append(value)
        setattr(self, attr, items)


_MERGED_ATTRS = ("emails", "phones", "ips", "devices", "handles", "payments")


def _merge_people(people: list[_Person]) -> list[_Person]:
    """Fold each post without an account into the reported person who shares one of its phones or e-mails.

    Posts without an account id each start their own person; a network of such posts sharing one phone would
    otherwise tell NCMEC about the same person once per post. Persons with different account ids stay
    separate: they are different users of the platform, whatever they share (the group identifier links them).
    """
    merged: list[_Person] = []
    for person in people:
        mine = set(person.phones or ()) | set(person.emails or ())
        target = None
        if person.account_id is None:
            target = next((m for m in merged if mine & (set(m.phones or ()) | set(m.emails or ()))), None)
        if target is None:
            merged.append(person)
            continue
        for attr in _MERGED_ATTRS:
            for value in getattr(person, attr) or ():
                target.add(attr, value)
        target.esp_identifier = target.esp_identifier or person.esp_identifier
        target.location = target.location or person.location
    return merged


def _distinct(people: Iterable[ReportedPerson]) -> tuple[ReportedPerson, ...]:
    """Drop exact repeats, keeping order: an identical block says nothing new to the analyst."""
    out: list[ReportedPerson] = []
    for p in people:
        if p not in out:
            out.append(p)
    return tuple(out)


def _incident_time(post: Post) -> tuple[datetime, str]:
    """When the incident happened, and what that time is: the platform's posting time when it gave one,
    else the time AdWarden first received the ad (saying so: police read this as the time of the offence)."""
    posted = [v.content.posted_at for v in post.versions if v.content.posted_at is not None]
    if posted:
        return min(posted).astimezone(UTC), "Time the ad was first posted, as reported by the platform (posted_at)."
    received = [v.received_at for v in post.versions] or [post.created_at]
    return (
        min(received).astimezone(UTC),
        "Time the platform first sent the ad to AdWarden for screening; the platform did not report when it "
        "was posted.",
    )


def _linked_post_ids(conn: Connection, post_id: str) -> tuple[list[str], list[str]]:
    """Posts sharing a linking identifier with ``post_id`` (capped), and the identifiers that link them."""
    linked: list[str] = []
    via: list[str] = []
    for kind, value in linking_identifiers(conn, post_id, LINK_KINDS):
        rows = posts_with_identifier(conn, kind, value, excluding=post_id, limit=MAX_LINKED_POSTS)
        found = [r for r in rows if r not in linked]
        if found:
            via.append(f"{kind} {value}")
        linked.extend(found)
    return sorted(set(linked))[:MAX_LINKED_POSTS], via


def _account_row(conn: Connection, account_id: str | None) -> Account | None:
    return None if account_id is None else find_account(conn, account_id)


def _collect(conn: Connection, post: Post, people: dict[str, _Person], region: str) -> None:
    key = post.account_id or f"post:{post.id}"
    person = people.setdefault(key, _Person(account_id=post.account_id))
    if person.location is None:
        person.location = _location_of(post, region)
    stored = _account_row(conn, post.account_id)
    if stored is not None:
        person.esp_identifier = stored.id
    for version in post.versions:
        acc = version.content.account or stored
        if acc is not None:
            person.esp_identifier = person.esp_identifier or acc.id
            if acc.email:
                person.add("emails", acc.email.lower())
            if acc.phone:
                person.add("phones", acc.phone)
            if acc.ip:
                person.add("ips", (acc.ip, version.content.posted_at or version.received_at))
            if acc.device_id:
                person.add("devices", acc.device_id)
    for kind, value, platform in identifiers_of_post(conn, post.id):
        if kind == "phone":
            person.add("phones", value)
        elif kind == "email":
            person.add("emails", value.lower())
        elif kind == "handle":
            person.add("handles", f"{platform}:{value}" if platform else value)
        elif kind == "payment":
            person.add("payments", f"{platform}:{value}" if platform else value)


def _reported(person: _Person, *, group: str | None) -> ReportedPerson:
    notes = []
    if person.handles:
        notes.append("Handles in the ads: " + ", ".join(person.handles))
    if person.payments:
        notes.append("Payment handles in the ads: " + ", ".join(person.payments))
    return ReportedPerson(
        esp_identifier=person.esp_identifier,
        emails=tuple(Email(e) for e in person.emails or ()),
        phones=tuple(_phone(p) for p in person.phones or ()),
        ip_capture_events=tuple(
            IpCaptureEvent(ip, IpEventName.UPLOAD, when) for ip, when in (person.ips or ())
        ),
        device_ids=tuple(DeviceId("platform device id", d) for d in person.devices or ()),
        group_identifier=group,
        estimated_location=person.location,
        additional_info="\n".join(notes) or None,
    )


def _location_of(post: Post, region: str) -> EstimatedLocation | None:
    """The city the ad states: its location field first, then its text (not verified: ads lie)."""
    content = post.latest.content
    for text in (content.location, content.text):
        if not text:
            continue
        found = extract_all(text, url=content.url, region=region).locations
        if found:
            attrs = found[0].attrs
            return EstimatedLocation(
                city=str(attrs["name"]) if attrs.get("name") else None,
                region=str(attrs["state"]) if attrs.get("state") else None,
                country_code=str(attrs["country"]) if attrs.get("country") else None,
                verified=False,
            )
    return None


def _versions_text(posts: Iterable[Post]) -> str:
    parts: list[str] = []
    for post in posts:
        for version in post.versions:
            header = f"--- post {post.external_id} ({post.site}) version {version.version}"
            if version.content.url:
                header += f" {version.content.url}"
            parts.append(f"{header}\n{version.content.text}")
    text = "\n".join(parts)
    return text if len(text) <= MAX_TEXT_CHARS else text[:MAX_TEXT_CHARS] + "\n[truncated]"


def build_case_report_conn(
    conn: Connection,
    case_id: str,
    *,
    settings: Settings,
    incident_type: IncidentType = IncidentType.CHILD_SEX_TRAFFICKING,
    escalation_reason: str | None = None,
    media_dir: Path | None = None,
) -> ReportCase:
    """:func:`build_case_report` inside an open connection."""
    case = get_case(conn, case_id)
    post = get_post(conn, case.post_id)
    linked_ids, via = _linked_post_ids(conn, post.id)
    linked = [get_post(conn, pid) for pid in linked_ids]
    network = [post, *linked]

    text = post.latest.content.text
    ex = extract_all(
        text, url=post.latest.content.url, location=post.latest.content.location, region=settings.default_region
    )
    location = _location_of(post, settings.default_region)

    group = None
    if linked:
        group = f"AdWarden linked posts of case {case.id}: {len(network)} posts sharing " + "; ".join(via)
    people: dict[str, _Person] = {}
    for p in network:
        _collect(conn, p, people, settings.default_region)
    reported = _distinct(_reported(p, group=group) for p in _merge_people(list(people.values())))

    stated = [f for f in ex.ages if not f.attrs.get("past")]  # "when I was 16" is not the age now
    minor_ages = sorted({int(f.value) for f in stated if f.value.isdigit() and int(f.value) < 18})
    hints = tuple(f"stated age {age} ({text[f.start:f.end]!r})" for f in stated for age in [f.value]
                  if age.isdigit() and int(age) < 18)
    victims: tuple[Victim, ...] = ()
    if minor_ages:
        victims = (
            Victim(
                age=minor_ages[0],
                estimated_location=location,
                additional_info="Age as stated in the ad text: " + "; ".join(hints)
                + ". The advertised person may be a minor; identity unknown.",
            ),
        )

    urls: list[str] = []
    for p in network:
        for version in p.versions:
            if version.content.url and version.content.url not in urls:
                urls.append(version.content.url)

    incident_at, incident_description = _incident_time(post)

    media_files: list[MediaFile] = []
    unattached: list[str] = []
    seen: set[str] = set()
    for version in post.versions:
        acc_ip = (version.content.account.ip if version.content.account else None)
        for ref in version.content.media:
            key = ref.sha256 or ref.url or ""
            if not key or key in seen:
                continue
            seen.add(key)
            path = media_dir / ref.sha256 if (media_dir is not None and ref.sha256) else None
            if path is not None and path.is_file():
                assert ref.sha256 is not None
                hashes = [FileHash("SHA256", ref.sha256)]
                if ref.md5:
                    hashes.insert(0, FileHash("MD5", ref.md5))
                media_files.append(
                    MediaFile(
                        key=ref.sha256[:16],
                        file_name=f"{ref.sha256[:16]}{Path(ref.url or '').suffix[:8]}",
                        source=str(path),
                        uploaded_to_esp_timestamp=version.received_at,
                        location_of_file=ref.url,
                        publicly_available=True,
                        file_relevance=FileRelevance.REPORTED,
                        original_file_hashes=tuple(hashes),
                        ip_capture_event=IpCaptureEvent(acc_ip, IpEventName.UPLOAD, version.received_at)
                        if acc_ip else None,
                    )
                )
            else:
                described = ", ".join(
                    f"{name} {value}" for name, value in (("url", ref.url), ("md5", ref.md5), ("sha256", ref.sha256),
                                                           ("pdq", ref.pdq)) if value
                )
                unattached.append(described)

    info: list[str] = [f"AdWarden case {case.id} (queue {case.queue}, risk {case.risk:.0f})."]
    assessment = latest_assessment(conn, post.id)
    if assessment is not None and assessment.verdict.reasons:
        info.append("Evidence: " + "; ".join(
            f"{e.label}" + (f" ({e.value!r})" if e.value else "") for e in assessment.verdict.reasons[:20]
        ))
    for d in case_decisions(conn, case.id):
        info.append(f"Reviewer decision {d.created_at.isoformat()}: {d.outcome} by {d.actor}" + (f": {d.note}" if d.note else ""))
    if linked:
        info.append(f"Linked posts: {len(linked)} other posts share " + "; ".join(via) + ".")
    if unattached:
        info.append("Media not attached (AdWarden keeps references and hashes): " + " | ".join(unattached))
    info.append("Ad text:\n" + _versions_text(network))

    return ReportCase(
        case_id=case.id,
        incident_datetime=incident_at,
        incident_datetime_description=incident_description,
        reporter=reporter_from_settings(settings),
        incident_type=incident_type,
        platform=settings.reporter_platform,
        escalate=bool(escalation_reason),
        escalation_reason=escalation_reason,
        web_page_urls=tuple(urls),
        reported_people=reported,
        victims=victims,
        additional_info="\n\n".join(info),
        media=tuple(media_files),
        victim_hints=hints,
    )
