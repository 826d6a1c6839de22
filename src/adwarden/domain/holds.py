"""Preservation holds as values: what a hold is and which kinds of item it freezes.

Here rather than in :mod:`adwarden.legal` so that storage (below the services) can return a :class:`Hold`;
the rules for placing, extending and releasing one stay in :mod:`adwarden.legal.holds`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

#: What a hold freezes, in the order the counts are reported.
ITEM_TYPES = ("post", "post_version", "account", "identifier", "media", "assessment", "case", "decision")


@dataclass(frozen=True)
class Hold:
    """A preservation hold: why it was placed, by whom, until when, and how many items of each kind it froze."""

    id: str
    source: str
    reason: str
    targets: tuple[str, ...]
    created_by: str
    created_at: datetime
    expires_at: datetime | None
    released_at: datetime | None = None
    released_by: str | None = None
    release_reason: str | None = None
    item_counts: Mapping[str, int] = field(default_factory=dict)

    def active(self, now: datetime) -> bool:
        return self.released_at is None and (self.expires_at is None or self.expires_at > now)

    def to_json(self, now: datetime | None = None) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "reason": self.reason,
            "targets": list(self.targets),
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "released_at": self.released_at.isoformat() if self.released_at else None,
            "released_by": self.released_by,
            "release_reason": self.release_reason,
            "active": self.active(now or datetime.now(UTC)),
            "items": dict(self.item_counts),
        }
