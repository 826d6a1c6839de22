"""Waking the in-process webhook sender after a commit, so a decision's event leaves at once.

The wake-up is held by whatever hosts the sender (the API keeps one on its app state, created on first use) and
is passed to service functions explicitly as ``notify``; a sender in another process finds new events on its
next poll instead.
"""

from __future__ import annotations

import threading
from typing import Any

KEY = "action_wakeup"


class Wakeup:
    """A callable that wakes the sender; ``event`` is what the sender waits on."""

    def __init__(self) -> None:
        self.event = threading.Event()

    def __call__(self) -> None:
        self.event.set()


_lock = threading.Lock()


def wakeup_for(holder: Any) -> Wakeup:
    """The holder's wake-up (an attribute, e.g. on FastAPI's ``app.state``), created on first use."""
    with _lock:
        found = getattr(holder, KEY, None)
        if isinstance(found, Wakeup):
            return found
        w = Wakeup()
        setattr(holder, KEY, w)
        return w
