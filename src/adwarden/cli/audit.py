"""``adwarden audit verify`` and ``adwarden audit checkpoint``: the chain, its anchors outside the database,
and the data tables against the log."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from adwarden.audit.checkpoint import check_checkpoints, load_checkpoints, make_checkpoint, write_checkpoint
from adwarden.audit.crosscheck import cross_check
from adwarden.audit.verify import verify_chain
from adwarden.cli.common import emit_json, get_state, handle_errors
from adwarden.legal.service import checkpoint_dir, signing_key


@click.group("audit")
def audit_group() -> None:
    """The tamper-evident audit log."""


@audit_group.command("verify")
@click.option("--checkpoints", "checkpoints", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Directory of signed checkpoints (kept outside the database): fail on any rewrite, "
              "truncation or deletion since one. Default: ADWARDEN_AUDIT_CHECKPOINT_DIR when it exists.")
@click.option("--no-tables", is_flag=True, help="Skip the cross-check of posts, cases and decisions against the log.")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def verify_cmd(checkpoints: Path | None, no_tables: bool, as_json: bool) -> None:
    """Exit 0 when the chain is intact, matches every checkpoint, and the stored post versions, cases and
    decisions match the events about them; exit 1 naming each problem otherwise.

    Checkpoint signatures are checked with the public half of the evidence signing key
    (ADWARDEN_LEGAL_SIGNING_KEY_PATH): an insider with database access cannot forge them."""
    state = get_state()
    rt = state.runtime
    directory = checkpoints or checkpoint_dir(state.settings)
    use_checkpoints = checkpoints is not None or directory.is_dir()
    problems: list[str] = []
    anchored = 0
    with rt.db.read() as conn:
        report = verify_chain(conn)
        if not report.ok:
            problems.append(f"chain broken at event {report.broken_seq}: {report.problem}")
        if use_checkpoints:
            loaded = load_checkpoints(directory, public_key=signing_key(state.settings).public_key())
            problems += list(loaded.problems)
            problems += check_checkpoints(conn, loaded.checkpoints)
            anchored = len(loaded.checkpoints)
        tables = None if no_tables else cross_check(conn)
    if tables is not None:
        problems += tables.problems
    if as_json:
        emit_json({"ok": not problems, "events": report.events, "broken_seq": report.broken_seq,
                   "problem": report.problem, "checkpoints": anchored if use_checkpoints else None,
                   "tables": None if tables is None else {"versions": tables.versions, "cases": tables.cases,
                                                          "decisions": tables.decisions},
                   "problems": problems})
    elif not problems:
        line = f"audit log intact: {report.events} events verified"
        if use_checkpoints:
            line += f", consistent with {anchored} signed checkpoint(s)"
        if tables is not None:
            line += (f"; {tables.versions} post versions, {tables.cases} cases and {tables.decisions} decisions "
                     "match their events")
        click.echo(line)
    else:
        click.echo(f"audit log BROKEN: {len(problems)} problem(s)", err=True)
        for p in problems[:200]:
            click.echo(f"  {p}", err=True)
    if not use_checkpoints and not as_json and not problems:
        click.echo("note: no checkpoints checked; without them a rewrite of the whole log cannot be detected "
                   "(see adwarden audit checkpoint)", err=True)
    if problems:
        sys.exit(1)


@audit_group.command("checkpoint")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write it (default ADWARDEN_AUDIT_CHECKPOINT_DIR). Ship this directory elsewhere.")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def checkpoint_cmd(directory: Path | None, as_json: bool) -> None:
    """Sign the current chain head (Ed25519, the evidence signing key) and write it as a checkpoint file.

    Run it from cron as often as you can afford to lose: any rewrite, truncation or deletion of the log
    before the newest shipped checkpoint is caught by `adwarden audit verify --checkpoints DIR`."""
    state = get_state()
    out_dir = directory or checkpoint_dir(state.settings)
    with state.runtime.db.read() as conn:
        cp = make_checkpoint(conn, signing_key(state.settings), now=datetime.now(UTC), reason="manual")
    path = write_checkpoint(cp, out_dir)
    if as_json:
        emit_json({**cp.to_json(), "path": str(path)})
    else:
        click.echo(f"checkpoint of event {cp.seq} written to {path}")


commands = [audit_group]
