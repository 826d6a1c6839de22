"""Declared data is documented: every setting, permission, role and audit event appears in docs/."""

from __future__ import annotations

from pathlib import Path

import adwarden.cli.main  # noqa: F401 - imports every area, so every audit event is declared
from adwarden.audit.events import AUDIT_EVENTS
from adwarden.config import Settings
from adwarden.permissions import PERMISSIONS, ROLES

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_every_setting_is_documented() -> None:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    missing = [f"ADWARDEN_{n.upper()}" for n in Settings.model_fields if f"`ADWARDEN_{n.upper()}`" not in text]
    assert not missing, f"undocumented settings in docs/settings.md: {missing}"


def test_every_permission_and_role_is_documented() -> None:
    text = (DOCS / "permissions.md").read_text(encoding="utf-8")
    missing = [p for p in [*PERMISSIONS, *ROLES] if f"`{p}`" not in text]
    assert not missing, f"undocumented permissions/roles in docs/permissions.md: {missing}"


def test_every_audit_event_is_documented() -> None:
    text = (DOCS / "audit.md").read_text(encoding="utf-8")
    missing = [e for e in AUDIT_EVENTS if f"`{e}`" not in text]
    assert not missing, f"undocumented audit events in docs/audit.md: {missing}"
