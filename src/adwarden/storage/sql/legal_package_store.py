"""Reading what an evidence package contains: the stored rows a legal request's scope reaches.

Why a module of its own: :mod:`adwarden.legal.gathering` decides what the scope reaches (which posts, which
versions inside the date range, which audit subjects); this module reads those rows and hands them back as
JSON-ready dicts, because the package lists the stored rows as they are (times as ISO-8601 text).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, and_, or_, select

from adwarden.storage.sql.tables import (
    accounts,
    assessments,
    audit_events,
    cases,
    decisions,
    identifiers,
    posts,
)


def package_accounts(conn: Connection, account_ids: Sequence[str]) -> list[dict[str, Any]]:
    """The accounts, in id order, with everything the platform sent about them."""
    if not account_ids:
        return []
    return [
        {"id": r.id, "site": r.site, "external_id": r.external_id, "email": r.email, "phone": r.phone,
         "ip": r.ip, "device_id": r.device_id, "created_at": r.created_at.isoformat(),
         "updated_at": r.updated_at.isoformat()}
        for r in conn.execute(select(accounts).where(accounts.c.id.in_(list(account_ids))).order_by(accounts.c.id))
    ]


def package_identifiers(conn: Connection, post_ids: Sequence[str]) -> list[dict[str, Any]]:
    """Every identifier of the posts (all versions), by post, version and storage order."""
    if not post_ids:
        return []
    return [
        {"post_id": r.post_id, "version": r.version, "kind": r.kind, "value": r.value, "platform": r.platform,
         "source": r.source, "start": r.start, "end": r.end}
        for r in conn.execute(select(identifiers).where(identifiers.c.post_id.in_(list(post_ids)))
                              .order_by(identifiers.c.post_id, identifiers.c.version, identifiers.c.id))
    ]


def package_assessments(conn: Connection, post_ids: Sequence[str]) -> list[dict[str, Any]]:
    """Every assessment of the posts (all versions), oldest first."""
    if not post_ids:
        return []
    return [
        {"id": r.id, "post_id": r.post_id, "version": r.version, "action": r.action, "risk": r.risk,
         "priority": r.priority, "queue": r.queue, "reasons": r.reasons, "rules_fired": r.rules_fired,
         "versions": r.versions, "trigger": r.trigger, "created_at": r.created_at.isoformat()}
        for r in conn.execute(select(assessments).where(assessments.c.post_id.in_(list(post_ids)))
                              .order_by(assessments.c.created_at, assessments.c.id))
    ]


def case_ids_of_posts(conn: Connection, post_ids: Sequence[str]) -> list[str]:
    if not post_ids:
        return []
    return list(conn.execute(select(cases.c.id).where(cases.c.post_id.in_(list(post_ids)))).scalars())


def package_decisions(conn: Connection, case_ids: Sequence[str]) -> list[dict[str, Any]]:
    """The reviewer decisions on the cases, oldest first."""
    if not case_ids:
        return []
    return [
        {"case_id": r.case_id, "outcome": r.outcome, "actor": r.actor, "note": r.note,
         "created_at": r.created_at.isoformat()}
        for r in conn.execute(select(decisions).where(decisions.c.case_id.in_(list(case_ids)))
                              .order_by(decisions.c.created_at, decisions.c.id))
    ]


def post_sites(conn: Connection, post_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    """``post id -> (site, external id)`` for the stored posts among ``post_ids``."""
    if not post_ids:
        return {}
    return {r.id: (r.site, r.external_id) for r in conn.execute(
        select(posts.c.id, posts.c.site, posts.c.external_id).where(posts.c.id.in_(list(post_ids))))}


def audit_extract(conn: Connection, subjects: Sequence[tuple[str, Sequence[str]]]) -> list[dict[str, Any]]:
    """The audit events about any of ``subjects`` (``(subject type, subject ids)``), in chain order, with
    their hashes so the recipient can check them against a checkpoint."""
    clauses = [and_(audit_events.c.subject_type == kind, audit_events.c.subject_id.in_(list(ids)))
               for kind, ids in subjects if ids]
    if not clauses:
        return []
    rows = conn.execute(select(audit_events).where(or_(*clauses)).order_by(audit_events.c.seq)).all()
    return [{"seq": r.seq, "name": r.name, "actor": r.actor, "subject_type": r.subject_type,
             "subject_id": r.subject_id, "payload": r.payload, "created_at": r.created_at, "hash": r.hash}
            for r in rows]
