"""The screening-state version: what tells every process that banks or the policy changed.

Writers of banks and policy activations call :func:`bump` first in their transaction; ingest calls
:func:`read_locked` before storing a batch. On PostgreSQL the row lock orders the two (an import waits for the
ingest that holds it, then sees its posts when it computes its rescan; an ingest that comes second sees the new
version and re-screens); on SQLite the single writer lock does the same.
"""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update

from adwarden.storage.sql.tables_banks import screening_state


def read(conn: Connection) -> int:
    """The current version (no lock)."""
    value = conn.execute(select(screening_state.c.version).where(screening_state.c.id == 1)).scalar()
    return int(value or 0)


def read_locked(conn: Connection) -> int:
    """The current version, locking the row until ``conn``'s transaction ends."""
    value = conn.execute(select(screening_state.c.version).where(screening_state.c.id == 1)
                         .with_for_update()).scalar()
    return int(value or 0)


def bump(conn: Connection) -> int:
    """Increase the version (taking the row lock) and return the new one."""
    done = conn.execute(update(screening_state).where(screening_state.c.id == 1)
                        .values(version=screening_state.c.version + 1))
    if done.rowcount == 0:
        conn.execute(insert(screening_state).values(id=1, version=1))
    return read(conn)
