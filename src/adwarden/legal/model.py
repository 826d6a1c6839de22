"""Legal process as values: request types, the status workflow, targets, non-disclosure, emergency checks.

Everything here is pure so the rules a liaison relies on (which status may follow which, what a target
looks like, when an emergency request may be answered) are tested without a database. The service layer
(:mod:`adwarden.legal.service`) stores these values and audits every change.

Example::

    >>> parse_target("phone:+1 206 555 0147")
    Target(kind='phone', value='+12065550147', platform=None)
    >>> check_transition(RequestStatus.RECEIVED, RequestStatus.IN_REVIEW)
    >>> RequestType.parse("2703(f)")
    <RequestType.PRESERVATION: 'preservation'>
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from types import MappingProxyType

import phonenumbers

from adwarden.domain.errors import Conflict, InputError


class RequestType(StrEnum):
    """The kinds of legal process a provider receives (the rows of a transparency report).

    The Stored Communications Act tiers matter for review: a subpoena reaches basic subscriber records
    (18 U.S.C. §2703(c)(2)), a 2703(d) order non-content records, a search warrant content. A 2703(f)
    request only preserves; it compels no disclosure. An emergency request is a *voluntary* disclosure
    under §2702(b)(8) (content) or §2702(c)(4) (non-content) and must pass :class:`EmergencyVerification`.
    """

    SUBPOENA = "subpoena"
    ORDER_2703D = "2703d-order"
    SEARCH_WARRANT = "search-warrant"
    PRESERVATION = "preservation"
    EMERGENCY = "emergency"
    FOREIGN = "foreign"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The human name used in summaries and transparency reports."""
        return _TYPE_LABELS[self]

    @classmethod
    def parse(cls, text: str, *, record: str | None = None) -> RequestType:
        """Accept the canonical value or a common spelling (``2703(f)``, ``warrant``, ``edr``...)."""
        key = re.sub(r"[^a-z0-9]", "", text.lower()).replace("18usc", "")
        for member in cls:
            if key == re.sub(r"[^a-z0-9]", "", member.value):
                return member
        found = _TYPE_ALIASES.get(key)
        if found is not None:
            return found
        choices = ", ".join(m.value for m in cls)
        raise InputError(f"unknown request type {text!r}; expected one of: {choices}", record=record, field="type")


_TYPE_LABELS: Mapping[RequestType, str] = MappingProxyType(
    {
        RequestType.SUBPOENA: "Subpoena",
        RequestType.ORDER_2703D: "Court order (18 U.S.C. §2703(d))",
        RequestType.SEARCH_WARRANT: "Search warrant",
        RequestType.PRESERVATION: "Preservation request (18 U.S.C. §2703(f))",
        RequestType.EMERGENCY: "Emergency disclosure (18 U.S.C. §2702(b)(8)/(c)(4))",
        RequestType.FOREIGN: "Foreign request",
        RequestType.OTHER: "Other",
    }
)

_TYPE_ALIASES: Mapping[str, RequestType] = MappingProxyType(
    {
        "2703d": RequestType.ORDER_2703D,
        "dorder": RequestType.ORDER_2703D,
        "courtorder": RequestType.ORDER_2703D,
        "order": RequestType.ORDER_2703D,
        "warrant": RequestType.SEARCH_WARRANT,
        "2703f": RequestType.PRESERVATION,
        "preserve": RequestType.PRESERVATION,
        "preservationrequest": RequestType.PRESERVATION,
        "emergencyrequest": RequestType.EMERGENCY,
        "edr": RequestType.EMERGENCY,
        "emergencydisclosure": RequestType.EMERGENCY,
        "2702b8": RequestType.EMERGENCY,
        "2702c4": RequestType.EMERGENCY,
        "mlat": RequestType.FOREIGN,
    }
)


