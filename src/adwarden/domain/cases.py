"""Cases, queues and decisions: what a human reviewer works on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class Case:
    """A post (and later a network) put in front of reviewers because its risk reached the review threshold."""

    id: str
    post_id: str
    status: CaseStatus
    queue: str
    priority: int
    risk: float
    opened_at: datetime
    updated_at: datetime
    closed_at: datetime | None = None
    close_reason: str | None = None
    external_id: str | None = None
    site: str | None = None


@dataclass(frozen=True)
class Decision:
    """A reviewer's decision on a case."""

    case_id: str
    outcome: str
    actor: str
    note: str
    created_at: datetime
