"""``adwarden audit verify``: recompute the audit hash chain."""

from __future__ import annotations

import sys

import click

from adwarden.audit.verify import verify_chain
from adwarden.cli.common import emit_json, get_state, handle_errors


@click.group("audit")
def audit_group() -> None:
    """The tamper-evident audit log."""


@audit_group.command("verify")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def verify_cmd(as_json: bool) -> None:
    """Exit 0 when the chain is intact; exit 1 naming the first broken event when any event was altered,
    inserted or removed."""
    rt = get_state().runtime
    with rt.db.read() as conn:
        report = verify_chain(conn)
    if as_json:
        emit_json({"ok": report.ok, "events": report.events, "broken_seq": report.broken_seq,
                   "problem": report.problem})
    elif report.ok:
        click.echo(f"audit log intact: {report.events} events verified")
    else:
        click.echo(f"audit log BROKEN at event {report.broken_seq}: {report.problem}", err=True)
    if not report.ok:
        sys.exit(1)


commands = [audit_group]
