"""A platform's webhook endpoint: where its action events are delivered and the secret that signs them.

In the domain because storage reads and writes endpoints and :mod:`adwarden.actions.endpoints` (which
re-exports it) hands them to the API and the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Endpoint:
    id: str
    site: str
    url: str
    active: bool
    description: str
    created_at: datetime
    secret: str | None = None  # only when just created or rotated
