"""Evidence, identifiers and assessments: what screening produces.

Detectors never return a bare number. Each :class:`Evidence` names the detector, a label a reviewer can read,
the span or value it rests on, and the weight it contributes, so every verdict explains itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Action(StrEnum):
    """What happens to a post now. Ordered by severity (see :data:`ACTION_SEVERITY`)."""

    ALLOW = "allow"
    HOLD = "hold"
    BLOCK = "block"


ACTION_SEVERITY: Mapping[Action, int] = {Action.ALLOW: 0, Action.HOLD: 1, Action.BLOCK: 2}


@dataclass(frozen=True)
class Identifier:
    """A linkable identifier found in or attached to a post (phone in E.164, lower-cased e-mail, handle...).

    ``source`` says where it came from: ``text`` (extracted, with a span), ``url`` (found in the post's URL, no
    span), ``account`` or ``media``.
    """

    kind: str
    value: str
    start: int | None = None
    end: int | None = None
    platform: str | None = None
    source: str = "text"


@dataclass(frozen=True)
class Evidence:
    """One reason behind a verdict.

    ``detector`` is the detector's registered name, ``label`` the human-readable reason (an indicator id, a bank
    label), ``category`` the indicator category when there is one, ``value`` the matched text or identifier,
    ``start``/``end`` the span in the post text for highlighting, ``weight`` the contribution the detector
    proposes (the policy decides what it is worth), ``attrs`` detector-specific detail (bank name, distance...).
    """

    detector: str
    label: str
    weight: float = 0.0
    category: str | None = None
    value: str | None = None
    start: int | None = None
    end: int | None = None
    attrs: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"detector": self.detector, "label": self.label, "weight": self.weight}
        if self.category is not None:
            out["category"] = self.category
        if self.value is not None:
            out["evidence"] = self.value
        if self.start is not None:
            out["span"] = [self.start, self.end]
        for k, v in self.attrs.items():
            out.setdefault(k, v)
        return out


@dataclass(frozen=True)
class Contribution:
    """How one rule or piece of evidence moved the risk score: kept so an old verdict explains itself exactly."""

    source: str
    points: float
    note: str = ""


@dataclass(frozen=True)
class Verdict:
    """The policy's decision for one post version (pure result, before storage)."""

    action: Action
    risk: float
    priority: int
    queue: str | None
    open_case: bool
    reasons: tuple[Evidence, ...]
    contributions: tuple[Contribution, ...]
    rules_fired: tuple[str, ...] = ()
    preserve: bool = False


@dataclass(frozen=True)
class Assessment:
    """A stored verdict for a post version, with the versions of everything that made it."""

    id: str
    post_id: str
    version: int
    verdict: Verdict
    versions: Mapping[str, str]
    created_at: datetime
    case_id: str | None = None
    trigger: str = "ingest"