class RequestStatus(StrEnum):
    """Where a request is in the desk's workflow (see :data:`TRANSITIONS`)."""

    RECEIVED = "received"
    VERIFYING = "verifying"
    IN_REVIEW = "in_review"
    PRODUCING = "producing"
    PRODUCED = "produced"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    @classmethod
    def parse(cls, text: str, *, record: str | None = None) -> RequestStatus:
        key = text.strip().lower().replace("-", "_").replace(" ", "_")
        try:
            return cls(key)
        except ValueError:
            choices = ", ".join(m.value for m in cls)
            raise InputError(f"unknown status {text!r}; expected one of: {choices}", record=record, field="status") from None


#: Allowed next statuses. ``producing -> in_review`` exists so a reviewer who finds over-production can
#: pull a package back before it is sent; produced, rejected and withdrawn are final.
TRANSITIONS: Mapping[RequestStatus, frozenset[RequestStatus]] = MappingProxyType(
    {
        RequestStatus.RECEIVED: frozenset(
            {RequestStatus.VERIFYING, RequestStatus.IN_REVIEW, RequestStatus.REJECTED, RequestStatus.WITHDRAWN}
        ),
        RequestStatus.VERIFYING: frozenset({RequestStatus.IN_REVIEW, RequestStatus.REJECTED, RequestStatus.WITHDRAWN}),
        RequestStatus.IN_REVIEW: frozenset(
            {RequestStatus.VERIFYING, RequestStatus.PRODUCING, RequestStatus.REJECTED, RequestStatus.WITHDRAWN}
        ),
        RequestStatus.PRODUCING: frozenset({RequestStatus.PRODUCED, RequestStatus.IN_REVIEW, RequestStatus.WITHDRAWN}),
        RequestStatus.PRODUCED: frozenset(),
        RequestStatus.REJECTED: frozenset(),
        RequestStatus.WITHDRAWN: frozenset(),
    }
)

#: Statuses that end a request: nothing is due any more.
FINAL_STATUSES: frozenset[RequestStatus] = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)


class InvalidTransition(Conflict):
    """A status change the workflow does not allow. The message names both statuses and the allowed ones."""

    title = "Invalid status transition"


def check_transition(current: RequestStatus, new: RequestStatus, *, request_id: str | None = None) -> None:
    """Raise :class:`InvalidTransition` unless ``current -> new`` is in :data:`TRANSITIONS`."""
    allowed = TRANSITIONS[current]
    if new in allowed:
        return
    who = f"request {request_id}" if request_id else "request"
    if not allowed:
        raise InvalidTransition(f"{who} is {current.value}, a final status; it cannot move to {new.value}")
    options = ", ".join(sorted(s.value for s in allowed))
    raise InvalidTransition(f"{who} cannot move from {current.value} to {new.value}; allowed next: {options}")


# --------------------------------------------------------------------------------------------- targets

#: Target kinds a request may name, with what the value must look like (shown in error messages).
TARGET_KINDS: Mapping[str, str] = MappingProxyType(
    {
        "post": "post:EXTERNAL_ID (the platform's post id)",
        "account": "account:ID (the platform's account id)",
        "phone": "phone:E164 (e.g. phone:+12065550147)",
        "email": "email:ADDRESS",
        "handle": "handle:NAME or handle:PLATFORM/NAME",
        "dates": "dates:YYYY-MM-DD..YYYY-MM-DD (either end may be empty)",
    }
)

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_HANDLE = re.compile(r"^[\w.\-]{1,100}$", re.UNICODE)


@dataclass(frozen=True)
class Target:
    """One thing a request names, normalised the way :mod:`adwarden.extract` stores identifiers.

    ``phone`` is E.164, ``email`` lower case, ``handle`` lower case without ``@`` (``platform`` optional).
    """

    kind: str
    value: str
    platform: str | None = None

    def __str__(self) -> str:
        if self.kind == "handle" and self.platform:
            return f"handle:{self.platform}/{self.value}"
        return f"{self.kind}:{self.value}"


