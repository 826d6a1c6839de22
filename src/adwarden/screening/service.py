"""Ingest and screen posts: the service functions behind ``POST /v1/posts`` and ``adwarden ingest``.

Screening (CPU work) runs before the transaction; storing a batch (posts, versions, identifiers, media,
assessment, case, audit events) is one transaction, committed before anything is acknowledged. A post already
stored with the same content is a duplicate and changes nothing; changed content becomes a new version.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from adwarden.audit.log import append_event
from adwarden.domain import Actor, Assessment, PostInput
from adwarden.ingest.identity import content_hash, post_id_for
from adwarden.pipeline import Screener, Screening
from adwarden.review.cases import apply_verdict_to_case
from adwarden.storage.ids import new_id
from adwarden.storage.sql.convert import account_to_json, media_to_json
from adwarden.storage.sql.database import Database
from adwarden.storage.sql.queries import latest_assessment
from adwarden.storage.sql.tables import accounts, assessments, identifiers, media, post_versions, posts


@dataclass(frozen=True)
class IngestOutcome:
    """What happened to one submitted post. ``status``: ``accepted`` (new post), ``new-version`` or ``duplicate``."""

    post_id: str
    version: int
    status: str
    assessment: Assessment | None
    case_id: str | None


#: Called inside the transaction after a post version is stored (e.g. the network linker joins it).
PostStoredHook = Callable[[Connection, str, int, PostInput, Screening], None]
_post_stored_hooks: list[PostStoredHook] = []


def register_post_stored_hook(hook: PostStoredHook) -> None:
    """Register a hook run for every stored version, in the same transaction (keep it fast: it is on the hot
    path of ingest)."""
    if hook not in _post_stored_hooks:
        _post_stored_hooks.append(hook)


def unregister_post_stored_hook(hook: PostStoredHook) -> None:
    if hook in _post_stored_hooks:
        _post_stored_hooks.remove(hook)


def _assessment_row(post_id: str, version: int, s: Screening, trigger: str, now: datetime) -> dict[str, Any]:
    v = s.verdict
    return {
        "id": new_id("a"),
        "post_id": post_id,
        "version": version,
        "action": v.action.value,
        "risk": v.risk,
        "priority": v.priority,
        "queue": v.queue,
        "open_case": v.open_case,
        "preserve": v.preserve,
        "reasons": [e.to_json() for e in v.reasons],
        "contributions": [{"source": c.source, "points": c.points, "note": c.note} for c in v.contributions],
        "rules_fired": list(v.rules_fired),
        "versions": {**dict(s.versions), **({"skipped": "; ".join(s.skipped)} if s.skipped else {})},
        "trigger": trigger,
        "case_id": None,
        "created_at": now,
    }


def _assess(
    conn: Connection, *, post_id: str, version: int, screening: Screening, trigger: str, actor: str,
    known_new_post: bool, now: datetime,
) -> dict[str, Any]:
    """Apply a verdict to the post's case and audit it; return the assessment row (not yet inserted)."""
    row = _assessment_row(post_id, version, screening, trigger, now)
    row["case_id"] = apply_verdict_to_case(conn, post_id=post_id, verdict=screening.verdict, trigger=trigger,
                                           actor=actor, known_new_post=known_new_post)
    v = screening.verdict
    append_event(conn, name="post-assessed", actor=actor, subject_type="post", subject_id=post_id,
                 payload={"version": version, "assessment_id": row["id"], "action": v.action.value,
                          "risk": v.risk, "queue": v.queue, "trigger": trigger,
                          "policy": screening.versions.get("policy")})
    return row


def record_assessment(
    conn: Connection, *, post_id: str, version: int, screening: Screening, trigger: str, actor: str,
    known_new_post: bool = False,
) -> tuple[str, str | None]:
    """Store one verdict, apply it to the post's case, audit both. Returns ``(assessment id, case id)``.

    Used by re-assessment (rescans after a bank or policy change); ingest batches the same steps."""
    row = _assess(conn, post_id=post_id, version=version, screening=screening, trigger=trigger, actor=actor,
                  known_new_post=known_new_post, now=datetime.now(UTC))
    conn.execute(insert(assessments), [row])
    return row["id"], row["case_id"]


