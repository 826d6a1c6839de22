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

from adwarden.audit.log import append_event
from adwarden.detect.banks import Bank, BankEntry, BankIndex, parse_bank_file
from adwarden.detect.banks.files import Format, export_csv, export_hma, export_pytx
from adwarden.domain import Actor, InputError, NotFound
from adwarden.permissions import ensure_permission
from adwarden.retro.rescan import affected_posts_for_entries, enqueue_rescan
from adwarden.storage.sql import banks_store, screening_state
from adwarden.storage.sql.banks_store import value_key
from adwarden.storage.sql.database import Connection, Database

_NAME_OK = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_.")


@dataclass(frozen=True)
class ImportResult:
    bank: str
    read: int
    added: int
    already_present: int
    affected_posts: int
    rescan_job: str | None


def _check_name(name: str) -> None:
    if not name or len(name) > 100 or set(name) - _NAME_OK:
        raise InputError("bank names use lower-case letters, digits, '-', '_' and '.' (max 100)", field="name")


def get_bank(conn: Connection, name: str) -> Bank:
    bank = banks_store.find_bank(conn, name)
    if bank is None:
        raise NotFound(f"bank {name!r} not found")
    return bank


def list_banks(conn: Connection) -> list[tuple[Bank, int]]:
    return banks_store.banks_with_counts(conn)


def bank_entries_of(conn: Connection, name: str) -> list[BankEntry]:
    return banks_store.entries_of(conn, name)


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
        existing = banks_store.find_bank(conn, name)
    default_label = (labels[0] if labels else None) or (existing.labels[0] if existing is not None and existing.labels
                                                        else name)
    entries = parse_bank_file(data, key=key, source=source, fmt=fmt, default_label=default_label,
                              added_by=actor.name, region=region)
    digest = hashlib.sha256(data).hexdigest()
    with db.transaction() as conn:
        screening_state.bump(conn)  # first: orders this import against concurrent ingests (see the module)
        if existing is None:
            banks_store.insert_bank(conn, name, labels=list(labels) or [name], description=description,
                                    created_by=actor.name, now=now)
            append_event(conn, name="bank-created", actor=actor.name, subject_type="bank", subject_id=name,
                         payload={"labels": list(labels) or [name]})
        present = banks_store.entry_keys(conn, name)
        new = [e for e in entries if (e.kind, value_key(e)) not in present]
        banks_store.insert_entries(conn, name, new, added_by=actor.name, now=now)
        job_id = None
        affected: list[str] = []
        enabled = existing is None or bool(existing.enabled)
        if rescan and new and enabled:
            affected = affected_posts_for_entries(conn, new, key=key, region=region)
            if affected:
                job_id = enqueue_rescan(conn, affected, trigger="bank-import",
                                        reason=f"{len(new)} new entries in bank {name}", actor=actor)
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
        banks_store.set_enabled(conn, name, enabled, now=datetime.now(UTC))
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
