"""The 0016_classifier migration creates exactly the tables declared in storage/sql/tables_models.py."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from adwarden.runtime import Runtime
from adwarden.storage.sql import tables_models
from adwarden.storage.sql.tables import metadata

OURS = {tables_models.classifier_models.name, tables_models.classifier_evaluations.name}


def _table_of(diff: Any) -> str | None:
    """The table an alembic autogenerate diff entry is about (entries are tuples, modifications lists)."""
    if isinstance(diff, list):
        diff = diff[0]
    op, obj = diff[0], diff[1]
    if op in ("add_table", "remove_table"):
        return str(obj.name)
    if op in ("add_column", "remove_column") or op.startswith("modify_"):
        return str(diff[2])
    table = getattr(obj, "table", None)
    if table is None:
        table = getattr(obj, "parent", None)
    return str(table.name) if table is not None else None


def test_migration_matches_the_table_definitions(backend_runtime: Runtime) -> None:
    with backend_runtime.db.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    ours = [d for d in diffs if _table_of(d) in OURS]
    assert ours == []
