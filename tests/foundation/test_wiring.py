"""What runs does not depend on what was imported: one composition root builds the same screener for library
code, the CLI and the API, in a fresh interpreter as in this one. Failed before: library code screened with
``indicator, facts`` and, after ``import adwarden.network_service``, with ``indicator, facts, network``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from adwarden.api.app import create_app
from adwarden.audit.events import AUDIT_EVENTS
from adwarden.cli.common import CliState
from adwarden.config import Settings
from adwarden.domain import Actor
from adwarden.ingest.schema import PostIn
from adwarden.runtime import BUILTIN_DETECTORS, BaseDetectors, Runtime, build_runtime, declared_detectors
from adwarden.storage.sql.queries import latest_assessment
from tests.conftest import Cli
from tests.factories import post_json

SRC = str(Path(__file__).resolve().parents[2] / "src")

FRESH = """
import json, sys
from adwarden.config import Settings
from adwarden.runtime import build_runtime
rt = build_runtime(Settings(environment="test", database_url=sys.argv[1], data_dir=sys.argv[2]))
print(json.dumps(list(rt.screener.registry.names())))
"""


def _fresh_names(settings: Settings, *, preload: str = "") -> list[str]:
    env = {**os.environ, "PYTHONPATH": SRC}
    out = subprocess.run([sys.executable, "-c", preload + FRESH, settings.resolved_database_url,
                          str(settings.data_dir)], capture_output=True, text=True, env=env, timeout=120, check=True)
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def test_library_cli_and_api_get_the_same_detectors(runtime: Runtime) -> None:
    settings = runtime.settings
    fresh = _fresh_names(settings)
    after_import = _fresh_names(settings, preload="import adwarden.networks.service, adwarden.retro.worker\n")
    cli = list(CliState(settings).runtime.screener.registry.names())
    api = list(create_app(settings).state.runtime.screener.registry.names())
    assert fresh == after_import == cli == api == list(runtime.screener.registry.names())
    assert fresh == ["indicator", "facts", "network"]  # banks join when a bank has entries, classifiers with models


def test_detectors_are_declared_once_and_in_order() -> None:
    names = [s.name for s in declared_detectors()]
    assert names[: len(BUILTIN_DETECTORS)] == ["indicator", "facts", "bank", "network", "classifier",
                                               "shadow_classifier"]
    assert len(names) == len(set(names))


def test_audit_events_are_a_static_catalogue() -> None:
    """Every event a module appends is in the catalogue, whether or not that module was imported."""
    env = {**os.environ, "PYTHONPATH": SRC}
    code = "import json; from adwarden.audit.events import AUDIT_EVENTS; print(json.dumps(sorted(AUDIT_EVENTS)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60,
                         check=True)
    assert json.loads(out.stdout) == sorted(AUDIT_EVENTS)
    for name in ("networks-built", "rescan-finished", "report-filed", "hold-placed", "policy-activated"):
        assert name in AUDIT_EVENTS


def _db_copy(template: Path, tmp_path: Path, name: str) -> Settings:
    path = tmp_path / f"{name}.db"
    shutil.copyfile(template, path)
    return Settings(environment="test", data_dir=tmp_path / name, database_url=f"sqlite:///{path}")


def _shape(verdict: dict[str, Any]) -> tuple[object, ...]:
    reasons = sorted((r["detector"], r["label"]) for r in verdict["reasons"])
    return verdict["action"], verdict["risk"], verdict["queue"], tuple(reasons)


def test_a_post_gets_the_same_verdict_whichever_way_it_comes_in(sqlite_template: Path, tmp_path: Path,
                                                                shared_base: BaseDetectors) -> None:
    """The same post, sent to three fresh databases through the API, the CLI and library code."""
    from fastapi.testclient import TestClient

    body = post_json("same", title="New in town, young and fresh",
                     body="Just arrived this week, available 24/7. 100 roses per hour. Call 206-555-0107.")
    api_rt = build_runtime(_db_copy(sqlite_template, tmp_path, "api"), migrate=False, base=shared_base)
    with TestClient(create_app(runtime=api_rt)) as client:
        via_api = client.post("/v1/posts", json=body).json()
    cli_settings = _db_copy(sqlite_template, tmp_path, "cli")
    f = tmp_path / "one.jsonl"
    f.write_text(json.dumps(body) + "\n", encoding="utf-8")
    assert Cli(cli_settings)("ingest", str(f), "--json").exit_code == 0
    cli_rt = build_runtime(cli_settings, migrate=False, base=shared_base)
    lib_rt = build_runtime(_db_copy(sqlite_template, tmp_path, "lib"), migrate=False, base=shared_base)
    [lib] = lib_rt.ingest([PostIn.model_validate(body).to_domain()], actor=Actor.system("library"))
    with cli_rt.db.read() as conn:
        stored = latest_assessment(conn, lib.post_id)
    assert stored is not None and lib.assessment is not None
    as_json = [{"action": a.verdict.action.value, "risk": a.verdict.risk, "queue": a.verdict.queue,
                "reasons": [e.to_json() for e in a.verdict.reasons]} for a in (stored, lib.assessment)]
    assert _shape(via_api) == _shape(as_json[0]) == _shape(as_json[1])
    assert via_api["risk"] > 0 and len(via_api["reasons"]) >= 3  # real evidence, not two empty verdicts
    for rt in (api_rt, cli_rt, lib_rt):
        rt.db.dispose()
