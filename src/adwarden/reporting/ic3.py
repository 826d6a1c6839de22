"""An FBI IC3 complaint package, pre-filled from a case.

IC3 (the FBI's Internet Crime Complaint Center) has no API: a person types the complaint into the web
form at ic3.gov. What AdWarden can do is prepare everything that form asks for, in its order — complainant,
victim, financial transactions, subject(s) with their identifiers, a description with dates and URLs,
other information (such as the related CyberTipline report) — plus the evidence files, as one ZIP:

* ``complaint.json`` — the fields, machine-readable;
* ``summary.html`` — printable, section by section in the form's order;
* ``summary.pdf`` — the same for printing or attaching;
* ``evidence/<safe name>`` — each evidence file, with its SHA-256 in ``complaint.json``.

File names inside the ZIP are made safe (no directories, no ``..``, no control characters), because
evidence names come from users of the platform. The ZIP is deterministic for a given complaint (fixed
timestamps), so its hash can be recorded in the audit log.

Example::

    complaint = complaint_from_case(case, cybertip_report_ids=(4321,))
    Path("case-42-ic3.zip").write_bytes(build_ic3_package(complaint, [EvidenceFile("ad.txt", b"...")]))
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime

import jinja2

from adwarden.documents.filenames import safe_file_name
from adwarden.documents.pdf import SummaryPdf
from adwarden.documents.xmltext import utf8
from adwarden.reporting.ncmec.build import format_datetime
from adwarden.reporting.ncmec.model import ReportCase, ReportedPerson, Reporter, Victim


@dataclass(frozen=True)
class IC3Person:
    """A complainant, victim or subject as IC3's form describes one."""

    role: str
    name: str | None = None
    business_name: str | None = None
    age: int | None = None
    address: str | None = None
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    websites: tuple[str, ...] = ()
    ip_addresses: tuple[str, ...] = ()
    account_identifiers: tuple[str, ...] = ()
    notes: str | None = None

    def rows(self) -> list[tuple[str, str]]:
        """Label/value pairs for the printable summary, skipping what is unknown."""
        pairs: list[tuple[str, str | None]] = [
            ("Role", self.role),
            ("Name", self.name),
            ("Business name", self.business_name),
            ("Age", str(self.age) if self.age is not None else None),
            ("Address", self.address),
            ("Phone(s)", ", ".join(self.phones)),
            ("E-mail(s)", ", ".join(self.emails)),
            ("Website(s) / profile(s)", ", ".join(self.websites)),
            ("IP address(es)", ", ".join(self.ip_addresses)),
            ("Account identifiers", ", ".join(self.account_identifiers)),
            ("Notes", self.notes),
        ]
        return [(label, value) for label, value in pairs if value]


@dataclass(frozen=True)
class FinancialTransaction:
    transaction_type: str
    amount: str
    currency: str = "USD"
    date: str | None = None
    payment_method: str | None = None
    sender: str | None = None
    recipient: str | None = None
    reference: str | None = None


@dataclass(frozen=True)
class EvidenceFile:
    """A file to ship with the complaint. ``file_name`` is untrusted and is sanitised in the ZIP."""

    file_name: str
    content: bytes
    description: str = ""


@dataclass(frozen=True)
class EvidenceEntry:
    file_name: str
    description: str
    sha256: str
    size: int


@dataclass(frozen=True)
class IC3Complaint:
    complaint_id: str
    prepared_at: str
    complainant: IC3Person
    victims: tuple[IC3Person, ...] = ()
    subjects: tuple[IC3Person, ...] = ()
    financial_transactions: tuple[FinancialTransaction, ...] = ()
    incident_start: str | None = None
    incident_end: str | None = None
    description: str = ""
    urls: tuple[str, ...] = ()
    related_cybertip_ids: tuple[int, ...] = ()
    other_information: tuple[str, ...] = ()
    evidence: tuple[EvidenceEntry, ...] = field(default=())

    def to_json(self) -> str:
        return json.dumps({"form": "IC3 complaint", **asdict(self)}, indent=2, ensure_ascii=False, sort_keys=False)


