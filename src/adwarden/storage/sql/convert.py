"""Rows -> domain objects, at the storage boundary (nothing above storage sees a Row)."""

from __future__ import annotations

from typing import Any

from adwarden.domain import (
    Account,
    Action,
    Assessment,
    Case,
    CaseStatus,
    Contribution,
    Evidence,
    MediaRef,
    PostInput,
    PostVersion,
    Verdict,
)

_EVIDENCE_KEYS = {"detector", "label", "weight", "category", "evidence", "span"}


def evidence_to_json(e: Evidence) -> dict[str, Any]:
    return e.to_json()


def evidence_from_json(d: dict[str, Any]) -> Evidence:
    span = d.get("span") or [None, None]
    return Evidence(
        detector=d["detector"],
        label=d["label"],
        weight=float(d.get("weight", 0.0)),
        category=d.get("category"),
        value=d.get("evidence"),
        start=span[0],
        end=span[1],
        attrs={k: v for k, v in d.items() if k not in _EVIDENCE_KEYS},
    )


def account_to_json(a: Account | None) -> dict[str, Any] | None:
    if a is None:
        return None
    return {"id": a.id, "email": a.email, "phone": a.phone, "ip": a.ip, "device_id": a.device_id}


def media_to_json(media: tuple[MediaRef, ...]) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in {"url": m.url, "sha256": m.sha256, "md5": m.md5, "pdq": m.pdq,
                           "pdq_quality": m.pdq_quality, "error": m.error}.items() if v is not None}
        for m in media
    ]


def version_from_row(r: Any, *, site: str, external_id: str) -> PostVersion:
    acc = r.account
    account = Account(**acc) if acc else None
    media = tuple(MediaRef(**m) for m in (r.media or []))
    content = PostInput(
        external_id=external_id,
        site=site,
        category=r.category,
        title=r.title,
        body=r.body,
        location=r.location,
        posted_at=r.posted_at,
        url=r.url,
        account=account,
        media=media,
    )
    return PostVersion(post_id=r.post_id, version=r.version, content_hash=r.content_hash, content=content,
                       received_at=r.received_at)


def assessment_from_row(r: Any) -> Assessment:
    verdict = Verdict(
        action=Action(r.action),
        risk=float(r.risk),
        priority=int(r.priority),
        queue=r.queue,
        open_case=bool(r.open_case),
        reasons=tuple(evidence_from_json(d) for d in r.reasons),
        contributions=tuple(Contribution(**c) for c in r.contributions),
        rules_fired=tuple(r.rules_fired),
        preserve=bool(r.preserve),
    )
    return Assessment(id=r.id, post_id=r.post_id, version=r.version, verdict=verdict, versions=dict(r.versions),
                      created_at=r.created_at, case_id=r.case_id, trigger=r.trigger)


def case_from_row(r: Any) -> Case:
    m = r._mapping
    return Case(
        id=r.id,
        post_id=r.post_id,
        status=CaseStatus(r.status),
        queue=r.queue,
        priority=int(r.priority),
        risk=float(r.risk),
        opened_at=r.opened_at,
        updated_at=r.updated_at,
        closed_at=r.closed_at,
        close_reason=r.close_reason,
        external_id=m.get("external_id"),
        site=m.get("site"),
    )
