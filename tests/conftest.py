"""Shared fixtures: a migrated database per test (SQLite file copied from a template, or a PostgreSQL database
created from a template), the runtime, the API client and the CLI runner.

PostgreSQL runs when ``ADWARDEN_TEST_POSTGRES_URL`` is set (``scripts/test.sh`` starts a throwaway server);
under CI a missing server is a failure, never a silent skip.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from adwarden.config import Settings
from adwarden.pipeline import Screener
from adwarden.runtime import BaseDetectors, Runtime, build_runtime, build_screener
from adwarden.storage.sql.database import Database

PG_URL = os.environ.get("ADWARDEN_TEST_POSTGRES_URL")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = Database(f"sqlite:///{path}")
    db.migrate()
    db.dispose()
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    return path


def _pg_admin_url() -> str:
    assert PG_URL is not None
    return PG_URL


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("ADWARDEN_TEST_POSTGRES_URL is not set under CI: PostgreSQL tests must run")
        pytest.skip("PostgreSQL not available (set ADWARDEN_TEST_POSTGRES_URL or run scripts/test.sh)")
    from sqlalchemy import create_engine, text

    name = f"adw_template_{uuid.uuid4().hex[:8]}"
    admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_URL.rsplit("/", 1)[0] + "/" + name
    db = Database(url)
    db.migrate()
    db.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _new_pg_database(template: str) -> tuple[str, Callable[[], None]]:
    from sqlalchemy import create_engine, text

    name = f"adw_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    assert PG_URL is not None
    return PG_URL.rsplit("/", 1)[0] + "/" + name, drop


@pytest.fixture(scope="session")
def shared_base() -> BaseDetectors:
    """Building detectors (automata, lexicon) takes time; tests share the stateless ones."""
    return BaseDetectors.build(Settings(environment="test"))


@pytest.fixture(scope="session")
def shared_screener(shared_base: BaseDetectors) -> Screener:
    """The screener of an empty database (every declared detector, no banks, the default policy)."""
    return build_screener(Settings(environment="test"), shared_base)


def _settings(tmp_path: Path, url: str, **kw: Any) -> Settings:
    return Settings(environment="test", data_dir=tmp_path / "data", database_url=url, **kw)


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "adwarden.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def settings(tmp_path: Path, sqlite_url: str) -> Settings:
    return _settings(tmp_path, sqlite_url)


def _runtime(settings: Settings, base: BaseDetectors) -> Runtime:
    """The runtime exactly as the CLI and the API build it (the database is migrated from the template)."""
    return build_runtime(settings, migrate=False, base=base)


@pytest.fixture
def runtime(settings: Settings, shared_base: BaseDetectors) -> Iterator[Runtime]:
    rt = _runtime(settings, shared_base)
    yield rt
    rt.db.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend_runtime(request: pytest.FixtureRequest, tmp_path: Path, shared_base: BaseDetectors) -> Iterator[Runtime]:
    """The same test on SQLite and on PostgreSQL."""
    drop: Callable[[], None] | None = None
    if request.param == "sqlite":
        url = request.getfixturevalue("sqlite_url")
    else:
        template = request.getfixturevalue("pg_template")
        url, drop = _new_pg_database(template)
    rt = _runtime(_settings(tmp_path, url), shared_base)
    yield rt
    rt.db.dispose()
    if drop is not None:
        drop()


@pytest.fixture
def client(runtime: Runtime) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from adwarden.api.app import create_app

    with TestClient(create_app(runtime=runtime)) as c:
        yield c


class Cli:
    """Invoke the real CLI in-process with this test's database and data directory."""

    def __init__(self, settings: Settings) -> None:
        self.env = {
            "ADWARDEN_DATABASE_URL": settings.resolved_database_url,
            "ADWARDEN_DATA_DIR": str(settings.data_dir),
            "ADWARDEN_ENVIRONMENT": "test",
        }

    def __call__(self, *args: str, input: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:
        from adwarden.cli.main import cli

        runner = CliRunner()
        return runner.invoke(cli, list(args), input=input, env={**self.env, **(env or {})},
                             catch_exceptions=False)


@pytest.fixture
def cli(settings: Settings) -> Cli:
    return Cli(settings)
