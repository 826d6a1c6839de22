"""What an evidence package contains: everything a request's scope reaches, as of now.

The scope's targets are resolved again at production time (posts stored since intake are covered too); a
date range keeps only the versions posted (or, when the platform gave no posting time, received) inside it.
The network around the posts in scope is summarised by ids and shared identifiers only: the linked posts'
content is outside the request.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from adwarden.domain import Post
from adwarden.legal.holds import resolve_targets
from adwarden.legal.model import DateRange, LegalRequest
from adwarden.legal.package import PackageInput
from adwarden.storage.sql import legal_package_store as store
from adwarden.storage.sql.database import Connection
from adwarden.storage.sql.identifiers_store import posts_with_identifier
from adwarden.storage.sql.queries import get_post

#: Identifier kinds followed when summarising the network around the posts in scope.
NETWORK_KINDS = ("phone", "email", "handle", "payment", "url")


def _in_range(rng: DateRange | None, post: Post) -> Post | None:
    if rng is None:
        return post
    kept = tuple(v for v in post.versions if rng.contains(v.content.posted_at or v.received_at))
    if not kept:
        return None
    return Post(id=post.id, site=post.site, external_id=post.external_id, account_id=post.account_id,
                created_at=post.created_at, versions=kept)


def gather_package_input(
    conn: Connection, req: LegalRequest, *, produced_by: str, recipient: str, now: datetime,
    platform_name: str = "AdWarden",
) -> PackageInput:
    """Collect what the request's scope reaches: posts (versions inside the date range), their accounts,
    identifiers, the network around them, assessments, decisions and the audit extract."""
    resolution = resolve_targets(conn, req.scope.targets)
    scoped = [_in_range(req.scope.date_range, get_post(conn, pid)) for pid in sorted(resolution.post_ids)]
    post_list = [p for p in scoped if p is not None]
    pids = [p.id for p in post_list]
    account_ids = sorted({p.account_id for p in post_list if p.account_id} | set(resolution.account_ids))
    versions_kept = {(p.id, v.version) for p in post_list for v in p.versions}
    ident_rows = [r for r in store.package_identifiers(conn, pids) if (r["post_id"], r["version"]) in versions_kept]
    assessment_rows = [r for r in store.package_assessments(conn, pids)
                       if (r["post_id"], r["version"]) in versions_kept]
    case_ids = store.case_ids_of_posts(conn, pids)
    subjects: list[tuple[str, Sequence[str]]] = [("legal_request", [req.id]), ("post", pids), ("case", case_ids)]
    if req.hold_id:
        subjects.append(("hold", [req.hold_id]))
    return PackageInput(
        request=req, posts=post_list, produced_by=produced_by, recipient=recipient, created_at=now,
        accounts=store.package_accounts(conn, account_ids), identifiers=ident_rows,
        network=_network_summary(conn, pids, ident_rows), assessments=assessment_rows,
        decisions=store.package_decisions(conn, case_ids), audit=store.audit_extract(conn, subjects),
        platform_name=platform_name)


def _network_summary(conn: Connection, pids: Sequence[str], ident_rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Other posts sharing an identifier with the posts in scope: ids and what links them (not their content,
    which is outside the request's scope)."""
    keys = sorted({(r["kind"], r["value"]) for r in ident_rows if r["kind"] in NETWORK_KINDS})
    linked: dict[str, set[str]] = {}
    shared: list[dict[str, Any]] = []
    in_scope = set(pids)
    for kind, value in keys:
        others = sorted(set(posts_with_identifier(conn, kind, value)) - in_scope)
        shared.append({"kind": kind, "value": value, "other_posts": len(others)})
        for o in others:
            linked.setdefault(o, set()).add(f"{kind}:{value}")
    meta = store.post_sites(conn, sorted(linked))
    linked_rows = [{"post_id": pid, "site": meta[pid][0] if pid in meta else None,
                    "external_id": meta[pid][1] if pid in meta else None,
                    "shared": sorted(linked[pid])} for pid in sorted(linked)]
    return {"posts_in_scope": len(pids), "identifiers": shared, "linked_posts": linked_rows}
