"""Due dates, reminders and the overdue list for legal process. Pure: give it ``now``.

The statutory clocks are fixed by law and live in :class:`DeadlinePolicy` defaults that settings can
override for a platform's own commitments:

* 18 U.S.C. §2703(f) preservation: records kept **90 days**, extended **once** for another 90 days on a
  renewed request (:func:`renew_preservation` refuses a second renewal).
* A filed CyberTipline report counts as a request to preserve its contents for **1 year** (REPORT Act, 2024).
* Emergency disclosure requests are answered in **hours** (``emergency_hours``).
* §2704 backup copies are due within **2 business days** (:func:`add_business_days`).
* Everything else gets ``default_days`` unless ``per_type_days`` says otherwise.

Example::

    >>> from datetime import datetime, UTC
    >>> p = DeadlinePolicy()
    >>> due_at(RequestType.PRESERVATION, datetime(2026, 1, 1, tzinfo=UTC), p).date().isoformat()
    '2026-04-01'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType

from adwarden.domain.errors import Conflict, InputError
from adwarden.legal.model import FINAL_STATUSES, LegalRequest, RequestStatus, RequestType

_EMPTY_DAYS: Mapping[RequestType, int] = MappingProxyType({})


@dataclass(frozen=True)
class DeadlinePolicy:
    """How long each kind of request may take. Validated on construction so bad settings fail at start-up."""

    preservation_days: int = 90
    preservation_renewal_days: int = 90
    max_preservation_renewals: int = 1
    cybertip_preservation_days: int = 365
    emergency_hours: int = 4
    default_days: int = 14
    per_type_days: Mapping[RequestType, int] = field(default_factory=lambda: _EMPTY_DAYS)
    #: Reminders before a due date: hours for emergency requests, days for everything else.
    emergency_reminder_hours: tuple[int, ...] = (2, 1)
    reminder_days: tuple[int, ...] = (7, 2, 1)

    def __post_init__(self) -> None:
        checks = {
            "preservation_days": self.preservation_days,
            "preservation_renewal_days": self.preservation_renewal_days,
            "cybertip_preservation_days": self.cybertip_preservation_days,
            "emergency_hours": self.emergency_hours,
            "default_days": self.default_days,
        }
        for name, value in checks.items():
            if value <= 0:
                raise InputError(f"must be a positive number, got {value}", record="deadlines", field=name)
        if self.max_preservation_renewals < 0:
            raise InputError("must be 0 or more", record="deadlines", field="max_preservation_renewals")
        if self.preservation_days < 90:
            # §2703(f)(2) fixes 90 days; a shorter clock would release evidence the law says to keep.
            raise InputError("§2703(f) requires at least 90 days", record="deadlines", field="preservation_days")
        if self.cybertip_preservation_days < 365:
            raise InputError(
                "the REPORT Act requires at least 1 year", record="deadlines", field="cybertip_preservation_days"
            )
        for rtype, days in self.per_type_days.items():
            if days <= 0:
                raise InputError(f"must be positive, got {days}", record="deadlines", field=f"per_type_days.{rtype}")


def due_at(request_type: RequestType, received_at: datetime, policy: DeadlinePolicy) -> datetime:
    """When the request is due. For a preservation request that is when the preservation lapses (the desk
    must see renewals or the follow-up process before then); for others, when the answer is due."""
    _require_aware(received_at, "received_at")
    if request_type is RequestType.EMERGENCY:
        return received_at + timedelta(hours=policy.emergency_hours)
    if request_type is RequestType.PRESERVATION:
        return received_at + timedelta(days=policy.preservation_days)
    days = policy.per_type_days.get(request_type, policy.default_days)
    return received_at + timedelta(days=days)


def cybertip_hold_expiry(filed_at: datetime, policy: DeadlinePolicy) -> datetime:
    """When the preservation that a filed CyberTipline report triggers may end (1 year by default)."""
    _require_aware(filed_at, "filed_at")
    return filed_at + timedelta(days=policy.cybertip_preservation_days)


def renew_preservation(current_expiry: datetime, renewals_done: int, policy: DeadlinePolicy) -> datetime:
    """The new expiry after a renewed §2703(f) request. The statute allows one 90-day extension: a further
    renewal raises :class:`~adwarden.domain.errors.Conflict` (the agency must serve process instead)."""
    _require_aware(current_expiry, "current_expiry")
    if renewals_done >= policy.max_preservation_renewals:
        raise Conflict(
            f"preservation already renewed {renewals_done} time(s); §2703(f) allows "
            f"{policy.max_preservation_renewals} renewal(s) — further preservation needs legal process"
        )
    return current_expiry + timedelta(days=policy.preservation_renewal_days)


def add_business_days(start: datetime, days: int) -> datetime:
    """``start`` plus ``days`` working days (Monday–Friday; public holidays are not modelled), e.g. the
    §2704 backup copy due 2 business days after the subpoena or order."""
    if days < 0:
        raise InputError("must be 0 or more", field="days")
    current = start
    left = days
    while left:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


@dataclass(frozen=True)
class Reminder:
    """A reminder that fell due: ``request_id`` is due at ``due_at``; ``lead`` is how long before it this fires."""

    request_id: str
    due_at: datetime
    remind_at: datetime
    lead: timedelta


def reminder_leads(request_type: RequestType, policy: DeadlinePolicy) -> Sequence[timedelta]:
    """How long before the due date reminders fire, longest first."""
    if request_type is RequestType.EMERGENCY:
        leads = [timedelta(hours=h) for h in policy.emergency_reminder_hours]
    else:
        leads = [timedelta(days=d) for d in policy.reminder_days]
    return sorted(leads, reverse=True)


def reminders_due(
    requests: Iterable[LegalRequest], *, now: datetime, since: datetime, policy: DeadlinePolicy
) -> list[Reminder]:
    """Reminders whose time fell in ``(since, now]`` for open requests: a scheduler calls this with the time
    of its previous run so each reminder fires exactly once."""
    _require_aware(now, "now")
    _require_aware(since, "since")
    out: list[Reminder] = []
    for req in requests:
        if req.status in FINAL_STATUSES or req.due_at is None:
            continue
        for lead in reminder_leads(req.type, policy):
            at = req.due_at - lead
            if since < at <= now:
                out.append(Reminder(req.id, req.due_at, at, lead))
    return sorted(out, key=lambda r: (r.remind_at, r.request_id))


@dataclass(frozen=True)
class Overdue:
    """An open request past its due date, and by how much."""

    request: LegalRequest
    late_by: timedelta


def overdue(requests: Iterable[LegalRequest], *, now: datetime) -> list[Overdue]:
    """Open requests past due, most late first. Final requests (produced, rejected, withdrawn) never are."""
    _require_aware(now, "now")
    out = [
        Overdue(req, now - req.due_at)
        for req in requests
        if req.status not in FINAL_STATUSES and req.due_at is not None and req.due_at < now
    ]
    return sorted(out, key=lambda o: (-o.late_by, o.request.id))


def due_soon(requests: Iterable[LegalRequest], *, now: datetime, within: timedelta) -> list[LegalRequest]:
    """Open requests due in ``(now, now + within]``, soonest first (the desk's "this week" list)."""
    _require_aware(now, "now")
    found = [
        r
        for r in requests
        if r.status not in FINAL_STATUSES and r.due_at is not None and now < r.due_at <= now + within
    ]
    return sorted(found, key=lambda r: (r.due_at or now, r.id))


def open_statuses() -> frozenset[RequestStatus]:
    """Statuses that still have a clock running."""
    return frozenset(RequestStatus) - FINAL_STATUSES


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None:
        raise InputError("must be timezone-aware (UTC)", record="deadline", field=name)
