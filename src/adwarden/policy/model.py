"""The typed policy: what a validated policy file becomes.

Every class here is a frozen dataclass built only by :mod:`adwarden.policy.loader`, after the whole file has
been checked, so the engine never meets a half-valid policy. Conditions form a small tree (``any``/``all``/
``not`` over evidence, network and risk tests) so that rules stay data a reviewer can read, never code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from adwarden.domain import Action

Comparison = Literal["ge", "gt", "le", "lt", "eq"]


@dataclass(frozen=True)
class Queue:
    """A review queue. ``restricted`` queues (child safety) are visible only with a dedicated permission;
    ``priority`` orders queues when several rules route one post (the highest wins)."""

    name: str
    priority: int = 50
    restricted: bool = False
    description: str = ""
    #: Hours within which a case in this queue should be decided (its SLA); overdue cases are listed first.
    sla_hours: float = 24.0


@dataclass(frozen=True)
class DecisionLabel:
    """A conclusion a reviewer may record (``not-violating``, ``violating-trafficking``...).

    ``violating`` labels default to the ``remove`` action, the others to ``allow``; ``category`` names the
    harm for metrics and reports (trafficking, child-sexual-exploitation, spam, scam...)."""

    name: str
    violating: bool
    category: str = ""
    description: str = ""


#: Labels used when a policy file declares no ``[[labels]]`` table.
DEFAULT_LABELS: tuple[DecisionLabel, ...] = (
    DecisionLabel("not-violating", False, "", "Nothing in the post breaks the rules."),
    DecisionLabel("violating-trafficking", True, "trafficking", "Sex trafficking or its advertising."),
    DecisionLabel("violating-child-sexual-exploitation", True, "child-sexual-exploitation",
                  "A minor is, or appears to be, advertised or exploited."),
    DecisionLabel("violating-spam", True, "spam", "Spam, duplicate or off-topic posting."),
    DecisionLabel("violating-scam", True, "scam", "Fraud: fake offers, advance-fee or extortion."),
    DecisionLabel("violating-other", True, "other", "Breaks another rule of the platform."),
)


@dataclass(frozen=True)
class Scoring:
    """How evidence of one detector or one category turns into points: ``points = weight * scale``, and the
    sum for the detector or category is capped at ``cap`` so one noisy source cannot dominate the score."""

    scale: float = 1.0
    cap: float | None = None


@dataclass(frozen=True)
class EvidenceTest:
    """True when at least ``min_count`` matching evidence items exist (distinct labels unless ``distinct`` is
    false) and, if given, their points sum to at least ``min_points``. Unset filters match anything."""

    detector: str | None = None
    label: str | None = None
    category: str | None = None
    bank: str | None = None
    kind: str | None = None
    language: str | None = None  # the evidence's ``attrs["language"]`` (the matched term's or the post's)
    min_count: int = 1
    min_points: float | None = None
    distinct: bool = True


@dataclass(frozen=True)
class NetworkTest:
    """A comparison on a network fact (``network.size >= 5``); false when the fact is unknown."""

    fact: str
    op: Comparison
    value: float


@dataclass(frozen=True)
class RiskTest:
    """True when the evidence score (before any rule adds points) is at least ``at_least``."""

    at_least: float


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class AllOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class NotOf:
    item: Condition


Condition = EvidenceTest | NetworkTest | RiskTest | AnyOf | AllOf | NotOf


@dataclass(frozen=True)
class Rule:
    """When ``when`` holds: add points, raise risk to a floor, route, set priority, bound the action.

    ``action`` is a floor (at least this severe); ``max_action`` a ceiling applied last, so a rule that must
    never delete (a possible minor: evidence must be preserved) wins over any rule that would block.
    """

    id: str
    when: Condition
    description: str = ""
    add: float = 0.0
    min_risk: float | None = None
    queue: str | None = None
    priority: int | None = None
    action: Action | None = None
    max_action: Action | None = None
    preserve: bool = False
    open_case: bool = False
    enabled: bool = True


@dataclass(frozen=True)
class Policy:
    """A validated policy. ``digest`` is the SHA-256 of the file bytes, stored with every assessment."""

    version: str
    digest: str
    source: str
    review_threshold: float
    hold_threshold: float
    block_threshold: float
    default_queue: str
    queues: Mapping[str, Queue]
    rules: tuple[Rule, ...]
    detectors: Mapping[str, Scoring] = field(default_factory=dict)
    categories: Mapping[str, Scoring] = field(default_factory=dict)
    description: str = ""
    languages: Mapping[str, Scoring] = field(default_factory=dict)  # by the evidence's attrs["language"]
    labels: Mapping[str, DecisionLabel] = field(default_factory=lambda: {lb.name: lb for lb in DEFAULT_LABELS})

    def queue(self, name: str) -> Queue:
        return self.queues[name]

    @property
    def restricted_queues(self) -> frozenset[str]:
        return frozenset(q.name for q in self.queues.values() if q.restricted)
