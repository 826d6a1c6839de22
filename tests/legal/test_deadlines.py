"""Due dates, renewals, reminders and the overdue list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adwarden.domain.errors import Conflict, InputError
from adwarden.legal.deadlines import (
    DeadlinePolicy,
    add_business_days,
    cybertip_hold_expiry,
    due_at,
    due_soon,
    overdue,
    reminders_due,
    renew_preservation,
)
from adwarden.legal.model import RequestStatus, RequestType

from .factories import T0, make_request

P = DeadlinePolicy()


def test_statutory_defaults() -> None:
    assert due_at(RequestType.PRESERVATION, T0, P) == T0 + timedelta(days=90)
    assert cybertip_hold_expiry(T0, P) == T0 + timedelta(days=365)
    assert due_at(RequestType.EMERGENCY, T0, P) == T0 + timedelta(hours=4)
    assert due_at(RequestType.SUBPOENA, T0, P) == T0 + timedelta(days=14)


def test_configurable() -> None:
    p = DeadlinePolicy(emergency_hours=1, default_days=30, per_type_days={RequestType.SEARCH_WARRANT: 10})
    assert due_at(RequestType.EMERGENCY, T0, p) == T0 + timedelta(hours=1)
    assert due_at(RequestType.SEARCH_WARRANT, T0, p) == T0 + timedelta(days=10)
    assert due_at(RequestType.FOREIGN, T0, p) == T0 + timedelta(days=30)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"emergency_hours": 0}, "emergency_hours"),
        ({"preservation_days": 30}, "preservation_days"),
        ({"cybertip_preservation_days": 90}, "cybertip_preservation_days"),
        ({"default_days": -1}, "default_days"),
        ({"per_type_days": {RequestType.SUBPOENA: 0}}, "per_type_days.subpoena"),
    ],
)
def test_bad_policy_is_refused(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as exc:
        DeadlinePolicy(**kwargs)  # type: ignore[arg-type]
    assert exc.value.field == field


def test_preservation_renews_once_for_90_days() -> None:
    first = due_at(RequestType.PRESERVATION, T0, P)
    second = renew_preservation(first, 0, P)
    assert second == T0 + timedelta(days=180)
    with pytest.raises(Conflict, match="allows 1 renewal"):
        renew_preservation(second, 1, P)


def test_naive_times_refused() -> None:
    with pytest.raises(InputError, match="timezone-aware"):
        due_at(RequestType.SUBPOENA, T0.replace(tzinfo=None), P)


def test_business_days_skip_weekends() -> None:
    friday = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)
    assert add_business_days(friday, 2) == datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
    assert add_business_days(friday, 0) == friday


def test_overdue_ignores_final_and_sorts_by_lateness() -> None:
    now = T0 + timedelta(days=20)
    late_a = make_request(rid="a", due_at=T0 + timedelta(days=1))
    late_b = make_request(rid="b", due_at=T0 + timedelta(days=10))
    done = make_request(rid="c", due_at=T0, status=RequestStatus.PRODUCED)
    future = make_request(rid="d", due_at=now + timedelta(days=1))
    result = overdue([late_b, done, future, late_a], now=now)
    assert [o.request.id for o in result] == ["a", "b"]
    assert result[0].late_by == timedelta(days=19)


def test_reminders_fire_once_per_window() -> None:
    due = T0 + timedelta(days=14)
    req = make_request(rid="r", due_at=due)
    fired = reminders_due([req], now=due - timedelta(days=6), since=T0, policy=P)
    assert [r.lead for r in fired] == [timedelta(days=7)]
    again = reminders_due([req], now=due - timedelta(days=5), since=due - timedelta(days=6), policy=P)
    assert again == []
    last = reminders_due([req], now=due, since=due - timedelta(days=5), policy=P)
    assert [r.lead for r in last] == [timedelta(days=2), timedelta(days=1)]
    closed = make_request(rid="x", due_at=due, status=RequestStatus.WITHDRAWN)
    assert reminders_due([closed], now=due, since=T0, policy=P) == []


def test_emergency_reminders_in_hours() -> None:
    due = due_at(RequestType.EMERGENCY, T0, P)
    req = make_request(rid="e", rtype=RequestType.EMERGENCY, due_at=due)
    fired = reminders_due([req], now=due, since=T0, policy=P)
    assert [r.lead for r in fired] == [timedelta(hours=2), timedelta(hours=1)]


def test_due_soon() -> None:
    a = make_request(rid="a", due_at=T0 + timedelta(days=3))
    b = make_request(rid="b", due_at=T0 + timedelta(days=1))
    c = make_request(rid="c", due_at=T0 + timedelta(days=30))
    assert [r.id for r in due_soon([a, b, c], now=T0, within=timedelta(days=7))] == ["b", "a"]
