"""Synthetic values for the legal tests: non-explicit ads, 555-01xx numbers, example.com addresses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adwarden.domain.posts import Account, MediaRef, Post, PostInput, PostVersion
from adwarden.legal.model import LegalRequest, NonDisclosure, RequestStatus, RequestType, Scope, Target

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def make_request(
    *,
    rid: str = "lr-1",
    rtype: RequestType = RequestType.SUBPOENA,
    status: RequestStatus = RequestStatus.RECEIVED,
    due_at: datetime | None = None,
    targets: tuple[Target, ...] = (Target("phone", "+12065550147"),),
    nondisclosure: NonDisclosure | None = None,
) -> LegalRequest:
    return LegalRequest(
        id=rid,
        type=rtype,
        status=status,
        agency="Example County Sheriff",
        authority="Grand jury subpoena GJ-2026-0042",
        received_at=T0,
        due_at=due_at if due_at is not None else T0 + timedelta(days=14),
        scope=Scope(targets),
        officer="Det. Casey Morgan",
        contact_email="cmorgan@sheriff.example.gov",
        contact_phone="+12065550111",
        case_number="2026-00042",
        nondisclosure=nondisclosure,
    )


def make_post(pid: str = "p-1", external_id: str = "1001", versions: int = 2) -> Post:
    account = Account(id="acct-77", email="jane.demo@example.com", phone="+12065550147")
    out = []
    for v in range(1, versions + 1):
        content = PostInput(
            external_id=external_id,
            site="ads.example.com",
            category="personals",
            title=f"New in town, version {v}",
            body=f"Friendly company, call 206 555 0147. Edit {v} <script>alert(1)</script> \u2764",
            location="Seattle",
            posted_at=T0 - timedelta(days=3),
            url=f"https://ads.example.com/post/{external_id}",
            account=account,
            media=(MediaRef(url="https://img.example.com/a.jpg", sha256="ab" * 32, md5="cd" * 16),),
        )
        out.append(
            PostVersion(post_id=pid, version=v, content_hash=f"{v:064x}", content=content, received_at=T0 - timedelta(days=3 - v))
        )
    return Post(id=pid, site="ads.example.com", external_id=external_id, account_id="acct-77", created_at=T0, versions=tuple(out))
