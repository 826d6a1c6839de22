"""Bank storage service: create, import (all-or-nothing, audited), export, list, load the index.

An import is one transaction: the bank (created on first import), its new entries, the audit event and the
rescan job for the stored posts the new entries can affect. A file with any malformed line raises
:class:`~adwarden.domain.PolicyError` before anything is written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, func, insert, select, update

from adwarden.audit.log import append_event
from adwarden.detect.banks import Bank, BankEntry, BankIndex, parse_bank_file
from adwarden.detect.banks.files import Format, export_csv, export_hma, export_pytx
from adwarden.domain import Actor, InputError, NotFound
from adwarden.permissions import ensure_permission
from adwarden.retro.rescan import affected_posts_for_entries, enqueue_rescan
from adwarden.storage.sql import screening_state
from adwarden.storage.sql.database import Database
from adwarden.storage.sql.tables_banks import bank_entries, banks

_NAME_OK = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_.")


@dataclass(frozen=True)
class ImportResult:
    bank: str
    read: int
    added: int
    already_present: int
    affected_posts: int
    rescan_job: str | None


def value_key(entry: BankEntry) -> str:
    return hashlib.sha256(entry.value.encode()).hexdigest() if entry.kind == "text" else entry.value


def _check_name(name: str) -> None:
    if not name or len(name) > 100 or set(name) - _NAME_OK:
        raise InputError("bank names use lower-case letters, digits, '-', '_' and '.' (max 100)", field="name")


def get_bank(conn: Connection, name: str) -> Bank:
    row = conn.execute(select(banks).where(banks.c.name == name)).first()
    if row is None:
        raise NotFound(f"bank {name!r} not found")
    return Bank(row.name, tuple(row.labels or ()), bool(row.enabled), row.description)


def list_banks(conn: Connection) -> list[tuple[Bank, int]]:
    counts: dict[str, int] = {str(b): int(n) for b, n in conn.execute(
        select(bank_entries.c.bank, func.count()).group_by(bank_entries.c.bank)).tuples()}
    return [(Bank(r.name, tuple(r.labels or ()), bool(r.enabled), r.description), int(counts.get(r.name, 0)))
            for r in conn.execute(select(banks).order_by(banks.c.name))]


def bank_entries_of(conn: Connection, name: str) -> list[BankEntry]:
    rows = conn.execute(select(bank_entries).where(bank_entries.c.bank == name).order_by(bank_entries.c.id))
    return [BankEntry(r.kind, r.value, r.label, r.added_by, r.added_at, r.source) for r in rows]


def import_bank(
    db: Database, name: str, data: bytes, *, key: bytes, actor: Actor, fmt: Format | None = None,
    source: str = "<upload>", labels: Sequence[str] = (), description: str = "", region: str = "US",
    rescan: bool = True,
) -> ImportResult:
    """Parse ``data`` (all-or-nothing), store the new entries and queue a rescan of affected posts."""
    ensure_permission(actor, "bank:manage")
    _check_name(name)
    now = datetime.now(UTC)
    with db.read() as conn:
        existing = conn.execute(select(banks).where(banks.c.name == name)).first()
    default_label = (labels[0] if labels else None) or (existing.labels[0] if existing is not None and existing.labels
                                                        else name)
    entries = parse_bank_file(data, key=key, source=source, fmt=fmt, default_label=default_label,
                              added_by=actor.name, region=region)
    digest = hashlib.sha256(data).hexdigest()
    with db.transaction() as conn:
        screening_state.bump(conn)  # first: orders this import against concurrent ingests (see the module)
        if existing is None:
            conn.execute(insert(banks).values(name=name, labels=list(labels) or [name], enabled=True,
                                              description=description, created_by=actor.name, created_at=now,
                                              updated_at=now))
            append_event(conn, name="bank-created", actor=actor.name, subject_type="bank", subject_id=name,
                         payload={"labels": list(labels) or [name]})
        present = set(conn.execute(select(bank_entries.c.kind, bank_entries.c.value_key)
                                   .where(bank_entries.c.bank == name)).tuples())
        new = [e for e in entries if (e.kind, value_key(e)) not in present]
        if new:
            conn.execute(insert(bank_entries), [{
                "bank": name, "kind": e.kind, "value": e.value, "value_key": value_key(e), "label": e.label,
                "added_by": actor.name, "added_at": now, "source": e.source} for e in new])
            conn.execute(update(banks).where(banks.c.name == name).values(updated_at=now))
        job_id = None
        affected: list[str] = []
        enabled = existing is None or bool(existing.enabled)
        if rescan and new and enabled:
            affected = affected_posts_for_entries(conn, new, key=key, region=region)
            if affected:
                job_id = enqueue_rescan(conn, affected, trigger="bank-import",
                                        reason=f"{len(new)} new entries in bank {name}", actor=actor.name)
        append_event(conn, name="bank-entries-imported", actor=actor.name, subject_type="bank", subject_id=name,
                     payload={"source": source, "sha256": digest, "format": fmt or "auto", "read": len(entries),
                              "added": len(new), "kinds": sorted({e.kind for e in new}), "affected_posts": len(affected),
                              "rescan_job": job_id})
    return ImportResult(name, len(entries), len(new), len(entries) - len(new), len(affected), job_id)


def set_bank_enabled(db: Database, name: str, enabled: bool, *, actor: Actor) -> Bank:
    ensure_permission(actor, "bank:manage")
    with db.transaction() as conn:
        screening_state.bump(conn)
        get_bank(conn, name)
        conn.execute(update(banks).where(banks.c.name == name).values(enabled=enabled, updated_at=datetime.now(UTC)))
        append_event(conn, name="bank-updated", actor=actor.name, subject_type="bank", subject_id=name,
                     payload={"enabled": enabled})
        return get_bank(conn, name)


def export_bank(db: Database, name: str, fmt: Format = "csv") -> tuple[str, int]:
    """The bank's entries in ``fmt``; returns (text, entries that the format cannot carry)."""
    with db.read() as conn:
        bank = get_bank(conn, name)
        entries = bank_entries_of(conn, name)
    if fmt == "csv":
        return export_csv(entries), 0
    if fmt == "pytx":
        return export_pytx(entries)
    return export_hma(bank, entries)


def load_bank_index(db: Database, *, key: bytes, region: str = "US") -> BankIndex:
    """Every enabled bank with its entries, as a matching index."""
    with db.read() as conn:
        pairs = [(bank, bank_entries_of(conn, bank.name)) for bank, _n in list_banks(conn) if bank.enabled]
    return BankIndex(pairs, key=key, region=region)
