"""Storing banks and their entries, and the activations of screening policies (the other input that screening
loads from storage).

Why a module of its own: the retro service decides what an import means (which entries are new, which posts
they affect, what is audited); this module only knows how banks, entries and activations become rows. A text
entry is keyed by the SHA-256 of its text (``value_key``), so the uniqueness index stays small.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from adwarden.detect.banks import Bank, BankEntry
from adwarden.storage.sql.tables_banks import bank_entries, banks, policy_activations


@dataclass(frozen=True)
class PolicyActivation:
    """An activated policy as stored: its full text and where it was loaded from."""

    version: str
    digest: str
    source: str
    content: str


def value_key(entry: BankEntry) -> str:
    """What makes an entry unique within its bank and kind."""
    return hashlib.sha256(entry.value.encode()).hexdigest() if entry.kind == "text" else entry.value


def _bank(r: Any) -> Bank:
    return Bank(r.name, tuple(r.labels or ()), bool(r.enabled), r.description)


def find_bank(conn: Connection, name: str) -> Bank | None:
    row = conn.execute(select(banks).where(banks.c.name == name)).first()
    return _bank(row) if row is not None else None


def banks_with_counts(conn: Connection) -> list[tuple[Bank, int]]:
    """Every bank, by name, with how many entries it holds."""
    counts: dict[str, int] = {str(b): int(n) for b, n in conn.execute(
        select(bank_entries.c.bank, func.count()).group_by(bank_entries.c.bank)).tuples()}
    return [(_bank(r), counts.get(r.name, 0)) for r in conn.execute(select(banks).order_by(banks.c.name))]


def entries_of(conn: Connection, name: str) -> list[BankEntry]:
    """The bank's entries in the order they were added."""
    rows = conn.execute(select(bank_entries).where(bank_entries.c.bank == name).order_by(bank_entries.c.id))
    return [BankEntry(r.kind, r.value, r.label, r.added_by, r.added_at, r.source) for r in rows]


def entry_keys(conn: Connection, name: str) -> set[tuple[str, str]]:
    """``(kind, value key)`` of every entry of the bank."""
    return set(conn.execute(select(bank_entries.c.kind, bank_entries.c.value_key)
                            .where(bank_entries.c.bank == name)).tuples())


def insert_bank(conn: Connection, name: str, *, labels: Sequence[str], description: str, created_by: str,
                now: datetime) -> None:
    conn.execute(insert(banks).values(name=name, labels=list(labels), enabled=True, description=description,
                                      created_by=created_by, created_at=now, updated_at=now))


def insert_entries(conn: Connection, name: str, entries: Sequence[BankEntry], *, added_by: str,
                   now: datetime) -> None:
    """Add ``entries`` (none of them stored yet) to the bank and mark the bank updated."""
    if not entries:
        return
    conn.execute(insert(bank_entries), [{
        "bank": name, "kind": e.kind, "value": e.value, "value_key": value_key(e), "label": e.label,
        "added_by": added_by, "added_at": now, "source": e.source} for e in entries])
    conn.execute(update(banks).where(banks.c.name == name).values(updated_at=now))


def set_enabled(conn: Connection, name: str, enabled: bool, *, now: datetime) -> None:
    conn.execute(update(banks).where(banks.c.name == name).values(enabled=enabled, updated_at=now))


# -- policy activations -----------------------------------------------------------------------------------------

def insert_activation(conn: Connection, activation: PolicyActivation, *, activated_by: str, now: datetime) -> None:
    conn.execute(insert(policy_activations).values(
        version=activation.version, digest=activation.digest, source=activation.source, content=activation.content,
        activated_by=activated_by, activated_at=now))


def latest_activation(conn: Connection, *, digest: str | None = None) -> PolicyActivation | None:
    """The most recent activation (of the policy with ``digest`` when given), or ``None``."""
    q = select(policy_activations).order_by(policy_activations.c.id.desc()).limit(1)
    if digest is not None:
        q = q.where(policy_activations.c.digest == digest)
    r = conn.execute(q).first()
    return PolicyActivation(r.version, r.digest, r.source, r.content) if r is not None else None
