"""The database handle: engine set-up per backend, transactions, migrations.

SQLite is the embedded default: a file in the data directory, WAL journal with ``synchronous=FULL`` (an
acknowledged post survives a power cut, not only a killed process), foreign keys on, and ``BEGIN IMMEDIATE``
write transactions so that two writers queue on the lock instead of failing half-way (the audit chain needs one
writer at a time), polled every millisecond so that a waiting writer takes its turn between another's
transactions; reads use plain deferred transactions and never block writers. PostgreSQL is chosen by the
URL; the audit head row is locked ``FOR UPDATE``.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError

from adwarden.domain import StorageError
from adwarden.storage.sql.audit_writer import AUDIT_WRITER_KEY, AuditWriter
from adwarden.storage.sql.errors import domain_error

__all__ = ["Connection", "Database", "WriteConflict", "after_commit", "after_rollback"]
#: ``Connection`` is re-exported so that services can type the transaction they are handed without importing
#: SQLAlchemy: only ``storage/`` knows which database library sits underneath.

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
READ_ONLY_OPTION = "adwarden_read_only"
AFTER_COMMIT_KEY = "adwarden_after_commit"
AFTER_ROLLBACK_KEY = "adwarden_after_rollback"
#: PostgreSQL SQLSTATEs of transient conflicts between concurrent writers.
_RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected
#: How long a SQLite statement waits for a lock another connection holds.
BUSY_TIMEOUT_MS = 60_000
#: SQLite's page cache per connection, in KiB (``PRAGMA cache_size`` takes a negative number for KiB). SQLite's
#: default, 2 MiB, is far smaller than the indexes a file ingest appends to (identifiers, versions, audit
#: events): past a few thousand posts every insert re-read index pages from the OS. A cache is memory only;
#: durability (``synchronous=FULL``) is unchanged.
CACHE_KIB = 65_536
#: Pages of WAL after which a committing connection copies the log back into the database file (SQLite's default
#: is 1,000 pages, 4 MiB). A file ingest's batch rewrites the same index pages batch after batch; copying them
#: back every 4,000 pages (64 MiB of log with :data:`PAGE_SIZE`, 16 MiB in a store made with 4 KiB pages) instead
#: of every 1,000 copies each page once per four, which took about a quarter of the commit's CPU
#: (docs/PERFORMANCE.md). Durability is unchanged: every commit is still in the log
#: and fsynced (``synchronous=FULL``) before it returns; only when the log is folded back moves.
WAL_AUTOCHECKPOINT_PAGES = 4_000
#: Page size of a new SQLite store, in bytes (SQLite's default is 4,096; an existing store keeps its own). Why:
#: a post's rows go into about eight indexes keyed by its post id, a hash, so a batch of 200 posts dirties a
#: page per row in each of them, and every dirty page is written whole to the log at commit and copied back at
#: checkpoints. With 16 KiB pages the same rows sit on a quarter as many pages: at 20,000 posts a commit's CPU
#: (most of it the kernel's, writing and syncing the log) fell from 120-130 to 70-75 µs per post
#: (docs/PERFORMANCE.md). Durability is unchanged (``synchronous=FULL``).
PAGE_SIZE = 16_384


class WriteConflict(StorageError):
    """A concurrent writer got there first (unique key taken, deadlock, serialization failure). The whole
    transaction was rolled back and may be retried as it is."""


def _is_conflict(exc: DBAPIError) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    return getattr(exc.orig, "sqlstate", None) in _RETRYABLE_SQLSTATES


def _make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            # Take transaction control away from pysqlite so BEGIN IMMEDIATE below is what runs.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA page_size={PAGE_SIZE}")  # only a new, empty file takes it: before the WAL
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cur.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            cur.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            if conn.get_execution_options().get(READ_ONLY_OPTION, False):
                conn.exec_driver_sql("BEGIN")
                return
            if not _begin_immediate_polling(conn.connection.dbapi_connection):
                conn.exec_driver_sql("BEGIN IMMEDIATE")  # the last try waits in SQLite and raises as before

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


#: How long a SQLite writer polls for the write lock itself before leaving the wait to SQLite's busy handler,
#: and the longest pause between two tries.
WRITE_LOCK_POLL_SECONDS = 60.0
WRITE_LOCK_POLL_MAX_PAUSE = 0.001


def _begin_immediate_polling(dbapi_conn: Any) -> bool:
    """Take SQLite's write lock (``BEGIN IMMEDIATE``), trying again every millisecond while another process
    holds it; False when it is still held after :data:`WRITE_LOCK_POLL_SECONDS`, or on any other error (the
    caller's last try, under SQLite's busy timeout, then raises what SQLite says).

    Why not SQLite's busy timeout alone: its busy handler sleeps up to 100 ms between tries, so a writer that
    commits and begins again at once (a file ingest, batch after batch) takes the lock back before a waiting
    API writer wakes, and the API's posts queue for seconds. Polling every millisecond catches the short gap
    between the other writer's transactions; a failed try costs microseconds."""
    deadline = time.monotonic() + WRITE_LOCK_POLL_SECONDS
    pause = 0.0001
    dbapi_conn.execute("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                dbapi_conn.execute("BEGIN IMMEDIATE")
                return True
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    return False
            time.sleep(pause)
            pause = min(2 * pause, WRITE_LOCK_POLL_MAX_PAUSE)
    finally:
        dbapi_conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


class Database:
    """A connection pool plus the unit-of-work context manager every service function uses.

    >>> db = Database("sqlite:///:memory:")  # doctest: +SKIP
    >>> with db.transaction() as conn:  # doctest: +SKIP
    ...     conn.execute(...)
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _make_engine(url)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction. Audit events appended inside it are flushed just before commit, in the same
        transaction, so a state change and its audit event are stored together or not at all.

        Callbacks registered with :func:`after_commit` run once the commit succeeded (wake a webhook sender,
        publish to a cache); those registered with :func:`after_rollback` run when it did not (drop what a cache
        took from the transaction). Neither runs inside the transaction."""
        committed: list[Callable[[], None]] = []
        rolled_back: list[Callable[[], None]] = []
        ok = False
        try:
            with self.engine.connect() as conn:
                with conn.begin():
                    writer = AuditWriter(conn)
                    conn.info[AUDIT_WRITER_KEY] = writer
                    conn.info[AFTER_COMMIT_KEY] = committed
                    conn.info[AFTER_ROLLBACK_KEY] = rolled_back
                    try:
                        yield conn
                        writer.flush()
                    finally:
                        conn.info.pop(AUDIT_WRITER_KEY, None)
                        conn.info.pop(AFTER_COMMIT_KEY, None)
                        conn.info.pop(AFTER_ROLLBACK_KEY, None)
            ok = True
        except DBAPIError as exc:
            if _is_conflict(exc):
                raise WriteConflict(f"write conflict: {exc.orig}") from exc
            translated = domain_error(exc)
            if translated is not None:
                raise translated from exc
            raise
        finally:
            for fn in committed if ok else rolled_back:
                fn()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only unit: no audit writer, and on SQLite a deferred transaction that never blocks writers."""
        try:
            with self.engine.connect().execution_options(**{READ_ONLY_OPTION: True}) as conn:
                yield conn
        except (OperationalError, DataError) as exc:
            raise domain_error(exc) or StorageError(f"database error: {exc.orig}") from exc

    def migrate(self) -> None:
        """Bring the schema to the newest revision of every migration branch (``alembic upgrade heads``)."""
        from alembic import command

        if self.backend == "sqlite":  # a new file gets this store's settings (PAGE_SIZE) before Alembic's engine
            with self.engine.connect():
                pass
        command.upgrade(alembic_config(self.url), "heads")

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["configure_logger"] = False
    return cfg


def after_commit(conn: Connection, fn: Callable[[], None]) -> None:
    """Run ``fn`` after ``conn``'s transaction commits (at once when ``conn`` is not a write transaction)."""
    hooks = conn.info.get(AFTER_COMMIT_KEY)
    if hooks is None:
        fn()
    else:
        hooks.append(fn)


def after_rollback(conn: Connection, fn: Callable[[], None]) -> None:
    """Run ``fn`` if ``conn``'s transaction rolls back (never when ``conn`` is not a write transaction)."""
    hooks = conn.info.get(AFTER_ROLLBACK_KEY)
    if hooks is not None:
        hooks.append(fn)

