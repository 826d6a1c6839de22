"""Policy activation (audited, stored whole) and backtests of a candidate policy against stored posts.

Activating a policy stores its full text and digest, so the exact policy behind any verdict can be shown
later, audits the activation, and queues a rescan of stored posts under the new policy. The most recently
activated policy is the one every process loads (it wins over ``ADWARDEN_POLICY_PATH``, which only names the
policy used before any activation).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from adwarden.audit.log import append_event
from adwarden.detect.vocabulary import Vocabulary
from adwarden.domain import Actor, PolicyError
from adwarden.permissions import ensure_permission
from adwarden.pipeline import Screener
from adwarden.policy import Policy, load_policy, parse_policy
from adwarden.policy.diff import PolicyDiff, Replay, policy_diff
from adwarden.retro.rescan import all_post_ids, enqueue_rescan
from adwarden.storage.sql import screening_state
from adwarden.storage.sql.banks_store import PolicyActivation, insert_activation, latest_activation
from adwarden.storage.sql.database import Connection, Database
from adwarden.storage.sql.queries import get_post


def active_policy(conn: Connection, *, vocabulary: Vocabulary | None = None) -> Policy | None:
    """The most recently activated policy, or None when none was ever activated."""
    row = latest_activation(conn)
    if row is None:
        return None
    return parse_policy(row.content.encode("utf-8"), source=row.source, vocabulary=vocabulary)


def activate_policy(db: Database, path: str | Path, *, actor: Actor, vocabulary: Vocabulary | None = None,
                    rescan: bool = True) -> tuple[Policy, str | None]:
    """Validate ``path``, store and audit the activation, queue a rescan. Returns (policy, rescan job id)."""
    ensure_permission(actor, "policy:activate")
    policy = load_policy(path, vocabulary=vocabulary)
    content = Path(path).read_bytes()
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:  # pragma: no cover - load_policy already refused it
        raise PolicyError([f"{path}: not valid UTF-8"]) from exc
    now = datetime.now(UTC)
    with db.transaction() as conn:
        screening_state.bump(conn)  # first: ingests after this commit screen with the new policy
        insert_activation(conn, PolicyActivation(policy.version, policy.digest, str(path), text),
                          activated_by=actor.name, now=now)
        job_id = None
        if rescan:
            ids = all_post_ids(conn)
            if ids:
                job_id = enqueue_rescan(conn, ids, trigger="policy-activated",
                                        reason=f"policy {policy.version} ({policy.digest[:12]}) activated",
                                        actor=actor)
        append_event(conn, name="policy-activated", actor=actor.name, subject_type="policy",
                     subject_id=policy.digest, payload={"version": policy.version, "source": str(path),
                                                        "rescan_job": job_id})
    return policy, job_id


def stored_replays(db: Database, screener: Screener, *, limit: int | None = None) -> Iterator[Replay]:
    """Re-run detection on the latest version of stored posts: (post id, evidence, network facts) to replay
    under two policies. Detection is re-run (not read from old verdicts) so the replay uses today's detectors
    and banks, exactly what activation would use."""
    with db.read() as conn:
        ids = all_post_ids(conn)
    if limit is not None:
        ids = ids[:limit]
    for i in range(0, len(ids), 200):
        with db.read() as conn:
            batch = [get_post(conn, pid) for pid in ids[i : i + 200]]
        for post in batch:
            s = screener.screen(post.current.content)
            yield post.id, s.evidence, None


def backtest(db: Database, screener: Screener, old: Policy, new: Policy, *, limit: int | None = None,
             max_examples: int = 10) -> PolicyDiff:
    """``adwarden policy diff``: how many stored posts would get a different verdict under ``new``."""
    return policy_diff(old, new, stored_replays(db, screener, limit=limit), max_examples=max_examples)
