"""Migration 0004_reporting creates exactly the tables declared in tables_reporting.py."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from adwarden.runtime import Runtime
from adwarden.storage.sql.tables import metadata
from adwarden.storage.sql.tables_reporting import ncmec_exchanges, ncmec_reports

MINE = {ncmec_reports.name, ncmec_exchanges.name}


def _only_mine(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table in MINE


def test_migration_matches_tables(runtime: Runtime) -> None:
    with runtime.db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": _only_mine, "compare_type": True})
        diff = compare_metadata(context, metadata)
        assert MINE <= set(runtime.db.engine.dialect.get_table_names(conn))
    assert diff == []