def _full_name(first: str | None, last: str | None) -> str | None:
    return " ".join(p for p in (first, last) if p) or None


def _complainant(reporter: Reporter) -> IC3Person:
    return IC3Person(
        role="Complainant (reporting platform)",
        name=_full_name(reporter.first_name, reporter.last_name),
        business_name=reporter.company_name,
        phones=(reporter.phone,) if reporter.phone else (),
        emails=(reporter.email,) if reporter.email else (),
        websites=tuple(u for u in (reporter.legal_url,) if u),
    )


def _victim(victim: Victim) -> IC3Person:
    return IC3Person(
        role="Victim (possible minor)" if victim.age is not None and victim.age < 18 else "Victim",
        name=_full_name(victim.first_name, victim.last_name),
        age=victim.age,
        phones=tuple(p.number for p in victim.phones),
        emails=tuple(e.address for e in victim.emails),
        websites=victim.profile_urls,
        account_identifiers=tuple(i for i in (victim.esp_identifier, victim.screen_name) if i),
        notes=victim.additional_info,
    )


def _subject(who: ReportedPerson) -> IC3Person:
    name = _full_name(who.first_name, who.last_name) or (who.display_names[0] if who.display_names else None)
    location = who.estimated_location
    address = None
    if location is not None:
        address = ", ".join(p for p in (location.city, location.region, location.country_code) if p) or None
    ids = [f"account {who.esp_identifier}"] if who.esp_identifier else []
    if who.screen_name:
        ids.append(f"screen name {who.screen_name}")
    if who.group_identifier:
        ids.append(f"network {who.group_identifier}")
    return IC3Person(
        role="Subject",
        name=name,
        address=address,
        phones=tuple(p.number for p in who.phones),
        emails=tuple(e.address for e in who.emails),
        websites=who.profile_urls,
        ip_addresses=tuple(e.ip_address for e in who.ip_capture_events),
        account_identifiers=tuple(ids),
        notes=who.additional_info,
    )


