"""Frozen dataclasses and enums shared by every layer. Imports nothing else of AdWarden."""

from adwarden.domain.actors import Actor
from adwarden.domain.audit import AuditEvent
from adwarden.domain.cases import Case, CaseStatus, Decision
from adwarden.domain.errors import (
    AdWardenError,
    ConfigError,
    Conflict,
    DetectorSkipped,
    ExternalServiceError,
    InputError,
    NotFound,
    PermissionDenied,
    PolicyError,
    StorageError,
)
from adwarden.domain.evidence import (
    ACTION_SEVERITY,
    Action,
    Assessment,
    Contribution,
    Evidence,
    Identifier,
    Verdict,
)
from adwarden.domain.posts import Account, MediaRef, Post, PostInput, PostVersion

__all__ = [
    "ACTION_SEVERITY",
    "Account",
    "Action",
    "Actor",
    "AdWardenError",
    "Assessment",
    "AuditEvent",
    "Case",
    "CaseStatus",
    "ConfigError",
    "Conflict",
    "Contribution",
    "Decision",
    "DetectorSkipped",
    "Evidence",
    "ExternalServiceError",
    "Identifier",
    "InputError",
    "MediaRef",
    "NotFound",
    "PermissionDenied",
    "PolicyError",
    "Post",
    "PostInput",
    "PostVersion",
    "StorageError",
    "Verdict",
]
