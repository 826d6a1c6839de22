"""Reading what a CyberTipline report about a case needs beyond the post: its account and its decisions.

Why a module of its own: :mod:`adwarden.reporting.casebuild` decides what goes into a report and why; this
module only reads the rows it draws on (the post itself comes from :mod:`adwarden.storage.sql.queries`, the
identifiers from :mod:`adwarden.storage.sql.identifiers_store`).
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from adwarden.domain import Account, Decision
from adwarden.storage.sql.tables import accounts, decisions


def find_account(conn: Connection, account_id: str) -> Account | None:
    """The stored account (``site:id``) as the platform described it; its ``id`` is the platform's own id."""
    row = conn.execute(select(accounts).where(accounts.c.id == account_id)).first()
    if row is None:
        return None
    return Account(id=row.external_id, email=row.email, phone=row.phone, ip=row.ip, device_id=row.device_id)


def case_decisions(conn: Connection, case_id: str) -> list[Decision]:
    """A case's reviewer decisions, oldest first."""
    return [Decision(case_id=r.case_id, outcome=r.outcome, actor=r.actor, note=r.note, created_at=r.created_at)
            for r in conn.execute(
                select(decisions).where(decisions.c.case_id == case_id).order_by(decisions.c.created_at))]
