"""Many-row inserts through the driver, with SQLAlchemy's own type processing: ``executemany`` on SQLite, ``COPY``
on PostgreSQL.

Why: a file ingest writes about a dozen rows per post (post, version, identifiers, media, assessment, audit
events). SQLAlchemy's ``conn.execute(insert(table), rows)`` re-derives, for every row, which parameters it
has and how each is processed; that per-row work cost about as much CPU as SQLite's own insert (8.4 against
4.7 µs per identifier row, docs/PERFORMANCE.md). On PostgreSQL it sends every row as its own statement in
psycopg's pipeline (bind, execute, and a server-side insert each): more than half of the storing process's
time. Here the statement is compiled once per table and column set, each column's bind processor (the same
one SQLAlchemy applies: JSON, :class:`~adwarden.storage.sql.types.UTCDateTime`) is looked up once and applied
column by column, and the rows go to the driver in the connection's own transaction: SQLite's
``executemany``, PostgreSQL's ``COPY ... FROM STDIN`` (one statement for the whole batch, values adapted by
psycopg as it adapts parameters, parsed by the server as it parses them).

Rows whose keys differ, or that leave out a column with a Python-side default, take SQLAlchemy's path, so the
stored rows are the same either way (tests/storage/test_bulk_insert.py). Errors are raised as SQLAlchemy raises
them: a refused value as :class:`~sqlalchemy.exc.StatementError`, a driver error (a duplicate key) wrapped by
:meth:`~sqlalchemy.exc.DBAPIError.instance`, which :class:`~adwarden.storage.sql.database.Database` turns into
``WriteConflict``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Connection, Table, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.types import TypeEngine

from adwarden.domain.json_text import prebuilt_encoder

#: The dialects with a fast path (any other takes SQLAlchemy's).
FAST_DIALECTS = frozenset({"sqlite", "postgresql"})


@dataclass(frozen=True)
class _Plan:
    """How one table's rows with one set of keys are written: the statement, and per parameter (in its order)
    the row key and the bind processor, if the column has one."""

    sql: str
    keys: tuple[str, ...]
    processors: tuple[tuple[int, Callable[[Any], Any]], ...]  # (parameter position, processor)

    def parameters(self, rows: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]] | None:
        """One tuple per row, processed as SQLAlchemy processes it, column by column; None when the rows do not
        all have exactly the plan's keys."""
        if set(map(len, rows)) != {len(self.keys)}:
            return None
        get = itemgetter(*self.keys)
        try:
            if len(self.keys) == 1:
                columns: list[Sequence[Any]] = [[get(r) for r in rows]]
            else:
                columns = list(zip(*map(get, rows), strict=True))
        except KeyError:  # as many keys, other names
            return None
        for pos, process in self.processors:
            columns[pos] = _processed(process, columns[pos])
        return list(zip(*columns, strict=True))


def _processed(process: Callable[[Any], Any], values: Sequence[Any]) -> list[Any]:
    """``[process(v) for v in values]``, with each distinct datetime processed once (a batch stamps most rows
    with one ``now``; equal datetimes are one instant, which every processor here maps to one UTC value)."""
    memo: dict[datetime, Any] = {}
    out: list[Any] = []
    for v in values:
        if type(v) is not datetime:
            out.append(process(v))
        elif v in memo:
            out.append(memo[v])
        else:
            memo[v] = done = process(v)
            out.append(done)
    return out


_PLANS: dict[tuple[str, str, tuple[str, ...]], _Plan | None] = {}

#: ``json.dumps`` with its default options (SQLAlchemy's serializer for JSON columns), its encoder built once
#: (:func:`~adwarden.domain.json_text.prebuilt_encoder`).
_JSON_DUMPS = prebuilt_encoder(json.JSONEncoder())


def _bind_processor(impl: TypeEngine[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    """The column's bind processor, as SQLAlchemy applies it; for a JSON column on SQLite (no custom serializer)
    the same text through :data:`_JSON_DUMPS` for a dict or list value. Why: a stored post has six JSON values
    (the version's account and media, the assessment's reasons, contributions, rules and versions), and
    ``json.dumps`` building its encoder each time was about half of their cost."""
    process = impl.bind_processor(dialect)
    if (process is None or dialect.name != "sqlite" or not isinstance(impl, JSON)
            or type(impl).bind_processor is not JSON.bind_processor or dialect._json_serializer is not None  # type: ignore[attr-defined]
            or impl._str_impl.bind_processor(dialect) is not None):
        return process
    general = process
    encode = _JSON_DUMPS

    def json_text(value: Any) -> Any:
        if type(value) is dict or type(value) is list:
            return encode(value)
        return general(value)

    return json_text


def _plan(dialect: Dialect, table: Table, keys: tuple[str, ...]) -> _Plan | None:
    """The plan for ``keys``; None when SQLAlchemy must fill in something itself (a Python-side default of a
    column not in ``keys``, a key that is not a column)."""
    cache_key = (dialect.name, table.name, keys)
    if cache_key in _PLANS:
        return _PLANS[cache_key]
    plan: _Plan | None = None
    if all(k in table.c for k in keys) and not any(c.default is not None and c.key not in keys for c in table.c):
        if dialect.name == "postgresql":
            quote = dialect.identifier_preparer
            order: Sequence[str] | None = keys
            sql = (f"COPY {quote.format_table(table)} ({', '.join(quote.format_column(table.c[k]) for k in keys)})"
                   " FROM STDIN")
        else:
            compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
            order, sql = compiled.positiontup, str(compiled)
        if order is not None and sorted(order) == sorted(keys):
            procs = [(i, _bind_processor(table.c[name].type.dialect_impl(dialect), dialect))
                     for i, name in enumerate(order)]
            plan = _Plan(sql, tuple(order), tuple((i, p) for i, p in procs if p is not None))
    _PLANS[cache_key] = plan
    return plan


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` into ``table`` in ``conn``'s transaction: the same rows as
    ``conn.execute(insert(table), rows)``, through the driver where that is safe (see the module)."""
    if not rows:
        return
    dialect = conn.dialect
    first = rows[0].keys()
    plan = _plan(dialect, table, tuple(first)) if dialect.name in FAST_DIALECTS else None
    try:
        params = None if plan is None else plan.parameters(rows)
    except Exception as exc:  # a bind processor refused a value: raised as SQLAlchemy raises it
        assert plan is not None
        raise StatementError(str(exc), plan.sql, None, exc) from exc
    if plan is None or params is None:  # rows whose keys differ, too
        conn.execute(insert(table), list(rows))
        return
    try:
        if dialect.name == "postgresql":
            _copy(conn, plan.sql, params)
        else:
            _executemany(conn, plan.sql, params)
    except dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(plan.sql, params, exc, dialect.loaded_dbapi.Error) from exc


def _executemany(conn: Connection, sql: str, params: list[tuple[Any, ...]]) -> None:
    cursor = conn.connection.cursor()
    try:
        cursor.executemany(sql, params)
    finally:
        cursor.close()


def _copy(conn: Connection, sql: str, params: list[tuple[Any, ...]]) -> None:
    """``COPY ... FROM STDIN`` (text format) on the connection's psycopg connection, in its transaction."""
    raw: Any = conn.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        for row in params:
            copy.write_row(row)
