"""Secrets and identities: stored keys are hashed and can expire or be revoked; production refuses weak or
missing secrets; a changed bank key is refused; four-eyes steps need two authenticated identities."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from adwarden.api.app import create_app
from adwarden.config import Settings, load_settings
from adwarden.domain import Actor
from adwarden.domain.errors import ConfigError
from adwarden.identities.keys import create_key, expire_key, hash_key, revoke_key
from adwarden.runtime import Runtime, build_runtime
from adwarden.storage.sql.tables_keys import api_keys
from tests.conftest import Cli

ADMIN = Actor("root", frozenset({"admin"}))
LONG = "k" * 40


def test_stored_keys_are_hashed_and_work_until_revoked(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    plaintext, key = create_key(rt.db, actor_name="ingest-bot", roles=["platform"], actor=ADMIN)
    with rt.db.read() as conn:
        row = conn.execute(select(api_keys).where(api_keys.c.id == key.id)).one()
    assert row.key_hash == hash_key(plaintext) and plaintext not in json.dumps([str(v) for v in row])
    with TestClient(create_app(runtime=rt)) as client:
        h = {"Authorization": f"Bearer {plaintext}"}
        assert client.get("/v1/posts/p-none", headers=h).status_code == 404  # authenticated, post unknown
        assert client.get("/v1/networks", headers=h).status_code == 403  # platform lacks network:view
        revoke_key(rt.db, key.id, actor=ADMIN)
        client.app.state.key_cache.clear()  # type: ignore[attr-defined]  # (servers pick it up within 5 s)
        assert client.get("/v1/posts/p-none", headers=h).status_code == 401


def test_expired_key_is_refused(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    plaintext, key = create_key(rt.db, actor_name="old", roles=["moderator"], actor=ADMIN)
    expire_key(rt.db, key.id, at=datetime.now(UTC) - timedelta(seconds=1), actor=ADMIN)
    with TestClient(create_app(runtime=rt)) as client:
        assert client.get("/v1/networks", headers={"Authorization": f"Bearer {plaintext}"}).status_code == 401


def test_unknown_roles_are_refused(backend_runtime: Runtime) -> None:
    from adwarden.domain import InputError

    with pytest.raises(InputError, match="roles"):
        create_key(backend_runtime.db, actor_name="x", roles=["superuser"], actor=ADMIN)


def _production(tmp_path: Path, **kw: Any) -> dict[str, Any]:
    key = tmp_path / "evidence.pem"
    if not key.exists():
        key.write_text("9d" * 32)
        os.chmod(key, 0o600)
    base: dict[str, Any] = {"environment": "production", "bank_hmac_key": "b" * 40, "data_dir": tmp_path,
                            "legal_signing_key_path": key, "api_keys": {LONG: "bot:platform"}}
    return {**base, **kw}


def test_production_refuses_weak_secrets(tmp_path: Path) -> None:
    load_settings(**_production(tmp_path))
    with pytest.raises(ConfigError, match="ADWARDEN_BANK_HMAC_KEY must be at least 32 bytes"):
        load_settings(**_production(tmp_path, bank_hmac_key="short"))
    with pytest.raises(ConfigError, match="keys of bot are under 32 bytes"):
        load_settings(**_production(tmp_path, api_keys={"short": "bot:platform"}))
    with pytest.raises(ConfigError, match="readable by others"):
        os.chmod(tmp_path / "evidence.pem", 0o644)
        load_settings(**_production(tmp_path))


def test_production_refuses_to_start_without_api_keys(backend_runtime: Runtime, tmp_path: Path) -> None:
    s = Settings(**_production(tmp_path, api_keys={}, database_url=backend_runtime.settings.resolved_database_url))
    with pytest.raises(ConfigError, match="production needs API keys"):
        create_app(runtime=build_runtime(s, migrate=False))


def test_changed_bank_key_is_refused(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    with TestClient(create_app(runtime=rt)):
        pass  # records the key's fingerprint
    other = rt.settings.model_copy(update={"bank_hmac_key": "another-bank-key-" + "x" * 30})
    with pytest.raises(ConfigError, match="ADWARDEN_BANK_HMAC_KEY differs"):
        create_app(runtime=build_runtime(other, migrate=False))


def test_cli_keys_lifecycle(cli: Cli) -> None:
    made = cli("keys", "create", "ana", "--role", "moderator", "--role", "compliance", "--days", "30", "--json")
    assert made.exit_code == 0, made.output
    doc = json.loads(made.stdout)
    assert doc["key"].startswith("awk_") and len(doc["key"]) > 40 and doc["roles"] == ["compliance", "moderator"]
    listed = json.loads(cli("keys", "list", "--json").stdout)
    assert [k["id"] for k in listed] == [doc["id"]] and "key" not in listed[0] and listed[0]["active"]
    assert cli("keys", "revoke", doc["id"]).exit_code == 0
    assert json.loads(cli("keys", "list", "--json").stdout)[0]["active"] is False
    assert cli("keys", "revoke", "k-missing").exit_code == 1


def test_four_eyes_need_authenticated_identities(cli: Cli) -> None:
    """An approval signed only with ADWARDEN_CLI_ACTOR is refused; a stored key identifies the approver."""
    r = cli("reports", "approve", "r-any", env={"ADWARDEN_CLI_ACTOR": "someone-else"})
    assert r.exit_code == 3 and "ADWARDEN_CLI_API_KEY" in r.stderr
    key = json.loads(cli("keys", "create", "sol", "--role", "child-safety", "--json").stdout)["key"]
    r = cli("reports", "approve", "r-any", env={"ADWARDEN_CLI_API_KEY": key})
    assert r.exit_code == 1 and "r-any" in r.stderr  # identified; the report does not exist
