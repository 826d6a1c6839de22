"""The rule that no post is held (or blocked) without a case: a held post nobody reviews is stranded.

Why a check of its own: before it, a policy whose ``hold_threshold`` sat below its ``review_threshold``
validated, and posts with a risk between the two were held with no case, so no reviewer ever saw them and the
platform never heard back. A post can be held two ways, and each must open a case:

* by threshold: risk at or above ``hold_threshold`` (or ``block_threshold``) must also reach the review
  threshold, so both must be at or above ``review_threshold``;
* by a rule's ``action = "hold"``/``"block"``: that rule must open a case itself (``open_case = true``),
  raise the risk to the review threshold (``min_risk >= review_threshold``), or route to a restricted queue
  that outranks every open queue (the engine always opens a case for a post routed to a restricted queue).

>>> stranding_problems(40, 20, 95, (), [], {})[0][1].split(";")[0]
'hold_threshold (20) is below review_threshold (40), so a post with risk 20 to 40 would be held without a case'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from adwarden.domain import Action
from adwarden.policy.model import Queue, Rule

KeyPath = tuple[str | int, ...]


def stranding_problems(
    review: float, hold: float, block: float, rules: Sequence[Rule], raw_rules: Any, queues: Mapping[str, Queue]
) -> list[tuple[KeyPath, str]]:
    """(key path, message) for every way the policy could hold or block a post without opening a case."""
    out: list[tuple[KeyPath, str]] = []
    for key, value, verb in (("hold_threshold", hold, "held"), ("block_threshold", block, "blocked")):
        if value < review:
            out.append((("policy", key), (
                f"{key} ({value:g}) is below review_threshold ({review:g}), so a post with risk {value:g} to "
                f"{review:g} would be {verb} without a case; set {key} >= review_threshold")))
    index = {r.get("id"): i for i, r in enumerate(raw_rules) if isinstance(r, dict)} if isinstance(
        raw_rules, list) else {}
    for rule in rules:
        if not rule.enabled or rule.action not in (Action.HOLD, Action.BLOCK) or rule.open_case:
            continue
        if (rule.min_risk is not None and rule.min_risk >= review) or _routes_to_winning_restricted(rule, queues):
            continue
        path: KeyPath = ("rules", index.get(rule.id, 0), "action")
        out.append((path, (
            f"rule {rule.id!r}: action {rule.action.value!r} can {rule.action.value} a post without opening a "
            f"case; set open_case = true or min_risk >= review_threshold ({review:g})")))
    return out


def _routes_to_winning_restricted(rule: Rule, queues: Mapping[str, Queue]) -> bool:
    target = queues.get(rule.queue or "")
    if target is None or not target.restricted:
        return False
    return all(q.priority < target.priority for q in queues.values() if not q.restricted)
