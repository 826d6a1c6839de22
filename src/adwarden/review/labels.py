"""What a decision says: a label from the policy plus an action, checked together before anything is written.

A label (``not-violating``, ``violating-trafficking``...) is the reviewer's conclusion; the action is what the
platform must do. They must agree: a violating label never allows, a non-violating label only allows, and
escalation needs no label (the case stays open for child safety). The action also says what happens to the
post and to its account, in one table, so enforcement, webhooks and the docs read the same mapping.
"""

from __future__ import annotations

from dataclasses import dataclass

from adwarden.domain import InputError
from adwarden.domain.decision_actions import ACCOUNT_STATE, POST_STATE, DecisionAction
from adwarden.policy.model import DecisionLabel, Policy

#: The action table lives in the domain (the transparency report reads it too); re-exported for callers here.
__all__ = ["ACCOUNT_STATE", "POST_STATE", "DecisionAction", "Resolved", "resolve"]


@dataclass(frozen=True)
class Resolved:
    """A checked (label, action) pair; ``label`` is None only for escalation."""

    label: DecisionLabel | None
    action: DecisionAction

    @property
    def violating(self) -> bool:
        return self.label is not None and self.label.violating

    @property
    def closes_case(self) -> bool:
        return self.action is not DecisionAction.ESCALATE


def resolve(policy: Policy, label: str | None, action: str | None) -> Resolved:
    """Check ``label`` against the policy and ``action`` against the label; fill the default action.

    >>> from adwarden.policy import load_policy
    >>> resolve(load_policy(), "violating-spam", None).action.value
    'remove'
    """
    act: DecisionAction | None = None
    if action is not None:
        try:
            act = DecisionAction(action)
        except ValueError:
            choices = ", ".join(a.value for a in DecisionAction)
            raise InputError(f"unknown action {action!r}; choose one of {choices}", field="action") from None
    if label is None or label == "":
        if act is DecisionAction.ESCALATE:
            return Resolved(None, act)
        raise InputError("a decision needs a label from the policy (or action escalate-child-safety)",
                         field="label")
    found = policy.labels.get(label)
    if found is None:
        raise InputError(f"label {label!r} is not in policy {policy.version} (labels: {', '.join(policy.labels)})",
                         field="label")
    if act is None:
        act = DecisionAction.REMOVE if found.violating else DecisionAction.ALLOW
    if found.violating and act is DecisionAction.ALLOW:
        raise InputError(f"label {label!r} is violating: choose an action other than allow", field="action")
    if not found.violating and act not in (DecisionAction.ALLOW, DecisionAction.ESCALATE):
        raise InputError(f"label {label!r} is not violating: the only actions are allow or escalate-child-safety",
                         field="action")
    return Resolved(found, act)
