"""Storage-backed fixtures for the reporting service, CLI and API tests (synthetic, non-explicit ads)."""

from __future__ import annotations

from dataclasses import dataclass

from adwarden.config import Settings
from adwarden.domain import Account, Actor, PostInput
from adwarden.reporting.ncmec.standin import StandinServer
from adwarden.runtime import Runtime
from adwarden.storage.sql.queries import open_case_for_post

USER, PASSWORD = "esp-svc", "svc-secret"
CHILD_SAFETY = Actor("cara.childsafety", frozenset({"child-safety"}))
SECOND = Actor("sol.second", frozenset({"child-safety"}))
MODERATOR = Actor("mo.moderator", frozenset({"moderator"}))
PLATFORM = Actor("platform", frozenset({"platform"}))

REPORTER_ENV = {
    "reporter_first_name": "Dana",
    "reporter_last_name": "Reyes",
    "reporter_email": "child-safety@example.com",
    "reporter_phone": "+1 206 555 0100",
    "reporter_company": "Example Classifieds Inc.",
    "reporter_legal_url": "https://classifieds.example.com/legal",
    "reporter_platform": "Example Classifieds",
}


def minor_ad(external_id: str = "ad-1001", *, account: str = "u-71") -> PostInput:
    return PostInput(
        external_id=external_id,
        site="example-classifieds",
        category="personals",
        title="New in town, young and fresh",
        body="Just arrived this week, 16 yo, available 24/7. 100 roses per hour. Call 206-555-0147.",
        location="Seattle, WA",
        url=f"https://classifieds.example.com/ads/{external_id}",
        account=Account(id=account, email=f"{account}@example.com", ip="198.51.100.23", device_id="dev-abc"),
    )


def linked_ad(external_id: str = "ad-1002") -> PostInput:
    return PostInput(
        external_id=external_id,
        site="example-classifieds",
        category="personals",
        title="Visiting Portland",
        body="Sweet company, text 206-555-0147 for rates.",
        location="Portland, OR",
        url=f"https://classifieds.example.com/ads/{external_id}",
        account=Account(id="u-72", email="u72@example.com"),
    )


@dataclass
class Stored:
    case_id: str
    post_id: str
    linked_post_id: str


def store_case(rt: Runtime) -> Stored:
    outcomes = rt.ingest([minor_ad(), linked_ad()], actor=PLATFORM)
    with rt.db.read() as conn:
        case = open_case_for_post(conn, outcomes[0].post_id)
    assert case is not None, "the synthetic ad must open a case"
    return Stored(case.id, outcomes[0].post_id, outcomes[1].post_id)


def configured(settings: Settings, server: StandinServer | None = None, **extra: object) -> Settings:
    update: dict[str, object] = dict(REPORTER_ENV)
    if server is not None:
        update.update(ncmec_url=server.url, ncmec_username=USER, ncmec_password=PASSWORD,
                      ncmec_timeout=2.0, ncmec_retry_attempts=2)
    update.update(extra)
    return settings.model_copy(update=update)
