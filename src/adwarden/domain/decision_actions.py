"""What a reviewer's decision makes happen, and what that does to the post and its account.

Why in the domain: the review loop carries decisions out, and the transparency report (legal) counts which
decisions were enforcement actions; both must read one table rather than each keeping a list of action names.
"""

from __future__ import annotations

from enum import StrEnum


class DecisionAction(StrEnum):
    """What a decision makes happen."""

    ALLOW = "allow"
    REMOVE = "remove"
    SUSPEND_ACCOUNT = "suspend-account"
    BAN_ACCOUNT = "ban-account"
    ESCALATE = "escalate-child-safety"
    REPORT_NCMEC = "report-ncmec"
    REFER_LAW_ENFORCEMENT = "refer-law-enforcement"


#: action -> the post's enforcement state afterwards (None: unchanged, the case stays open).
POST_STATE: dict[DecisionAction, str | None] = {
    DecisionAction.ALLOW: "allowed",
    DecisionAction.REMOVE: "removed",
    DecisionAction.SUSPEND_ACCOUNT: "removed",
    DecisionAction.BAN_ACCOUNT: "removed",
    DecisionAction.ESCALATE: None,
    DecisionAction.REPORT_NCMEC: "removed",
    DecisionAction.REFER_LAW_ENFORCEMENT: "removed",
}

#: action -> the account's enforcement state afterwards (absent: unchanged).
ACCOUNT_STATE: dict[DecisionAction, str] = {
    DecisionAction.SUSPEND_ACCOUNT: "suspended",
    DecisionAction.BAN_ACCOUNT: "banned",
}


#: The actions that enforce something on the platform (the post is taken down, the account acted on).
ENFORCEMENT_ACTIONS: frozenset[DecisionAction] = frozenset(a for a, state in POST_STATE.items() if state == "removed")
