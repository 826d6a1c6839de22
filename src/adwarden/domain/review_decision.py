"""A reviewer's decision that acts, as stored and as returned to callers.

Kept in the domain because both storage (which reads and writes ``review_decisions``) and the review services
(which decide what it means) use it; :mod:`adwarden.review.decisions` re-exports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class DecisionRecord:
    """A stored decision and the platform events it queued."""

    id: str
    case_id: str
    post_id: str
    label: str | None
    action: str
    violating: bool
    scope: str
    note: str
    actor: str
    created_at: datetime
    scope_id: str | None = None
    superseded_by: str | None = None
    appeal_outcome: str | None = None
    action_events: tuple[str, ...] = field(default=())
