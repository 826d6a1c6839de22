"""Declared permissions and roles, checked in one place.

Permissions are data with help text (``docs/permissions.md`` is tested against them), so an auditor can read
who may do what without reading code.
"""

from __future__ import annotations

from collections.abc import Mapping

from adwarden.domain import Actor, PermissionDenied

PERMISSIONS: Mapping[str, str] = {
    "post:ingest": "Submit posts for screening.",
    "post:view": "Read posts, their versions and verdicts.",
    "case:view": "List and read cases in unrestricted queues.",
    "case:view-restricted": "Read cases in restricted queues (suspected minors).",
    "case:decide": "Record decisions on cases.",
    "bank:manage": "Import, export and edit banks of known-bad signals.",
    "policy:activate": "Activate a policy file.",
    "rescan:run": "Re-assess stored posts.",
    "report:draft": "Draft CyberTipline and IC3 reports.",
    "report:submit": "Submit CyberTipline reports to NCMEC.",
    "legal:manage": "Record and work legal process requests.",
    "legal:produce": "Produce evidence packages for law enforcement.",
    "hold:manage": "Place and release preservation holds.",
    "retention:purge": "Purge data past retention (held data is always kept).",
    "audit:verify": "Verify the audit log.",
    "network:view": "Read networks of linked posts.",
    "model:manage": "Train, evaluate, promote and retire the reviewer-trained classifier's models.",
    # review loop (issue 11)
    "case:assign": "Reassign or release other reviewers' claims on cases.",
    "flag:submit": "Forward users' flags on posts (platform).",
    "appeal:submit": "Forward a poster's appeal against a decision (platform).",
    "action:read": "Poll the platform action feed (a platform reads only its own sites).",
    "webhook:manage": "Register, disable and replay webhook endpoints (a platform only for its own sites).",
    "metrics:view": "Read review metrics (queue depth, SLA breaches, decision rates, flag precision).",
}

ROLES: Mapping[str, frozenset[str]] = {
    "admin": frozenset(PERMISSIONS),
    "platform": frozenset({"post:ingest", "post:view", "flag:submit", "appeal:submit", "action:read",
                           "webhook:manage"}),
    "moderator": frozenset({"post:view", "case:view", "case:decide", "network:view"}),
    "review-lead": frozenset({"post:view", "case:view", "case:decide", "case:assign", "network:view",
                              "metrics:view"}),
    "child-safety": frozenset(
        {"post:view", "case:view", "case:view-restricted", "case:decide", "network:view", "report:draft",
         "report:submit", "hold:manage"}
    ),
    "le-liaison": frozenset({"post:view", "network:view", "legal:manage", "legal:produce", "hold:manage"}),
    "compliance": frozenset({"post:view", "case:view", "audit:verify", "network:view", "metrics:view"}),
}


def permissions_of(actor: Actor) -> frozenset[str]:
    out: set[str] = set()
    for role in actor.roles:
        out |= ROLES.get(role, frozenset())
    return frozenset(out)


def has_permission(actor: Actor, permission: str) -> bool:
    if permission not in PERMISSIONS:
        raise KeyError(f"undeclared permission {permission!r}; declare it in adwarden.permissions.PERMISSIONS")
    return permission in permissions_of(actor)


def ensure_permission(actor: Actor, permission: str) -> None:
    """Raise :class:`PermissionDenied` unless one of ``actor``'s roles grants ``permission``."""
    if not has_permission(actor, permission):
        roles = ", ".join(sorted(actor.roles)) or "no roles"
        raise PermissionDenied(f"{actor.name} ({roles}) lacks permission {permission!r}")
