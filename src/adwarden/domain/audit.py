"""Audit events: one per state change, written in the same transaction, hash chained."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class AuditEvent:
    """A stored audit event. ``hash`` = SHA-256 over ``prev_hash`` and the canonical JSON of the other fields."""

    seq: int
    name: str
    actor: str
    subject_type: str
    subject_id: str
    payload: Mapping[str, Any]
    created_at: datetime
    prev_hash: str
    hash: str
