"""Random, time-ordered ids for stored things (assessments, cases...), prefixed by kind for readability."""

from __future__ import annotations

import secrets
import time


def new_id(prefix: str) -> str:
    """``new_id("c")`` -> ``"c-0193a1b2c3d4e5f6a7b8c9d0"``: sorts by creation time, 24 hex digits after the prefix."""
    return f"{prefix}-{int(time.time() * 1000):012x}{secrets.token_hex(6)}"
