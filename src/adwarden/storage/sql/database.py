"""The database handle: engine set-up per backend, transactions, migrations.

SQLite is the embedded default: a file in the data directory, WAL journal, foreign keys on, and ``BEGIN
IMMEDIATE`` transactions so that two writers queue on the lock instead of failing half-way (the audit chain
needs one writer at a time). PostgreSQL is chosen by the URL; the audit head row is locked ``FOR UPDATE``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from adwarden.domain import StorageError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
AUDIT_WRITER_KEY = "adwarden_audit_writer"


def _make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 60})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            # Take transaction control away from pysqlite so BEGIN IMMEDIATE below is what runs.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


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
        transaction, so a state change and its audit event are stored together or not at all."""
        from adwarden.audit.log import AuditWriter

        try:
            with self.engine.connect() as conn:
                with conn.begin():
                    writer = AuditWriter(conn)
                    conn.info[AUDIT_WRITER_KEY] = writer
                    try:
                        yield conn
                        writer.flush()
                    finally:
                        conn.info.pop(AUDIT_WRITER_KEY, None)
        except OperationalError as exc:
            raise StorageError(f"database error: {exc.orig}") from exc

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only unit (no audit writer; SQLite still takes the write lock briefly on BEGIN)."""
        with self.engine.connect() as conn:
            yield conn

    def migrate(self) -> None:
        """Bring the schema to the newest revision of every migration branch (``alembic upgrade heads``)."""
        from alembic import command

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
