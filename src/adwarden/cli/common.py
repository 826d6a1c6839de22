"""Shared CLI plumbing: settings and runtime per invocation, the operator as actor, JSON output, exit codes."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

import click

from adwarden.config import Settings, load_settings
from adwarden.domain import Actor, AdWardenError
from adwarden.runtime import Runtime, build_runtime

F = TypeVar("F", bound=Callable[..., Any])


class CliState:
    """Per-invocation state: settings are read once, on first use (so ``--help`` works whatever the
    environment holds); the runtime is built on first use."""

    def __init__(self, settings: Settings | Callable[[], Settings]) -> None:
        self._settings = settings if isinstance(settings, Settings) else None
        self._load = settings if not isinstance(settings, Settings) else None
        self._runtime: Runtime | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            assert self._load is not None
            self._settings = self._load()
        return self._settings

    @property
    def runtime(self) -> Runtime:
        if self._runtime is None:
            self._runtime = build_runtime(self.settings)
        return self._runtime

    @property
    def actor(self) -> Actor:
        name = self.settings.cli_actor or f"cli:{_os_user()}"
        roles = frozenset(r.strip() for r in self.settings.cli_roles.split(",") if r.strip())
        return Actor(name=name, roles=roles)


    def authenticated_actor(self, purpose: str) -> Actor:
        """The operator as an authenticated identity, for four-eyes steps: ``ADWARDEN_CLI_API_KEY`` must be a
        key from ``adwarden keys create`` (or ``ADWARDEN_API_KEYS``). The actor name from the environment
        (``ADWARDEN_CLI_ACTOR``) is anyone's to set, so it never counts as a second person."""
        from datetime import UTC, datetime

        from adwarden.domain.errors import Unauthenticated
        from adwarden.identities.keys import SettingsKeys, authenticate

        key = self.settings.cli_api_key
        if not key:
            raise Unauthenticated(f"{purpose} needs an authenticated identity: set ADWARDEN_CLI_API_KEY to your "
                                  "API key (adwarden keys create)")
        actor = SettingsKeys(self.settings.api_keys).lookup(key)
        if actor is None:
            with self.runtime.db.read() as conn:
                actor = authenticate(conn, key, now=datetime.now(UTC))
        if actor is None:
            raise Unauthenticated("ADWARDEN_CLI_API_KEY is unknown, expired or revoked")
        return actor


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no passwd entry in some containers
        return "unknown"


def make_state(database_url: str | None, data_dir: str | None) -> CliState:
    overrides: dict[str, object] = {}
    if database_url:
        overrides["database_url"] = database_url
    if data_dir:
        overrides["data_dir"] = data_dir
    return CliState(lambda: load_settings(**overrides))


def get_state() -> CliState:
    return cast(CliState, click.get_current_context().find_object(CliState))


def handle_errors(fn: F) -> F:
    """Map expected failures to a message on stderr and the error's exit code; bugs still raise."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except AdWardenError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)

    return cast(F, wrapper)


class ErrorReportingGroup(click.Group):
    """The top-level group: an expected failure anywhere (a bad setting read before any command runs, a
    missing input file, a refused operation) prints one line naming the problem and exits with its code,
    never a traceback. Bugs still raise."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AdWardenError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"error: {where}{exc.strerror or exc}", err=True)
            ctx.exit(1)


def emit_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, default=str, ensure_ascii=False))
