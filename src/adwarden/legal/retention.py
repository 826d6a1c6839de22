"""Retention: delete posts past their retention period, never anything a hold freezes.

A post is purged with its versions, identifiers, media and assessments (and its closed cases and their
decisions, which reference it). It is kept when an active hold freezes it, and while it has an open case
(a reviewer is still working on it). The audit log is never purged: it records what was deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from adwarden.audit.log import append_event
from adwarden.domain import Actor, InputError
from adwarden.legal.holds import held_ids
from adwarden.permissions import ensure_permission
from adwarden.storage.sql.batches import chunked
from adwarden.storage.sql.database import Connection
from adwarden.storage.sql.retention_store import delete_posts, posts_created_before, posts_with_open_case

#: Post ids per audit event and per delete statement.
BATCH = 500


@dataclass(frozen=True)
class PurgeResult:
    cutoff: datetime
    purged: tuple[str, ...]
    kept_held: int
    kept_open_case: int
    dry_run: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "cutoff": self.cutoff.isoformat(),
            "purged": len(self.purged),
            "kept_held": self.kept_held,
            "kept_open_case": self.kept_open_case,
            "dry_run": self.dry_run,
            "post_ids": list(self.purged),
        }


def purge(
    conn: Connection,
    *,
    older_than_days: int,
    actor: Actor,
    now: datetime | None = None,
    dry_run: bool = False,
) -> PurgeResult:
    """Delete posts first stored more than ``older_than_days`` ago that no active hold freezes.

    ``dry_run`` reports what would go without deleting (and writes no audit event).
    """
    ensure_permission(actor, "retention:purge")
    if older_than_days < 1:
        raise InputError("must be at least 1 day", record="retention", field="older_than_days")
    moment = now or datetime.now(UTC)
    cutoff = moment - timedelta(days=older_than_days)
    candidates = posts_created_before(conn, cutoff)
    held = held_ids(conn, "post", candidates, now=moment)
    rest = [p for p in candidates if p not in held]
    open_case = posts_with_open_case(conn, rest)
    doomed = tuple(p for p in rest if p not in open_case)
    if not dry_run:
        for chunk in chunked(doomed, BATCH):
            delete_posts(conn, chunk)
            append_event(conn, name="retention-purged", actor=actor.name, subject_type="retention",
                         subject_id=cutoff.date().isoformat(),
                         payload={"older_than_days": older_than_days, "cutoff": cutoff.isoformat(),
                                  "post_ids": list(chunk)})
    return PurgeResult(cutoff, doomed, len(held), len(open_case), dry_run)

