"""``adwarden``: the command-line entry point."""

from __future__ import annotations

from importlib import import_module

import click

from adwarden import __version__
from adwarden.cli.common import ErrorReportingGroup, make_state

#: Command modules; each exposes ``commands`` (a list of click commands/groups). Areas append theirs.
COMMAND_MODULES = [
    "adwarden.cli.ingest",
    "adwarden.cli.serve",
    "adwarden.cli.cases",
    "adwarden.cli.webhooks",
    "adwarden.cli.audit",
    "adwarden.cli.demo",
    "adwarden.cli.extract",
    "adwarden.cli.banks",
    "adwarden.cli.policy",
    "adwarden.cli.networks",
    "adwarden.cli.reports",
    "adwarden.cli.dev",
    "adwarden.cli.legal",
    "adwarden.cli.evaluate",
    "adwarden.cli.keys",
    "adwarden.cli.scan",
    "adwarden.cli.model",
    "adwarden.cli.users",
]


@click.group(cls=ErrorReportingGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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


def _load_commands() -> None:
    for name in COMMAND_MODULES:
        for command in import_module(name).commands:
            cli.add_command(command)


_load_commands()


def main() -> None:
    cli(prog_name="adwarden")
