"""SQL storage: tables, the :class:`Database` handle, migrations and repositories."""

from adwarden.storage.sql.database import Database

__all__ = ["Database"]
