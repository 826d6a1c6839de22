"""Backtest a policy change: replay stored evidence under two policies and report what changes.

Pure: the caller supplies ``(post_id, evidence, network facts)`` for the posts to replay (``adwarden policy diff``
reads them from storage). A verdict *changes* when its action, queue, case decision or preservation changes;
risk moves within the same outcome are counted separately, because they only re-order queues.

>>> from adwarden.policy import load_policy
>>> p = load_policy()
>>> policy_diff(p, p, []).changed
0
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from adwarden.domain import Evidence, Verdict
from adwarden.policy.engine import evaluate
from adwarden.policy.model import Policy

Replay = tuple[str, Sequence[Evidence], Mapping[str, Any] | None]


@dataclass(frozen=True)
class VerdictChange:
    post_id: str
    old: Verdict
    new: Verdict

    @property
    def fields(self) -> tuple[str, ...]:
        out = []
        for name in ("action", "queue", "open_case", "preserve"):
            if getattr(self.old, name) != getattr(self.new, name):
                out.append(name)
        return tuple(out)

    def to_json(self) -> dict[str, Any]:
        def short(v: Verdict) -> dict[str, Any]:
            return {"action": v.action.value, "risk": v.risk, "queue": v.queue, "open_case": v.open_case,
                    "preserve": v.preserve, "rules": list(v.rules_fired)}

        return {"post_id": self.post_id, "changed": list(self.fields), "old": short(self.old), "new": short(self.new)}


@dataclass(frozen=True)
class PolicyDiff:
    old_version: str
    new_version: str
    total: int
    changed: int
    risk_only: int
    transitions: Mapping[str, int] = field(default_factory=dict)  # "hold->block": n
    examples: tuple[VerdictChange, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "old_version": self.old_version, "new_version": self.new_version, "posts": self.total,
            "changed": self.changed, "risk_only": self.risk_only, "transitions": dict(self.transitions),
            "examples": [c.to_json() for c in self.examples],
        }


def policy_diff(old: Policy, new: Policy, replays: Iterable[Replay], *, max_examples: int = 10) -> PolicyDiff:
    """Evaluate every replay under both policies; count changed verdicts and keep the first examples."""
    total = changed = risk_only = 0
    transitions: Counter[str] = Counter()
    examples: list[VerdictChange] = []
    for post_id, evidence, network in replays:
        total += 1
        a = evaluate(old, evidence, network=network)
        b = evaluate(new, evidence, network=network)
        change = VerdictChange(post_id, a, b)
        if change.fields:
            changed += 1
            transitions[f"{a.action.value}->{b.action.value}" if a.action != b.action else
                        f"{a.queue}->{b.queue}" if a.queue != b.queue else "case/preserve"] += 1
            if len(examples) < max_examples:
                examples.append(change)
        elif a.risk != b.risk:
            risk_only += 1
    return PolicyDiff(old.version, new.version, total, changed, risk_only, dict(transitions), tuple(examples))
