"""Migration 0011_review creates exactly the tables declared in tables_review.py, on both backends."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from adwarden.runtime import Runtime
from adwarden.storage.sql import tables_review
from adwarden.storage.sql.tables import metadata

MINE = {t.name for t in vars(tables_review).values() if getattr(t, "metadata", None) is metadata
        and hasattr(t, "columns")}


def _only_mine(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table in MINE


def test_migration_matches_tables(backend_runtime: Runtime) -> None:
    assert "action_events" in MINE and "case_work" in MINE
    with backend_runtime.db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": _only_mine, "compare_type": True})
        diff = compare_metadata(context, metadata)
        assert MINE <= set(backend_runtime.db.engine.dialect.get_table_names(conn))
    assert diff == []
