"""Wiring at the edge: settings -> database, detectors, policy, screener. Built once per process.

Edges (CLI, API, jobs) call :func:`build_runtime`; the core never reads settings itself.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass, field

from adwarden.config import Settings
from adwarden.domain import PostInput
from adwarden.pipeline import Screener
from adwarden.storage.sql.database import Database

#: Hooks run by :func:`build_runtime` after the database is ready (areas use this to load bank indexes,
#: register ingest hooks...). Each receives the runtime and may replace ``runtime.screener``.
RuntimeHook = Callable[["Runtime"], None]
_runtime_hooks: list[RuntimeHook] = []


#: A synthetic, non-explicit post that exercises every extractor once.
WARM_UP_POST = PostInput(external_id="warm-up", title="Warm-up in Seattle, WA",
                         body="New in town, 24/7, 100 roses per hour, call 206-555-0100, ig: example")

#: Hooks run by :func:`warm_up` (areas register what they would otherwise build on first use, e.g. the
#: network linker's state from storage).
_warm_up_hooks: list[RuntimeHook] = []


def register_warm_up_hook(hook: RuntimeHook) -> None:
    if hook not in _warm_up_hooks:
        _warm_up_hooks.append(hook)


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
    if db is not None:
        # The reviewer-trained classifier: the promoted model (a detector) and the shadow model (scores only).
        from adwarden.models_service import model_detectors

        for detector in model_detectors(db):
            registry.register(detector)
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


def warm_up(runtime: Runtime) -> None:
    """Build everything that is otherwise built on first use (the gazetteer, normalizer tables, the network
    linker's state), so a server's first requests do not pay for it. The API calls this before it serves."""
    runtime.screener.screen(WARM_UP_POST)
    for hook in list(_warm_up_hooks):
        hook(runtime)
    freeze_long_lived()


def freeze_long_lived() -> None:
    """Move the objects that survived a young collection into the permanent generation.

    Why: the in-process state AdWarden keeps (network linker, detector tables) grows into millions of
    objects; Python's full (generation 2) collections scan them all and stalled the API writer for 200-300 ms
    at a time. Frozen objects are never scanned; garbage made by requests dies young and is still collected.
    """
    gc.collect(1)
    gc.freeze()