@dataclass(frozen=True)
class DateRange:
    """An inclusive range of days; either end may be open. A request's scope limits production to it."""

    start: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        if self.start and self.end and self.start > self.end:
            raise InputError(
                f"date range starts {self.start.isoformat()} after it ends {self.end.isoformat()}", field="dates"
            )

    def contains(self, moment: datetime | date | None) -> bool:
        """True when ``moment`` falls in the range. Unknown moments (None) are kept: never under-produce silently."""
        if moment is None:
            return True
        day = moment.astimezone(UTC).date() if isinstance(moment, datetime) and moment.tzinfo else moment
        if isinstance(day, datetime):
            day = day.date()
        if self.start and day < self.start:
            return False
        return not (self.end and day > self.end)

    def __str__(self) -> str:
        return f"dates:{self.start.isoformat() if self.start else ''}..{self.end.isoformat() if self.end else ''}"


@dataclass(frozen=True)
class Scope:
    """What a request covers: its targets and an optional date range."""

    targets: tuple[Target, ...]
    date_range: DateRange | None = None

    def of_kind(self, kind: str) -> tuple[Target, ...]:
        return tuple(t for t in self.targets if t.kind == kind)

    @property
    def accounts_specified(self) -> int:
        """How many accounts or account identifiers the request names (a transparency-report column)."""
        return len(self.targets)


def parse_target(text: str, *, default_region: str = "US", record: str | None = None) -> Target | DateRange:
    """Parse ``KIND:VALUE`` into a normalised :class:`Target` (or a :class:`DateRange` for ``dates:``).

    Errors name the target and say what the value should look like.
    """
    field_name = "target"
    raw = text.strip()
    if _CONTROL.search(raw):
        raise InputError(f"target {raw!r} contains control characters", record=record, field=field_name)
    kind, sep, value = raw.partition(":")
    kind = kind.strip().lower()
    value = value.strip()
    if not sep or kind not in TARGET_KINDS:
        kinds = "; ".join(TARGET_KINDS.values())
        raise InputError(f"target {raw!r} must be KIND:VALUE, one of: {kinds}", record=record, field=field_name)
    if not value:
        raise InputError(f"target {raw!r} has no value; expected {TARGET_KINDS[kind]}", record=record, field=field_name)
    if len(value) > 320:
        raise InputError(f"target {kind}: value is longer than 320 characters", record=record, field=field_name)
    if kind == "dates":
        return _parse_dates(value, record=record)
    if kind == "phone":
        return Target("phone", _normalise_phone(value, default_region, record=record))
    if kind == "email":
        email = unicodedata.normalize("NFKC", value).lower()
        if not _EMAIL.match(email):
            raise InputError(f"target email:{value} is not an e-mail address", record=record, field=field_name)
        return Target("email", email)
    if kind == "handle":
        platform, slash, name = value.rpartition("/")
        name = unicodedata.normalize("NFKC", name).lstrip("@").lower()
        if not _HANDLE.match(name):
            raise InputError(
                f"target handle:{value} is not a handle (letters, digits, '.', '_', '-')", record=record, field=field_name
            )
        return Target("handle", name, (platform.strip().lower() or None) if slash else None)
    return Target(kind, value)


def parse_scope(texts: Iterable[str], *, default_region: str = "US", record: str | None = None) -> Scope:
    """Parse every target, collecting all problems into one :class:`InputError` so a liaison fixes them at once.

    At most one ``dates:`` range is allowed; duplicate targets are kept once, in first-seen order.
    """
    targets: list[Target] = []
    date_range: DateRange | None = None
    problems: list[str] = []
    for text in texts:
        try:
            parsed = parse_target(text, default_region=default_region)
        except InputError as exc:
            problems.append(exc.message)
            continue
        if isinstance(parsed, DateRange):
            if date_range is not None:
                problems.append(f"more than one date range ({date_range} and {parsed})")
            date_range = parsed
        elif parsed not in targets:
            targets.append(parsed)
    if not targets and not problems:
        problems.append("a request needs at least one target (post:, account:, phone:, email: or handle:)")
    if problems:
        raise InputError("; ".join(problems), record=record, field="target")
    return Scope(tuple(targets), date_range)


