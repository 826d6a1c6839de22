"""``adwarden banks`` (import, export, list, enable/disable) and ``adwarden rescan``.

Exit codes: 0 success; 1 invalid file (every bad line is printed as FILE:LINE: message, nothing is stored);
3 permission denied.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from adwarden.cli.common import emit_json, get_state, handle_errors
from adwarden.cli.rescreen import commands as rescreen_commands
from adwarden.identities.secrets_check import ensure_bank_key
from adwarden.retro.banks import export_bank, import_bank, list_banks, set_bank_enabled
from adwarden.retro.rescan import RescanJob, get_job, list_jobs, queue_full_rescan, run_pending, run_rescan

FORMATS = ["csv", "pytx", "hma"]


def _progress(quiet: bool) -> Any:
    if quiet or not sys.stderr.isatty():
        return None

    def show(job: RescanJob) -> None:
        click.echo(f"\r  rescan {job.id}: {job.done}/{job.total} posts, {job.changed} verdicts changed", err=True,
                   nl=job.done >= job.total)

    return show


@click.group("banks")
def banks_group() -> None:
    """Banks of known-bad identifiers, text templates and image hashes (see docs/policy.md#banks)."""


@banks_group.command("import")
@click.argument("name")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="File format (default: detected).")
@click.option("--label", "labels", multiple=True, help="Bank label (default label of entries without one).")
@click.option("--description", default="", help="Description of a new bank.")
@click.option("--no-wait", is_flag=True, help="Queue the rescan of affected posts without running it now.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@handle_errors
def import_cmd(name: str, file: Path, fmt: str | None, labels: tuple[str, ...], description: str, no_wait: bool,
               as_json: bool) -> None:
    """Import FILE into bank NAME (created on first import), then re-assess the stored posts it affects."""
    state = get_state()
    rt = state.runtime
    s = state.settings
    with rt.db.transaction() as conn:  # refuse a changed bank key before hashing entries under it
        ensure_bank_key(conn, s.bank_hmac_key.encode("utf-8"), actor=state.actor)
    result = import_bank(rt.db, name, file.read_bytes(), key=s.bank_hmac_key.encode("utf-8"), actor=state.actor,
                         fmt=fmt, source=str(file), labels=labels, description=description,  # type: ignore[arg-type]
                         region=s.default_region)
    rt.refresh_screener()
    job = None
    if result.rescan_job and not no_wait:
        job = run_rescan(rt, result.rescan_job, actor=state.actor, progress=_progress(as_json))
    out = {"bank": result.bank, "read": result.read, "added": result.added,
           "already_present": result.already_present, "affected_posts": result.affected_posts,
           "rescan": job.to_json() if job else ({"id": result.rescan_job, "status": "pending"}
                                                  if result.rescan_job else None)}
    if as_json:
        emit_json(out)
        return
    click.echo(f"bank {name}: {result.added} entries added ({result.already_present} already present), "
               f"{result.affected_posts} stored posts affected")
    if job:
        click.echo(f"rescan {job.id}: {job.done} posts re-assessed, {job.changed} verdicts changed")
    elif result.rescan_job:
        click.echo(f"rescan {result.rescan_job} queued (run `adwarden rescan`)")


@banks_group.command("export")
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@handle_errors
def export_cmd(name: str, fmt: str, out: Path | None) -> None:
    """Export bank NAME. Identifiers are exported as keyed hashes (KIND_hmac): raw values are never stored."""
    state = get_state()
    text, skipped = export_bank(state.runtime.db, name, fmt)  # type: ignore[arg-type]
    if out is not None:
        out.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    if skipped:
        click.echo(f"warning: {skipped} entries have no {fmt} signal type and were left out", err=True)


@banks_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def list_cmd(as_json: bool) -> None:
    """List banks with their entry counts."""
    with get_state().runtime.db.read() as conn:
        rows = list_banks(conn)
    if as_json:
        emit_json([{"name": b.name, "labels": list(b.labels), "enabled": b.enabled, "entries": n,
                    "description": b.description} for b, n in rows])
        return
    if not rows:
        click.echo("no banks")
    for b, n in rows:
        click.echo(f"{b.name:30s} {'enabled ' if b.enabled else 'disabled'} {n:8d} entries  {','.join(b.labels)}")


@banks_group.command("enable")
@click.argument("name")
@handle_errors
def enable_cmd(name: str) -> None:
    """Enable bank NAME (it is matched again)."""
    _set_enabled(name, True)


@banks_group.command("disable")
@click.argument("name")
@handle_errors
def disable_cmd(name: str) -> None:
    """Disable bank NAME (kept, never matched)."""
    _set_enabled(name, False)


def _set_enabled(name: str, enabled: bool) -> None:
    state = get_state()
    set_bank_enabled(state.runtime.db, name, enabled, actor=state.actor)
    click.echo(f"bank {name} {'enabled' if enabled else 'disabled'}")


@click.group("rescan", invoke_without_command=True)
@click.option("--all", "everything", is_flag=True, help="Queue and run a rescan of every stored post.")
@click.option("--status", "status_of", metavar="JOB", help="Show a rescan job's progress and exit.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@handle_errors
def rescan_cmd(ctx: click.Context, everything: bool, status_of: str | None, as_json: bool) -> None:
    """Run pending and interrupted rescans in the foreground (resumes where they stopped); returns when done.

    At scale, re-screen on Spark instead: `rescan export --out X`, `rescan spark X --out V`, `rescan load V`."""
    if ctx.invoked_subcommand is not None:
        return
    state = get_state()
    rt = state.runtime
    if status_of:
        with rt.db.read() as conn:
            job = get_job(conn, status_of)
        if as_json:
            emit_json(job.to_json())
        else:
            click.echo(f"{job.id} {job.status}: {job.done}/{job.total} posts, {job.changed} changed ({job.reason})")
        return
    if everything:
        queue_full_rescan(rt.db, actor=state.actor)
    rt.refresh_screener()
    jobs = run_pending(rt, actor=state.actor, progress=_progress(as_json))
    if as_json:
        emit_json({"jobs": [j.to_json() for j in jobs]})
        return
    if not jobs:
        with rt.db.read() as conn:
            done = len(list_jobs(conn))
        click.echo(f"nothing to rescan ({done} finished jobs)")
    for j in jobs:
        click.echo(f"rescan {j.id} ({j.trigger}): {j.done} posts re-assessed, {j.changed} verdicts changed")


for _sub in rescreen_commands:
    rescan_cmd.add_command(_sub)

commands = [banks_group, rescan_cmd]
