"""How long something has waited, as a reviewer reads it.

>>> from datetime import timedelta
>>> format_age(timedelta(minutes=95))
'1h 35m'
"""

from __future__ import annotations

from datetime import timedelta


def format_age(delta: timedelta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {mins}m"
    return f"{mins}m"
