"""Clear errors at the edges: one line naming the problem, never a traceback, for every command."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest

from adwarden.cli.main import cli as root
from tests.conftest import Cli


def _leaf_commands() -> list[tuple[list[str], click.Command]]:
    """Every command path (``["legal", "show"]``...), so a new command cannot skip these checks."""
    out: list[tuple[list[str], click.Command]] = []

    def walk(group: click.Group, prefix: list[str]) -> None:
        ctx = click.Context(group)
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None, f"{[*prefix, name]} is listed but cannot be loaded"
            if isinstance(command, click.Group):
                walk(command, [*prefix, name])
            else:
                out.append(([*prefix, name], command))

    walk(root, [])
    return out


def _required_args(command: click.Command, existing: Path) -> list[str]:
    """Plausible values for a command's required parameters, so it gets past parsing to its settings."""
    def value(param: click.Parameter) -> str:
        t = param.type
        if isinstance(t, click.Choice):
            return str(t.choices[0])
        if isinstance(t, click.IntRange | click.FloatRange):
            return str(t.min if t.min is not None else 1)
        if isinstance(t, click.types.IntParamType | click.types.FloatParamType):
            return "1"
        if isinstance(t, click.DateTime):
            return "2026-01-01"
        return str(existing)

    args: list[str] = []
    for param in command.params:
        if not param.required:
            continue
        n = param.nargs if param.nargs > 0 else 1
        if isinstance(param, click.Option):
            args += [param.opts[0], *(value(param) for _ in range(n))]
        else:
            args += [value(param) for _ in range(n)]
    return args


def test_missing_input_file_is_one_line(cli: Cli) -> None:
    r = cli("ingest", "/nonexistent/posts.jsonl")
    assert r.exit_code == 1
    assert r.stderr == "error: /nonexistent/posts.jsonl: No such file or directory\n"
    assert "Traceback" not in r.output


COMMANDS = _leaf_commands()


@pytest.mark.parametrize("path", [c[0] for c in COMMANDS], ids=lambda c: " ".join(c))
def test_invalid_setting_is_one_line_for_every_command(cli: Cli, path: list[str], tmp_path: Path) -> None:
    command = dict((" ".join(p), c) for p, c in COMMANDS)[" ".join(path)]
    existing = tmp_path / "input.jsonl"
    existing.write_text("")
    r = cli(*path, "--help", env={"ADWARDEN_MAX_BODY_BYTES": "lots"})
    assert r.exit_code == 0  # --help needs no settings
    r = cli(*path, *_required_args(command, existing), env={"ADWARDEN_MAX_BODY_BYTES": "lots"})
    assert "Traceback" not in r.output
    if "invalid settings" in r.stderr:
        assert r.exit_code == 2
        assert r.stderr.splitlines() == [
            "error: invalid settings: ADWARDEN_MAX_BODY_BYTES='lots': Input should be a valid integer, "
            "unable to parse string as an integer"
        ]
    else:  # a command that never reads settings (policy check, demo generate...) runs as usual
        assert r.exit_code != 2 or "Usage:" in r.stderr, r.stderr[-2000:]


def test_most_commands_read_settings() -> None:
    """Guard for the walk above: it must reach the settings of the commands that have them."""
    assert len(COMMANDS) > 30


def test_secret_values_are_not_echoed(cli: Cli) -> None:
    r = cli("cases", "list", env={"ADWARDEN_ENVIRONMENT": "production", "ADWARDEN_API_KEYS": "not-json-secret"})
    assert r.exit_code == 2 and "ADWARDEN_API_KEYS" in r.stderr and "not-json-secret" not in r.stderr
    assert len(r.stderr.splitlines()) == 1


def test_rejected_records_fail_the_run(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "one-bad.jsonl"
    f.write_text(json.dumps({"external_id": "ok-1", "title": "Hello", "body": "call 206-555-0100"}) + "\n{oops\n")
    r = cli("ingest", str(f))
    assert r.exit_code == 1 and "1 of 2 records rejected" in r.stderr