def _normalise_phone(value: str, default_region: str, *, record: str | None) -> str:
    try:
        number = phonenumbers.parse(value, None if value.startswith("+") else default_region)
    except phonenumbers.NumberParseException as exc:
        raise InputError(f"target phone:{value} is not a phone number ({exc})", record=record, field="target") from None
    if not phonenumbers.is_possible_number(number):
        raise InputError(
            f"target phone:{value} is not a possible phone number; give it in E.164 form, e.g. +12065550147",
            record=record,
            field="target",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _parse_dates(value: str, *, record: str | None) -> DateRange:
    start_s, sep, end_s = value.partition("..")
    if not sep:
        raise InputError(f"target dates:{value} must be START..END", record=record, field="target")
    try:
        start = date.fromisoformat(start_s.strip()) if start_s.strip() else None
        end = date.fromisoformat(end_s.strip()) if end_s.strip() else None
    except ValueError:
        raise InputError(f"target dates:{value} must use YYYY-MM-DD dates", record=record, field="target") from None
    if start is None and end is None:
        raise InputError(f"target dates:{value} needs a start or an end", record=record, field="target")
    try:
        return DateRange(start, end)
    except InputError as exc:
        raise InputError(exc.message, record=record, field="target") from None


# ------------------------------------------------------------------------------------ non-disclosure


@dataclass(frozen=True)
class NonDisclosure:
    """A non-disclosure (gag) order, e.g. under 18 U.S.C. §2705(b): the user must not be told while it runs.

    ``until`` is the last day the order covers; ``None`` means the order has no end date (until lifted).
    """

    until: date | None

    def active(self, today: date) -> bool:
        return self.until is None or today <= self.until


def may_notify_user(nondisclosure: NonDisclosure | None, today: date) -> bool:
    """False while a non-disclosure order runs: notices, webhooks and account messages must stay silent."""
    return nondisclosure is None or not nondisclosure.active(today)


# ------------------------------------------------------------------------------ emergency verification


class VerificationCheck(StrEnum):
    """The three checks an emergency request must pass before any disclosure.

    Forged emergency requests sent from compromised police mailboxes are a known fraud, so a matching
    e-mail domain is not enough: the liaison calls the agency back on a number found independently, and
    a supervisor other than that liaison approves.
    """

    OFFICIAL_DOMAIN = "official_domain"
    CALLBACK = "callback"
    SUPERVISOR_APPROVAL = "supervisor_approval"


@dataclass(frozen=True)
class VerificationStep:
    """Who verified what, and when. ``detail`` records what was checked (the domain, the number called and
    where it is published, the approving supervisor's note); ``passed`` is False when the check failed."""

    check: VerificationCheck
    verified_by: str
    verified_at: datetime
    detail: str
    passed: bool = True


#: Domain suffixes treated as official by default (US federal, military, state/local ``.us``, and common
#: police domains abroad). Settings may extend it; a liaison still records what was checked.
DEFAULT_OFFICIAL_SUFFIXES: tuple[str, ...] = (".gov", ".mil", ".us", ".police.uk", ".gc.ca", ".gov.uk", ".gov.au")


def is_official_domain(email_or_domain: str, suffixes: Sequence[str] = DEFAULT_OFFICIAL_SUFFIXES) -> bool:
    """True when the requester's domain ends with one of ``suffixes`` (a necessary, not sufficient, sign)."""
    domain = email_or_domain.rpartition("@")[2].strip().lower().rstrip(".")
    return bool(domain) and any(domain == s.lstrip(".") or domain.endswith(s) for s in suffixes)


@dataclass(frozen=True)
class EmergencyVerification:
    """The checklist of one emergency request, built from its recorded steps (the latest step per check wins)."""

    steps: tuple[VerificationStep, ...] = field(default_factory=tuple)

    def latest(self) -> dict[VerificationCheck, VerificationStep]:
        out: dict[VerificationCheck, VerificationStep] = {}
        for step in sorted(self.steps, key=lambda s: s.verified_at):
            out[step.check] = step
        return out

    def problems(self) -> list[str]:
        """What still stands between this request and a disclosure, in checklist order."""
        latest = self.latest()
        out: list[str] = []
        for check in VerificationCheck:
            step = latest.get(check)
            if step is None:
                out.append(f"{check.value} not yet verified")
            elif not step.passed:
                out.append(f"{check.value} failed ({step.verified_by}: {step.detail})")
        approval = latest.get(VerificationCheck.SUPERVISOR_APPROVAL)
        callback = latest.get(VerificationCheck.CALLBACK)
        if approval and callback and approval.passed and approval.verified_by == callback.verified_by:
            out.append("supervisor_approval must come from someone other than the person who made the callback")
        return out

    @property
    def complete(self) -> bool:
        return not self.problems()


class DisclosureBlocked(Conflict):
    """A disclosure was attempted before the request may be answered."""

    title = "Disclosure not allowed yet"


def ensure_may_disclose(
    request_type: RequestType, verification: EmergencyVerification, *, request_id: str | None = None
) -> None:
    """Refuse any disclosure on an emergency request whose checklist is incomplete, and on preservation
    requests, which compel preservation only (§2703(f)): disclosure needs further process."""
    who = f"request {request_id}" if request_id else "request"
    if request_type is RequestType.PRESERVATION:
        raise DisclosureBlocked(
            f"{who} is a §2703(f) preservation request: it preserves records but compels no disclosure; "
            "record the subpoena, order or warrant that follows as its own request"
        )
    if request_type is RequestType.EMERGENCY:
        problems = verification.problems()
        if problems:
            raise DisclosureBlocked(f"{who}: emergency verification incomplete: " + "; ".join(problems))


def check_callback_number(called: str, supplied_contacts: Iterable[str | None], *, default_region: str = "US") -> None:
    """Refuse a call-back to a number the request itself supplied: the point is to reach the agency on a
    number found independently (its published switchboard), not the one a forger wrote in the letter."""
    called_n = _normalise_phone(called, default_region, record="callback")
    for contact in supplied_contacts:
        if not contact:
            continue
        try:
            supplied = _normalise_phone(contact, default_region, record="callback")
        except InputError:
            continue
        if supplied == called_n:
            raise InputError(
                f"call-back number {called_n} is the contact number given in the request; call the agency's "
                "published number instead",
                record="callback",
                field="number",
            )


# ------------------------------------------------------------------------------------------ request


@dataclass(frozen=True)
class LegalRequest:
    """A stored piece of legal process. ``flags`` carries review notes such as ``no_match`` (targets that
    matched nothing are recorded and flagged, never dropped)."""

    id: str
    type: RequestType
    status: RequestStatus
    agency: str
    authority: str
    received_at: datetime
    due_at: datetime | None
    scope: Scope
    officer: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    case_number: str | None = None
    nondisclosure: NonDisclosure | None = None
    notes: str | None = None
    flags: tuple[str, ...] = ()
    hold_id: str | None = None
    renewals: int = 0
    created_by: str | None = None
    updated_at: datetime | None = None

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    def to_json(self) -> dict[str, object]:
        """The JSON shape used by the CLI (``--json``), the API and ``request.json`` in evidence packages."""
        return {
            "id": self.id,
            "type": self.type.value,
            "type_label": self.type.label,
            "status": self.status.value,
            "agency": self.agency,
            "authority": self.authority,
            "officer": self.officer,
            "contact_email": self.contact_email,
            "contact_phone": self.contact_phone,
            "case_number": self.case_number,
            "received_at": self.received_at.isoformat(),
            "due_at": self.due_at.isoformat() if self.due_at else None,
            "targets": [str(t) for t in self.scope.targets],
            "date_range": str(self.scope.date_range) if self.scope.date_range else None,
            "nondisclosure_until": (
                None
                if self.nondisclosure is None
                else (self.nondisclosure.until.isoformat() if self.nondisclosure.until else "indefinite")
            ),
            "notes": self.notes,
            "flags": list(self.flags),
            "hold_id": self.hold_id,
            "renewals": self.renewals,
            "created_by": self.created_by,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
        }
