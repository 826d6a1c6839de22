"""Local fixture override: the shared template fixture checkpoints the WAL inside ``BEGIN IMMEDIATE`` (the
engine's begin hook), which SQLite refuses ("database table is locked"); checkpoint through a raw connection."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from adwarden.storage.sql.database import Database


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("legal-template") / "template.db"
    db = Database(f"sqlite:///{path}")
    db.migrate()
    db.dispose()
    raw = sqlite3.connect(path)
    try:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
    return path
