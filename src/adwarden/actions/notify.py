"""Waking the in-process webhook sender after a commit, so a decision's event leaves at once.

The wake-up lives in the runtime's ``extras`` (one per process, created on first use) and is passed to service
functions explicitly as ``notify``; a sender in another process finds new events on its next poll instead.
"""

from __future__ import annotations

import threading
from collections.abc import MutableMapping

KEY = "action_wakeup"


class Wakeup:
    """A callable that wakes the sender; ``event`` is what the sender waits on."""

    def __init__(self) -> None:
        self.event = threading.Event()

    def __call__(self) -> None:
        self.event.set()


def wakeup_for(extras: MutableMapping[str, object]) -> Wakeup:
    found = extras.get(KEY)
    if isinstance(found, Wakeup):
        return found
    w = Wakeup()
    extras[KEY] = w
    return w
