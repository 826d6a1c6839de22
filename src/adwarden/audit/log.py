"""Writing audit events: one per state change, in the same transaction as the change.

:func:`append_event` is the only way to write. Inside :meth:`Database.transaction` events are buffered by an
:class:`~adwarden.storage.sql.audit_writer.AuditWriter` that reads the chain head once (locking it) and writes all
rows just before commit: a batch of a thousand posts costs one head read, one multi-row insert and one head
update instead of thousands. Every name must be in the static catalogue :data:`adwarden.audit.events.AUDIT_EVENTS`.
"""

from __future__ import annotations

from typing import Any

from adwarden.audit.events import AUDIT_EVENTS
from adwarden.storage.sql.audit_writer import append_to_chain
from adwarden.storage.sql.database import Connection


def append_event(
    conn: Connection,
    *,
    name: str,
    actor: str,
    subject_type: str,
    subject_id: str,
    payload: dict[str, Any] | None = None,
) -> None:
    """Append one audit event in ``conn``'s current transaction.

    Call it from every service function that changes state, before the transaction commits. Outside
    :meth:`Database.transaction` (no buffered writer) the event is written at once.
    """
    if name not in AUDIT_EVENTS:
        raise KeyError(f"undeclared audit event {name!r}; add it to adwarden.audit.events.AUDIT_EVENTS")
    append_to_chain(conn, name=name, actor=actor, subject_type=subject_type, subject_id=subject_id, payload=payload)
