"""The network change log in storage: allocate sequence numbers under a lock, append changes, read them back.

Why a log and not only the posts: every process keeps a live linker in memory (linking is a union-find over the
whole corpus, far too slow to recompute per request), and that memory must follow what committed, in the same
order everywhere. The log says which posts changed since a process last looked; the posts themselves (their
live versions) stay the source of truth for what a record holds (:func:`adwarden.storage.sql.networks.load_records`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection, func, insert, select, update

from adwarden.storage.sql.bulk import insert_rows
from adwarden.storage.sql.tables_networks import network_changes, network_state

#: The kinds of change: a post's first live record, a new live record (edit or revert), a purge.
OPS = ("add", "replace", "remove")


def lock_log(conn: Connection) -> int:
    """Lock the log for this transaction (``FOR UPDATE``) and return the last committed sequence number.

    Writers of network changes queue here, so sequence numbers follow commit order; readers never take it."""
    row = conn.execute(select(network_state.c.last_seq).where(network_state.c.id == 1).with_for_update()).first()
    if row is None:
        conn.execute(insert(network_state).values(id=1, last_seq=0))
        return 0
    return int(row.last_seq)


def append_changes(conn: Connection, changes: Sequence[tuple[str, str]], *, after: int) -> int:
    """Append ``(post_id, op)`` changes numbered from ``after + 1`` (the value :func:`lock_log` returned, in the
    same transaction); returns the last sequence number written."""
    if not changes:
        return after
    now = datetime.now(UTC)
    rows = []
    for k, (post_id, op) in enumerate(changes, 1):
        if op not in OPS:
            raise ValueError(f"unknown network change {op!r}")
        rows.append({"seq": after + k, "post_id": post_id, "op": op, "created_at": now})
    insert_rows(conn, network_changes, rows)
    last = after + len(rows)
    conn.execute(update(network_state).where(network_state.c.id == 1).values(last_seq=last))
    return last


def record_removals(conn: Connection, post_ids: Sequence[str]) -> int:
    """Log that ``post_ids`` were purged (call it in the purge's transaction)."""
    return append_changes(conn, [(p, "remove") for p in post_ids], after=lock_log(conn))


def changes_since(conn: Connection, seq: int, *, upto: int | None = None) -> list[tuple[int, str, str]]:
    """``(seq, post_id, op)`` after ``seq`` (and at most ``upto``), in order."""
    q = select(network_changes.c.seq, network_changes.c.post_id, network_changes.c.op).where(
        network_changes.c.seq > seq)
    if upto is not None:
        q = q.where(network_changes.c.seq <= upto)
    return [(int(r.seq), str(r.post_id), str(r.op)) for r in conn.execute(q.order_by(network_changes.c.seq))]


def last_seq(conn: Connection) -> int:
    """The newest sequence number visible to ``conn`` (committed, or written by its own transaction)."""
    value = conn.execute(select(func.max(network_changes.c.seq))).scalar()
    return int(value or 0)
