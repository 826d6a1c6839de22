"""SQLite connections keep their durability settings and fold the log back less often (fewer page copies)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from adwarden.storage.sql.database import CACHE_KIB, PAGE_SIZE, WAL_AUTOCHECKPOINT_PAGES, Database


def test_every_connection_is_durable_and_checkpoints_every_4000_pages(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path}/s.db")
    try:
        with db.engine.connect() as conn:
            pragma = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                      for name in ("journal_mode", "synchronous", "wal_autocheckpoint", "cache_size")}
        assert pragma == {"journal_mode": "wal", "synchronous": 2,  # FULL: a commit survives a power cut
                          "wal_autocheckpoint": WAL_AUTOCHECKPOINT_PAGES, "cache_size": -CACHE_KIB}
        assert WAL_AUTOCHECKPOINT_PAGES == 4000
    finally:
        db.dispose()


def test_committed_rows_are_read_by_a_new_connection_before_any_checkpoint(tmp_path: Path) -> None:
    """Rows committed while still only in the log (no checkpoint yet) are what another process reads."""
    path = tmp_path / "s.db"
    db = Database(f"sqlite:///{path}")
    try:
        with db.engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
        with db.transaction() as conn:
            conn.execute(text("INSERT INTO t VALUES (1), (2)"))
        assert (tmp_path / "s.db-wal").stat().st_size > 0
        other = Database(f"sqlite:///{path}")
        with other.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar() == 2
        other.dispose()
    finally:
        db.dispose()


def test_a_new_store_gets_16_kib_pages_and_an_old_one_keeps_its_own(tmp_path: Path) -> None:
    """Migrations create the file through the store's own connection, so its tables sit on PAGE_SIZE pages; a
    store created with SQLite's default 4 KiB pages keeps them (the page size of a file with tables is fixed)."""
    import sqlite3

    fresh = Database(f"sqlite:///{tmp_path}/new.db")
    old_path = tmp_path / "old.db"
    raw = sqlite3.connect(old_path)
    raw.execute("CREATE TABLE t (x INTEGER)")
    raw.close()
    old = Database(f"sqlite:///{old_path}")
    try:
        fresh.migrate()
        with fresh.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA page_size").scalar() == PAGE_SIZE == 16_384
            assert conn.exec_driver_sql("SELECT count(*) FROM posts").scalar() == 0
        with old.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA page_size").scalar() == 4096
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        fresh.dispose()
        old.dispose()
