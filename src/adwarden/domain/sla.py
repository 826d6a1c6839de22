"""Service-level vocabulary shared by the review services and the SQL that filters cases by SLA state.

The per-queue hours come from the policy; what lives here is what both sides must agree on without importing
each other: the states and the SLA of a queue the policy does not declare.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

SlaState = Literal["ok", "due-soon", "overdue"]
SLA_STATES: tuple[SlaState, ...] = ("ok", "due-soon", "overdue")
#: Queues the policy does not declare (an old case after a policy change) get this SLA.
FALLBACK_SLA = timedelta(hours=24)
