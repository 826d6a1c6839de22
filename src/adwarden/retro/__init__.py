"""Retroaction: banks and policies stored and activated, and stored posts re-assessed when they change.

Importing this package registers a runtime hook: every process (CLI, API, jobs) screens with the enabled
banks and the most recently activated policy. :func:`refresh_screener` rebuilds the screener after a change in
the same process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from adwarden.runtime import register_runtime_hook

if TYPE_CHECKING:  # pragma: no cover
    from adwarden.pipeline import Screener
    from adwarden.runtime import Runtime


def build_stored_screener(runtime: Runtime) -> Screener | None:
    """The runtime's detectors plus the bank detector over the enabled banks, with the active policy.

    Returns None when there is nothing stored to add (no bank entries, no activated policy), so the runtime
    keeps its screener."""
    from adwarden.detect.banks.detector import BankDetector
    from adwarden.detect.base import DetectorRegistry
    from adwarden.pipeline import Screener
    from adwarden.retro.banks import load_bank_index
    from adwarden.retro.policies import active_policy

    s = runtime.settings
    current = runtime.screener
    index = load_bank_index(runtime.db, key=s.bank_hmac_key.encode("utf-8"), region=s.default_region)
    with runtime.db.read() as conn:
        policy = active_policy(conn)
    had_banks = "bank" in current.registry.names()
    if not index.size and policy is None and not had_banks:
        return None
    registry = DetectorRegistry(d for d in current.registry if d.name != "bank")
    if index.size:
        registry.register(BankDetector(index))
    return Screener(registry, policy or current.policy, region=s.default_region)


def refresh_screener(runtime: Runtime) -> Screener:
    """Swap ``runtime.screener`` for one with today's banks and policy (after an import or activation)."""
    screener = build_stored_screener(runtime)
    if screener is not None:
        runtime.screener = screener
    return runtime.screener


def _hook(runtime: Runtime) -> None:
    refresh_screener(runtime)


register_runtime_hook(_hook)

__all__ = ["build_stored_screener", "refresh_screener"]
