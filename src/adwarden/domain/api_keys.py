"""A stored API key's record (never its plaintext, never its hash).

Why in the domain: the identities service issues and checks keys and storage keeps them; both name the same
record, and storage may not import the service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class StoredKey:
    id: str
    actor: str
    roles: tuple[str, ...]
    note: str
    created_by: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    def active(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    def to_json(self, now: datetime | None = None) -> dict[str, object]:
        when = now or datetime.now(UTC)
        return {"id": self.id, "actor": self.actor, "roles": list(self.roles), "note": self.note,
                "created_by": self.created_by, "created_at": self.created_at.isoformat(),
                "expires_at": self.expires_at.isoformat() if self.expires_at else None,
                "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
                "active": self.active(when)}