def ingest_posts(
    db: Database,
    items: Sequence[PostInput],
    screener: Screener,
    *,
    actor: Actor,
    network_facts: Callable[[Connection, PostInput, Screening], Mapping[str, Any]] | None = None,
    screenings: Sequence[Screening] | None = None,
) -> list[IngestOutcome]:
    """Store and screen a batch of posts in one transaction; return one outcome per item, in order.

    ``screenings`` may carry the items' screenings computed beforehand (the API screens in the request thread
    and hands the batch to one writer)."""
    if screenings is None:
        screenings = [screener.screen(p) for p in items]
    now = datetime.now(UTC)
    # One slot per input item: a duplicate's outcome at once, or the index of its entry in ``stored``.
    slots: list[IngestOutcome | int] = []
    stored_outcomes: list[IngestOutcome] = []
    with db.transaction() as conn:
        ids = [post_id_for(p.site, p.external_id) for p in items]
        unique_ids = list(dict.fromkeys(ids))
        latest: dict[str, int] = {}
        hashes: dict[tuple[str, str], int] = {}
        if unique_ids:
            for r in conn.execute(select(posts.c.id, posts.c.latest_version).where(posts.c.id.in_(unique_ids))):
                latest[r.id] = r.latest_version
            existing = [i for i in unique_ids if i in latest]
            if existing:
                for r in conn.execute(select(post_versions.c.post_id, post_versions.c.content_hash,
                                             post_versions.c.version).where(post_versions.c.post_id.in_(existing))):
                    hashes[(r.post_id, r.content_hash)] = r.version
        account_ids = {f"{p.site}:{p.account.id}" for p in items if p.account is not None}
        known_accounts: set[str] = set()
        if account_ids:
            known_accounts = set(conn.execute(select(accounts.c.id).where(accounts.c.id.in_(account_ids))).scalars())

        new_posts: list[dict[str, Any]] = []
        version_rows: list[dict[str, Any]] = []
        ident_rows: list[dict[str, Any]] = []
        media_rows: list[dict[str, Any]] = []
        stored: list[tuple[str, int, PostInput, Screening, bool]] = []
        for post, pid, scr in zip(items, ids, screenings, strict=True):
            chash = content_hash(post)
            if (pid, chash) in hashes:
                slots.append(IngestOutcome(pid, hashes[(pid, chash)], "duplicate", None, None))
                continue
            account_id = None
            if post.account is not None:
                account_id = f"{post.site}:{post.account.id}"
                a = post.account
                values = {"email": a.email, "phone": a.phone, "ip": a.ip, "device_id": a.device_id, "updated_at": now}
                if account_id in known_accounts:
                    conn.execute(update(accounts).where(accounts.c.id == account_id).values(**values))
                else:
                    conn.execute(insert(accounts).values(id=account_id, site=post.site, external_id=a.id,
                                                         created_at=now, **values))
                    known_accounts.add(account_id)
            is_new = pid not in latest
            version = 1 if is_new else latest[pid] + 1
            if is_new:
                new_posts.append({"id": pid, "site": post.site, "external_id": post.external_id,
                                  "account_id": account_id, "latest_version": 1, "created_at": now,
                                  "updated_at": now})
            else:
                conn.execute(update(posts).where(posts.c.id == pid).values(
                    latest_version=version, updated_at=now, account_id=account_id))
            latest[pid] = version
            hashes[(pid, chash)] = version
            version_rows.append({
                "post_id": pid, "version": version, "content_hash": chash, "title": post.title, "body": post.body,
                "category": post.category, "location": post.location, "url": post.url,
                "posted_at": post.posted_at, "received_at": now, "account": account_to_json(post.account),
                "media": media_to_json(post.media)})
            for ident in scr.identifiers:
                ident_rows.append({"post_id": pid, "version": version, "kind": ident.kind, "value": ident.value[:500],
                                   "start": ident.start, "end": ident.end, "platform": ident.platform,
                                   "source": ident.source})
            for pos, m in enumerate(post.media):
                media_rows.append({"post_id": pid, "version": version, "position": pos, "url": m.url,
                                   "sha256": m.sha256, "md5": m.md5, "pdq": m.pdq, "pdq_quality": m.pdq_quality,
                                   "error": m.error})
            slots.append(len(stored))
            stored.append((pid, version, post, scr, is_new))

        if new_posts:
            conn.execute(insert(posts), new_posts)
        if version_rows:
            conn.execute(insert(post_versions), version_rows)
        if ident_rows:
            conn.execute(insert(identifiers), ident_rows)
        if media_rows:
            conn.execute(insert(media), media_rows)

        assessment_rows: list[dict[str, Any]] = []
        for pid, version, post, scr, is_new in stored:
            append_event(conn, name="post-accepted" if version == 1 else "post-version-added", actor=actor.name,
                         subject_type="post", subject_id=pid,
                         payload={"site": post.site, "external_id": post.external_id, "version": version})
            for hook in _post_stored_hooks:
                hook(conn, pid, version, post, scr)
            if network_facts is not None:
                facts = network_facts(conn, post, scr)
                if facts:
                    scr = screener.screen(post, network=facts)
            row = _assess(conn, post_id=pid, version=version, screening=scr, trigger="ingest", actor=actor.name,
                          known_new_post=is_new and version == 1, now=now)
            assessment_rows.append(row)
            aid, case_id = row["id"], row["case_id"]
            stored_outcomes.append(IngestOutcome(
                pid, version, "accepted" if version == 1 else "new-version",
                Assessment(id=aid, post_id=pid, version=version, verdict=scr.verdict, versions=scr.versions,
                           created_at=now, case_id=case_id, trigger="ingest"),
                case_id))
        if assessment_rows:
            conn.execute(insert(assessments), assessment_rows)
    return [slot if isinstance(slot, IngestOutcome) else stored_outcomes[slot] for slot in slots]


def verdict_for_duplicate(db: Database, post_id: str) -> Assessment | None:
    with db.read() as conn:
        return latest_assessment(conn, post_id)