def _union(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    return a + tuple(x for x in b if x not in a)


def _account(subject: IC3Person) -> str | None:
    return next((i for i in subject.account_identifiers if i.startswith("account ")), None)


def merge_subjects(subjects: Iterable[IC3Person]) -> tuple[IC3Person, ...]:
    """One subject per person: exact repeats dropped, and subjects sharing a phone or e-mail folded together
    unless they are two different platform accounts (IC3 should see each account the platform knows)."""
    out: list[IC3Person] = []
    for s in subjects:
        if s in out:
            continue
        mine = set(s.phones) | set(s.emails)
        account = _account(s)
        index = next((i for i, o in enumerate(out) if mine & (set(o.phones) | set(o.emails))
                      and (account is None or _account(o) in (None, account))), None)
        if index is None:
            out.append(s)
            continue
        o = out[index]
        out[index] = replace(
            o,
            name=o.name or s.name,
            address=o.address or s.address,
            phones=_union(o.phones, s.phones),
            emails=_union(o.emails, s.emails),
            websites=_union(o.websites, s.websites),
            ip_addresses=_union(o.ip_addresses, s.ip_addresses),
            account_identifiers=_union(o.account_identifiers, s.account_identifiers),
            notes="\n".join(n for n in dict.fromkeys((o.notes, s.notes)) if n) or None,
        )
    return tuple(out)


def complaint_from_case(
    case: ReportCase,
    *,
    prepared_at: datetime | None = None,
    financial_transactions: Sequence[FinancialTransaction] = (),
    cybertip_report_ids: Sequence[int] = (),
    incident_end: datetime | None = None,
    other_information: Sequence[str] = (),
) -> IC3Complaint:
    """Pre-fill IC3's form from the same :class:`ReportCase` the CyberTipline report is built from."""
    when = prepared_at or datetime.now(UTC)
    description = case.additional_info or ""
    if case.escalate and case.escalation_reason:
        description = f"URGENT: {case.escalation_reason}\n\n{description}".strip()
    return IC3Complaint(
        complaint_id=case.case_id,
        prepared_at=format_datetime(when),
        complainant=_complainant(case.reporter),
        victims=tuple(_victim(v) for v in case.victims),
        subjects=merge_subjects(_subject(p) for p in case.reported_people),
        financial_transactions=tuple(financial_transactions),
        incident_start=format_datetime(case.incident_datetime),
        incident_end=format_datetime(incident_end) if incident_end else None,
        description=description,
        urls=case.web_page_urls,
        related_cybertip_ids=tuple(cybertip_report_ids),
        other_information=(f"Incident type (NCMEC): {case.incident_type.value}", *other_information),
    )


_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("adwarden.reporting", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
    undefined=jinja2.StrictUndefined,
)


def render_summary_html(complaint: IC3Complaint) -> str:
    return _TEMPLATES.get_template("ic3_summary.html").render(c=complaint)


def render_summary_pdf(complaint: IC3Complaint) -> bytes:
    """The printable summary in the form's order; names in any script are written as they are."""
    pdf = SummaryPdf(
        title=f"IC3 complaint package {complaint.complaint_id}",
        created_at=datetime.fromisoformat(complaint.prepared_at.replace("Z", "+00:00")),
        page_format="Letter",
    )

    def heading(text: str) -> None:
        pdf.line(text, size=12, bold=True)

    def line(text: str) -> None:
        pdf.line(text, size=10)

    def person(p: IC3Person) -> None:
        for label, value in p.rows():
            line(f"{label}: {value}")
        pdf.gap(2)

    pdf.line(f"IC3 complaint package - {complaint.complaint_id}", size=14, bold=True)
    pdf.line(f"Prepared {complaint.prepared_at} by AdWarden for manual entry at https://www.ic3.gov/ (IC3 has no API).", size=9)
    heading("Complainant")
    person(complaint.complainant)
    heading("Victim information")
    for v in complaint.victims or ():
        person(v)
    if not complaint.victims:
        line("No identified victim.")
    heading("Financial transactions")
    for t in complaint.financial_transactions:
        line(
            f"{t.date or ''} {t.transaction_type}: {t.amount} {t.currency} via {t.payment_method or '?'} "
            f"from {t.sender or '?'} to {t.recipient or '?'} ref {t.reference or '-'}"
        )
    if not complaint.financial_transactions:
        line("None known.")
    heading("Information about the subject(s)")
    for s in complaint.subjects:
        person(s)
    if not complaint.subjects:
        line("No subject identified.")
    heading("Description of the incident")
    line(f"Incident period: {complaint.incident_start or '?'}" + (f" - {complaint.incident_end}" if complaint.incident_end else ""))
    line(complaint.description or "(no description)")
    for url in complaint.urls:
        line(f"URL: {url}")
    heading("Other information")
    for report_id in complaint.related_cybertip_ids:
        line(f"Reported to NCMEC CyberTipline, report {report_id}")
    for note in complaint.other_information:
        line(note)
    heading("Evidence files")
    for e in complaint.evidence:
        line(f"{e.file_name} ({e.size} bytes) sha256 {e.sha256} {e.description}")
    if not complaint.evidence:
        line("No files attached.")
    return pdf.output()


def build_ic3_package(complaint: IC3Complaint, evidence: Sequence[EvidenceFile] = ()) -> bytes:
    """The ZIP described in the module docstring, deterministic for the same inputs."""
    entries: list[EvidenceEntry] = []
    names: set[str] = set()
    stored: list[tuple[str, bytes]] = []
    for item in evidence:
        name = safe_file_name(item.file_name, taken=names)
        names.add(name)
        entries.append(EvidenceEntry(name, item.description, hashlib.sha256(item.content).hexdigest(), len(item.content)))
        stored.append((f"evidence/{name}", item.content))
    full = replace(complaint, evidence=tuple(entries))
    stamp = datetime.fromisoformat(full.prepared_at.replace("Z", "+00:00")).astimezone(UTC)
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        files = [
            ("complaint.json", utf8(full.to_json())),
            ("summary.html", utf8(render_summary_html(full))),
            ("summary.pdf", render_summary_pdf(full)),
            *stored,
        ]
        for arcname, content in files:
            info = zipfile.ZipInfo(arcname, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()
