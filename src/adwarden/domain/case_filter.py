"""How reviewers filter case lists (queue, status, assignee, SLA state, search, kind).

In the domain because the listing service builds it and storage turns it into SQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from adwarden.domain.sla import SlaState


@dataclass(frozen=True)
class CaseFilter:
    status: str | None = "open"  # open | closed | None (all)
    queues: tuple[str, ...] = ()
    assignee: str | None = None  # a name, or "none" for unclaimed
    sla: SlaState | None = None
    search: str | None = None  # external id prefix or post/case id
    kind: str | None = None  # post | appeal
