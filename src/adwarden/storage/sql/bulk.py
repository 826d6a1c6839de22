"""Many-row inserts through the driver's ``executemany``, with SQLAlchemy's own type processing.

Why: a file ingest writes about a dozen rows per post (post, version, identifiers, media, assessment, audit
events). SQLAlchemy's ``conn.execute(insert(table), rows)`` re-derives, for every row, which parameters it
has and how each is processed; that per-row work cost about as much CPU as SQLite's own insert (8.4 against
4.7 µs per identifier row, docs/PERFORMANCE.md). Here the statement is compiled once per table and column set,
each column's bind processor (the same one SQLAlchemy applies: JSON, :class:`~adwarden.storage.sql.types.UTCDateTime`)
is looked up once, and the rows go to the cursor as tuples in the connection's own transaction.

Only on SQLite: on PostgreSQL SQLAlchemy batches an insert of many rows into multi-row ``VALUES`` statements
(one round trip per thousand rows), which a plain ``executemany`` would undo. Rows whose keys differ, or that
leave out a column with a Python-side default, also take SQLAlchemy's path, so the stored rows are the same
either way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, StatementError

_Processor = Callable[[Any], Any] | None
#: (dialect, table, keys) -> (positional INSERT, (key, bind processor) in the statement's parameter order)
_PLANS: dict[tuple[str, str, tuple[str, ...]], tuple[str, tuple[tuple[str, _Processor], ...]] | None] = {}


def _plan(dialect: Dialect, table: Table, keys: tuple[str, ...]) -> tuple[str, tuple[tuple[str, _Processor], ...]] | None:
    """The positional INSERT for ``keys`` and each parameter's bind processor; None when SQLAlchemy must fill
    in something itself (a Python-side default of a column not in ``keys``, a key that is not a column)."""
    cache_key = (dialect.name, table.name, keys)
    if cache_key in _PLANS:
        return _PLANS[cache_key]
    plan: tuple[str, tuple[tuple[str, _Processor], ...]] | None = None
    if all(k in table.c for k in keys) and not any(c.default is not None and c.key not in keys for c in table.c):
        compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
        order = compiled.positiontup
        if order is not None and sorted(order) == sorted(keys):
            plan = (str(compiled), tuple((name, table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
                                         for name in order))
    _PLANS[cache_key] = plan
    return plan


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` into ``table`` in ``conn``'s transaction: the same rows as
    ``conn.execute(insert(table), rows)``, with the driver's ``executemany`` where that is safe (see the module)."""
    if not rows:
        return
    dialect = conn.dialect
    first = rows[0].keys()
    plan = _plan(dialect, table, tuple(first)) if dialect.name == "sqlite" else None
    if plan is None or any(r.keys() != first for r in rows):
        conn.execute(insert(table), list(rows))
        return
    sql, pairs = plan
    try:
        params = [tuple(r[k] if p is None else p(r[k]) for k, p in pairs) for r in rows]
    except Exception as exc:  # a bind processor refused a value: raised as SQLAlchemy raises it
        raise StatementError(str(exc), sql, None, exc) from exc
    cursor = conn.connection.cursor()
    try:
        cursor.executemany(sql, params)
    except dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(sql, params, exc, dialect.loaded_dbapi.Error) from exc
    finally:
        cursor.close()
