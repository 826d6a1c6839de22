"""A rescan job: stored posts being re-assessed after a bank, policy or model change.

Why in the domain: the retro service runs jobs and storage keeps them; both name the same record, and storage
may not import the service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class RescanJob:
    id: str
    trigger: str
    reason: str
    status: str
    total: int
    done: int
    changed: int
    created_by: str
    created_at: datetime
    finished_at: datetime | None
    error: str | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "trigger": self.trigger, "reason": self.reason, "status": self.status,
                "total": self.total, "done": self.done, "changed": self.changed, "created_by": self.created_by,
                "created_at": self.created_at.isoformat(),
                "finished_at": self.finished_at.isoformat() if self.finished_at else None, "error": self.error}
