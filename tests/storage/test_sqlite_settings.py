"""SQLite connections keep their durability settings and fold the log back less often (fewer page copies)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from adwarden.storage.sql.database import CACHE_KIB, WAL_AUTOCHECKPOINT_PAGES, Database


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
