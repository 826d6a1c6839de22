"""A case as reviewers work it: the case plus its work row (claim lease, SLA clock, appeal link).

Why a type of its own: storage reads the case and its ``case_work`` row together (locked, for a change), and
the claim, decision, appeal, listing and detail services all reason on the same fields. A case gets its work
row on first claim, so ``kind`` is None until then (an ordinary post case).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from adwarden.domain.cases import Case


@dataclass(frozen=True)
class ReviewCase(Case):
    """One case with its work row; ``site`` / ``external_id`` are set when the read joined the post."""

    kind: str | None = None  # post | appeal; None: no work row yet
    assignee: str | None = None
    claimed_at: datetime | None = None
    lease_expires_at: datetime | None = None
    sla_started_at: datetime | None = None
    appeal_of: str | None = None  # the decision an appeal case contests
    appellant: str | None = None
