"""``adwarden``: the command-line entry point."""

from __future__ import annotations

from importlib import import_module

import click

from adwarden import __version__
from adwarden.cli.common import ErrorReportingGroup, make_state

#: Every top-level command and the module that defines it (each module exposes ``commands``, a list of click
#: commands/groups). Areas add theirs here.
COMMANDS: dict[str, str] = {
    "ingest": "adwarden.cli.ingest",
    "serve": "adwarden.cli.serve",
    "cases": "adwarden.cli.cases",
    "webhooks": "adwarden.cli.webhooks",
    "audit": "adwarden.cli.audit",
    "demo": "adwarden.cli.demo",
    "extract": "adwarden.cli.extract",
    "banks": "adwarden.cli.banks",
    "rescan": "adwarden.cli.banks",
    "policy": "adwarden.cli.policy",
    "networks": "adwarden.cli.networks",
    "reports": "adwarden.cli.reports",
    "dev": "adwarden.cli.dev",
    "legal": "adwarden.cli.legal",
    "evidence": "adwarden.cli.legal",
    "retention": "adwarden.cli.legal",
    "transparency": "adwarden.cli.legal",
    "eval": "adwarden.cli.evaluate",
    "keys": "adwarden.cli.keys",
    "scan": "adwarden.cli.scan",
    "model": "adwarden.cli.model",
    "users": "adwarden.cli.users",
}

#: The command modules, in the order of :data:`COMMANDS`.
COMMAND_MODULES = list(dict.fromkeys(COMMANDS.values()))


class LazyGroup(ErrorReportingGroup):
    """The top-level group, importing a command's module only when that command is looked up.

    Why: the command modules import most of AdWarden between them (the legal desk, NCMEC's schema, PDF, the
    classifier's scikit-learn), about two seconds of CPU that ``adwarden ingest`` or ``adwarden scan`` would pay
    before its first post. ``--help`` and shell completion still list every command (they look each one up)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in COMMANDS:
            _load_module(COMMANDS[cmd_name])
            command = super().get_command(ctx, cmd_name)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="adwarden")
@click.option("--database-url", envvar="ADWARDEN_DATABASE_URL", help="Database URL (default: SQLite in the data dir).")
@click.option("--data-dir", envvar="ADWARDEN_DATA_DIR", help="Data directory (default: ./var).")
@click.pass_context
def cli(ctx: click.Context, database_url: str | None, data_dir: str | None) -> None:
    """AdWarden: screen posts for sex trafficking and child sexual exploitation, link them into networks,
    review, report to NCMEC, and answer law enforcement with preserved evidence.

    Settings come from ADWARDEN_* environment variables (see docs/settings.md).
    """
    ctx.obj = make_state(database_url, data_dir)


def _load_module(module: str) -> None:
    for command in import_module(module).commands:
        if command.name not in cli.commands:
            cli.add_command(command)


def main() -> None:
    cli(prog_name="adwarden")
