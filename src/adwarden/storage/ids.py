"""Random, time-ordered ids for stored things (assessments, cases...), prefixed by kind for readability."""

from __future__ import annotations

import secrets
import threading
import time

_lock = threading.Lock()
_last = [0]


def new_id(prefix: str) -> str:
    """``new_id("c")`` -> ``"c-0187a1b2c3d4e5f6a7b8c9d0e1"``.

    The first 16 hex digits are a strictly increasing nanosecond clock within a process, so ids made one after
    the other sort in creation order even inside one microsecond (assessments of one batch); the last 8 are
    random, so ids made by different processes do not collide.
    """
    with _lock:
        now = max(time.time_ns(), _last[0] + 1)
        _last[0] = now
    return f"{prefix}-{now:016x}{secrets.token_hex(4)}"
