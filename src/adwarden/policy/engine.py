"""Evaluate a policy on the evidence of one post: a pure function from evidence to an explained verdict.

The score is built in steps that each leave a :class:`~adwarden.domain.Contribution`, so the contributions of
a verdict always add up to its risk and a verdict from a year ago can be explained exactly:

1. evidence points: each distinct ``(detector, label)`` counts once (its highest weight), times the scale of
   its detector, its category and its language (``attrs["language"]``: the matched term's or the post's);
2. caps: the points of one language, one category, then one detector are capped (a negative "cap"
   contribution);
3. rules, in file order, whose condition holds: add points, raise risk to a floor, route, prioritise, bound
   the action, ask for preservation. Conditions on risk see the evidence score of steps 1-2, so rule order
   never changes which rules fire;
4. the risk is clamped to 0..100 and the thresholds give the action, then rule floors and ceilings apply
   (ceilings last: a "never delete" rule wins).

>>> from adwarden.domain import Evidence
>>> from adwarden.policy import load_policy
>>> v = evaluate(load_policy(), [Evidence("facts", "stated_age_under_18", 60.0, category="youth")])
>>> (v.action.value, v.queue, v.preserve)
('hold', 'child-safety', True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from adwarden.domain import ACTION_SEVERITY, Action, Contribution, Evidence, Verdict
from adwarden.policy.model import (
    AllOf,
    AnyOf,
    Condition,
    EvidenceTest,
    NetworkTest,
    NotOf,
    Policy,
    RiskTest,
    Rule,
)


@dataclass(frozen=True)
class _Scored:
    """One distinct (detector, label) with the points it earned before caps."""

    evidence: Evidence
    points: float


def _key(e: Evidence) -> tuple[str, str]:
    return (e.detector, e.label)


def score_evidence(policy: Policy, evidence: Sequence[Evidence]) -> tuple[list[_Scored], list[Contribution]]:
    """Steps 1-2: points per distinct evidence, then caps per category and detector."""
    best: dict[tuple[str, str], Evidence] = {}
    for e in evidence:
        k = _key(e)
        if k not in best or e.weight > best[k].weight:
            best[k] = e
    scored: list[_Scored] = []
    contributions: list[Contribution] = []
    for e in best.values():
        det = policy.detectors.get(e.detector)
        cat = policy.categories.get(e.category) if e.category else None
        lang = policy.languages.get(e.attrs.get("language", "")) if policy.languages else None
        pts = e.weight * (det.scale if det else 1.0) * (cat.scale if cat else 1.0) * (lang.scale if lang else 1.0)
        if pts:
            scored.append(_Scored(e, pts))
            note = f"{e.category}: {e.value}" if e.category and e.value else (e.category or e.value or "")
            contributions.append(Contribution(f"{e.detector}:{e.label}", round(pts, 4), note))
    for section in ("language", "category", "detector"):
        table = {"language": policy.languages, "category": policy.categories, "detector": policy.detectors}[section]
        if not table:
            continue
        totals: dict[str, float] = {}
        for s in scored:
            name = s.evidence.attrs.get("language") if section == "language" else getattr(s.evidence, section)
            if name is not None:
                totals[name] = totals.get(name, 0.0) + s.points
        for name, total in totals.items():
            sc = table.get(name)
            if sc is not None and sc.cap is not None and total > sc.cap:
                contributions.append(Contribution(f"cap:{section}:{name}", round(sc.cap - total, 4),
                                                  f"{section} {name} capped at {sc.cap:g}"))
    return scored, contributions


def _matches(test: EvidenceTest, e: Evidence) -> bool:
    if test.detector is not None and e.detector != test.detector:
        return False
    if test.label is not None and e.label != test.label:
        return False
    if test.category is not None and e.category != test.category:
        return False
    if test.bank is not None and e.attrs.get("bank") != test.bank:
        return False
    if test.language is not None and e.attrs.get("language") != test.language:
        return False
    return not (test.kind is not None and e.attrs.get("kind") != test.kind)


class _Facts:
    """What conditions can see: the evidence, its points, the evidence score and the network facts."""

    def __init__(self, evidence: Sequence[Evidence], points: Mapping[tuple[str, str], float], score: float,
                 network: Mapping[str, Any]) -> None:
        self.evidence = evidence
        self.points = points
        self.score = score
        self.network = network

    def holds(self, cond: Condition) -> bool:
        if isinstance(cond, AnyOf):
            return any(self.holds(c) for c in cond.items)
        if isinstance(cond, AllOf):
            return all(self.holds(c) for c in cond.items)
        if isinstance(cond, NotOf):
            return not self.holds(cond.item)
        if isinstance(cond, RiskTest):
            return self.score >= cond.at_least
        if isinstance(cond, NetworkTest):
            return _compare(self.network.get(cond.fact), cond.op, cond.value)
        matched = [e for e in self.evidence if _matches(cond, e)]
        count = len({_key(e) for e in matched}) if cond.distinct else len(matched)
        if count < cond.min_count:
            return False
        if cond.min_points is not None:
            total = sum(self.points.get(k, 0.0) for k in {_key(e) for e in matched})
            return total >= cond.min_points
        return True


def _compare(raw: Any, op: str, value: float) -> bool:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return False
    x = float(raw)
    return {"ge": x >= value, "gt": x > value, "le": x <= value, "lt": x < value, "eq": x == value}[op]


def evaluate(policy: Policy, evidence: Sequence[Evidence], *, network: Mapping[str, Any] | None = None) -> Verdict:
    """Turn evidence (and network facts, when known) into an explained verdict. Pure and deterministic."""
    scored, contributions = score_evidence(policy, evidence)
    score = sum(c.points for c in contributions)
    points = {_key(s.evidence): s.points for s in scored}
    facts = _Facts(evidence, points, score, network or {})
    fired: list[Rule] = [r for r in policy.rules if r.enabled and facts.holds(r.when)]
    risk = score
    for r in fired:
        if r.add:
            contributions.append(Contribution(f"rule:{r.id}", r.add, r.description))
            risk += r.add
    for r in fired:
        if r.min_risk is not None and risk < r.min_risk:
            contributions.append(Contribution(f"rule:{r.id}", round(r.min_risk - risk, 4), f"risk raised to {r.min_risk:g}"))
            risk = r.min_risk
    clamped = min(100.0, max(0.0, risk))
    if clamped != risk:
        contributions.append(Contribution("clamp", round(clamped - risk, 4), "risk is kept within 0..100"))
    risk = round(clamped, 4)

    action = Action.ALLOW
    if risk >= policy.block_threshold:
        action = Action.BLOCK
    elif risk >= policy.hold_threshold:
        action = Action.HOLD
    for r in fired:
        if r.action is not None and ACTION_SEVERITY[r.action] > ACTION_SEVERITY[action]:
            action = r.action
    for r in fired:
        if r.max_action is not None and ACTION_SEVERITY[r.max_action] < ACTION_SEVERITY[action]:
            action = r.max_action

    open_case = risk >= policy.review_threshold or any(r.open_case for r in fired)
    routed = [r for r in fired if r.queue is not None]
    queue: str | None = None
    if routed:
        # The highest-priority queue wins; ties go to the first rule in the file.
        queue = max(routed, key=lambda r: (policy.queues[r.queue or ""].priority, -fired.index(r))).queue
    elif open_case:
        queue = policy.default_queue
    if queue is not None and any(r.queue for r in routed):
        open_case = open_case or policy.queues[queue].restricted
    priority = int(round(risk))
    for r in fired:
        if r.priority is not None:
            priority = max(priority, r.priority)
    return Verdict(
        action=action,
        risk=risk,
        priority=min(100, priority),
        queue=queue,
        open_case=open_case,
        reasons=tuple(evidence),
        contributions=tuple(contributions),
        rules_fired=tuple(r.id for r in fired),
        preserve=any(r.preserve for r in fired),
    )
