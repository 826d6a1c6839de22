"""Wiring at the edge: settings -> database, detectors, policy, screener. Built once per process.

Edges (CLI, API, jobs) call :func:`build_runtime`; the core never reads settings itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from adwarden.config import Settings
from adwarden.pipeline import Screener
from adwarden.storage.sql.database import Database

#: Hooks run by :func:`build_runtime` after the database is ready (areas use this to load bank indexes,
#: register ingest hooks...). Each receives the runtime and may replace ``runtime.screener``.
RuntimeHook = Callable[["Runtime"], None]
_runtime_hooks: list[RuntimeHook] = []


def register_runtime_hook(hook: RuntimeHook) -> None:
    if hook not in _runtime_hooks:
        _runtime_hooks.append(hook)


@dataclass
class Runtime:
    """What a running AdWarden process holds: settings, the database and the screener."""

    settings: Settings
    db: Database
    screener: Screener
    extras: dict[str, object] = field(default_factory=dict)


def build_screener(settings: Settings, db: Database | None = None) -> Screener:
    """The screener for these settings: default detectors and the configured (or default) policy."""
    from adwarden.detect.registry import build_default_registry
    from adwarden.policy import load_policy

    registry = build_default_registry(lexicon_path=settings.lexicon_path)
    policy = load_policy(settings.policy_path)
    return Screener(registry, policy, region=settings.default_region)


def build_runtime(settings: Settings, *, migrate: bool = True) -> Runtime:
    db = Database(settings.resolved_database_url)
    if migrate:
        db.migrate()
    runtime = Runtime(settings=settings, db=db, screener=build_screener(settings, db))
    for hook in list(_runtime_hooks):
        hook(runtime)
    return runtime
