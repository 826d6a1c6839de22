"""Request types, workflow, targets, non-disclosure and the emergency checklist."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from adwarden.domain.errors import Conflict, InputError
from adwarden.legal.model import (
    FINAL_STATUSES,
    TRANSITIONS,
    DateRange,
    DisclosureBlocked,
    EmergencyVerification,
    InvalidTransition,
    NonDisclosure,
    RequestStatus,
    RequestType,
    Target,
    VerificationCheck,
    VerificationStep,
    check_callback_number,
    check_transition,
    ensure_may_disclose,
    is_official_domain,
    may_notify_user,
    parse_scope,
    parse_target,
)

from .factories import T0, make_request


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("subpoena", RequestType.SUBPOENA),
        ("2703(d)", RequestType.ORDER_2703D),
        ("2703d-order", RequestType.ORDER_2703D),
        ("search-warrant", RequestType.SEARCH_WARRANT),
        ("Warrant", RequestType.SEARCH_WARRANT),
        ("2703(f)", RequestType.PRESERVATION),
        ("18 U.S.C. § 2703(f)", RequestType.PRESERVATION),
        ("preservation", RequestType.PRESERVATION),
        ("EDR", RequestType.EMERGENCY),
        ("2702(b)(8)", RequestType.EMERGENCY),
        ("emergency", RequestType.EMERGENCY),
        ("foreign", RequestType.FOREIGN),
        ("MLAT", RequestType.FOREIGN),
        ("other", RequestType.OTHER),
    ],
)
def test_request_type_parse(text: str, expected: RequestType) -> None:
    assert RequestType.parse(text) is expected


def test_unknown_request_type_lists_choices() -> None:
    with pytest.raises(InputError, match="unknown request type 'pen-trap'.*subpoena") as exc:
        RequestType.parse("pen-trap", record="intake")
    assert exc.value.field == "type" and exc.value.record == "intake"


def test_happy_path_workflow() -> None:
    path = [
        RequestStatus.RECEIVED,
        RequestStatus.VERIFYING,
        RequestStatus.IN_REVIEW,
        RequestStatus.PRODUCING,
        RequestStatus.PRODUCED,
    ]
    for a, b in zip(path, path[1:], strict=False):
        check_transition(a, b)


@pytest.mark.parametrize("final", sorted(FINAL_STATUSES))
def test_final_statuses_go_nowhere(final: RequestStatus) -> None:
    for target in RequestStatus:
        with pytest.raises(InvalidTransition, match="final status"):
            check_transition(final, target, request_id="lr-9")


def test_invalid_transition_names_statuses_and_options() -> None:
    with pytest.raises(InvalidTransition) as exc:
        check_transition(RequestStatus.RECEIVED, RequestStatus.PRODUCED, request_id="lr-3")
    msg = str(exc.value)
    assert "lr-3" in msg and "received" in msg and "produced" in msg and "allowed next: in_review" in msg
    assert isinstance(exc.value, Conflict) and exc.value.http_status == 409


def test_every_status_can_be_withdrawn_until_final() -> None:
    for status, nxt in TRANSITIONS.items():
        assert (RequestStatus.WITHDRAWN in nxt) == (status not in FINAL_STATUSES)


def test_status_parse() -> None:
    assert RequestStatus.parse("in-review") is RequestStatus.IN_REVIEW
    with pytest.raises(InputError, match="unknown status"):
        RequestStatus.parse("done")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("phone:+1 206 555 0147", Target("phone", "+12065550147")),
        ("phone:(206) 555-0147", Target("phone", "+12065550147")),
        ("email:Jane.Demo@Example.COM", Target("email", "jane.demo@example.com")),
        ("handle:@Jane_Demo", Target("handle", "jane_demo")),
        ("handle:Instagram/jane.demo", Target("handle", "jane.demo", "instagram")),
        ("post:1001", Target("post", "1001")),
        ("account:acct-77", Target("account", "acct-77")),
        ("ACCOUNT: acct-77 ", Target("account", "acct-77")),
    ],
)
def test_parse_target(text: str, expected: Target) -> None:
    assert parse_target(text) == expected


def test_target_round_trips_through_str() -> None:
    for text in ["phone:+12065550147", "handle:instagram/jane.demo", "post:1001"]:
        t = parse_target(text)
        assert str(t) == text and parse_target(str(t)) == t


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("1001", "must be KIND:VALUE"),
        ("ip:10.0.0.1", "must be KIND:VALUE"),
        ("phone:", "has no value"),
        ("phone:call me", "not a phone number"),
        ("phone:+1 555", "not a possible phone number"),
        ("email:not-an-email", "not an e-mail address"),
        ("handle:two words", "not a handle"),
        ("post:a\x00b", "control characters"),
        ("dates:2026-03-01", "START..END"),
        ("dates:2026-13-01..", "YYYY-MM-DD"),
        ("dates:..", "needs a start or an end"),
        ("dates:2026-03-05..2026-03-01", "after it ends"),
    ],
)
def test_bad_targets_have_clear_errors(text: str, needle: str) -> None:
    with pytest.raises(InputError, match=needle) as exc:
        parse_target(text, record="intake")
    assert exc.value.field == "target" and exc.value.record == "intake"


def test_parse_scope_collects_every_problem_and_dedupes() -> None:
    scope = parse_scope(["phone:+12065550147", "phone:206-555-0147", "dates:2026-01-01..2026-02-01", "post:9"])
    assert scope.targets == (Target("phone", "+12065550147"), Target("post", "9"))
    assert scope.date_range == DateRange(date(2026, 1, 1), date(2026, 2, 1))
    with pytest.raises(InputError) as exc:
        parse_scope(["phone:nope", "email:bad", "post:1"])
    assert "phone:nope" in str(exc.value) and "email:bad" in str(exc.value)
    with pytest.raises(InputError, match="at least one target"):
        parse_scope(["dates:2026-01-01.."])
    with pytest.raises(InputError, match="more than one date range"):
        parse_scope(["post:1", "dates:2026-01-01..", "dates:..2026-02-01"])


def test_date_range_contains() -> None:
    r = DateRange(date(2026, 3, 1), date(2026, 3, 31))
    assert r.contains(T0) and r.contains(date(2026, 3, 31)) and r.contains(None)
    assert not r.contains(T0 + timedelta(days=40)) and not r.contains(date(2026, 2, 28))
    assert DateRange(None, date(2026, 3, 1)).contains(date(1999, 1, 1))


def test_nondisclosure() -> None:
    nd = NonDisclosure(date(2026, 6, 30))
    assert not may_notify_user(nd, date(2026, 6, 30))
    assert may_notify_user(nd, date(2026, 7, 1))
    assert not may_notify_user(NonDisclosure(None), date(2099, 1, 1))
    assert may_notify_user(None, date(2026, 1, 1))


def _step(check: VerificationCheck, who: str, minutes: int, passed: bool = True) -> VerificationStep:
    return VerificationStep(check, who, T0 + timedelta(minutes=minutes), f"checked by {who}", passed)


def test_emergency_checklist_requires_all_three_and_four_eyes() -> None:
    v = EmergencyVerification()
    assert v.problems() == [
        "official_domain not yet verified",
        "callback not yet verified",
        "supervisor_approval not yet verified",
    ]
    v = EmergencyVerification(
        (
            _step(VerificationCheck.OFFICIAL_DOMAIN, "ana", 1),
            _step(VerificationCheck.CALLBACK, "ana", 2),
            _step(VerificationCheck.SUPERVISOR_APPROVAL, "ana", 3),
        )
    )
    assert not v.complete and "someone other than" in v.problems()[0]
    v = EmergencyVerification((*v.steps, _step(VerificationCheck.SUPERVISOR_APPROVAL, "sam", 4)))
    assert v.complete


def test_failed_check_blocks_and_latest_step_wins() -> None:
    steps = (
        _step(VerificationCheck.OFFICIAL_DOMAIN, "ana", 1),
        _step(VerificationCheck.CALLBACK, "ana", 2, passed=False),
        _step(VerificationCheck.SUPERVISOR_APPROVAL, "sam", 3),
    )
    v = EmergencyVerification(steps)
    assert v.problems() == ["callback failed (ana: checked by ana)"]
    assert EmergencyVerification((*steps, _step(VerificationCheck.CALLBACK, "ana", 5))).complete


def test_ensure_may_disclose() -> None:
    ensure_may_disclose(RequestType.SUBPOENA, EmergencyVerification())
    with pytest.raises(DisclosureBlocked, match="emergency verification incomplete"):
        ensure_may_disclose(RequestType.EMERGENCY, EmergencyVerification(), request_id="lr-1")
    with pytest.raises(DisclosureBlocked, match="compels no disclosure"):
        ensure_may_disclose(RequestType.PRESERVATION, EmergencyVerification())


def test_official_domain() -> None:
    assert is_official_domain("officer@pd.cityname.gov")
    assert is_official_domain("x@army.mil")
    assert is_official_domain("county.sheriff.ca.us")
    assert not is_official_domain("officer@gmail.com")
    assert not is_official_domain("officer@notgov")
    assert not is_official_domain("officer@evil-gov.com")


def test_callback_to_supplied_number_is_refused() -> None:
    with pytest.raises(InputError, match="published number"):
        check_callback_number("206-555-0111", ["+12065550111"])
    check_callback_number("+12065550100", ["+12065550111", None, "garbage"])


def test_request_to_json() -> None:
    data = make_request(nondisclosure=NonDisclosure(None)).to_json()
    assert data["type"] == "subpoena" and data["nondisclosure_until"] == "indefinite"
    assert data["targets"] == ["phone:+12065550147"]
