"""Demo console users, one per role, so a fresh ``make demo`` can be signed into straight away.

Passwords are random per run (printed once by ``adwarden demo run``); an existing demo user gets a new one.
Refused in production: demo accounts never exist on a real deployment.
"""

from __future__ import annotations

import secrets

from adwarden.console.users import add_user, change_user, get_user
from adwarden.domain import Actor, ConfigError, NotFound
from adwarden.storage.sql.database import Database

#: (user name, role) of the demo accounts.
DEMO_ROLES: tuple[tuple[str, str], ...] = (
    ("demo-moderator", "moderator"),
    ("demo-child-safety", "child-safety"),
    ("demo-le-liaison", "le-liaison"),
    ("demo-compliance", "compliance"),
    ("demo-admin", "admin"),
)


def ensure_demo_users(db: Database, *, actor: Actor, environment: str) -> list[tuple[str, str, str]]:
    """Create (or reset) the demo users; returns (name, role, password) for each."""
    if environment == "production":
        raise ConfigError("demo users are never created in production")
    out = []
    for name, role in DEMO_ROLES:
        password = secrets.token_urlsafe(12)
        try:
            with db.read() as conn:
                get_user(conn, name)
            change_user(db, name, actor=actor, roles=[role], password=password, disabled=False)
        except NotFound:
            add_user(db, name, password, [role], actor=actor)
        out.append((name, role, password))
    return out
